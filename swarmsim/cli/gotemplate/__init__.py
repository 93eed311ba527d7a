"""Go ``text/template`` as the docker CLI uses it for ``--format``.

``Template(source)`` parses once (with docker's functions, ``cli:
templates/templates.go`` ``Parse``); ``render(data)`` executes it over Python
values standing for Go values (see :mod:`swarmsim.cli.gotemplate.values`).
Errors are :class:`TemplateError` with Go's wording; callers prefix
``template parsing error: `` as docker does.

Examples
--------
>>> Template('{{range $i, $n := .Names}}{{if $i}}, {{end}}{{upper $n}}{{end}}').render(
...     {"Names": ["a", "b"]})
'A, B'
>>> Template("{{.Spec.Name | printf \\"%-6s\\"}}|").render({"Spec": {"Name": "web"}})
'web   |'
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.cli.gotemplate.exec import execute
from swarmsim.cli.gotemplate.funcs import BASIC_FUNCS, BUILTINS, HEADER_FUNCS
from swarmsim.cli.gotemplate.nodes import TemplateError
from swarmsim.cli.gotemplate.parse import parse
from swarmsim.cli.gotemplate.values import (
    NIL,
    NilPointer,
    Stringer,
    Struct,
    go_print,
    template_json,
)

__all__ = [
    "NIL",
    "NilPointer",
    "Stringer",
    "Struct",
    "Template",
    "TemplateError",
    "go_print",
    "template_json",
]


class Template:
    """A parsed template with docker's functions.

    Raises
    ------
    TemplateError
        On a syntax error (``template: :1: unclosed action``).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._funcs: dict[str, Callable[..., Any]] = {**BUILTINS, **BASIC_FUNCS}
        self._trees = parse(source, self._funcs)

    def render(self, data: Any, *, missingkey_error: bool = False) -> str:
        """Execute over ``data``; ``missingkey_error`` is Go's ``missingkey=error`` option.

        Raises
        ------
        TemplateError
            On an execution error (``template: :1:2: executing "" at <.X>: ...``).
        """
        return execute(
            self.source, self._trees, data, self._funcs, missingkey_error=missingkey_error
        )

    def render_header(self, header: Mapping[str, str]) -> str:
        """Execute over a table's header names with docker's ``HeaderFunctions``.

        A field the header does not know prints ``<no value>``, as in docker; an
        error ends the header where it happened.
        """
        funcs = {**BUILTINS, **HEADER_FUNCS}
        out: list[str] = []
        # docker ignores the header's error and keeps what was written
        with contextlib.suppress(TemplateError):
            execute(self.source, self._trees, dict(header), funcs, out=out)
        return "".join(out)
