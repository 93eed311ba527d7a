"""``docker info`` / ``docker system info``, and the cobra plumbing every command shares.

The plumbing (:class:`Command`) reproduces what cobra and docker's root command
do around each subcommand (``cli: cli/cobra.go`` ``FlagErrorFunc``,
``cli/required.go``, the usage template, pflag's ``FlagUsagesWrapped``,
``opts/opts.go`` ``FilterOpt``): flag errors framed with the usage line
(exit 125), argument-count errors (exit 1), ``--help`` (exit 0) and
``--filter key=value`` parsing.  Small helpers the command modules share
live here too: :func:`go_json` (Go's JSON encoding for ``inspect``),
:func:`natural_less` / :data:`natural_key` (``fvbommel/sortorder``) and
:func:`remove_each` (the ``rm`` loop).

``docker info`` prints the daemon summary of ``cli: cli/command/system/info.go``
(``prettyPrintServerInfo``, ``printSwarmInfo``) for the node the CLI talks to,
including the ``Swarm: active`` block of the class notes.

Differences
-----------
Usage errors print docker's error line only, without the ``Usage:`` block and
the ``Run '... --help'`` hint docker adds below it, so every error is one line.
Help output does not wrap long flag descriptions at the terminal width.
``docker info`` prints a short subset of the real report: the client block
without plugins, container and image counts from the simulated node, the full
swarm block, and fixed engine facts (storage driver, kernel, OS...) that the
simulator does not model.  No ``--format``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import TYPE_CHECKING

from swarmsim.api.enums import NodeRole, TaskState
from swarmsim.api.objects import Node
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.identity import cluster_identity
from swarmsim.cli.flags import FlagError, FlagKind, FlagSpec, ParsedFlags, parse_flags
from swarmsim.cli.humanize import human_duration
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import require_leader
from swarmsim.units import format_bytes_binary, format_duration

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "FILTER_FLAG",
    "QUIET_FLAG",
    "Command",
    "go_json",
    "natural_key",
    "natural_less",
    "parse_filters",
    "remove_each",
]

_HELP = FlagSpec("help", "h", FlagKind.BOOL, help="Print usage", shorthand_deprecated="use --help")
_VALUE_NAMES = {
    FlagKind.BOOL: "",
    FlagKind.UINT64: "uint",
    FlagKind.ARRAY: "list",
    FlagKind.LIST: "strings",
    FlagKind.FLOAT: "float",
}

FILTER_FLAG = FlagSpec(
    "filter",
    "f",
    FlagKind.ARRAY,
    help="Filter output based on conditions provided",
    value_name="filter",
)
QUIET_FLAG = FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display IDs")

_HELP_COLUMNS = 79  # docker wraps help at the terminal width - 1 (80 when not a terminal)


def _wrap_n(width: int, slop: int, text: str) -> tuple[str, str]:
    """pflag's ``wrapN``: cut ``text`` at the last blank before ``width``."""
    if width + slop > len(text):
        return text, ""
    cut = max(text.rfind(" ", 0, width), text.rfind("\t", 0, width), text.rfind("\n", 0, width))
    if cut <= 0:
        return text, ""
    newline = text.rfind("\n", 0, width)
    if 0 < newline < cut:
        return text[:newline], text[newline + 1 :]
    return text[:cut], text[cut + 1 :]


def _wrap(indent: int, text: str) -> str:
    """pflag's ``wrap``: a flag description wrapped for a column starting at ``indent``."""
    room = _HELP_COLUMNS - indent
    prefix = ""
    if room < 24:
        indent = 16
        room = _HELP_COLUMNS - indent
        prefix = "\n" + " " * indent
    if room < 24:
        return text.replace("\n", prefix)
    slop = 5
    room -= slop
    line, text = _wrap_n(room, slop, text)
    result = prefix + line.replace("\n", "\n" + " " * indent)
    while text:
        line, text = _wrap_n(room, slop, text)
        result += "\n" + " " * indent + line.replace("\n", "\n" + " " * indent)
    return result


