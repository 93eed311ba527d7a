"""``docker ps`` / ``docker container ls | list | ps``: the containers of this machine.

The CLI talks to the engine of the machine it runs on (``swarm.current_node_id``);
its containers are the swarm task containers that machine's agent created
(:mod:`swarmsim.agent.containers`).  Mirrors ``cli: cli/command/container/list.go``
(flags, ``-n``/``-l``, ``-q`` overriding ``--format`` with a warning),
``cli/command/formatter/container.go`` (columns, ``--no-trunc``, ``Command``
quoted and cut to 20 columns, ``RunningFor``, host ports as ``DisplayablePorts``
prints them, the ``raw`` format and ``json``), the daemon's listing (``moby:
daemon/list.go``: newest first, running only unless ``-a``, a ``status``
filter or a limit; filters ``id``/``name`` as regular expressions, ``label``,
``status``, ``exited``, ``is-task``; ``daemon/container/state.go`` for the
``Up 5 minutes`` / ``Exited (1) 2 minutes ago`` / ``Created`` texts) and
``swarmkit: swarmd/dockerexec/container.go`` for names
(``SERVICE.SLOT.TASKID``, global ``SERVICE.NODEID.TASKID``) and the
``com.docker.swarm.*`` labels.

Differences
-----------
The engine is not modelled: a container's ID is derived from the seed and its
task, its command is the service's ``--entrypoint`` and arguments (the image's
own entrypoint is unknown, so ``""`` when the service gives none), sizes are
``0B``, mounts and volumes are empty.  Filters the daemon knows but the simulator does
not model (``ancestor``, ``before``, ``since``, ``network``, ``publish``,
``expose``, ``volume``, ``health``, ``isolation``) say so.  A health-checked
container shows ``(health: starting)`` until its task runs, then ``(healthy)``;
the unhealthy spell before such a task fails is not shown.  Stopped containers
follow :mod:`swarmsim.agent.containers` (kept while their task is in the store,
so they outlive a crash of their machine; running ones do not).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from swarmsim.agent.containers import containers_of, live_controllers
from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.formatter import format_rows, labels_text
from swarmsim.cli.docker.inspect import parse_template
from swarmsim.cli.docker.system import FILTER_FLAG, Command, parse_filters
from swarmsim.cli.docker.tasks import display_image, ellipsis, task_name
from swarmsim.cli.docker.timefmt import go_time
from swarmsim.cli.docker.unsimulated import not_simulated
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import Struct
from swarmsim.cli.humanize import human_duration
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.manager.controlapi import check_filter_names

if TYPE_CHECKING:
    from swarmsim.agent.executor import TaskController
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "command_line",
    "container_id",
    "container_labels",
    "container_name",
    "container_state",
    "health_status",
    "machine_containers",
    "status_text",
]

_TABLE = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
)
_RAW = (
    "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\n"
    "state: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\nnames: {{.Names}}\n"
    "labels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\n"
)
_HEADER = {
    "ID": "CONTAINER ID",
    "Names": "NAMES",
    "Image": "IMAGE",
    "Command": "COMMAND",
    "CreatedAt": "CREATED AT",
    "RunningFor": "CREATED",
    "Ports": "PORTS",
    "State": "STATE",
    "Status": "STATUS",
    "Size": "SIZE",
    "Labels": "LABELS",
    "Mounts": "MOUNTS",
    "LocalVolumes": "LOCAL VOLUMES",
    "Networks": "NETWORKS",
    "Platform": "PLATFORM",
    "HealthStatus": "HEALTH STATUS",
}
_FILTERS = ("exited", "id", "is-task", "label", "name", "status")
_UNMODELLED_FILTERS = frozenset(
    {"ancestor", "before", "expose", "health", "isolation", "network", "publish", "since", "volume"}
)
_STATES = ("created", "restarting", "running", "removing", "paused", "exited", "dead")
_IGNORED_FORMAT = "WARNING: Ignoring custom format, because both --format and --quiet are set."

_PS_FLAGS = (
    FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display container IDs"),
    FlagSpec("size", "s", FlagKind.BOOL, help="Display total file sizes"),
    FlagSpec("all", "a", FlagKind.BOOL, help="Show all containers (default shows just running)"),
    FlagSpec("no-trunc", None, FlagKind.BOOL, help="Don't truncate output"),
    FlagSpec(
        "latest",
        "l",
        FlagKind.BOOL,
        help="Show the latest created container (includes all states)",
    ),
    FlagSpec(
        "last",
        "n",
        FlagKind.INT,
        default=-1,
        help="Show n last created containers (includes all states)",
    ),
    FlagSpec(
        "format",
        None,
        FlagKind.STRING,
        help="Format output using a custom template:\n'table':            Print output in "
        "table format with column headers (default)\n'table TEMPLATE':   Print output in table "
        "format using the given Go template\n'json':             Print in JSON format\n"
        "'TEMPLATE':         Print output using the given Go template.\nRefer to "
        "https://docs.docker.com/go/formatting/ for more information about formatting "
        "output with templates",
    ),
    FILTER_FLAG,
)
_PS = Command(
    "docker ps",
    "ps [OPTIONS]",
    "List containers",
    _PS_FLAGS,
    max_args=0,
    alias_line="docker container ls, docker container list, docker container ps, docker ps",
)
_CONTAINER_LS = replace(_PS, path="docker container ls", use="ls [OPTIONS]", aliases=("ps", "list"))


def container_id(swarm: Engine, task_id: str) -> str:
    """The 64-hex-digit ID of a task's container, derived from the seed and the task."""
    return hashlib.sha256(f"{swarm.ctx.sim.seed}:container:{task_id}".encode()).hexdigest()


