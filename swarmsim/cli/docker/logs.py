"""``docker service logs [OPTIONS] SERVICE|TASK``: what the task containers printed.

Mirrors ``cli: cli/command/service/logs.go``: the target is a service (name, ID
or unique ID prefix) or else a task (ID or unique prefix; ``no such task or
service: X`` when neither), each line is prefixed with
``SERVICE.SLOT.TASKID@NODE`` padded to the width of the replica count (the
task's slot for a task target) and ``    | ``; ``--no-task-ids`` drops the
task ID, ``--no-trunc`` prints it whole, ``--no-resolve`` prints service and
node IDs, ``--raw`` prints the bare lines, ``--timestamps`` puts the daemon's
``RFC3339NanoFixed`` time first.  ``--tail N`` keeps the last N lines of each
container, as ``moby: daemon/cluster/services.go`` (``ServiceLogs``) asks
swarmkit; a tail that is not a number or negative is refused with its errors.

What a container prints is what the image model says, nothing more: the
``logs`` lines of its :class:`~swarmsim.agent.images.ImageProfile`, printed
when the container starts (and stamped with that instant).  A container that
never started printed nothing; a removed container's logs are gone with it.

Differences
-----------
``--follow`` cannot block a shell forever: it prints what exists, then lets
:data:`FOLLOW_SECONDS` of virtual time pass (not beyond the run's
``max_time``) and prints what containers started meanwhile printed, as if the
user pressed Ctrl-C then.  Lines of different containers come in time order
(then by task name), where the real log broker interleaves streams as they
arrive.  ``--since`` is not simulated; ``--details`` adds nothing, as no
container has log attributes.  A task's logs are read from its machine even
when that machine cannot reach the managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swarmsim.agent.containers import container_of
from swarmsim.api.enums import ServiceMode
from swarmsim.api.objects import Task
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.system import Command
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.docker.unsimulated import not_simulated
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.manager.controlapi.service import get_service

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["FOLLOW_SECONDS", "log_lines"]

FOLLOW_SECONDS = 60.0
"""Virtual seconds ``docker service logs --follow`` watches before it returns."""

_LOGS = Command(
    "docker service logs",
    "logs [OPTIONS] SERVICE|TASK",
    "Fetch the logs of a service or task",
    (
        FlagSpec("no-resolve", None, FlagKind.BOOL, help="Do not map IDs to Names in output"),
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate output"),
        FlagSpec("raw", None, FlagKind.BOOL, help="Do not neatly format logs"),
        FlagSpec("no-task-ids", None, FlagKind.BOOL, help="Do not include task IDs in output"),
        FlagSpec("follow", "f", FlagKind.BOOL, help="Follow log output"),
        FlagSpec(
            "since",
            None,
            FlagKind.STRING,
            help='Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative '
            '(e.g. "42m" for 42 minutes)',
        ),
        FlagSpec("timestamps", "t", FlagKind.BOOL, help="Show timestamps"),
        FlagSpec("details", None, FlagKind.BOOL, help="Show extra details provided to logs"),
        FlagSpec(
            "tail",
            "n",
            FlagKind.STRING,
            default="all",
            help="Number of lines to show from the end of the logs",
        ),
    ),
    1,
    1,
)


def _tail(text: str) -> int | None:
    """``ServiceLogs``' tail check: ``all`` (None) or a non-negative integer."""
    if text in ("", "all"):
        return None
    try:
        count = int(text, 10)
    except ValueError:
        raise DaemonError(
            f'tail value must be a positive integer or "all": strconv.Atoi: parsing '
            f'"{text}": invalid syntax'
        ) from None
    if count < 0:
        raise DaemonError("negative tail values not supported")
    return count


def _get_task(swarm: Engine, ref: str) -> Task:
    tasks = swarm.ctx.store.tasks
    if ref in tasks:
        return tasks[ref]
    matches = [t for t in tasks.values() if ref and t.id.startswith(ref)]
    if not matches:
        raise DockerCLIError(f"no such task or service: {ref}")
    if len(matches) > 1:
        raise DaemonError(f"task {ref} is ambiguous ({len(matches)} matches found)")
    return matches[0]


