"""Load a scenario file: YAML with positions, the JSON Schema, then the meaning.

:func:`load_scenario` reads the file with :func:`~swarmsim.scenario.yamlsource.load_yaml`
(ruamel.yaml, YAML 1.2, positions kept), validates it against the schema
shipped beside this module (``schema.json``, JSON Schema 2020-12) and hands
it to :func:`~swarmsim.scenario.build.build_scenario` for the checks a schema
cannot make (a node, service or image that cannot exist, a time going
backwards, a duration that does not parse).  The first problem in reading
order becomes one :class:`~swarmsim.errors.ScenarioError`::

    drain.yaml:12:5: steps[3].fault.node: no node 'worker9' (nodes: manager1, worker1, worker2)

Nothing is run before the whole file is accepted.

This module has no swarmkit counterpart; it follows the way docker/cli
reports compose file errors (``cli/compose/loader``), with a position.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from swarmsim.errors import ScenarioError
from swarmsim.scenario.build import build_scenario
from swarmsim.scenario.lesson import load_lesson, read_source
from swarmsim.scenario.model import Scenario
from swarmsim.scenario.parameters import apply_parameters
from swarmsim.scenario.yamlsource import Path, Positions, dotted, load_yaml, yaml11_hint

__all__ = ["load_file", "load_scenario", "parse_scenario", "schema"]

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}


_KEY_KINDS = {
    "images": "a valid image reference (lowercase name, optional :tag)",
    "environment": "a valid variable name (letters, digits and '_', not first a digit)",
    "files": "a valid file name (a relative path in the scenario's folder: letters, digits, "
    "'_', '.', '-' and '/'; no part starting with '.')",
}


@cache
def schema() -> dict[str, Any]:
    """The scenario JSON Schema (``swarmsim/scenario/schema.json``)."""
    text = resources.files("swarmsim.scenario").joinpath("schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Any:
    return jsonschema.Draft202012Validator(schema())


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the whole number {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return "a list" if isinstance(value, list) else "a mapping"


def _expected(types: object) -> str:
    names = [types] if isinstance(types, str) else list(types)  # type: ignore[call-overload]
    return " or ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _schema_error(file: str, error: Any, positions: Positions) -> ScenarioError:
    """One jsonschema error as ``FILE:LINE:COL: path: message``."""
    path: Path = tuple(error.absolute_path)
    validator = error.validator
    value = error.instance
    raw = positions.raw.get(path, "")
    hint = yaml11_hint(raw) if raw else ""
    at_key = False
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        key = min(extra, key=lambda k: positions.of((*path, k), key=True))
        path, at_key = (*path, key), True
        known = ", ".join(sorted(allowed))
        message = f"unknown key {key!r}{_suggest(key, allowed) or f' (known keys: {known})'}"
        hint = yaml11_hint(key)
    elif validator == "required":
        missing = [k for k in error.validator_value if k not in value]
        message = f"missing key {missing[0]!r}"
    elif validator == "type":
        message = f"expected {_expected(error.validator_value)}, not {_kind(value)}"
    elif validator in ("enum", "const"):
        choices = error.validator_value if validator == "enum" else [error.validator_value]
        text = ", ".join(str(c) for c in choices)
        message = f"{_kind(value)} is not one of: {text}{_suggest(str(value), map(str, choices))}"
    elif "propertyNames" in error.schema_path:  # a key of images:, environment: or files:
        message = f"{value!r} is not {_KEY_KINDS[str(path[-1])]}"
        path, at_key = (*path, value), True
    elif validator == "pattern":
        message = f"{value!r} is not a valid name (letters, digits, '_', '.', '-')"
    elif validator == "minimum":
        message = f"must be at least {error.validator_value}, not {value}"
    elif validator == "maximum":
        message = f"must be at most {error.validator_value}, not {value}"
    elif validator == "maxItems":
        message = f"at most {error.validator_value} entries"
    elif validator in ("minItems", "minProperties", "minLength"):
        message = "must not be empty"
    else:  # pragma: no cover - every keyword of schema.json is handled above
        message = error.message
    line, col = positions.of(path, key=at_key)
    if hint:
        message = f"{message} ({hint})"
    return ScenarioError(file, line, col, dotted(path), message)


def _first_schema_error(file: str, data: Any, positions: Positions) -> ScenarioError | None:
    errors = list(_validator().iter_errors(data))
    if not errors:
        return None
    found = [(e.validator == "required", _schema_error(file, e, positions)) for e in errors]
    # the first in reading order (a missing key last: a misspelt key explains it better);
    # at one place the deepest path tells most
    return min(
        found,
        key=lambda f: (f[0], f[1].line, f[1].col, -f[1].path.count(".") - f[1].path.count("[")),
    )[1]


def parse_scenario(
    text: str, file: str = "<scenario>", *, parameters: Mapping[str, object] | None = None
) -> Scenario:
    """A checked :class:`~swarmsim.scenario.model.Scenario` from YAML text.

    ``parameters`` set the file's ``parameters:`` (the defaults otherwise;
    :mod:`~swarmsim.scenario.parameters`).

    Raises
    ------
    ScenarioError
        The first problem, as ``FILE:LINE:COL: path: message``.

    Examples
    --------
    >>> scenario = parse_scenario("name: hello\\nsteps:\\n  - run: docker node ls\\n")
    >>> scenario.steps[0].line, [m.name for m in scenario.cluster.machines]
    ('docker node ls', ['manager1', 'worker1', 'worker2'])
    >>> parse_scenario("name: hello\\nstesp: []\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    swarmsim.errors.ScenarioError: x.yaml:2:1: stesp: unknown key 'stesp'; did you mean 'steps'?
    """
    data, positions = load_yaml(file, text)
    if not isinstance(data, dict):
        message = f"a scenario is a mapping of keys (name, steps, ...), not {_kind(data)}"
        raise ScenarioError(file, 1, 1, "(root)", message)
    data = apply_parameters(file, data, positions, parameters or {})
    error = _first_schema_error(file, data, positions)
    if error is not None:
        raise error
    return build_scenario(file, data, positions)


def load_scenario(
    path: str | os.PathLike[str], *, parameters: Mapping[str, object] | None = None
) -> Scenario:
    """Read and check a scenario file (see :func:`parse_scenario`)."""
    return parse_scenario(read_source(path), os.fspath(path), parameters=parameters)


def load_file(path: str | os.PathLike[str]) -> Scenario:
    """A ``.txt`` lesson or a YAML scenario, by the file's suffix."""
    if os.fspath(path).endswith(".txt"):
        return load_lesson(path)
    return load_scenario(path)
