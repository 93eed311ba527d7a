"""``docker node ls | ps | inspect | update | promote | demote | rm``.

Mirrors ``cli: cli/command/node/`` (``list.go``, ``ps.go``, ``inspect.go``,
``update.go``, ``promote.go``, ``demote.go``, ``remove.go``, ``formatter.go``
and its ``testdata/*.golden``): ``node ls`` prints full IDs, `` *`` after the
node the CLI talks to, and sorts by hostname in natural order; ``self`` names
that node; ``inspect --pretty`` follows the CLI's template tab for tab; plain
``inspect`` prints the Engine API JSON indented by four spaces.

Differences
-----------
The JSON and pretty forms omit ``TLSInfo`` (no certificates are simulated);
``Version.Index`` counts the node's committed changes instead of being a Raft
index.  ``inspect --format`` accepts ``pretty`` and the templates of
:mod:`swarmsim.cli.docker.inspect`; ``ls`` and ``ps`` take ``--format`` tables and
templates (:mod:`swarmsim.cli.docker.formatter`); ``TLSStatus`` is always ``Ready``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import NodeRole, pretty
from swarmsim.api.objects import Node, Task
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.formatter import choose_format, format_rows
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, inspect_refs
from swarmsim.cli.docker.system import (
    FILTER_FLAG,
    QUIET_FLAG,
    Command,
    natural_key,
    parse_filters,
    remove_each,
)
from swarmsim.cli.docker.tasks import filter_tasks, render_tasks
from swarmsim.cli.docker.timefmt import pretty_time, rfc3339nano
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import Struct
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.manager.controlapi.node import get_node, list_nodes, remove_node, update_node
from swarmsim.units import format_bytes_binary

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["node_json", "node_pretty", "resolve_node"]

PLUGINS = (
    ("Log", "awslogs"),
    ("Log", "fluentd"),
    ("Log", "gcplogs"),
    ("Log", "gelf"),
    ("Log", "journald"),
    ("Log", "json-file"),
    ("Log", "local"),
    ("Log", "splunk"),
    ("Log", "syslog"),
    ("Network", "bridge"),
    ("Network", "host"),
    ("Network", "ipvlan"),
    ("Network", "macvlan"),
    ("Network", "null"),
    ("Network", "overlay"),
    ("Volume", "local"),
)
"""The engine plugins every simulated node reports (sorted by type, then name)."""

_LS = Command(
    "docker node ls",
    "ls [OPTIONS]",
    "List nodes in the swarm",
    (
        FILTER_FLAG,
        FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template"),
        QUIET_FLAG,
    ),
    max_args=0,
    aliases=("list",),
)
_PS = Command(
    "docker node ps",
    "ps [OPTIONS] [NODE...]",
    "List tasks running on one or more nodes, defaults to current node",
    (
        FILTER_FLAG,
        FlagSpec("format", None, FlagKind.STRING, help="Pretty-print tasks using a Go template"),
        FlagSpec("no-resolve", None, FlagKind.BOOL, help="Do not map IDs to Names"),
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate output"),
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display task IDs"),
    ),
)
_INSPECT = Command(
    "docker node inspect",
    "inspect [OPTIONS] self|NODE [NODE...]",
    "Display detailed information on one or more nodes",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec(
            "pretty", None, FlagKind.BOOL, help="Print the information in a human friendly format"
        ),
    ),
    min_args=1,
)
_UPDATE = Command(
    "docker node update",
    "update [OPTIONS] NODE",
    "Update a node",
    (
        FlagSpec(
            "availability",
            None,
            FlagKind.STRING,
            help='Availability of the node ("active", "pause", "drain")',
        ),
        FlagSpec(
            "label-add", None, FlagKind.ARRAY, help='Add or update a node label ("key=value")'
        ),
        FlagSpec("label-rm", None, FlagKind.ARRAY, help="Remove a node label if exists"),
        FlagSpec("role", None, FlagKind.STRING, help='Role of the node ("worker", "manager")'),
    ),
    min_args=1,
    max_args=1,
)
_PROMOTE = Command(
    "docker node promote",
    "promote NODE [NODE...]",
    "Promote one or more nodes to manager in the swarm",
    min_args=1,
)
_DEMOTE = Command(
    "docker node demote",
    "demote NODE [NODE...]",
    "Demote one or more nodes from manager in the swarm",
    min_args=1,
)
_RM = Command(
    "docker node rm",
    "rm [OPTIONS] NODE [NODE...]",
    "Remove one or more nodes from the swarm",
    (FlagSpec("force", "f", FlagKind.BOOL, help="Force remove a node from the swarm"),),
    min_args=1,
    aliases=("remove",),
)


# ----------------------------------------------------------------------------- lookups


def resolve_node(swarm: Engine, ref: str) -> Node:
    """The node ``ref`` names; ``self`` is the node the CLI talks to (``Reference``)."""
    return get_node(swarm.ctx, swarm.current_node_id if ref == "self" else ref)


def _manager_status(swarm: Engine, node: Node) -> dict[str, Any] | None:
    """The API's ``ManagerStatus`` of a node (``None`` for workers)."""
    status = swarm.raft.manager_status(node.id)
    if not status:
        return None
    result: dict[str, Any] = {}
    if status == "Leader":
        result["Leader"] = True
    result["Reachability"] = "unreachable" if status == "Unreachable" else "reachable"
    result["Addr"] = f"{node.addr}:2377"
    return result