def machine_containers(swarm: Engine) -> list[TaskController]:
    """The containers of the machine the CLI runs on, newest first."""
    agent = swarm.agents.get(swarm.current_node_id)
    if agent is None:
        return []
    found = containers_of(agent)
    order = {id(c): i for i, c in enumerate(found)}
    return sorted(found, key=lambda c: (c.created_at or 0.0, order[id(c)]), reverse=True)


def container_state(controller: TaskController, live: bool) -> str:
    if controller.finished_at is not None or not live:
        return "exited" if controller.started_at is not None else "created"
    return "running" if controller.started_at is not None else "created"


def health_status(controller: TaskController) -> str:
    health = controller.task.spec.container.healthcheck
    if health is None or health.disabled or not health.test:
        return ""
    return "healthy" if controller.state >= TaskState.RUNNING else "starting"


def status_text(swarm: Engine, controller: TaskController, state: str) -> str:
    """The daemon's ``Status``: ``Up 5 minutes``, ``Exited (1) 2 minutes ago``, ``Created``."""
    now = swarm.now
    if state == "running":
        assert controller.started_at is not None
        health = health_status(controller)
        suffix = {"": "", "healthy": " (healthy)", "starting": " (health: starting)"}[health]
        return f"Up {human_duration(now - controller.started_at)}{suffix}"
    if state == "exited":
        assert controller.finished_at is not None
        ago = human_duration(now - controller.finished_at)
        return f"Exited ({controller.exit_code}) {ago} ago"
    return "Created"


def container_name(swarm: Engine, controller: TaskController) -> str:
    task = controller.task
    service = swarm.ctx.store.services.get(task.service_id)
    return task_name(service.spec.name if service is not None else task.service_name, task)


def container_labels(controller: TaskController) -> dict[str, str]:
    """``containerConfig.labels``: container spec labels, then the swarm's own."""
    task = controller.task
    labels = dict(task.spec.container.labels)
    labels.update(
        {
            "com.docker.swarm.node.id": task.node_id,
            "com.docker.swarm.service.id": task.service_id,
            "com.docker.swarm.service.name": task.service_name,
            "com.docker.swarm.task": "",
            "com.docker.swarm.task.id": task.id,
            "com.docker.swarm.task.name": task_name(task.service_name, task),
        }
    )
    return labels


def command_line(controller: TaskController) -> list[str]:
    container = controller.task.spec.container
    return [*container.command, *container.args]


def _ports(controller: TaskController, state: str) -> str:
    """``DisplayablePorts`` of the host-mode published ports (IPv4 and IPv6 bindings)."""
    if state != "running":
        return ""
    ports = sorted(
        (p.target_port, p.published_port, p.protocol)
        for p in controller.task.host_ports
        if p.published_port and p.publish_mode == PublishMode.HOST
    )
    return ", ".join(
        f"{host}:{published}->{target}/{protocol}"
        for target, published, protocol in ports
        for host in ("0.0.0.0", "[::]")
    )


def _networks(swarm: Engine, controller: TaskController) -> str:
    store = swarm.ctx.store
    names = [store.networks[n].name for n in controller.task.spec.networks if n in store.networks]
    if any(p.publish_mode == PublishMode.INGRESS for p in controller.task.endpoint.ports):
        names.append("ingress")
    return ",".join(sorted(names))


def _row(swarm: Engine, controller: TaskController, live: bool, trunc: bool) -> Struct:
    state = container_state(controller, live)
    labels = container_labels(controller)
    command_text = " ".join(command_line(controller))
    created = int(controller.created_at or 0.0)
    image = controller.image
    fields: dict[str, Any] = {
        "Command": '"' + (ellipsis(command_text, 20) if trunc else command_text) + '"',
        "CreatedAt": go_time(created),
        "HealthStatus": health_status(controller) if state == "running" else "",
        "ID": container_id(swarm, controller.task_id)[: 12 if trunc else None],
        "Image": display_image(image) if trunc else image,
        "Labels": labels_text(labels.items()),
        "LocalVolumes": "0",
        "Mounts": "",
        "Names": container_name(swarm, controller),
        "Networks": _networks(swarm, controller),
        "Platform": None,
        "Ports": _ports(controller, state),
        "RunningFor": human_duration(swarm.now - created) + " ago",
        "Size": "0B",
        "State": state,
        "Status": status_text(swarm, controller, state),
        "Label": lambda name: labels.get(name, ""),
    }
    return Struct("*formatter.ContainerContext", fields)


