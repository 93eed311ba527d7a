"""Lexing and parsing Go ``text/template`` source into a tree.

Mirrors ``go: src/text/template/parse/lex.go`` and ``parse.go``: text and
``{{ }}`` actions with ``{{-`` / ``-}}`` trim markers and ``/* */`` comments;
pipelines of commands joined by ``|`` with optional ``$x :=`` / ``$k, $v :=``
declarations; operands (fields ``.A.B``, variables ``$x.A``, ``.``, strings,
raw strings, numbers, booleans, ``nil``, function names, parenthesised
pipelines with a field chain) and the ``if``, ``range``, ``with``, ``else``,
``else if``, ``else with`` and ``end`` actions.  Parse errors read like Go's
(``template: :1: function "foo" not defined``).

Differences
-----------
``define``, ``template``, ``block``, ``break`` and ``continue`` are refused with
``template: :LINE: swarmsim: {{NAME}} is not supported``; character constants
and complex numbers are not lexed.  Node positions are byte offsets of Python
``str`` characters, which equal Go's for ASCII templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from swarmsim.cli.gotemplate.nodes import (
    Action,
    Branch,
    Command,
    Field,
    Identifier,
    Literal,
    Node,
    Pipeline,
    TemplateError,
    Text,
    Tree,
    Variable,
)

__all__ = ["parse"]


_BUILTINS = frozenset({"and", "or"})  # evaluated by the executor itself
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<comment>/\*.*?\*/)|(?P<raw>`[^`]*`)|(?P<str>"(?:[^"\\\n]|\\.)*")
    |(?P<num>[-+]?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
    |(?P<decl>:=)|(?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)|(?P<var>\$[A-Za-z0-9_]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<punct>[|(),=])""",
    re.VERBOSE | re.DOTALL,
)
_CHAIN = re.compile(r"(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


@dataclass
class _Token:
    kind: str
    text: str
    pos: int


def _unquote(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1]
    escapes = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "r": "\r", "'": "'", "a": "\a"}
    return re.sub(
        r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)",
        lambda m: (
            chr(int(m.group(1)[1:], 16))
            if len(m.group(1)) > 1
            else escapes.get(m.group(1), m.group(1))
        ),
        text[1:-1],
    )


def _number(text: str) -> int | float:
    clean = text.replace("_", "")
    try:
        return int(clean, 0)
    except ValueError:
        return float(clean)


class _Parser:
    """Recursive descent over the actions of one template source."""

    def __init__(self, source: str, funcs: Iterable[str]) -> None:
        self.source = source
        self.funcs = frozenset(funcs) | _BUILTINS
        self.tokens: list[_Token] = []
        self.index = 0
        self.vars: list[str] = ["$"]
        self.marks: list[int] = []  # len(vars) when each open branch began

    def line(self, pos: int) -> int:
        return 1 + self.source.count("\n", 0, pos)

    def fail(self, pos: int, message: str) -> TemplateError:
        return TemplateError(f"template: :{self.line(pos)}: {message}")

    # ------------------------------------------------------------------ lexing
    def lex_action(self, start: int, end: int) -> list[_Token]:
        tokens: list[_Token] = []
        pos = start
        while pos < end:
            match = _TOKEN.match(self.source, pos, end)
            if match is None or match.end() == pos:
                char = self.source[pos]
                if char == '"':
                    raise self.fail(pos, "unterminated quoted string")
                raise self.fail(pos, f"bad character {_go_quote_char(char)}")
            kind = match.lastgroup or ""
            if kind == "comment" and (tokens or self.source[match.end() : end].strip()):
                raise self.fail(pos, "comment ends before closing delimiter")
            if kind not in ("space", "comment"):
                tokens.append(_Token(kind, match.group(), pos))
            pos = match.end()
        return tokens

    # ----------------------------------------------------------------- parsing
    def parse(self) -> list[Tree]:
        root: list[Tree] = []
        stack: list[tuple[Branch, list[Tree]]] = []  # open branch, list holding it
        current = root
        pos = 0
        source = self.source
        trim_next = False
        while True:
            start = source.find("{{", pos)
            text = source[pos:] if start < 0 else source[pos:start]
            trim_left = start >= 0 and _is_trim(source, start + 2, start + 3)
            if trim_next:
                text = text.lstrip(_SPACE)
            if trim_left:
                text = text.rstrip(_SPACE)
            if text:
                current.append(Text(text))
            if start < 0:
                break
            inner = start + (3 if trim_left else 2)
            close = self._find_close(inner)
            if close < 0:
                raise self.fail(start, "unclosed action")
            trim_right = close - 2 >= inner and _is_trim(source, close - 1, close - 2)
            end = close - 1 if trim_right else close
            pos, trim_next = close + 2, trim_right
            self.tokens = self.lex_action(inner, end)
            self.index = 0
            if not self.tokens:
                if source[inner:end].strip().startswith("/*"):
                    continue
                raise self.fail(start, "missing value for command")
            current = self._action(start, stack, current)
        if stack:
            raise self.fail(len(source), "unexpected EOF")
        return root

    def _find_close(self, pos: int) -> int:
        """Index of the ``}}`` ending the action at ``pos``, skipping quoted text."""
        source = self.source
        while pos < len(source):
            if source.startswith("}}", pos):
                return pos
            char = source[pos]
            if char in '"`':
                match = _TOKEN.match(source, pos)
                if match is None or match.lastgroup not in ("str", "raw"):
                    raise self.fail(
                        pos,
                        "unterminated quoted string"
                        if char == '"'
                        else "unterminated raw quoted string",
                    )
                pos = match.end()
                continue
            if source.startswith("/*", pos):
                stop = source.find("*/", pos + 2)
                if stop < 0:
                    raise self.fail(pos, "unclosed comment")
                pos = stop + 2
                continue
            pos += 1
        return -1

    def _action(
        self, start: int, stack: list[tuple[Branch, list[Tree]]], current: list[Tree]
    ) -> list[Tree]:
        first = self.tokens[0]
        word = first.text if first.kind == "ident" else ""
        if word in ("if", "range", "with"):
            self.index = 1
            mark = len(self.vars)
            branch = Branch(word, first.pos, self._pipeline(word, allow_decl=True))
            current.append(branch)
            stack.append((branch, current))
            self.marks.append(mark)
            return branch.body
        if word == "end":
            if not stack:
                raise self.fail(start, "unexpected {{end}}")
            if len(self.tokens) > 1:
                raise self.fail(start, f"unexpected {_quote(self.tokens[1].text)} in end")
            del self.vars[self.marks.pop() :]
            return stack.pop()[1]
        if word == "else":
            if not stack:
                raise self.fail(start, "unexpected {{else}}")
            branch, parent = stack[-1]
            if len(self.tokens) == 1:
                return branch.orelse
            nested = self.tokens[1]
            if nested.text != branch.kind or nested.text not in ("if", "with"):
                raise self.fail(start, f"unexpected {_quote(nested.text)} in else")
            self.index = 2
            inner = Branch(nested.text, nested.pos, self._pipeline(nested.text, allow_decl=True))
            branch.orelse = [inner]
            stack[-1] = (inner, parent)
            return inner.body
        if word in ("define", "template", "block", "break", "continue"):
            raise self.fail(start, f"swarmsim: {{{{{word}}}}} is not supported")
        current.append(Action(start, self._pipeline("command", allow_decl=True)))
        return current

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _pipeline(self, context: str, *, allow_decl: bool, closing: str = "") -> Pipeline:
        decl: list[str] = []
        is_assign = False
        start = self.peek()
        pos = start.pos if start else 0
        if allow_decl and start is not None and start.kind == "var":
            rest = self.tokens[self.index + 1 : self.index + 4]
            if (rest and rest[0].kind == "decl") or (rest and rest[0].text == "="):
                decl = [start.text]
                is_assign = rest[0].text == "="
                self.index += 2
            elif (
                len(rest) >= 3
                and rest[0].text == ","
                and rest[1].kind == "var"
                and rest[2].kind == "decl"
            ):
                if context != "range":
                    raise self.fail(pos, "too many declarations in " + context)
                decl = [start.text, rest[1].text]
                self.index += 4
            if is_assign and decl[0] not in self.vars:
                raise self.fail(pos, f"undefined variable {_quote(decl[0])}")
        commands: list[Command] = []
        while True:
            token = self.peek()
            if token is None or (token.text == closing and closing):
                break
            commands.append(self._command(closing))
            token = self.peek()
            if token is not None and token.text == "|":
                self.index += 1
                continue
        if not commands:
            raise self.fail(pos, f"missing value for {context}")
        for i, command in enumerate(commands[1:], 1):
            if isinstance(command.args[0], Literal):
                raise self.fail(pos, f"non executable command in pipeline stage {i + 1}")
        if not is_assign:
            self.vars.extend(decl)
        return Pipeline(pos, tuple(decl), tuple(commands), is_assign)

    def _command(self, closing: str) -> Command:
        args: list[Node] = []
        token = self.peek()
        pos = token.pos if token else 0
        while True:
            token = self.peek()
            if token is None or token.text == "|" or (closing and token.text == closing):
                break
            args.append(self._operand())
        if not args:
            raise self.fail(pos, "missing value for command")
        return Command(pos, tuple(args))

    def _operand(self) -> Node:
        token = self.tokens[self.index]
        self.index += 1
        node: Node
        if token.kind == "field":
            node = Field(token.pos, tuple(token.text.split(".")[1:]) if token.text != "." else ())
        elif token.kind == "var":
            if token.text not in self.vars:
                raise self.fail(token.pos, f"undefined variable {_quote(token.text)}")
            node = Variable(token.pos, token.text)
        elif token.kind in ("str", "raw"):
            node = Literal(token.pos, _unquote(token.text), token.text)
        elif token.kind == "num":
            node = Literal(token.pos, _number(token.text), token.text)
        elif token.kind == "ident":
            constants: dict[str, object] = {"true": True, "false": False, "nil": None}
            if token.text in constants:
                node = Literal(token.pos, constants[token.text], token.text)
            elif token.text in self.funcs:
                node = Identifier(token.pos, token.text)
            else:
                raise self.fail(token.pos, f"function {_quote(token.text)} not defined")
        elif token.text == "(":
            pipe = self._pipeline("parenthesized pipeline", allow_decl=False, closing=")")
            if self.peek() is None:
                raise self.fail(token.pos, "unclosed left paren")
            self.index += 1
            node = Pipeline(token.pos, pipe.decl, pipe.commands, parenthesised=True)
        else:
            raise self.fail(token.pos, f"unexpected {_quote(token.text)} in operand")
        following = self.peek()
        if (
            following is not None
            and following.kind == "field"
            and following.pos == self._end(token)
        ):
            if isinstance(node, Literal | Identifier):
                raise self.fail(following.pos, f"unexpected {_quote(following.text)} in operand")
            self.index += 1
            names = tuple(following.text.split(".")[1:])
            node = (
                Field(token.pos, names, node)
                if not isinstance(node, Field)
                else Field(node.pos, node.names + names, node.base)
            )
        return node

    def _end(self, token: _Token) -> int:
        if token.text == "(":
            return self.tokens[self.index - 1].pos + 1
        return token.pos + len(token.text)


_SPACE = " \t\r\n"


def _is_trim(source: str, dash: int, space: int) -> bool:
    """Whether ``source[dash]`` is a trim marker: ``-`` next to a space."""
    return source[dash : dash + 1] == "-" and source[space : space + 1] in tuple(_SPACE)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_quote_char(char: str) -> str:
    return f"U+{ord(char):04X}" if not char.isprintable() else f"{char!r}"


def parse(source: str, funcs: Iterable[str] = ()) -> list[Tree]:
    """Parse ``source``; ``funcs`` names the functions the template may call.

    Raises
    ------
    TemplateError
        With Go's wording, e.g. ``template: :1: unclosed action``.

    Examples
    --------
    >>> [str(n.pipe) for n in parse("a {{.A.B | printf}}", ["printf"]) if isinstance(n, Action)]
    ['.A.B | printf']
    """
    return _Parser(source, funcs).parse()