def _version(swarm: Engine, node: Node) -> int:
    return swarm.ctx.trace.node_changes(node.id)


def node_json(swarm: Engine, node: Node) -> dict[str, Any]:
    """The Engine API ``Node`` object (``GET /nodes/{id}``), keys in the API's order."""
    spec: dict[str, Any] = {
        "Labels": dict(node.labels),
        "Role": node.role.api_name,
        "Availability": node.availability.api_name,
    }
    engine: dict[str, Any] = {"EngineVersion": node.engine_version}
    if node.engine_labels:
        engine["Labels"] = dict(node.engine_labels)
    engine["Plugins"] = [{"Type": t, "Name": n} for t, n in PLUGINS]
    status: dict[str, Any] = {"State": node.status.api_name}
    if node.status_message:
        status["Message"] = node.status_message
    status["Addr"] = node.addr
    result: dict[str, Any] = {
        "ID": node.id,
        "Version": {"Index": _version(swarm, node)},
        "CreatedAt": rfc3339nano(node.created_at),
        "UpdatedAt": rfc3339nano(max(node.updated_at, node.created_at)),
        "Spec": spec,
        "Description": {
            "Hostname": node.hostname,
            "Platform": {"Architecture": node.arch, "OS": node.os},
            "Resources": {"NanoCPUs": node.nano_cpus, "MemoryBytes": node.memory_bytes},
            "Engine": engine,
        },
        "Status": status,
    }
    manager = _manager_status(swarm, node)
    if manager is not None:
        result["ManagerStatus"] = manager
    return result


def _labels_lines(title: str, labels: tuple[tuple[str, str], ...]) -> list[str]:
    if not labels:
        return []
    return [f"{title}:", *(f" - {k}={v}" if v else f" - {k}" for k, v in labels)]


def node_pretty(swarm: Engine, node: Node) -> str:
    """``docker node inspect --pretty`` of one node (``nodeInspectPrettyTemplate``)."""
    lines = [f"ID:\t\t\t{node.id}", *_labels_lines("Labels", node.labels)]
    lines += [
        f"Hostname:              \t{node.hostname}",
        f"Joined at:             \t{pretty_time(node.created_at)}",
        "Status:",
        f" State:\t\t\t{node.status.pretty}",
    ]
    if node.status_message:
        lines.append(f" Message:              \t{pretty(node.status_message)}")
    lines.append(f" Availability:         \t{node.availability.pretty}")
    if node.addr:
        lines.append(f" Address:\t\t{node.addr}")
    manager = _manager_status(swarm, node)
    if manager is not None:
        lines += [
            "Manager Status:",
            f" Address:\t\t{manager['Addr']}",
            f" Raft Status:\t\t{pretty(manager['Reachability'])}",
            f" Leader:\t\t{'Yes' if manager.get('Leader') else 'No'}",
        ]
    cpus = node.nano_cpus // 1_000_000_000
    memory = format_bytes_binary(node.memory_bytes) if node.memory_bytes else ""
    lines += [
        "Platform:",
        f" Operating System:\t{node.os}",
        f" Architecture:\t\t{node.arch}",
        "Resources:",
        f" CPUs:\t\t\t{cpus}",
        f" Memory:\t\t{memory}",
        "Plugins:",
    ]
    for kind in sorted({t for t, _ in PLUGINS}):
        lines.append(f" {kind}:\t\t{', '.join(n for t, n in PLUGINS if t == kind)}")
    lines.append(f"Engine Version:\t\t{node.engine_version}")
    lines += _labels_lines("Engine Labels", node.engine_labels)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- commands


_LS_TABLE = (
    "table {{.ID}} {{if .Self}}*{{else}} {{ end }}\t{{.Hostname}}\t{{.Status}}\t"
    "{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}"
)
_LS_RAW = (
    "node_id: {{.ID}}\\nhostname: {{.Hostname}}\\nstatus: {{.Status}}\\n"
    "availability: {{.Availability}}\\nmanager_status: {{.ManagerStatus}}\\n",
    "node_id: {{.ID}}",
)
_LS_HEADER = {
    "ID": "ID",
    "Self": "",
    "Hostname": "HOSTNAME",
    "Status": "STATUS",
    "Availability": "AVAILABILITY",
    "ManagerStatus": "MANAGER STATUS",
    "EngineVersion": "ENGINE VERSION",
    "TLSStatus": "TLS STATUS",
}


