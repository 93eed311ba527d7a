"""Reading one compose file: YAML with anchors and merge keys, and where every value is.

Mirrors ``cli: cli/compose/loader/loader.go`` ``ParseYAML`` (the top level must
be a mapping, keys must be strings) and the YAML decoding of ``go.yaml.in/yaml/v3``
the CLI uses.  ruamel.yaml's round-trip loader keeps each key's and value's
line and column, so that every error can name ``FILE:LINE:COL``.

Differences
-----------
ruamel.yaml reads YAML 1.2; like yaml.v3, ``yes``/``no`` stay strings, and an
integer written with a leading zero (``0440``) is read as octal, as yaml.v3 does.
Syntax errors carry ruamel's description of the problem, not yaml.v3's.
Dates stay the text written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

__all__ = ["ComposeError", "ComposeFile", "Path", "parse_compose"]

Path = tuple[str | int, ...]


class ComposeError(ValueError):
    """A compose file was rejected: docker's message, and where (if known).

    ``str()`` gives ``FILE:LINE:COL: message`` when a position is known,
    ``FILE: message`` when only the file is, else the bare message.
    """

    def __init__(self, message: str, filename: str = "", line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        self.path: Path | None = None

    def at(self, path: Path) -> ComposeError:
        """Remember where in the file the error is (the loader adds the position)."""
        self.path = path
        return self

    def __str__(self) -> str:
        if self.filename and self.line:
            return f"{self.filename}:{self.line}:{self.column}: {self.message}"
        if self.filename:
            return f"{self.filename}: {self.message}"
        return self.message


@dataclass
class ComposeFile:
    """One decoded file: its name, its data as plain Python values, value positions."""

    filename: str
    data: dict[str, Any]
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)  # 1-based
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path) -> tuple[int, int] | None:
        """The line and column of the value at ``path`` or, failing that, of its parent."""
        while True:
            if path in self.key_positions and path in self.positions:
                return self.key_positions[path]
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def error(self, message: str, path: Path | None = None) -> ComposeError:
        """A :class:`ComposeError` placed at ``path`` (at the file when it has no position)."""
        where = self.position(path) if path is not None else None
        if where is None:
            return ComposeError(message, self.filename)
        return ComposeError(message, self.filename, *where)


def _scalar(value: Any) -> Any:
    kind = type(value).__name__
    if kind == "ScalarBoolean":
        return bool(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        width = getattr(value, "_width", None)
        digits = str(int(value))
        if kind == "ScalarInt" and width and width > len(digits) and set(digits) <= set("01234567"):
            return int(digits, 8)  # yaml.v3 reads a leading zero as octal
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


class _Builder:
    def __init__(self, filename: str) -> None:
        self.file = ComposeFile(filename, {})

    def _key_name(self, key: Any, path: Path) -> str:
        if isinstance(key, str):
            return str(key)
        where = "at top level" if not path else "in " + ".".join(str(p) for p in path)
        raise ComposeError(f"non-string key {where}: {_scalar(key)}", self.file.filename)

    def build(self, node: Any, path: Path) -> Any:
        if isinstance(node, CommentedMap):
            result: dict[str, Any] = {}
            for key, value in node.items():
                name = self._key_name(key, path)
                child = (*path, name)
                try:
                    line, col = node.lc.key(key)
                    self.file.key_positions[child] = (line + 1, col + 1)
                    vline, vcol = node.lc.value(key)
                    self.file.positions[child] = (vline + 1, vcol + 1)
                except (KeyError, TypeError):
                    pass  # a key brought in by a merge key (<<): no position of its own
                result[name] = self.build(value, child)
            return result
        if isinstance(node, CommentedSeq):
            items = []
            for index, value in enumerate(node):
                child = (*path, index)
                try:
                    line, col = node.lc.item(index)
                    self.file.positions[child] = (line + 1, col + 1)
                except (KeyError, TypeError, IndexError):
                    pass
                items.append(self.build(value, child))
            return items
        return _scalar(node)


def parse_compose(text: str, filename: str) -> ComposeFile:
    """Decode one compose file.

    Raises
    ------
    ComposeError
        A YAML syntax error (``yaml: line N: ...``), ``top-level object must be a
        mapping``, or a non-string key.

    Examples
    --------
    >>> f = parse_compose("services:\\n  web:\\n    image: nginx\\n", "c.yml")
    >>> f.data, f.position(("services", "web", "image"))
    ({'services': {'web': {'image': 'nginx'}}}, (3, 5))
    """
    yaml = YAML(typ="rt")
    try:
        node = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        line = mark.line + 1 if mark is not None else 0
        column = mark.column + 1 if mark is not None else 0
        raise ComposeError(f"yaml: line {line}: {problem}", filename, line, column) from None
    except YAMLError as error:
        raise ComposeError(f"yaml: {error}", filename) from None
    if not isinstance(node, CommentedMap):
        raise ComposeError("top-level object must be a mapping", filename)
    builder = _Builder(filename)
    builder.file.data = builder.build(node, ())
    return builder.file