def _match(patterns: list[str], value: str) -> bool:
    """``filters.Match``: an exact value or a regular expression found in ``value``."""
    for pattern in patterns:
        if pattern == value:
            return True
        try:
            if re.search(pattern, value):
                return True
        except re.error:
            continue
    return False


def _check_filters(filters: dict[str, list[str]]) -> None:
    for name in sorted(filters):
        if name in _UNMODELLED_FILTERS:
            raise not_simulated(("ps", "--filter", name))
    check_filter_names(filters, _FILTERS)
    for value in filters.get("status", ()):
        if value not in _STATES:
            raise DaemonError(f"invalid filter 'status={value}'")
    for value in filters.get("exited", ()):
        if not re.fullmatch(r"[+-]?\d+", value):
            raise DaemonError(f'strconv.Atoi: parsing "{value}": invalid syntax')
    for value in filters.get("is-task", ()):
        if value not in ("true", "false"):
            raise DaemonError(f"invalid filter 'is-task={value}'")


def _selected(
    swarm: Engine, filters: dict[str, list[str]], everything: bool, limit: int
) -> list[tuple[TaskController, bool]]:
    agent = swarm.agents.get(swarm.current_node_id)
    live = live_controllers(agent) if agent is not None else {}
    everything = everything or bool(filters.get("status")) or limit > 0
    chosen: list[tuple[TaskController, bool]] = []
    for controller in machine_containers(swarm):
        is_live = live.get(controller.task_id) is controller
        state = container_state(controller, is_live)
        if not everything and state != "running":
            continue
        if "status" in filters and state not in filters["status"]:
            continue
        if "exited" in filters and not (
            state == "exited" and controller.exit_code in {int(v) for v in filters["exited"]}
        ):
            continue
        if filters.get("is-task") == ["false"]:
            continue
        if "id" in filters and not _match(filters["id"], container_id(swarm, controller.task_id)):
            continue
        if "name" in filters and not _match(
            filters["name"], "/" + container_name(swarm, controller)
        ):
            continue
        labels = container_labels(controller)
        pairs = [item.partition("=") for item in filters.get("label", ())]
        if any(k not in labels or (sep and labels[k] != v) for k, sep, v in pairs):
            continue
        chosen.append((controller, is_live))
        if 0 < limit == len(chosen):
            break
    return chosen


def _format(fmt: str, quiet: bool, size: bool, out: Output) -> str:
    """``NewContainerFormat`` (``-q`` wins over a custom format, with a warning)."""
    if fmt and quiet:
        out.error(_IGNORED_FORMAT)
    if fmt in ("", "table"):
        return "{{.ID}}" if quiet else _TABLE + ("\t{{.Size}}" if size else "")
    if fmt == "raw":
        return "container_id: {{.ID}}" if quiet else _RAW + ("size: {{.Size}}\\n" if size else "")
    return "{{.ID}}" if quiet else fmt


def _list(command_def: Command, swarm: Engine, argv: list[str], out: Output) -> None:
    parsed = command_def.parse(argv, out)
    if parsed is None:
        return
    fmt = parsed.get_str("format") or ""
    if fmt and fmt not in ("table", "json", "raw"):
        try:
            parse_template(fmt.removeprefix("table").strip(" "))
        except DockerCLIError as error:
            message = str(error).removeprefix("template parsing error: ")
            raise DockerCLIError(f"failed to parse template: {message}") from None
    filters = parse_filters(command_def, parsed.get_list("filter"))
    _check_filters(filters)
    limit = parsed.get_int("last")
    assert limit is not None
    if parsed.get_bool("latest") and limit == -1:
        limit = 1
    quiet = parsed.get_bool("quiet")
    trunc = not parsed.get_bool("no-trunc")
    chosen = _selected(swarm, filters, parsed.get_bool("all"), limit)
    rows = [_row(swarm, c, live, trunc) for c, live in chosen]
    out.write(format_rows(_format(fmt, quiet, parsed.get_bool("size"), out), rows, _HEADER))


@command("ps")
def ps(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker ps``."""
    _list(_PS, swarm, argv, out)


def _container_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    _list(_CONTAINER_LS, swarm, argv, out)


for _alias in ("ls", "list", "ps"):
    command("container", _alias)(_container_ls)
