"""Scenario parameters: a ``parameters:`` section and ``${name}`` placeholders.

A scenario declares its parameters with their defaults::

    parameters:
      parallelism: 1
      order: stop-first
    steps:
      - run: docker service update -d --update-parallelism ${parallelism} web
      - run: docker service update -d --update-order ${order} web

:func:`apply_parameters` replaces every ``${name}`` of a declared parameter
in the file's string values (before the schema and the other checks, so a
bad value is reported where its placeholder stands): a value that is only
the placeholder takes the parameter's value with its type (``replicas:
${replicas}`` stays a number), a longer text gets it as text.  ``swarmsim
run`` uses the defaults; ``swarmsim sweep --grid`` and
:func:`swarmsim.experiments.sweep` set them per run.

``${NAME}`` that names no parameter is left alone in ``files:`` and
``environment:`` (compose interpolation, ``docs/compose.md``); anywhere else
in a file that declares parameters it is an error (a misspelt parameter).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from typing import Any

from swarmsim.errors import ScenarioError
from swarmsim.scenario.yamlsource import Path, Positions, dotted

__all__ = ["apply_parameters", "declared_parameters"]

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FREE = ("files", "environment")  # where ${NAME} may belong to compose


def _error(
    file: str, positions: Positions, path: Path, message: str, key: bool = False
) -> ScenarioError:
    line, col = positions.of(path, key=key)
    return ScenarioError(file, line, col, dotted(path), message)


def _declared(file: str, data: dict[str, Any], positions: Positions) -> dict[str, Any]:
    section = data.get("parameters", {})
    if not isinstance(section, dict):
        raise _error(file, positions, ("parameters",), "expected a mapping of names to defaults")
    for name, value in section.items():
        path: Path = ("parameters", name)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise _error(file, positions, path, f"{name!r} is not a parameter name", key=True)
        if value is None or isinstance(value, dict | list):
            raise _error(file, positions, path, "a default is a string, a number or true/false")
    return dict(section)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply_parameters(
    file: str, data: dict[str, Any], positions: Positions, values: Mapping[str, object]
) -> dict[str, Any]:
    """``data`` with its placeholders replaced by ``values`` (else the defaults).

    Raises
    ------
    ScenarioError
        For a bad ``parameters:`` section, a value for a parameter the file
        does not declare, or a placeholder naming no parameter.

    Examples
    --------
    >>> from swarmsim.scenario.yamlsource import load_yaml
    >>> text = "parameters: {n: 2}\\nsteps:\\n  - run: scale web=${n}\\n"
    >>> data, where = load_yaml("x.yaml", text)
    >>> apply_parameters("x.yaml", data, where, {"n": 5})["steps"]
    [{'run': 'scale web=5'}]
    >>> apply_parameters("x.yaml", data, where, {"m": 5})
    Traceback (most recent call last):
    ...
    swarmsim.errors.ScenarioError: x.yaml:1:1: parameters: unknown parameter 'm' (parameters: n)
    """
    declared = _declared(file, data, positions)
    for name in values:
        if name not in declared:
            known = ", ".join(declared) or "none"
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (parameters: {known})"
            line, col = positions.of(("parameters",), key=True) if declared else (1, 1)
            raise ScenarioError(file, line, col, "parameters", f"unknown parameter {name!r}{hint}")
    if not declared:
        return data
    merged = {**declared, **values}

    def replace(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            return {k: replace(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [replace(v, (*path, i)) for i, v in enumerate(value)]
        if not isinstance(value, str) or "${" not in value:
            return value
        whole = _PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in merged:
            return merged[whole.group(1)]

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in merged:
                return _text(merged[name])
            if path and path[0] in _FREE:
                return match.group(0)
            close = difflib.get_close_matches(name, list(merged), n=1)
            hint = (
                f"; did you mean {close[0]!r}?" if close else f" (parameters: {', '.join(merged)})"
            )
            raise _error(file, positions, path, f"unknown parameter ${{{name}}}{hint}")

        return _PLACEHOLDER.sub(one, value)

    return {k: (v if k == "parameters" else replace(v, (k,))) for k, v in data.items()}


def declared_parameters(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``parameters:`` of a scenario file and their defaults (checked).

    Raises
    ------
    ScenarioError
        When the file cannot be read or its ``parameters:`` section is wrong.
    """
    from swarmsim.scenario.lesson import read_source
    from swarmsim.scenario.yamlsource import load_yaml

    file = os.fspath(path)
    data, positions = load_yaml(file, read_source(path))
    return _declared(file, data, positions) if isinstance(data, dict) else {}
