"""The tree of a parsed Go template: text, actions, branches and their operands.

Mirrors the node types of ``go: src/text/template/parse/node.go`` (``TextNode``,
``ActionNode``, ``IfNode`` / ``RangeNode`` / ``WithNode``, ``PipeNode``,
``CommandNode``, ``FieldNode`` / ``ChainNode`` / ``VariableNode``,
``IdentifierNode`` and the constants); ``str()`` of a node is Go's
``String()``, which execution errors quote (``at <.A.B>``).

Differences
-----------
``if``, ``range`` and ``with`` share one :class:`Branch` type; a field chain on a
parenthesised pipeline or a variable is a :class:`Field` with a ``base``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Action",
    "Branch",
    "Command",
    "Field",
    "Identifier",
    "Literal",
    "Node",
    "Pipeline",
    "TemplateError",
    "Text",
    "Tree",
    "Variable",
]


class TemplateError(Exception):
    """A parse or execution error, worded as Go's ``text/template`` words it."""


@dataclass(frozen=True)
class Field:
    """``.A.B`` (``names`` empty for ``.``) or a chain ``(pipe).A`` / ``$x.A`` on ``base``."""

    pos: int
    names: tuple[str, ...]
    base: Node | None = None

    def __str__(self) -> str:
        if self.base is None:
            return "." + ".".join(self.names) if self.names else "."
        return str(self.base) + "".join("." + n for n in self.names)


@dataclass(frozen=True)
class Variable:
    """``$`` or ``$name``."""

    pos: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Literal:
    """A string, number, boolean or ``nil`` constant, with its source text."""

    pos: int
    value: object
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Identifier:
    """A function name."""

    pos: int
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Command:
    """One command of a pipeline: operands, the first may be a function to call."""

    pos: int
    args: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(str(a) for a in self.args)


@dataclass(frozen=True)
class Pipeline:
    """Commands joined by ``|``, with the variables it declares or assigns."""

    pos: int
    decl: tuple[str, ...]
    commands: tuple[Command, ...]
    is_assign: bool = False
    parenthesised: bool = False

    def __str__(self) -> str:
        text = " | ".join(str(c) for c in self.commands)
        if self.decl:
            text = ", ".join(self.decl) + (" = " if self.is_assign else " := ") + text
        return f"({text})" if self.parenthesised else text


@dataclass(frozen=True)
class Text:
    """Literal text between actions."""

    text: str


@dataclass(frozen=True)
class Action:
    """``{{pipeline}}``: prints the value unless the pipeline declares variables."""

    pos: int
    pipe: Pipeline


@dataclass
class Branch:
    """``if``, ``range`` or ``with``: a pipeline, a body and an optional ``else`` body."""

    kind: str
    pos: int
    pipe: Pipeline
    body: list[Tree] = field(default_factory=list)
    orelse: list[Tree] = field(default_factory=list)


Node = Field | Variable | Literal | Identifier | Pipeline
Tree = Text | Action | Branch
