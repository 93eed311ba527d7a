"""The task table of ``docker service ps``, ``docker node ps`` and ``docker stack ps``.

Mirrors ``cli: cli/command/task/print.go`` (names, sort order, `` \\_ `` history
indent, node and service name resolution) and ``cli/command/task/formatter.go``
(columns, ``CURRENT STATE``, error truncation, host-mode ports), plus the task
filters the daemon applies (``moby: daemon/cluster/filters.go``
``newListTasksFilters``, ``daemon/cluster/tasks.go``; ``swarmkit:
manager/controlapi/task.go`` ``ListTasks``).

Differences
-----------
A task shows its host-mode ports once
it has started (the agent's ``PortStatus`` is not modelled separately).  A node shows
its hostname (the simulator has no separate node name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cmp_to_key
from typing import TYPE_CHECKING

from swarmsim.api.enums import TaskState, pretty
from swarmsim.api.objects import Task
from swarmsim.cli.docker.formatter import choose_format, format_rows
from swarmsim.cli.docker.system import natural_less
from swarmsim.cli.gotemplate import Struct
from swarmsim.cli.humanize import human_duration
from swarmsim.cli.tabwriter import char_width
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi import check_filter_names
from swarmsim.manager.controlapi.node import get_node
from swarmsim.manager.controlapi.service import get_service, parse_reference

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "TASK_FILTERS",
    "display_image",
    "ellipsis",
    "filter_tasks",
    "render_tasks",
    "task_name",
    "truncate_id",
]

TASK_FILTERS = ("_up-to-date", "desired-state", "id", "label", "name", "node", "runtime", "service")
_TABLE = (
    "table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}"
    "\t{{.Error}}\t{{.Ports}}"
)
_RAW = (
    "id: {{.ID}}\\nname: {{.Name}}\\nimage: {{.Image}}\\nnode: {{.Node}}\\n"
    "desired_state: {{.DesiredState}}\\ncurrent_state: {{.CurrentState}}\\nerror: {{.Error}}"
    "\\nports: {{.Ports}}\\n",
    "id: {{.ID}}",
)
_HEADER = {
    "ID": "ID",
    "Name": "NAME",
    "Image": "IMAGE",
    "Node": "NODE",
    "DesiredState": "DESIRED STATE",
    "CurrentState": "CURRENT STATE",
    "Error": "ERROR",
    "Ports": "PORTS",
}
_MAX_ERR_LENGTH = 30


def truncate_id(value: str) -> str:
    """``stringid.TruncateID``: the first 12 characters."""
    return value[:12]


def ellipsis(text: str, max_width: int) -> str:
    """``formatter.Ellipsis``: cut ``text`` to ``max_width`` display columns, ending in ``…``.

    Examples
    --------
    >>> ellipsis("no suitable node (scheduling constraints not satisfied)", 30)
    'no suitable node (scheduling …'
    """
    if max_width <= 0:
        return ""
    widths = [char_width(c) for c in text]
    if sum(widths) <= max_width:
        return text
    total = 0
    for index, width in enumerate(widths):
        if total + width > max_width - 1:
            return text[:index] + "…"
        total += width
    return text


def display_image(image: str) -> str:
    """The image as tables show it: ``name:tag`` without digest (when it has a tag).

    Examples
    --------
    >>> display_image("nginx:alpine@sha256:" + "a" * 64)
    'nginx:alpine'
    >>> display_image("nginx")
    'nginx'
    """
    ref = parse_reference(image)
    if ref is None or not ref.tag:
        return image
    return f"{ref.familiar_name}:{ref.tag}"


def task_name(service_name: str, task: Task) -> str:
    """``naming.Task``: ``<service>.<slot>.<task id>`` (global: ``<service>.<node id>.<id>``)."""
    middle = str(task.slot) if task.slot else task.node_id
    return f"{service_name}.{middle}.{task.id}"


def _service_name(swarm: Engine, task: Task) -> str:
    service = swarm.ctx.store.services.get(task.service_id)
    return service.spec.name if service is not None else task.service_name


def _table_name(swarm: Engine, task: Task, no_resolve: bool) -> str:
    """``generateTaskNames``: ``<service>.<slot>`` or ``<service>.<node id>``."""
    service = task.service_id if no_resolve else _service_name(swarm, task)
    return f"{service}.{task.slot or task.node_id}"


def filter_tasks(
    swarm: Engine, tasks: Iterable[Task], filters: Mapping[str, Sequence[str]]
) -> list[Task]:
    """The tasks matching ``filters`` (``--filter`` of ``service ps`` / ``node ps``).

    ``id`` and ``name`` match prefixes (of the task ID and of
    ``<service>.<slot>.<task id>``), ``service`` and ``node`` take names, IDs or ID
    prefixes (``node=self`` is the node the CLI talks to), ``desired-state`` any task
    state, ``label`` service labels (``key`` or ``key=value``).

    Raises
    ------
    DaemonError
        ``invalid filter '<name>'``, ``Invalid desired-state filter: '<value>'``, or an
        unknown service or node.
    """
    check_filter_names(filters, TASK_FILTERS)
    ctx = swarm.ctx
    services = {get_service(ctx, ref).id for ref in filters.get("service", ())}
    nodes = {
        get_node(ctx, swarm.current_node_id if ref == "self" else ref).id
        for ref in filters.get("node", ())
    }
    desired: set[TaskState] = set()
    for value in filters.get("desired-state", ()):
        if value.upper() in TaskState.__members__:
            desired.add(TaskState[value.upper()])
        elif value:
            raise DaemonError(f"Invalid desired-state filter: '{value}'")
    ids, names = filters.get("id", ()), filters.get("name", ())
    labels = [item.partition("=") for item in filters.get("label", ())]
    result = []
    for task in tasks:
        if services and task.service_id not in services:
            continue
        if nodes and task.node_id not in nodes:
            continue
        if desired and task.desired_state not in desired:
            continue
        if ids and not any(task.id.startswith(p) for p in ids):
            continue
        if names and not any(task_name(task.service_name, task).startswith(p) for p in names):
            continue
        have = dict(task.service_labels)
        if any(k not in have or (v and have[k] != v) for k, _, v in labels):
            continue
        result.append(task)
    return result


def _newer_first(a: tuple[str, Task], b: tuple[str, Task]) -> int:
    """``tasksSortable.Less``: natural order of names, then most recent first."""
    if a[0] != b[0]:
        return -1 if natural_less(a[0], b[0]) else 1
    if b[1].created_at < a[1].created_at:
        return -1
    return 1 if a[1].created_at < b[1].created_at else 0


def _ports(task: Task) -> str:
    if task.state < TaskState.STARTING:
        return ""
    return ",".join(
        f"*:{p.published_port}->{p.target_port}/{p.protocol}"
        for p in task.host_ports
        if p.published_port
    )


def render_tasks(
    swarm: Engine,
    tasks: Iterable[Task],
    *,
    no_trunc: bool = False,
    quiet: bool = False,
    no_resolve: bool = False,
    fmt: str = "",
) -> str:
    """The ``docker service ps`` table (or ``-q`` ID list, or ``--format``) of ``tasks``.

    Parameters
    ----------
    swarm
        The swarm (for node and service names and the current time).
    tasks
        The tasks to show, in any order.
    no_trunc
        Full IDs, images with digests and untruncated errors (``--no-trunc``).
    quiet
        Only the full task IDs, one per line (``-q``).
    no_resolve
        Service and node IDs instead of names (``--no-resolve``).
    fmt
        ``--format``: a table or Go template over docker's ``taskContext`` fields
        (``ID Name Image Node DesiredState CurrentState Error Ports``).

    Returns
    -------
    str
        The text, ending with a newline.
    """
    store = swarm.ctx.store
    named = [(_table_name(swarm, task, no_resolve), task) for task in tasks]
    named.sort(key=cmp_to_key(_newer_first))
    fmt = choose_format(fmt, _TABLE, quiet=quiet, raw=_RAW)
    trunc = not (no_trunc or quiet)
    rows: list[Struct] = []
    previous = ""
    for name, task in named:
        node = store.nodes.get(task.node_id)
        node_text = task.node_id if no_resolve or node is None else node.hostname
        error = ellipsis(task.status.err, _MAX_ERR_LENGTH) if trunc else task.status.err
        age = human_duration(swarm.now - task.status.timestamp).lower()
        image = task.spec.container.image
        fields = {
            "ID": truncate_id(task.id) if trunc else task.id,
            "Name": f" \\_ {name}" if name == previous else name,
            "Image": display_image(image) if trunc else image,
            "Node": node_text,
            "DesiredState": pretty(task.desired_state.api_name),
            "CurrentState": f"{pretty(task.state.api_name)} {age} ago",
            "Error": f'"{error}"' if error else "",
            "Ports": _ports(task),
        }
        rows.append(Struct("*task.taskContext", fields))
        previous = name
    return format_rows(fmt, rows, _HEADER)
