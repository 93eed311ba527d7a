"""Validation of a compose file against docker's JSON schemas, with docker's messages.

Mirrors ``cli: cli/compose/schema/schema.go``: the schema is chosen by the
file's ``version`` (none or ``"3"`` means 3.13; a version without a schema
fails with ``unsupported Compose file version: <v>``), the ``ports`` and
``duration`` formats are checked as go-connections ``nat.ParsePortSpec`` and
Go's ``time.ParseDuration`` check them, and of all the errors the *most
specific* one is reported (the one with the longest dotted path; on a tie a
type error wins; for ``oneOf`` / ``anyOf`` the error of the closest branch) as
``<path> <description>``, where a type error reads ``must be a <type>``
(``services.web.deploy.replicas must be a integer``).

The ``config_schema_v3.*.json`` files beside this module are docker/cli's
``cli/compose/schema/data/`` schemas, unchanged (see ``NOTICE.md``).

Differences
-----------
Validation uses Python's ``jsonschema`` (draft 4) instead of gojsonschema.  The
order in which errors are found differs, so when several errors are equally
specific the one reported may differ from docker's choice; the closest branch
of a ``oneOf`` is the first one whose type matched instead of gojsonschema's
score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from swarmsim.units import parse_duration

__all__ = [
    "DEFAULT_VERSION",
    "SUPPORTED_VERSIONS",
    "SchemaError",
    "compose_version",
    "validate",
]

DEFAULT_VERSION = "3.13"
SUPPORTED_VERSIONS = tuple(f"3.{minor}" for minor in range(14))


class SchemaError(Exception):
    """A schema violation: where it is (a path into the file) and docker's message."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def go_sprint(value: object) -> str:
    """Go's ``fmt.Sprint`` of a decoded YAML scalar (``True`` -> ``true``, 3.0 -> ``3``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def compose_version(config: Mapping[str, Any]) -> str:
    """The file's version as docker normalises it (``schema.Version``)."""
    if "version" not in config:
        return DEFAULT_VERSION
    return normalize_version(go_sprint(config["version"]))


def normalize_version(version: str) -> str:
    """``""`` and ``"3"`` mean the newest 3.x schema."""
    return DEFAULT_VERSION if version in ("", "3") else version


def _is_port_spec(value: object) -> bool:
    from swarmsim.compose.ports import parse_port_spec

    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return True  # formats only apply to their types
    text = go_sprint(value) if not isinstance(value, str) else value
    try:
        parse_port_spec(text)
    except ValueError:
        return False
    return True


