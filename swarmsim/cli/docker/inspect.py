"""What every ``docker ... inspect`` shares: ``--format`` and the element loop.

Mirrors ``cli: cli/command/inspect/inspector.go`` (``Inspect``: every reference
that resolves is printed, then the errors joined one per line; an empty
``--format`` prints an indented JSON array, ``json`` a compact one, anything
else is a Go template executed once per element) and the execution errors of
``text/template`` with ``missingkey=error``.

Differences
-----------
Templates are limited to ``{{.Field.Sub}}``, ``{{.}}``, ``{{json .Field}}`` and
``{{json .}}`` actions on the element's JSON document; any other action is
refused with ``template parsing error: unsupported template in swarmsim``.  A
map or list printed without ``json`` shows as JSON, not in Go's ``map[k:v]`` /
``[a b]`` syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from swarmsim.cli.docker import Output
from swarmsim.cli.docker.system import go_json
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError, DockerCLIError, SwarmSimError

__all__ = ["INSPECT_FORMAT_FLAG", "inspect_refs", "render_template"]

INSPECT_FORMAT_FLAG = FlagSpec(
    "format",
    "f",
    FlagKind.STRING,
    help="Format output using a custom template: 'json' or a Go template",
)

_ACTION = re.compile(r"\{\{-?\s*(json\s+)?((?:\.[A-Za-z0-9_]+)+|\.)\s*-?\}\}")


def render_template(template: str, value: Any) -> str:
    """Evaluate a template made of ``{{.A.B}}`` and ``{{json .A}}`` actions on JSON data.

    Raises
    ------
    DockerCLIError
        ``template parsing error: ...`` for anything else, as docker's inspect does.

    Examples
    --------
    >>> render_template("{{.Name}} {{json .}}", {"Name": "web"})
    'web {"Name":"web"}'
    """
    if "{{" in _ACTION.sub("", template):
        raise DockerCLIError("template parsing error: unsupported template in swarmsim")

    def lookup(match: re.Match[str]) -> str:
        current = value
        path = match.group(2)
        for part in path.split(".")[1:] if path != "." else ():
            if not isinstance(current, dict) or part not in current:
                raise DockerCLIError(
                    f'template parsing error: template: :1:{match.start() + 2}: executing "" '
                    f"at <{path}>: map has no entry for key {go_json(part)}"
                )
            current = current[part]
        if match.group(1):
            return go_json(current, indent=False)
        if isinstance(current, bool):
            return "true" if current else "false"
        return current if isinstance(current, str) else go_json(current, indent=False)

    return _ACTION.sub(lookup, template)


def inspect_refs(
    refs: list[str], fetch: Callable[[str], dict[str, Any]], fmt: str, out: Output
) -> None:
    """docker's ``inspect.Inspect``: every element that resolves, then the joined errors."""
    elements: list[dict[str, Any]] = []
    errors: list[str] = []
    for ref in refs:
        try:
            elements.append(fetch(ref))
        except DaemonError as error:
            errors.append(f"Error response from daemon: {error}")
        except SwarmSimError as error:
            errors.append(str(error))
    if fmt in ("", "json"):
        out.line(go_json(elements, indent=not fmt))
    else:
        out.write("".join(render_template(fmt, e) + "\n" for e in elements) or "\n")
    if errors:
        raise DockerCLIError("\n".join(errors), 1)
