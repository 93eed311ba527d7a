"""Convergence progress of ``docker service create/update/scale/rollback`` in virtual time.

Mirrors ``cli: cli/command/service/progress/progress.go`` (``ServiceProgress``, the
replicated, global, replicated-job and global-job progress updaters, ``truncError``) and
``cli/command/service/helpers.go`` (``WaitOnService``): every 200 ms the CLI inspects
the service, lists its up-to-date tasks and the nodes that are not down, redraws the
progress lines and, once every slot runs, waits one monitor period (``--update-monitor``,
5 s by default) before ``verify: Service <id> converged``.  A paused update or
rollback ends the command with ``service update paused: <message>`` /
``service rollback paused: <message>``.  A job is followed until every task of its
current execution has completed, and the command ends with ``job complete`` at once:
``job progress: 2 out of 3 complete [...]``, ``active tasks: 1 out of 1 tasks ``
and one bar per task that fills when the task is complete.

The lines are rendered as ``jsonmessage.DisplayJSONMessagesStream`` leaves them on a
terminal wider than 110 columns: one line per progress ID in order of first
appearance, rewritten in place, each ending with a space (``overall progress: 3 out of
3 tasks ``), task lines with a 50-character bar
(``1/3: running   [==================================================>] ``); a plain
message (``rollback: rollback completed``) closes the block above it.

Differences
-----------
The command prints the terminal's final screen once, not every redraw.  Slots are
numbered ``1/N``... in slot order and global (and global job) tasks listed in node
order, where docker walks Go maps in random order.  Polling stops after one hour of
virtual time with docker's Ctrl-C message (``Operation continuing in background.``), so
that a service that never converges cannot hang a script; it also stops there at the
clock's horizon (``ClusterSettings.max_time``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from swarmsim.api.enums import NodeStatus, ServiceMode, TaskState, UpdateState
from swarmsim.api.objects import Service, Task
from swarmsim.cli.docker import Output
from swarmsim.cli.docker.tasks import truncate_id
from swarmsim.errors import DockerCLIError
from swarmsim.manager.controlapi.service import get_service
from swarmsim.manager.orchestrator.task import is_task_dirty
from swarmsim.units import NANOSECONDS_PER_SECOND, seconds_to_ns

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["POLL_INTERVAL", "PROGRESS_TIMEOUT", "wait_on_service"]

POLL_INTERVAL = 0.2
"""Seconds between two polls of the CLI."""
PROGRESS_TIMEOUT = 3600.0
"""Virtual seconds after which the CLI stops following an unconverged service."""

_POLL_NS = seconds_to_ns(POLL_INTERVAL)
_DEFAULT_MONITOR_NS = 5 * NANOSECONDS_PER_SECOND
_MAX_BARS = 20
_MAX_PROGRESS = 9
_MAX_JOB_PROGRESS = 10  # a job task's bar is full once it is complete
_LONGEST_STATE = 9  # len("allocated") == len("preparing")
_NUMBERED = {
    TaskState.NEW: 1,
    TaskState.ALLOCATED: 2,
    TaskState.PENDING: 3,
    TaskState.ASSIGNED: 4,
    TaskState.ACCEPTED: 5,
    TaskState.PREPARING: 6,
    TaskState.READY: 7,
    TaskState.STARTING: 8,
    TaskState.RUNNING: 9,
    TaskState.COMPLETE: 10,
    TaskState.SHUTDOWN: 11,
    TaskState.FAILED: 12,
    TaskState.REJECTED: 13,
}


def _number(state: TaskState) -> int:
    return _NUMBERED.get(state, 0)


def _terminal(state: TaskState) -> bool:
    return _number(state) > _MAX_PROGRESS


def _trunc_error(message: str) -> str:
    """``truncError``: no newlines, at most 75 characters."""
    message = message.replace("\n", " ")
    return message[:74] + "…" if len(message) > 75 else message


class Screen:
    """What a terminal shows after docker's in-place progress updates."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._block: dict[str, str] = {}

    def progress(self, ident: str, text: str, current: int = 0, total: int = 0) -> None:
        """A progress line: ``<id>: <text> `` and, when there is a total, a 50-character
        bar filled to ``current/total`` (``JSONProgress.String`` with ``HideCounts``)."""
        bar = ""
        if total > 0:
            filled = min(int(current / total * 100) // 2, 50)
            bar = f"[{'=' * filled}>{' ' * max(50 - filled, 0)}] "
        self._block[ident] = f"{ident}: {text} {bar}"

    def action(self, ident: str, text: str) -> None:
        """A progress line without a bar: ``<id>: <text> ``."""
        self.progress(ident, text)

    def bar(self, ident: str, state: TaskState | None, total: int = _MAX_PROGRESS) -> None:
        """A task line: the state padded to 9 characters and a bar of its number out of
        ``total``; ``None`` is the blank state of Go's zero task."""
        name = "" if state is None else state.api_name
        current = 0 if state is None else _number(state)
        self.progress(ident, f"{name:<{_LONGEST_STATE}}", current, total)

    def message(self, ident: str, text: str) -> None:
        """A plain message line; later progress lines start a new block below it."""
        self._lines.extend(self._block.values())
        self._block = {}
        self._lines.append(f"{ident}: {text}" if ident else text)

    def render(self) -> str:
        """The screen's text, one line per entry."""
        return "".join(line + "\n" for line in (*self._lines, *self._block.values()))


def _overall(screen: Screen, running: int, total: int, rollback: bool) -> None:
    what = "rolling back update: " if rollback else ""
    screen.action("overall progress", f"{what}{running} out of {total} tasks")


def _task_line(screen: Screen, ident: str, task: Task) -> None:
    if task.status.err:
        screen.action(ident, _trunc_error(task.status.err))
    elif not _terminal(task.desired_state) and not _terminal(task.state):
        screen.bar(ident, task.state)


def _preferred(existing: Task | None, task: Task) -> bool:
    """Whether ``task`` replaces ``existing`` for its slot/node (lowest desired state wins)."""
    if existing is None:
        return True
    old, new = _number(existing.desired_state), _number(task.desired_state)
    if old < new:
        return False
    return not (old == new and _number(existing.state) <= _number(task.state))


def _usable(task: Task) -> bool:
    return bool(_number(task.desired_state) and _number(task.state))


class _Updater(Protocol):
    """``progressUpdater``: redraws the lines of one poll, says whether it converged."""

    def update(
        self, service: Service, tasks: Iterable[Task], active: set[str], rollback: bool
    ) -> bool:
        """Draw the poll's lines from the up-to-date ``tasks`` and the ``active`` nodes."""
        ...


class _Replicated:
    """``replicatedProgressUpdater``: one line per slot, renumbered 1..N."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.slots: dict[int, int] = {}
        self.initialized = False
        self.done = False

    def update(
        self, service: Service, tasks: Iterable[Task], active: set[str], rollback: bool
    ) -> bool:
        replicas = service.spec.replicas
        if not self.initialized:
            _overall(self.screen, 0, replicas, rollback)
            if replicas <= _MAX_BARS:
                for i in range(1, replicas + 1):
                    self.screen.action(f"{i}/{replicas}", " ")
            self.initialized = True
        by_slot: dict[int, Task] = {}
        for task in tasks:
            if not _usable(task) or not _preferred(by_slot.get(task.slot), task):
                continue
            if task.node_id and task.node_id not in active:
                continue
            by_slot[task.slot] = task
        if self.done and any(t.state != TaskState.RUNNING for t in by_slot.values()):
            self.done = False
        running = 0
        for slot in sorted(by_slot):
            task = by_slot[slot]
            mapped = self.slots.setdefault(slot, len(self.slots) + 1)
            if not _terminal(task.desired_state) and task.state == TaskState.RUNNING:
                running += 1
            if not self.done and replicas <= _MAX_BARS and mapped <= replicas:
                _task_line(self.screen, f"{mapped}/{replicas}", task)
        if not self.done:
            _overall(self.screen, running, replicas, rollback)
            self.done = running == replicas
        return running == replicas


class _Global:
    """``globalProgressUpdater``: one line per node (12-character node ID)."""

    def __init__(self, screen: Screen, node_order: Mapping[str, int]) -> None:
        self.screen = screen
        self.order = node_order
        self.initialized = False
        self.done = False

    def update(
        self, service: Service, tasks: Iterable[Task], active: set[str], rollback: bool
    ) -> bool:
        by_node: dict[str, Task] = {}
        for task in tasks:
            if _usable(task) and _preferred(by_node.get(task.node_id), task):
                by_node[task.node_id] = task
        count = len(by_node)
        if not self.initialized:
            if count == 0:
                self.screen.action("overall progress", "waiting for new tasks")
                return False
            _overall(self.screen, 0, count, rollback)
            self.initialized = True
        if self.done and any(t.state != TaskState.RUNNING for t in by_node.values()):
            self.done = False
        running = 0
        for node_id in sorted(by_node, key=lambda n: self.order.get(n, len(self.order))):
            task = by_node[node_id]
            if node_id not in active:
                continue
            if not _terminal(task.desired_state) and task.state == TaskState.RUNNING:
                running += 1
            if not self.done and count <= _MAX_BARS:
                _task_line(self.screen, truncate_id(node_id), task)
        if not self.done:
            _overall(self.screen, running, count, rollback)
            self.done = running == count
        return running == count


def _job_task_line(screen: Screen, ident: str, task: Task | None) -> None:
    """A job task's line: its error, or its state on a bar that fills on completion."""
    if task is not None and task.status.err:
        screen.action(ident, _trunc_error(task.status.err))
    else:
        screen.bar(ident, None if task is None else task.state, _MAX_JOB_PROGRESS)


def _in_iteration(task: Task, iteration: int | None) -> bool:
    return task.job_iteration is not None and task.job_iteration == iteration


def _lowest_state(existing: Task | None, task: Task) -> bool:
    """Whether ``task`` replaces ``existing`` for its slot/node (lowest observed state wins)."""
    return existing is None or _number(existing.state) > _number(task.state)


class _ReplicatedJob:
    """``replicatedJobProgressUpdater``: the job's completions, its active tasks out of
    those it may run at once, and one line per slot (``<slot + 1>/<total>``)."""

    def __init__(self, screen: Screen, service: Service) -> None:
        self.screen = screen
        self.iteration = service.job_iteration  # the execution followed, fixed at start
        self.concurrent = service.spec.max_concurrent
        self.total = service.spec.replicas
        self.initialized = False

    def _overall(self, active: int, completed: int) -> None:
        total, digits = self.total, len(str(self.total))
        text = f"{completed:>{digits}} out of {total} complete"
        self.screen.progress("job progress", text, completed, total)
        wanted = min(total - completed, self.concurrent)
        digits = len(str(self.concurrent))
        self.screen.action("active tasks", f"{active:>{digits}} out of {wanted:>{digits}} tasks")

    def update(
        self, service: Service, tasks: Iterable[Task], active: set[str], rollback: bool
    ) -> bool:
        if not self.initialized:
            self._overall(0, 0)
            if self.total <= _MAX_BARS:
                for i in range(1, self.total + 1):
                    self.screen.action(f"{i}/{self.total}", " ")
            self.initialized = True
        by_slot: dict[int, Task] = {}
        for task in tasks:
            if not _in_iteration(task, self.iteration) or not _usable(task):
                continue
            if _lowest_state(by_slot.get(task.slot), task):
                by_slot[task.slot] = task
        busy = completed = 0
        # docker reads its slot map at 0..len-1: a missing slot is Go's zero task
        # (slot 0, no state), drawn on the first line and counted as active
        for index in range(len(by_slot)):
            found = by_slot.get(index)
            if self.total <= _MAX_BARS:
                slot = 0 if found is None else found.slot
                _job_task_line(self.screen, f"{slot + 1}/{self.total}", found)
            number = 0 if found is None else _number(found.state)
            busy += number < _number(TaskState.COMPLETE)
            completed += number == _number(TaskState.COMPLETE)
        self._overall(busy, completed)
        return completed == self.total


class _GlobalJob:
    """``globalJobProgressUpdater``: completions over the nodes that had a task of the
    current execution when it was first seen, one line per such node (full node ID)."""

    def __init__(self, screen: Screen, node_order: Mapping[str, int]) -> None:
        self.screen = screen
        self.order = node_order
        self.nodes: set[str] = set()
        self.initialized = False

    def _overall(self, completed: int) -> None:
        total = len(self.nodes)
        text = f"{completed:>{len(str(total))}} out of {total} complete"
        self.screen.progress("job progress", text, completed, total)

    def update(
        self, service: Service, tasks: Iterable[Task], active: set[str], rollback: bool
    ) -> bool:
        tasks = list(tasks)
        iteration = service.job_iteration
        if not self.initialized:
            if not tasks and active:
                self.screen.action("job progress", "waiting for tasks")
                return False
            self.nodes = {t.node_id for t in tasks if _in_iteration(t, iteration)}
            self._overall(0)
            self.initialized = True
        by_node: dict[str, Task] = {}
        for task in tasks:
            if not _in_iteration(task, iteration) or task.node_id not in self.nodes:
                continue
            if _lowest_state(by_node.get(task.node_id), task):
                by_node[task.node_id] = task
        completed = 0
        for node_id in sorted(by_node, key=lambda n: self.order.get(n, len(self.order))):
            task = by_node[node_id]
            if len(self.nodes) <= _MAX_BARS:
                _job_task_line(self.screen, node_id, task)
            completed += task.state == TaskState.COMPLETE
        self._overall(completed)
        return completed == len(self.nodes)


def _updater(swarm: Engine, service: Service, screen: Screen) -> _Updater:
    """``initializeUpdater``: the updater of the service's mode."""
    mode = service.spec.mode
    if mode == ServiceMode.REPLICATED:
        return _Replicated(screen)
    if mode == ServiceMode.REPLICATED_JOB:
        return _ReplicatedJob(screen, service)
    order = {n: i for i, n in enumerate(swarm.ctx.store.nodes)}
    return _Global(screen, order) if mode == ServiceMode.GLOBAL else _GlobalJob(screen, order)


def _up_to_date(swarm: Engine, service: Service) -> list[Task]:
    """The service's tasks that match its current spec (the ``_up-to-date`` filter)."""
    store = swarm.ctx.store
    return [
        task
        for task in store.tasks_of_service(service.id)
        if not is_task_dirty(service, task, store.nodes.get(task.node_id))
    ]


def _follow(swarm: Engine, ref: str, screen: Screen) -> None:
    """``ServiceProgress``: poll until converged, paused or timed out."""
    ctx = swarm.ctx
    updater: _Updater | None = None
    converged, converged_tick, rollback = False, -1, False
    message = ""
    monitor = _DEFAULT_MONITOR_NS
    tick = 0
    if get_service(ctx, ref).job_iteration is not None:
        # docker's first look takes three requests, by when the jobs orchestrator has
        # made the new execution's tasks: a global job counts its nodes at that look
        ctx.sim.finish_instant()
    while True:
        service = get_service(ctx, ref)
        if service.spec.update.monitor:
            monitor = seconds_to_ns(service.spec.update.monitor)
        if updater is None:
            updater = _updater(swarm, service, screen)
        status = service.update_status
        if status is not None:
            if status.state == UpdateState.UPDATING:
                rollback = False
            elif status.state == UpdateState.COMPLETED and not converged:
                return
            elif status.state == UpdateState.PAUSED:
                raise DockerCLIError(f"service update paused: {status.message}")
            elif status.state == UpdateState.ROLLBACK_STARTED:
                if not rollback and status.message:
                    screen.action("rollback", status.message)
                rollback = True
            elif status.state == UpdateState.ROLLBACK_PAUSED:
                raise DockerCLIError(f"service rollback paused: {status.message}")
            elif status.state == UpdateState.ROLLBACK_COMPLETED:
                if not converged:
                    message = status.message
                rollback = True
        if converged and (tick - converged_tick) * _POLL_NS >= monitor:
            screen.action("verify", f"Service {ref} converged")
            if message:
                screen.message("rollback", message)
            return
        active = {n.id for n in ctx.store.nodes.values() if n.status != NodeStatus.DOWN}
        converged = updater.update(service, _up_to_date(swarm, service), active, rollback)
        if converged and service.job_iteration is not None:
            screen.message("", "job complete")  # a finished job stays finished: no verify
            return
        if converged:
            if converged_tick < 0:
                converged_tick = tick
            wait = monitor - (tick - converged_tick) * _POLL_NS
            if wait >= 0:
                seconds = wait // NANOSECONDS_PER_SECOND + 1
                screen.action(
                    "verify", f"Waiting {seconds} seconds to verify that tasks are stable..."
                )
        else:
            if converged_tick >= 0:
                screen.action("verify", "Detected task failure")
            converged_tick = -1
        timed_out = (tick + 1) * _POLL_NS > seconds_to_ns(PROGRESS_TIMEOUT)
        if timed_out or swarm.now + POLL_INTERVAL > swarm.ctx.settings.max_time:
            if not converged:
                screen.message("", "Operation continuing in background.")
                screen.message("", f"Use `docker service ps {ref}` to check progress.")
            return
        swarm.advance(POLL_INTERVAL)
        tick += 1


def wait_on_service(swarm: Engine, ref: str, out: Output, quiet: bool = False) -> None:
    """Follow ``ref`` until it converges (``WaitOnService``), printing the final screen.

    Parameters
    ----------
    swarm
        The swarm; its virtual clock advances while the CLI waits.
    ref
        The service as the user named it (shown in ``verify: Service <ref> converged``).
    out
        Where the screen is printed.
    quiet
        Wait without printing (``-q``).

    Raises
    ------
    DockerCLIError
        ``service update paused: <message>`` or ``service rollback paused: <message>``
        (the screen up to that point is printed first).
    """
    screen = Screen()
    try:
        _follow(swarm, ref, screen)
    finally:
        if not quiet:
            out.write(screen.render())
