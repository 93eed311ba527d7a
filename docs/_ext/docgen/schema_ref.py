"""The scenario format reference, rendered from ``swarmsim/scenario/schema.json``.

Every object of the schema (the top level and each ``$defs`` entry that is an
object) becomes a table of its keys: the value each takes, and whether it is
required.  Objects whose keys depend on a discriminator (``fault`` by
``kind``) get one table per variant.  The prose explaining each key is in
``docs/scenarios.md``; this page is the exhaustive, always-current list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Warn = Callable[[str], None]


def _anchor(name: str) -> str:
    return "def-" + name.replace("_", "-")


def _code(value: object) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return f"`{text}`"


def describe(schema: Any) -> str:
    """One line of Markdown saying what value ``schema`` admits."""
    if schema is True:
        return "(see above)"
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    if "enum" in schema:
        return "one of " + ", ".join(_code(v) for v in schema["enum"])
    if "const" in schema:
        return _code(schema["const"])
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    parts: list[str] = []
    if kinds == ["array"]:
        least = schema.get("minItems", 0)
        what = "non-empty list" if least == 1 else f"list of at least {least}" if least else "list"
        parts.append(f"{what} of " + describe(schema.get("items", {})))
    elif kinds == ["object"] and "additionalProperties" in schema and not schema.get("properties"):
        names = schema.get("propertyNames", {}).get("pattern")
        key = f"name matching {_code(names)}" if names else "name"
        parts.append(f"mapping of {key} to " + describe(schema["additionalProperties"]))
    elif kinds:
        parts.append(" or ".join(kinds))
    bounds = [
        f"{word} {schema[key]}"
        for key, word in (
            ("minimum", "at least"),
            ("maximum", "at most"),
            ("minLength", "length at least"),
            ("maxItems", "items at most"),
            ("minProperties", "entries at least"),
        )
        if key in schema
    ]
    if "pattern" in schema:
        bounds.append(f"matching {_code(schema['pattern'])}")
    if bounds:
        parts.append("(" + ", ".join(bounds) + ")")
    return " ".join(parts) or "any value"


def _table(schema: dict[str, Any], skip: frozenset[str] = frozenset()) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| key | value | required |", "| --- | --- | --- |"]
    for key, sub in schema.get("properties", {}).items():
        if key in skip:
            continue
        rows.append(f"| `{key}` | {describe(sub)} | {'yes' if key in required else ''} |")
    return rows


def _nested(prefix: str, schema: dict[str, Any]) -> list[str]:
    """Tables for inline objects with their own keys (an expectation's ``running``, ...)."""
    lines: list[str] = []
    for key, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and sub.get("properties") and sub.get("type") == "object":
            lines += ["", f"`{prefix}.{key}` is an object:", "", *_table(sub)]
    return lines


def _variants(name: str, schema: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for branch in schema.get("allOf", []):
        condition = branch["if"]["properties"]
        ((field, test),) = condition.items()
        values = test.get("enum") or [test.get("const")]
        shown = ", ".join(_code(v) for v in values)
        lines += ["", f"When `{field}` is {shown}:", ""]
        then = branch["then"]
        if set(then.get("properties", {})) <= {field}:
            lines.append("no other key.")
        else:
            lines += _table(then, skip=frozenset({field}))
    return lines


def render(repo: Path, warn: Warn) -> str:
    """The whole reference page."""
    schema = json.loads((repo / "swarmsim" / "scenario" / "schema.json").read_text())
    lines = [
        "# Scenario format reference",
        "",
        "Generated from the JSON Schema shipped in the package",
        "(`swarmsim/scenario/schema.json`, also returned by",
        "`swarmsim.scenario.loader.schema()`) each time the documentation is built.",
        "The meaning of each key, with examples, is in [Scenario files](../scenarios.md).",
        "",
        "## Top level",
        "",
        f"A scenario is an object; keys not listed are errors. {schema.get('description', '')}",
        "",
        *_table(schema),
    ]
    defs: dict[str, Any] = schema.get("$defs", {})
    for name, sub in defs.items():
        lines += ["", f"({_anchor(name)})=", f"## `{name}`", ""]
        if sub.get("properties") and "allOf" not in sub:
            lines += [
                "An object; keys not listed are errors."
                if sub.get("additionalProperties") is False
                else "An object.",
                "",
                *_table(sub),
                *_nested(name, sub),
            ]
        elif "allOf" in sub:
            lines += ["An object; its keys depend on `kind`.", "", *_table(sub)]
            lines += _variants(name, sub)
        else:
            text = describe(sub)
            lines.append(text[:1].upper() + text[1:] + ".")
            if sub.get("properties"):
                lines += ["", *_table(sub)]
    known = set(defs)
    for ref in _refs(schema):
        if ref not in known:
            warn(f"scenario schema: $ref to unknown definition {ref!r}")
    return "\n".join(lines) + "\n"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []
