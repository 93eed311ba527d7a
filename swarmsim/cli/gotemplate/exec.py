"""Executing a parsed Go template over Python values.

Mirrors ``go: src/text/template/exec.go``: the dot and ``$`` variables, field
chains on structs and maps (``missingkey=error`` as an option), method calls
with arguments, function calls with Go's argument-count check, ``and``/``or``
evaluated lazily, pipelines passing each result as the next command's last
argument, ``if``/``with``/``range`` with ``else``, and errors located as Go
locates them (``template: :1:2: executing "" at <.Foo>: ...``).

Differences
-----------
Values are Python values (see :mod:`swarmsim.cli.gotemplate.values`); ``range``
over an integer counts from 0 as Go 1.22 does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.cli.gotemplate.funcs import ARITY, ArgError, FuncError
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
from swarmsim.cli.gotemplate.values import NilPointer, Struct, go_print, go_type, truth

__all__ = ["execute"]


class _State:
    def __init__(
        self, source: str, funcs: Mapping[str, Callable[..., Any]], missingkey_error: bool
    ) -> None:
        self.source = source
        self.funcs = funcs
        self.missingkey_error = missingkey_error
        self.vars: list[tuple[str, Any]] = []
        self.out: list[str] = []

    def fail(self, node: Node | Command | Action, message: str) -> TemplateError:
        pos = node.pos
        line_start = self.source.rfind("\n", 0, pos) + 1
        line = 1 + self.source.count("\n", 0, pos)
        column = pos - line_start
        return TemplateError(f'template: :{line}:{column}: executing "" at <{node}>: {message}')

    # ------------------------------------------------------------------ walk
    def walk(self, dot: Any, trees: list[Tree]) -> None:
        for tree in trees:
            if isinstance(tree, Text):
                self.out.append(tree.text)
            elif isinstance(tree, Action):
                value = self.pipeline(dot, tree.pipe)
                if not tree.pipe.decl:
                    self.out.append(go_print(value))
            else:
                self.branch(dot, tree)

    def branch(self, dot: Any, branch: Branch) -> None:
        mark = len(self.vars)
        value = self.pipeline(dot, branch.pipe) if branch.kind != "range" else None
        if branch.kind == "if":
            self.walk(dot, branch.body if truth(value) else branch.orelse)
        elif branch.kind == "with":
            self.walk(
                value if truth(value) else dot, branch.body if truth(value) else branch.orelse
            )
        else:
            self.range(dot, branch)
        del self.vars[mark:]

    def range(self, dot: Any, branch: Branch) -> None:
        pipe = branch.pipe
        value = self.pipeline(dot, Pipeline(pipe.pos, (), pipe.commands))
        items: list[tuple[Any, Any]]
        if isinstance(value, Mapping):
            items = sorted(value.items())
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(value)]
        elif value is None:
            items = []
        else:
            message = f"range can't iterate over {go_print(value)}"
            raise self.fail(pipe.commands[0].args[0], message)
        if not items:
            self.walk(dot, branch.orelse)
            return
        mark = len(self.vars)
        for key, element in items:
            if len(pipe.decl) == 1:
                self.vars.append((pipe.decl[0], element))
            elif len(pipe.decl) == 2:
                self.vars.extend(((pipe.decl[0], key), (pipe.decl[1], element)))
            self.walk(element, branch.body)
            del self.vars[mark:]

    # ------------------------------------------------------------- pipelines
    def pipeline(self, dot: Any, pipe: Pipeline) -> Any:
        value: Any = _NO_FINAL
        for command in pipe.commands:
            value = self.command(dot, command, value)
        if pipe.is_assign:
            for i in range(len(self.vars) - 1, -1, -1):
                if self.vars[i][0] == pipe.decl[0]:
                    self.vars[i] = (pipe.decl[0], value)
                    break
        elif len(pipe.decl) == 1:
            self.vars.append((pipe.decl[0], value))
        return value

    def command(self, dot: Any, command: Command, final: Any) -> Any:
        first, args = command.args[0], command.args[1:]
        if isinstance(first, Identifier):
            return self.call(dot, first, command, args, final)
        if isinstance(first, Field):
            return self.field(dot, first, args, final)
        if args or final is not _NO_FINAL:
            raise self.fail(first, f"can't give argument to non-function {first}")
        if isinstance(first, Literal) and first.text == "nil":
            raise self.fail(first, "nil is not a command")
        return self.operand(dot, first)

    def operand(self, dot: Any, node: Node) -> Any:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Variable):
            return self.variable(node)
        if isinstance(node, Field):
            return self.field(dot, node, (), _NO_FINAL)
        if isinstance(node, Pipeline):
            mark = len(self.vars)
            value = self.pipeline(dot, node)
            del self.vars[mark:]
            return value
        raise self.fail(node, f"can't give argument to non-function {node}")

    def variable(self, node: Variable) -> Any:
        for name, value in reversed(self.vars):
            if name == node.name:
                return value
        raise self.fail(node, f"undefined variable: {node.name}")

    def field(self, dot: Any, node: Field, args: tuple[Node, ...], final: Any) -> Any:
        if node.base is None:
            receiver = dot
        elif isinstance(node.base, Variable):
            receiver = self.variable(node.base)
        else:
            receiver = self.operand(dot, node.base)
        if not node.names:
            if args or final is not _NO_FINAL:
                raise self.fail(node, f"can't give argument to non-function {node}")
            return receiver
        for i, name in enumerate(node.names):
            last = i == len(node.names) - 1
            receiver = self.lookup(
                node, receiver, name, args if last else (), final if last else _NO_FINAL, dot
            )
        return receiver

    def lookup(
        self, node: Field, receiver: Any, name: str, args: tuple[Node, ...], final: Any, dot: Any
    ) -> Any:
        has_args = bool(args) or final is not _NO_FINAL
        if isinstance(receiver, Struct):
            if name not in receiver.fields:
                raise self.fail(node, f"can't evaluate field {name} in type {receiver.type_name}")
            value = receiver.fields[name]
            if callable(value):
                values = [self.operand(dot, a) for a in args]
                if final is not _NO_FINAL:
                    values.append(final)
                try:
                    return value(*values)
                except (ArgError, FuncError, TypeError) as error:
                    raise self.fail(node, f"error calling {name}: {error}") from None
            if has_args:
                raise self.fail(node, f"{name} has arguments but cannot be invoked as function")
            return value
        if isinstance(receiver, Mapping):
            if has_args:
                raise self.fail(node, f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missingkey_error:
                raise self.fail(node, f'map has no entry for key "{name}"')
            return None
        if receiver is None or isinstance(receiver, NilPointer):
            kind = getattr(receiver, "type_name", "") or "interface {}"
            raise self.fail(node, f"nil pointer evaluating {kind}.{name}")
        raise self.fail(node, f"can't evaluate field {name} in type {go_type(receiver)}")

    def call(
        self, dot: Any, ident: Identifier, command: Command, args: tuple[Node, ...], final: Any
    ) -> Any:
        name = ident.name
        count = len(args) + (final is not _NO_FINAL)
        fixed, variadic = ARITY.get(name, (count, False))
        if count < fixed or (not variadic and count != fixed):
            want = f"at least {fixed}" if variadic else str(fixed)
            raise self.fail(ident, f"wrong number of args for {name}: want {want} got {count}")
        if name in ("and", "or"):
            value: Any = None
            for arg in args:
                value = self.operand(dot, arg)
                if truth(value) == (name == "or"):
                    return value
            if final is not _NO_FINAL:
                value = final
            return value
        values = [self.operand(dot, a) for a in args]
        if final is not _NO_FINAL:
            values.append(final)
        try:
            return self.funcs[name](*values)
        except ArgError as error:
            raise self.fail(args[0] if args else ident, str(error)) from None
        except FuncError as error:
            raise self.fail(command, f"error calling {name}: {error}") from None


_NO_FINAL: Any = object()


def execute(
    source: str,
    trees: list[Tree],
    data: Any,
    funcs: Mapping[str, Callable[..., Any]],
    *,
    missingkey_error: bool = False,
    out: list[str] | None = None,
) -> str:
    """Run parsed ``trees`` of ``source`` with ``data`` as dot and ``$``.

    ``out`` receives the text as it is produced (what was written before an error).
    """
    state = _State(source, funcs, missingkey_error)
    if out is not None:
        state.out = out
    state.vars.append(("$", data))
    state.walk(data, trees)
    return "".join(state.out)