def _flag_usage(spec: FlagSpec) -> tuple[str, str]:
    """The two columns of pflag's ``FlagUsages`` line for one flag."""
    names = f"  -{spec.shorthand}, --{spec.name}" if spec.shorthand else f"      --{spec.name}"
    value_name = spec.value_name or _VALUE_NAMES.get(spec.kind, spec.kind.value)
    if value_name:
        names += " " + value_name
    usage = spec.help
    default = spec.default
    if default not in (None, False, "", 0, 0.0, (), []):
        if spec.kind is FlagKind.DURATION and isinstance(default, int | float):
            usage += f" (default {format_duration(default)})"
        elif spec.kind is FlagKind.STRING:
            usage += f" (default {go_quote(str(default))})"
        elif default is True:
            usage += " (default true)"
        else:
            usage += f" (default {default})"
    return names, usage


@dataclass(frozen=True)
class Command:
    """One docker subcommand's cobra definition: usage, flags and argument count.

    Parameters
    ----------
    path
        The command path, e.g. ``docker node ls``.
    use
        cobra's ``Use`` (``ls [OPTIONS]``).
    short
        One-line description shown by ``--help``.
    flags
        The flags it accepts (``--help`` is added).
    min_args, max_args
        Accepted number of positional arguments (``max_args`` None = no limit).
    aliases
        Other names of the last word (``list``).
    """

    path: str
    use: str
    short: str
    flags: tuple[FlagSpec, ...] = ()
    min_args: int = 0
    max_args: int | None = None
    aliases: tuple[str, ...] = ()

    @property
    def use_line(self) -> str:
        """cobra's ``UseLine`` (``docker node ls [OPTIONS]``)."""
        return f"{self.path.rsplit(' ', 1)[0]} {self.use}"

    def flag_error(self, message: str) -> DockerCLIError:
        """A flag error as docker's ``FlagErrorFunc`` reports it (exit status 125).

        Only the error line is printed, not the usage block docker adds below
        it: every error of swarmsim is one line.
        """
        return DockerCLIError(message, 125)

    def help(self) -> str:
        """The ``--help`` text (docker's usage template)."""
        text = f"\nUsage:  {self.use_line}\n\n{self.short}\n"
        if self.aliases:
            parent = self.path.rsplit(" ", 1)[0]
            names = ", ".join([self.path, *(f"{parent} {a}" for a in self.aliases)])
            text += f"\nAliases:\n  {names}\n"
        if self.flags:
            rows = [_flag_usage(spec) for spec in sorted(self.flags, key=lambda s: s.name)]
            width = max(len(names) for names, _ in rows) + 1
            text += "\nOptions:\n"
            for names, usage in rows:
                line = f"{names.ljust(width)}  {_wrap(width + 2, usage)}"
                text += line.rstrip() + "\n"
        return text

    def _args_error(self, count: int) -> DockerCLIError | None:
        low, high = self.min_args, self.max_args
        if low <= count and (high is None or count <= high):
            return None
        word = "argument" if (high if high is not None else low) == 1 else "arguments"
        if high == 0:
            text = f"docker: '{self.path}' accepts no arguments"
        elif high is None:
            text = f"docker: '{self.path}' requires at least {low} {word}"
        elif low != high:
            text = f"docker: '{self.path}' requires at least {low} and at most {high} {word}"
        else:
            text = f"docker: '{self.path}' requires {low} {word}"
        return DockerCLIError(text, 1)

    def parse(self, argv: Sequence[str], out: Output) -> ParsedFlags | None:
        """Parse ``argv``; print help and return ``None`` for ``--help``.

        Raises
        ------
        DockerCLIError
            Flag errors (exit 125) and wrong argument counts (exit 1).
        """
        try:
            parsed = parse_flags(argv, (*self.flags, _HELP))
        except FlagError as error:
            raise self.flag_error(str(error)) from None
        for warning in parsed.warnings:
            out.error(warning)
        if parsed.get_bool("help"):
            out.write(self.help())
            return None
        args_error = self._args_error(len(parsed.args))
        if args_error is not None:
            raise args_error
        return parsed