def _target(swarm: Engine, ref: str) -> tuple[list[Task], int]:
    """The tasks whose logs to read and the slot width of the prefix."""
    try:
        service = get_service(swarm.ctx, ref)
    except DaemonError as error:
        if str(error) != f"service {ref} not found":
            raise
        task = _get_task(swarm, ref)
        return [task], len(str(task.slot))
    width = 1
    if service.spec.mode == ServiceMode.REPLICATED:
        width = len(str(service.spec.replicas))
    return list(swarm.ctx.store.tasks_of_service(service.id)), width


def log_lines(swarm: Engine, tasks: list[Task]) -> list[tuple[float, Task, str]]:
    """What the containers of ``tasks`` printed: ``(time, task, line)`` in print order."""
    printed: list[tuple[float, Task, str]] = []
    for task in tasks:
        agent = swarm.agents.get(task.node_id)
        if agent is None or not agent.up:
            continue
        controller = container_of(agent, task.id)
        if controller is None or controller.started_at is None or controller.profile is None:
            continue
        printed += [(controller.started_at, task, line) for line in controller.profile.logs]
    return printed


def _prefix(swarm: Engine, task: Task, width: int, flags: dict[str, bool]) -> str:
    store = swarm.ctx.store
    service = store.services.get(task.service_id)
    node = store.nodes.get(task.node_id)
    if flags["no-resolve"]:
        service_name, node_name = task.service_id, task.node_id
    else:
        service_name = service.spec.name if service is not None else task.service_name
        node_name = node.hostname if node is not None else task.node_id
    name = f"{service_name}.{task.slot}"
    if not flags["no-task-ids"]:
        name += "." + (task.id if flags["no-trunc"] else task.id[:12])
    return f"{name}@{node_name}" + " " * max(0, width - len(str(task.slot)))


def _write(
    swarm: Engine,
    lines: list[tuple[float, Task, str]],
    width: int,
    flags: dict[str, bool],
    out: Output,
) -> None:
    for at, task, text in lines:
        stamp = rfc3339nano_fixed(at) + " " if flags["timestamps"] else ""
        prefix = "" if flags["raw"] else _prefix(swarm, task, width, flags) + "    | "
        out.line(f"{stamp}{prefix}{text}")


def rfc3339nano_fixed(seconds: float) -> str:
    """``jsonmessage.RFC3339NanoFixed``: always nine fraction digits.

    Examples
    --------
    >>> rfc3339nano_fixed(5.5)
    '2026-01-01T00:00:05.500000000Z'
    """
    text = rfc3339nano(seconds).removesuffix("Z")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(9, '0')}Z"


def _ordered(lines: list[tuple[float, Task, str]]) -> list[tuple[float, Task, str]]:
    return sorted(lines, key=lambda item: (item[0], item[1].service_name, item[1].slot))


@command("service", "logs")
def service_logs(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service logs SERVICE|TASK``."""
    parsed = _LOGS.parse(argv, out)
    if parsed is None:
        return
    if parsed.get_str("since"):
        raise not_simulated(("service", "logs", "--since"))
    tail = _tail(parsed.get_str("tail") or "")
    tasks, width = _target(swarm, parsed.args[0])
    names = ("no-resolve", "no-trunc", "raw", "no-task-ids", "timestamps")
    flags = {name: parsed.get_bool(name) for name in names}
    existing = log_lines(swarm, tasks)
    if tail is not None:
        kept: list[tuple[float, Task, str]] = []
        for task in tasks:
            mine = [item for item in existing if item[1] is task]
            kept += mine[len(mine) - tail :] if tail else []
        existing = kept
    _write(swarm, _ordered(existing), width, flags, out)
    if not parsed.get_bool("follow"):
        return
    seen = {_key(item) for item in log_lines(swarm, tasks)}
    swarm.advance(max(0.0, min(FOLLOW_SECONDS, swarm.ctx.settings.max_time - swarm.now)))
    try:
        tasks, width = _target(swarm, parsed.args[0])
    except (DaemonError, DockerCLIError):
        return  # the service or task went away while following: its stream ends
    fresh = [item for item in log_lines(swarm, tasks) if _key(item) not in seen]
    _write(swarm, _ordered(fresh), width, flags, out)


def _key(item: tuple[float, Task, str]) -> tuple[str, float]:
    return item[1].id, item[0]
