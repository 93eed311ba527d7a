"""``--format`` for list commands: tables, ``json`` and Go templates over row contexts.

Mirrors ``cli: cli/command/formatter/formatter.go`` (``Format.templateString``:
``table`` prefix removed, spaces trimmed, ``\\t`` and ``\\n`` written as two
characters turned into tab and newline; ``json`` is ``{{json .}}``;
``Context.Write``: each row executed and followed by a newline, a table's
header rendered with ``HeaderFunctions`` over the header names, then the
whole text aligned by a tabwriter ``(10, 1, 3, ' ')``) and the ``newFormat``
functions of each command (``table`` alone means the command's default table,
``-q`` with a table means ``{{.ID}}``).  A row is a
:class:`~swarmsim.cli.gotemplate.Struct` with the fields of docker's
``xxxContext`` type; ``{{json .}}`` prints them with keys sorted, as
``formatter.MarshalJSON`` does.

Differences
-----------
A template error stops the command before anything is printed, as docker's
buffer does; the header's own errors are ignored, as in docker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from swarmsim.cli.docker.inspect import parse_template
from swarmsim.cli.gotemplate import TemplateError
from swarmsim.cli.tabwriter import TabWriter
from swarmsim.errors import DockerCLIError

__all__ = ["QUIET_FORMAT", "choose_format", "format_rows", "labels_text"]

QUIET_FORMAT = "{{.ID}}"
"""``formatter.DefaultQuietFormat``."""


def choose_format(
    fmt: str, default_table: str, *, quiet: bool = False, raw: tuple[str, str] | None = None
) -> str:
    """A command's ``newFormat``: ``""`` or ``table`` is its default table, ``-q`` ``{{.ID}}``.

    ``raw`` is the command's ``raw`` format and its quiet form, if it has one.

    Examples
    --------
    >>> choose_format("", "table {{.ID}}\\t{{.Name}}", quiet=True)
    '{{.ID}}'
    >>> choose_format("{{.Name}}", "table {{.ID}}", quiet=True)
    '{{.Name}}'
    >>> choose_format("raw", "table {{.ID}}", raw=("id: {{.ID}}\\n", "id: {{.ID}}"))
    'id: {{.ID}}\\n'
    """
    if fmt in ("", "table"):
        return QUIET_FORMAT if quiet else default_table
    if fmt == "raw" and raw is not None:
        return raw[1] if quiet else raw[0]
    return fmt


def _template_string(fmt: str) -> str:
    if fmt == "json":
        return "{{json .}}"
    text = fmt.removeprefix("table")
    return text.strip(" ").replace("\\t", "\t").replace("\\n", "\n")


def format_rows(fmt: str, rows: Iterable[Any], header: Mapping[str, str]) -> str:
    """Render ``rows`` with a resolved format (see :func:`choose_format`).

    Parameters
    ----------
    fmt
        ``table ...``, ``json`` or a Go template.
    rows
        The row contexts (:class:`~swarmsim.cli.gotemplate.Struct`).
    header
        docker's ``SubHeaderContext``: field name -> column title.

    Raises
    ------
    DockerCLIError
        ``template parsing error: ...`` for a parse or execution error (exit 1).

    Examples
    --------
    >>> from swarmsim.cli.gotemplate import Struct
    >>> rows = [Struct("*x", {"ID": "1", "Name": "web"})]
    >>> print(format_rows("table {{.ID}}\\t{{.Name}}", rows, {"ID": "ID", "Name": "NAME"}), end="")
    ID        NAME
    1         web
    """
    template = parse_template(_template_string(fmt))
    lines: list[str] = []
    for row in rows:
        try:
            lines.append(template.render(row) + "\n")
        except TemplateError as error:
            raise DockerCLIError(f"template parsing error: {error}") from None
    if not fmt.startswith("table"):
        return "".join(lines)
    writer = TabWriter()
    writer.write(template.render_header(header) + "\n" + "".join(lines))
    return writer.flush()


def labels_text(labels: Iterable[tuple[str, str]]) -> str:
    """A context's ``Labels``: ``k=v`` pairs sorted and joined with commas.

    Examples
    --------
    >>> labels_text([("b", "2"), ("a", "")])
    'a=,b=2'
    """
    return ",".join(sorted(f"{k}={v}" for k, v in labels))