def go_json(value: object, indent: bool = True) -> str:
    """JSON as Go's ``encoding/json`` writes it for ``docker ... inspect``.

    Indented output uses four spaces (``json.MarshalIndent(v, "", "    ")``); ``<``,
    ``>`` and ``&`` are escaped as Go does; non-ASCII text is written as is.

    Examples
    --------
    >>> go_json({"Name": "a<b", "Labels": {}}, indent=False)
    '{"Name":"a\\\\u003cb","Labels":{}}'
    """
    if indent:
        text = json.dumps(value, indent=4, ensure_ascii=False)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def natural_less(a: str, b: str) -> bool:
    """``sortorder.NaturalLess``: digit runs compare as numbers (``node-2`` < ``node-10``).

    Examples
    --------
    >>> sorted(["node-10", "node-2", "node-1"], key=natural_key)
    ['node-1', 'node-2', 'node-10']
    """
    i = j = 0
    while i < len(a) and j < len(b):
        da, db = a[i].isdigit(), b[j].isdigit()
        if da != db:
            return da
        if not da:
            if a[i] != b[j]:
                return a[i] < b[j]
            i, j = i + 1, j + 1
            continue
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        start_a, start_b = i, j
        while i < len(a) and a[i].isdigit():
            i += 1
        while j < len(b) and b[j].isdigit():
            j += 1
        num_a, num_b = a[start_a:i], b[start_b:j]
        if len(num_a) != len(num_b):
            return len(num_a) < len(num_b)
        if num_a != num_b:
            return num_a < num_b
        if start_a != start_b:
            return start_a < start_b
    return len(a) < len(b)


def _natural_cmp(a: str, b: str) -> int:
    return -1 if natural_less(a, b) else int(natural_less(b, a))


natural_key = cmp_to_key(_natural_cmp)
"""Sort key for :func:`natural_less` (``sorted(names, key=natural_key)``)."""


def remove_each(refs: Sequence[str], remove: Callable[[str], object], out: Output) -> None:
    """docker's ``rm`` loop (``service rm``, ``node rm``): each removed argument, then errors.

    Raises
    ------
    DockerCLIError
        The daemon's errors, ``Error response from daemon: ...`` one per line (exit 1).
    """
    errors: list[str] = []
    for ref in refs:
        try:
            remove(ref)
        except DaemonError as error:
            errors.append(f"Error response from daemon: {error}")
            continue
        out.line(ref)
    if errors:
        raise DockerCLIError("\n".join(errors))


def parse_filters(command: Command, values: Sequence[str]) -> dict[str, list[str]]:
    """``--filter`` values as ``{name: [values]}``, as docker's ``FilterOpt.Set``.

    Names are lower-cased, names and values trimmed; an empty value is ignored.

    Raises
    ------
    DockerCLIError
        ``invalid argument "x" for "-f, --filter" flag: bad format of filter
        (expected name=value)``, framed as a flag error.
    """
    filters: dict[str, list[str]] = {}
    for value in values:
        if not value:
            continue
        if "=" not in value:
            raise command.flag_error(
                f"invalid argument {go_quote(value)} for {go_quote(FILTER_FLAG.display_name)} "
                "flag: bad format of filter (expected name=value)"
            )
        name, _, rest = value.partition("=")
        filters.setdefault(name.strip().lower(), []).append(rest.strip())
    return filters


# --------------------------------------------------------------------------- docker info

_INFO = Command("docker info", "info [OPTIONS]", "Display system-wide information", max_args=0)
_SYSTEM_INFO = Command(
    "docker system info", "info [OPTIONS]", "Display system-wide information", max_args=0
)
_PLUGINS = (
    "  Volume: local",
    "  Network: bridge host ipvlan macvlan null overlay",
    "  Log: awslogs fluentd gcplogs gelf journald json-file local splunk syslog",
)
_CA_EXPIRY = 90 * 24 * 3600.0
_ENGINE = Node("", "")  # what every simulated engine reports: version, OS, architecture
ENGINE_VERSION, OS_TYPE, ARCHITECTURE = _ENGINE.engine_version, _ENGINE.os, _ENGINE.arch