def _is_duration(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parse_duration(value)
    except ValueError:
        return False
    return True


_FORMATS = jsonschema.FormatChecker(formats=())
_FORMATS.checks("ports")(_is_port_spec)
_FORMATS.checks("duration")(_is_duration)


@cache
def _validator(version: str) -> jsonschema.Draft4Validator:
    text = resources.files(__name__).joinpath(f"config_schema_v{version}.json").read_text()
    return jsonschema.Draft4Validator(json.loads(text), format_checker=_FORMATS)


@dataclass(frozen=True)
class _Found:
    """One error as gojsonschema lists it: kind, value path, description."""

    kind: str
    path: tuple[str | int, ...]
    description: str
    key: str | None = None  # the offending key of an additional property

    @property
    def field(self) -> str:
        return ".".join(str(p) for p in self.path) if self.path else "(root)"

    @property
    def specificity(self) -> int:
        return len(self.field.split("."))


def _human_type(expected: object) -> str:
    if isinstance(expected, list):
        names = [_human_type(t) for t in expected]
        return ", ".join(names[:-1]) + " or " + names[-1]
    return {"object": "mapping", "array": "list"}.get(str(expected), str(expected))


def _go_json_list(values: Sequence[object]) -> str:
    return ", ".join(json.dumps(v) for v in values)


def _flatten(error: jsonschema.ValidationError) -> Iterable[_Found]:
    path = tuple(error.absolute_path)
    kind = str(error.validator)
    if kind in ("oneOf", "anyOf"):
        label = "number_one_of" if kind == "oneOf" else "number_any_of"
        text = (
            "Must validate one and only one schema (oneOf)"
            if kind == "oneOf"
            else "Must validate at least one schema (anyOf)"
        )
        yield _Found(label, path, text)
        branches: dict[int, list[jsonschema.ValidationError]] = {}
        for sub in error.context or ():
            branches.setdefault(int(sub.schema_path[0]), []).append(sub)
        best = next(
            (
                errs
                for _, errs in sorted(branches.items())
                if not any(e.validator == "type" and tuple(e.absolute_path) == path for e in errs)
            ),
            next(iter(branches.values()), []),
        )
        for sub in best:
            yield from _flatten(sub)
        return
    if kind == "type":
        yield _Found("invalid_type", path, "must be a " + _human_type(error.validator_value))
    elif kind == "additionalProperties":
        instance = error.instance if isinstance(error.instance, dict) else {}
        schema = error.schema if isinstance(error.schema, dict) else {}
        allowed = set(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        extra = [
            k for k in instance if k not in allowed and not any(re.search(p, k) for p in patterns)
        ]
        for key in extra:
            text = f"Additional property {key} is not allowed"
            yield _Found("additional_property_not_allowed", path, text, key)
    elif kind == "format":
        yield _Found("format", path, f"Does not match format '{error.validator_value}'")
    elif kind == "enum":
        field = ".".join(str(p) for p in path) if path else "(root)"
        values = error.validator_value
        allowed_values = _go_json_list(list(values) if isinstance(values, list) else [])
        yield _Found("enum", path, f"{field} must be one of the following: {allowed_values}")
    elif kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        yield _Found("required", path, f"{missing} is required")
    elif kind == "uniqueItems":
        yield _Found("unique", path, "array items must be unique")
    elif kind == "minimum":
        yield _Found(
            "number_gte", path, f"Must be greater than or equal to {error.validator_value}"
        )
    elif kind == "maximum":
        yield _Found("number_lte", path, f"Must be less than or equal to {error.validator_value}")
    elif kind == "pattern":
        yield _Found("pattern", path, f"Does not match pattern '{error.validator_value}'")
    else:
        yield _Found(kind, path, str(error.message))


def _most_specific(found: Sequence[_Found]) -> tuple[_Found, _Found | None]:
    """docker's ``getMostSpecificError``: longest path, then a type error; oneOf -> its child."""
    best = 0
    for i, err in enumerate(found):
        if err.specificity > found[best].specificity or (
            err.specificity == found[best].specificity
            and err.kind == "invalid_type"
            and found[best].kind != "invalid_type"
        ):
            best = i
    parent = found[best]
    if best + 1 < len(found) and parent.kind in ("number_one_of", "number_any_of"):
        return parent, found[best + 1]
    return parent, None


def validate(config: Mapping[str, Any], version: str) -> None:
    """Validate a whole file (as a plain dict) against the schema of ``version``.

    Raises
    ------
    SchemaError
        ``unsupported Compose file version: <v>`` or the most specific violation.

    Examples
    --------
    >>> validate({"services": {"web": {"image": "nginx", "deploy": {"replicas": "2"}}}}, "3.8")
    Traceback (most recent call last):
    ...
    swarmsim.compose.schema.SchemaError: services.web.deploy.replicas must be a integer
    """
    version = normalize_version(version)
    if version not in SUPPORTED_VERSIONS:
        raise SchemaError((), f"unsupported Compose file version: {version}")
    found: list[_Found] = []
    for error in _validator(version).iter_errors(config):
        found.extend(_flatten(error))
    if not found:
        return
    parent, child = _most_specific(found)
    description = child.description if child is not None else parent.description
    where = parent.path if parent.key is None else (*parent.path, parent.key)
    raise SchemaError(where, f"{parent.field} {description}")
