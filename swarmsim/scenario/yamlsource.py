"""A YAML document as plain data, with the line and column of every key and value.

ruamel.yaml composes the document (YAML 1.2, the version where ``on`` and
``22:22`` are strings); this module turns the node tree into dicts, lists and
scalars itself, so it can refuse what a reader of YAML 1.1 would misread
before any value is used:

* a tab in the indentation, a duplicated key, a non-string key;
* an integer written with a leading zero (``0777``: octal 511 for YAML 1.1,
  777 for YAML 1.2) -- ambiguous, so refused.

The scalars YAML 1.1 reads differently (``on``/``yes``/``no``/``off``, and
sexagesimal ``1:30``) stay strings; :func:`yaml11_hint` explains them when a
later check refuses one of them.

Every error is a :class:`~swarmsim.errors.ScenarioError` with a 1-based line
and column.  Paths are tuples of keys and list indexes; :func:`dotted` spells
them ``steps[2].fault.node``.

This module has no swarmkit counterpart (docker/cli reads compose files with
``gopkg.in/yaml``, which follows YAML 1.1 for these scalars).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from swarmsim.errors import ScenarioError

__all__ = ["Path", "Positions", "dotted", "load_yaml", "yaml11_hint"]

Path = tuple[str | int, ...]
_YAML11_BOOLS = {"y", "yes", "n", "no", "on", "off"}
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def dotted(path: Path) -> str:
    """``("steps", 2, "fault")`` as ``steps[2].fault`` (the root is ``(root)``).

    A key that is not a plain word is quoted in brackets.

    >>> dotted(("steps", 2, "fault", "node")), dotted(())
    ('steps[2].fault.node', '(root)')
    >>> dotted(("images", "redis:3.0.7", "pull"))
    'images["redis:3.0.7"].pull'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
        else:
            text += f".{part}" if text else part
    return text or "(root)"


def yaml11_hint(raw: str) -> str:
    """Why a scalar a YAML 1.1 reader expects to be special is not (``""`` if it is not).

    >>> yaml11_hint("on")
    "'on' is the string 'on' in YAML 1.2 (YAML 1.1 read it as a boolean): write true or false"
    >>> yaml11_hint("1:30")
    "'1:30' is a string in YAML 1.2 (YAML 1.1 read it as the base-60 number 90): write 1m30s"
    """
    if raw.lower() in _YAML11_BOOLS:
        return (
            f"{raw!r} is the string {raw!r} in YAML 1.2 (YAML 1.1 read it as a boolean): "
            "write true or false"
        )
    if _SEXAGESIMAL.fullmatch(raw):
        value = 0.0
        for part in raw.lstrip("+-").replace("_", "").split(":"):
            value = value * 60 + float(part)
        number = f"{value:g}"
        minutes, seconds = divmod(value, 60)
        hours, minutes = divmod(minutes, 60)
        duration = "".join(
            f"{int(v) if unit != 's' else f'{v:g}'}{unit}"
            for v, unit in ((hours, "h"), (minutes, "m"), (seconds, "s"))
            if v
        )
        return (
            f"{raw!r} is a string in YAML 1.2 (YAML 1.1 read it as the base-60 number "
            f"{number}): write {duration or '0s'}"
        )
    return ""


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document starts, 1-based."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)  # the text of plain scalars

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path`` (its key with ``key``), else of its nearest ancestor."""
        probe = tuple(path)
        while True:
            table = self.keys if key else self.values
            if probe in table:
                return table[probe]
            if not probe:
                return (1, 1)
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]


def _check_tabs(file: str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            col = line.index("\t") + 1
            message = "a tab in the indentation: YAML indents with spaces only"
            raise ScenarioError(file, number, col, "(yaml)", message)


def load_yaml(file: str, text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain data and the positions of its parts.

    Raises
    ------
    ScenarioError
        For a syntax error, a tab in the indentation, a duplicated or
        non-string key, an alias to nothing or an ambiguous ``0777``.
    """
    _check_tabs(file, text)
    try:
        node = YAML(typ="rt").compose(io.StringIO(text))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "not valid YAML"
        context = f" ({error.context})" if error.context and error.problem else ""
        message = f"invalid YAML: {problem}{context}"
        if "expected <block end>" in problem or "mapping values are not allowed" in problem:
            message += ": check the indentation"
        raise ScenarioError(file, line, col, "(yaml)", message) from None
    except Exception as error:  # ruamel's other errors (a character YAML refuses...)
        line, col = 1, 1
        position = getattr(error, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = " ".join(str(error).split(' in "')[0].split())  # one line, no stream name
        raise ScenarioError(file, line, col, "(yaml)", f"invalid YAML: {reason}") from None
    positions = Positions()
    if node is None:
        return None, positions
    try:
        return _Converter(file, positions).convert(node, ()), positions
    except RecursionError:
        raise ScenarioError(file, 1, 1, "(yaml)", "the document is nested too deeply") from None


MAX_VALUES = 100_000  # aliases can make a small file expand without bound ("billion laughs")


class _Converter:
    def __init__(self, file: str, positions: Positions) -> None:
        self.file = file
        self.positions = positions
        self.values = 0
        self.open: set[int] = set()  # the collections being converted (an alias cycle)

    def _error(self, node: Node, path: Path, message: str) -> ScenarioError:
        mark = node.start_mark
        return ScenarioError(self.file, mark.line + 1, mark.column + 1, dotted(path), message)

    def convert(self, node: Node, path: Path) -> Any:
        mark = node.start_mark
        self.positions.values[path] = (mark.line + 1, mark.column + 1)
        self.values += 1
        if self.values > MAX_VALUES:
            raise self._error(node, path, f"more than {MAX_VALUES} values (aliases expanding?)")
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if id(node) in self.open:
            raise self._error(node, path, "an alias refers to a collection that contains it")
        self.open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or str(key_node.tag).endswith(":merge"):
                raise self._error(key_node, path, "a key must be a plain string")
            key = key_node.value
            key_path = (*path, key)
            if key in result:
                first = self.positions.keys[key_path]
                message = f"duplicate key {key!r} (first defined at line {first[0]})"
                raise self._error(key_node, key_path, message)
            mark = key_node.start_mark
            self.positions.keys[key_path] = (mark.line + 1, mark.column + 1)
            result[key] = self.convert(value_node, key_path)
        return result

    def _scalar(self, node: ScalarNode, path: Path) -> Any:
        raw: str = node.value
        if node.style is not None:  # quoted or block: always a string
            return raw
        self.positions.raw[path] = raw
        kind = str(node.tag).rsplit(":", 1)[-1]
        if kind == "null":
            return None
        if kind == "bool":
            return raw.lower() == "true"
        if kind == "int":
            if _LEADING_ZERO.fullmatch(raw):
                digits = raw.lstrip("+-").lstrip("0_") or "0"
                message = (
                    f"{raw} is ambiguous: YAML 1.1 reads it as an octal number, YAML 1.2 as "
                    f"{int(digits.replace('_', ''))}: write {digits} (or 0o{digits} for octal)"
                )
                raise self._error(node, path, message)
            return int(
                raw.replace("_", ""), 0 if "0o" in raw.lower() or "0x" in raw.lower() else 10
            )
        if kind == "float":
            text = raw.replace("_", "").lower()
            if text.lstrip("+-") in (".inf", ".nan"):
                text = text.replace(".", "")
            return float(text)
        return raw


def first_of(paths: Sequence[Path], positions: Positions) -> Path:
    """The path that comes first in the file (errors are reported in reading order)."""
    return min(paths, key=lambda p: positions.of(p))
