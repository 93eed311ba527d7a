"""What ``docker secret`` and ``docker config`` share: reading data, tables, JSON, inspect.

Mirrors the twin files of ``cli: cli/command/secret/`` and ``cli/command/config/``
(``create.go`` ``readSecretData`` / ``readConfigData``, ``ls.go``, ``inspect.go``,
``remove.go``, ``formatter.go``: the ``ls`` contexts and their headers, the
``--pretty`` templates) and the Engine API's ``swarm.Secret`` / ``swarm.Config``
JSON.  :class:`Kind` holds what differs between the two.

Differences
-----------
Data is read from the real file system (a path relative to the process's
working directory; in a scenario, relative to its folder, its inline
``files:`` first: :func:`~swarmsim.cli.docker.stack.stack_workspace`) or,
for ``-``, from what the shell pipes in (``printf 'pw' | docker secret
create db_pw -``); without a pipe, standard input is empty.
``Version.Index`` is 1: the simulator keeps no Raft index for these objects.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from swarmsim.api.objects import Config, Secret
from swarmsim.cli.docker import Output
from swarmsim.cli.docker.formatter import choose_format, format_rows, labels_text
from swarmsim.cli.docker.inspect import inspect_refs, parse_template
from swarmsim.cli.docker.service_opts import validate_label
from swarmsim.cli.docker.system import Command, natural_key, parse_filters, remove_each
from swarmsim.cli.docker.timefmt import pretty_time, rfc3339nano
from swarmsim.cli.gotemplate import Struct, TemplateError
from swarmsim.cli.humanize import since
from swarmsim.compose.workspace import Workspace
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["Kind", "create_args", "inspect_payloads", "list_payloads", "read_data", "remove"]

Payload = Secret | Config


@dataclass(frozen=True)
class Kind:
    """One of the two payload kinds: its words, table, pretty template and API calls."""

    name: str  # "secret" or "config"
    table: str  # the default ``ls`` format
    header: dict[str, str]
    pretty: str  # the ``--pretty`` template
    context_type: str  # docker's ls context type, for template errors
    get: Callable[[Any, str], Payload]
    listing: Callable[[Any, Any], Sequence[Payload]]
    delete: Callable[[Any, str], Payload]


def _errno_text(error: OSError) -> str:
    """Go's text for the errno of a failed open or read."""
    reasons = {2: "no such file or directory", 13: "permission denied", 21: "is a directory"}
    return reasons.get(error.errno or 0, (error.strerror or "error").lower())


def read_data(
    kind: str, path: str, stdin: bytes | None, limit: int, workspace: Workspace | None = None
) -> bytes:
    """``readSecretData``: the bytes of ``path``, or of standard input for ``-``.

    At most ``2 * limit`` bytes are read, as docker's ``LimitReader``; the daemon
    then refuses data of ``limit`` bytes or more.

    Raises
    ------
    DockerCLIError
        ``<kind> file is required``, ``error reading from STDIN: data is empty``,
        ``error reading from <path>: open <path>: no such file or directory``...
    """
    if path == "-":
        data = (stdin or b"")[: 2 * limit]
        if not data:
            raise DockerCLIError("error reading from STDIN: data is empty")
        return data
    if not path:
        raise DockerCLIError(f"{kind} file is required")
    try:
        data = (workspace or Workspace()).read(path, 2 * limit)
    except IsADirectoryError as error:
        raise DockerCLIError(
            f"error reading from {path}: read {path}: {_errno_text(error)}"
        ) from None
    except OSError as error:
        raise DockerCLIError(
            f"error reading from {path}: open {path}: {_errno_text(error)}"
        ) from None
    if not data:
        raise DockerCLIError(f"error reading from {path}: data is empty")
    return data