def _swarm_block(engine: Engine) -> list[str]:
    """The ``Swarm:`` section of ``printSwarmInfo`` for the engine's machine."""
    store = engine.ctx.store
    node = store.nodes.get(engine.current_node_id)
    if node is None:
        pending = engine.host.pending_join
        if pending is None:
            return [" Swarm: inactive"]
        # a join still dialling: no node ID yet, the remote it dials as the only peer
        return [
            " Swarm: pending",
            "  NodeID: ",
            "  Is Manager: false",
            f"  Node Address: {pending.address}",
            "  Manager Addresses:",
            f"   {pending.remote}",
        ]
    manager = node.role == NodeRole.MANAGER
    managers = [n for n in store.nodes.values() if n.id in engine.raft.members]
    lines = [" Swarm: active", f"  NodeID: {node.id}"]
    error = ""
    if manager:
        try:
            require_leader(engine.ctx)
        except DaemonError as exc:
            error = str(exc)
    if error:
        lines.append(f"  Error: {error}")
    lines.append(f"  Is Manager: {'true' if manager else 'false'}")
    if manager and not error:
        settings = engine.ctx.settings
        pools = "".join(f"{pool}  " for pool in settings.default_addr_pool)
        lines += [
            f"  ClusterID: {cluster_identity(engine).cluster_id}",
            f"  Managers: {len(managers)}",
            f"  Nodes: {len(store.nodes)}",
            f"  Default Address Pool: {pools}",
            f"  SubnetSize: {settings.default_addr_pool_mask_length}",
            f"  Data Path Port: {settings.data_path_port}",
            "  Orchestration:",
            f"   Task History Retention Limit: {settings.task_history_limit}",
            "  Raft:",
            "   Snapshot Interval: 10000",
            "   Number of Old Snapshots to Retain: 0",
            "   Heartbeat Tick: 1",
            "   Election Tick: 10",
            "  Dispatcher:",
            f"   Heartbeat Period: {human_duration(settings.heartbeat_period)}",
            "  CA Configuration:",
            f"   Expiry Duration: {human_duration(_CA_EXPIRY)}",
            "   Force Rotate: 0",
            "  Autolock Managers: false",
            "  Root Rotation In Progress: false",
        ]
    lines.append(f"  Node Address: {node.addr}")
    lines.append("  Manager Addresses:")
    lines += [f"   {a}" for a in sorted(f"{n.addr}:2377" for n in managers)]
    return lines


def _daemon_id(engine: Engine) -> str:
    """A stable daemon ID (a UUID) for the engine's machine, derived from the seed.

    A machine in a swarm from the start keeps the ID derived from its first node
    ID, as before machines existed; a blank machine's comes from its hostname.
    """
    key = engine.current_node_id or f"machine:{engine.host.hostname}"
    seed = f"{engine.ctx.sim.seed}:daemon-id:{key}"
    hex32 = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def _info(engine: Engine, out: Output) -> None:
    machine = engine.host
    node_id = engine.current_node_id
    tasks = list(engine.ctx.store.tasks_on_node(node_id)) if node_id else []
    created = [t for t in tasks if TaskState.READY <= t.state <= TaskState.FAILED]
    running = sum(1 for t in created if t.state in (TaskState.STARTING, TaskState.RUNNING))
    agent = engine.agents.get(node_id)
    images = len(agent.image_cache) if agent is not None else 0
    lines = [
        "Client:",
        f" Version:    {ENGINE_VERSION}",
        " Context:    default",
        " Debug Mode: false",
        "",
        "Server:",
        f" Containers: {len(created)}",
        f"  Running: {running}",
        "  Paused: 0",
        f"  Stopped: {len(created) - running}",
        f" Images: {images}",
        f" Server Version: {ENGINE_VERSION}",
        " Storage Driver: overlay2",
        " Logging Driver: json-file",
        " Cgroup Driver: systemd",
        " Cgroup Version: 2",
        " Plugins:",
        *_PLUGINS,
        *_swarm_block(engine),
        " Runtimes: io.containerd.runc.v2 runc",
        " Default Runtime: runc",
        f" OSType: {OS_TYPE}",
        f" Architecture: {ARCHITECTURE}",
        f" CPUs: {int(machine.cpus)}",
        f" Total Memory: {format_bytes_binary(machine.memory)}",
        f" Name: {machine.hostname}",
        f" ID: {_daemon_id(engine)}",
        " Docker Root Dir: /var/lib/docker",
        " Debug Mode: false",
        " Experimental: false",
        " Insecure Registries:",
        "  ::1/128",
        "  127.0.0.0/8",
        " Live Restore Enabled: false",
        "",
    ]
    out.write("\n".join(lines) + "\n")


@command("info")
def info(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker info``."""
    if _INFO.parse(argv, out) is not None:
        _info(engine, out)


@command("system", "info")
def system_info(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker system info``."""
    if _SYSTEM_INFO.parse(argv, out) is not None:
        _info(engine, out)