def _ls_row(swarm: Engine, node: Node) -> Struct:
    """docker's ``nodeContext`` (TLS certificates are not simulated: always ``Ready``)."""
    fields = {
        "ID": node.id,
        "Self": node.id == swarm.current_node_id,
        "Hostname": node.hostname,
        "Status": node.status.pretty,
        "Availability": node.availability.pretty,
        "ManagerStatus": swarm.raft.manager_status(node.id),
        "TLSStatus": "Ready",
        "EngineVersion": node.engine_version,
    }
    return Struct("*node.nodeContext", fields)


@command("node", "ls")
@command("node", "list")
def node_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node ls [-q] [--filter k=v]``."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_LS, parsed.get_list("filter"))
    nodes = sorted(list_nodes(swarm.ctx, filters), key=lambda n: natural_key(n.hostname))
    quiet = parsed.get_bool("quiet")
    fmt = choose_format(parsed.get_str("format") or "", _LS_TABLE, quiet=quiet, raw=_LS_RAW)
    out.write(format_rows(fmt, (_ls_row(swarm, node) for node in nodes), _LS_HEADER))


@command("node", "inspect")
def node_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node inspect [--pretty] [--format F] self|NODE...``."""
    parsed = _INSPECT.parse(argv, out)
    if parsed is None:
        return
    fmt = "pretty" if parsed.get_bool("pretty") else parsed.get_str("format") or ""
    if fmt.startswith("pretty") and fmt != "pretty":
        raise DockerCLIError("cannot supply extra formatting options to the pretty template")
    if fmt == "pretty":
        try:
            text = "".join(node_pretty(swarm, resolve_node(swarm, r)) for r in parsed.args)
        except DaemonError as error:
            raise DockerCLIError(f"Error response from daemon: {error}") from None
        out.write(text)
        return
    inspect_refs(parsed.args, lambda r: node_json(swarm, resolve_node(swarm, r)), fmt, out, "node")


@command("node", "update")
def node_update(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node update [--availability A] [--role R] [--label-add k=v] [--label-rm k] N``."""
    parsed = _UPDATE.parse(argv, out)
    if parsed is None:
        return
    ref = parsed.args[0]
    labels_add = {}
    for item in parsed.get_list("label-add"):
        key, _, value = item.partition("=")
        labels_add[key] = value
    update_node(
        swarm.ctx,
        swarm.raft,
        ref,
        availability=parsed.get_str("availability") if "availability" in parsed.changed else None,
        labels_add=labels_add,
        labels_rm=parsed.get_list("label-rm"),
        role=parsed.get_str("role") if "role" in parsed.changed else None,
    )
    out.line(ref)


def _change_roles(
    swarm: Engine, cmd: Command, argv: list[str], out: Output, role: NodeRole
) -> None:
    parsed = cmd.parse(argv, out)
    if parsed is None:
        return
    for ref in parsed.args:
        node = get_node(swarm.ctx, ref)
        if node.role == role:
            kind = "manager" if role == NodeRole.MANAGER else "worker"
            out.line(f"Node {node.id} is already a {kind}.")
            continue
        update_node(swarm.ctx, swarm.raft, node.id, role=role)
        if role == NodeRole.MANAGER:
            out.line(f"Node {ref} promoted to a manager in the swarm.")
        else:
            out.line(f"Manager {ref} demoted in the swarm.")


@command("node", "promote")
def node_promote(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node promote NODE...``."""
    _change_roles(swarm, _PROMOTE, argv, out, NodeRole.MANAGER)


@command("node", "demote")
def node_demote(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node demote NODE...``."""
    _change_roles(swarm, _DEMOTE, argv, out, NodeRole.WORKER)


@command("node", "rm")
@command("node", "remove")
def node_rm(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node rm [-f] NODE...``: each removed node's argument, then the joined errors."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    force = parsed.get_bool("force")
    remove_each(parsed.args, lambda ref: remove_node(swarm.ctx, swarm.raft, ref, force=force), out)


@command("node", "ps")
def node_ps(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker node ps [NODE...]`` (default ``self``): the task table of those nodes.

    As ``runPs``: each node's tasks are listed with the user's filters plus
    ``node=<id>``; a task listed twice is shown once; the table is printed when
    there is no error or at least one task, then the errors, one per line.
    """
    parsed = _PS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_PS, parsed.get_list("filter"))
    errors: list[str] = []
    found: dict[str, Task] = {}
    for ref in parsed.args or ["self"]:
        try:
            node = resolve_node(swarm, ref)
            node_filters = {**filters, "node": [*filters.get("node", ()), node.id]}
            tasks = filter_tasks(swarm, swarm.ctx.store.tasks.values(), node_filters)
        except DaemonError as error:
            errors.append(f"Error response from daemon: {error}")
            continue
        found.update((task.id, task) for task in tasks)
    if not errors or found:
        out.write(
            render_tasks(
                swarm,
                found.values(),
                no_trunc=parsed.get_bool("no-trunc"),
                quiet=parsed.get_bool("quiet"),
                no_resolve=parsed.get_bool("no-resolve"),
                fmt=parsed.get_str("format") or "",
            )
        )
    if errors:
        raise DockerCLIError("\n".join(errors), 1)