def create_args(command: Command, labels: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The ``--label`` values checked (``ValidateLabel``) and made into sorted pairs.

    Raises
    ------
    DockerCLIError
        ``invalid argument "x" for "-l, --label" flag: ...`` (exit 125).
    """
    pairs: dict[str, str] = {}
    for value in labels:
        try:
            validate_label(value)
        except ValueError as error:
            raise command.flag_error(
                f'invalid argument {go_quote(value)} for "-l, --label" flag: {error}'
            ) from None
        key, _, text = value.partition("=")
        pairs[key] = text
    return tuple(sorted(pairs.items()))


def _spec_json(item: Payload) -> dict[str, Any]:
    spec = item.spec
    result: dict[str, Any] = {"Name": spec.name, "Labels": dict(spec.labels)}
    if isinstance(item, Config):
        result["Data"] = base64.b64encode(item.spec.data).decode()
    elif item.spec.driver:
        result["Driver"] = {"Name": item.spec.driver}
    if spec.template_driver:
        result["Templating"] = {"Name": spec.template_driver}
    return result


def payload_json(item: Payload) -> dict[str, Any]:
    """The ``swarm.Secret`` / ``swarm.Config`` the daemon returns (never a secret's data)."""
    return {
        "ID": item.id,
        "Version": {"Index": 1},
        "CreatedAt": rfc3339nano(item.created_at),
        "UpdatedAt": rfc3339nano(item.updated_at),
        "Spec": _spec_json(item),
    }


def _row(kind: Kind, item: Payload, now: float) -> Struct:
    labels = dict(item.spec.labels)
    fields: dict[str, Any] = {"ID": item.id, "Name": item.spec.name}
    if isinstance(item, Secret):
        fields["Driver"] = item.spec.driver
    fields |= {
        "CreatedAt": since(now - item.created_at),
        "UpdatedAt": since(now - item.updated_at),
        "Labels": labels_text(item.spec.labels),
        "Label": lambda name: labels.get(name, ""),
    }
    return Struct(kind.context_type, fields)


def list_payloads(
    swarm: Engine, kind: Kind, command: Command, argv: list[str], out: Output
) -> None:
    """``docker secret|config ls [-q] [--filter k=v] [--format F]``: sorted by name."""
    parsed = command.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(command, parsed.get_list("filter"))
    items = sorted(kind.listing(swarm.ctx, filters), key=lambda p: natural_key(p.spec.name))
    fmt = choose_format(parsed.get_str("format") or "", kind.table, quiet=parsed.get_bool("quiet"))
    rows = [_row(kind, item, swarm.ctx.now) for item in items]
    out.write(format_rows(fmt, rows, kind.header))


def _pretty_context(item: Payload) -> Struct:
    fields: dict[str, Any] = {
        "ID": item.id,
        "Name": item.spec.name,
        "Labels": dict(item.spec.labels),
    }
    if isinstance(item, Secret):
        fields["Driver"] = item.spec.driver
    fields["CreatedAt"] = pretty_time(item.created_at)
    fields["UpdatedAt"] = pretty_time(item.updated_at)
    if isinstance(item, Config):
        fields["Data"] = item.spec.data.decode("utf-8", "replace")
    return Struct(f"*{item.__class__.__name__.lower()}.inspectContext", fields)


def inspect_payloads(
    swarm: Engine, kind: Kind, command: Command, argv: list[str], out: Output
) -> None:
    """``docker secret|config inspect [--pretty] [-f F] NAME...``."""
    parsed = command.parse(argv, out)
    if parsed is None:
        return
    fmt = "pretty" if parsed.get_bool("pretty") else parsed.get_str("format") or ""
    if fmt.startswith("pretty") and fmt != "pretty":
        raise DockerCLIError("cannot supply extra formatting options to the pretty template")
    if fmt != "pretty":
        inspect_refs(
            parsed.args, lambda r: payload_json(kind.get(swarm.ctx, r)), fmt, out, kind.name
        )
        return
    template = parse_template(kind.pretty)
    text: list[str] = []
    for ref in parsed.args:
        try:
            item = kind.get(swarm.ctx, ref)
        except DaemonError as error:
            raise DockerCLIError(f"Error response from daemon: {error}") from None
        try:
            text.append(template.render(_pretty_context(item)) + "\n")
        except TemplateError as error:  # pragma: no cover - the pretty templates are fixed
            raise DockerCLIError(f"template parsing error: {error}") from None
    out.write("".join(text))


def remove(swarm: Engine, kind: Kind, command: Command, argv: list[str], out: Output) -> None:
    """``docker secret|config rm NAME...``: each removed argument, then the errors."""
    parsed = command.parse(argv, out)
    if parsed is None:
        return
    remove_each(parsed.args, lambda ref: kind.delete(swarm.ctx, ref), out)
