"""The restart supervisor: replaces stopped tasks, delays their start.

Mirrors ``swarmkit: manager/orchestrator/restart/restart.go``.  ``restart``
sets the old task's desired state to SHUTDOWN, decides with the restart
policy (condition, max attempts, window; history per slot, or per node for
global services, reset when the spec version changes) whether to replace it,
creates the replacement at once with desired state READY and then starts it
(desired RUNNING) after the restart delay — 0 on a drained node — and, unless
the old task is already dead or its node down, after the old task has left
RUNNING (at most one minute).  The updater uses the same delayed start.
A job's replacement belongs to the job's current execution and is started
to desired COMPLETE; a job's completed task is never restarted, whatever
the condition (:mod:`~swarmsim.manager.orchestrator.jobs`).

Differences
-----------
No replacement is created when the slot (global: the node) already holds
another wanted task of the current spec — typically the one a rolling update
just created there.  swarmkit's ``Restart`` does not look, so a task of the old
spec failing while a start-first update starts its successor gives the slot two
tasks of the new spec, and nothing reconciles the service until its next
update (``docker service ls`` shows e.g. ``4/2``).  The updater applies the
same rule from its side (:mod:`~swarmsim.manager.orchestrator.update`).

A slot whose newest task was removed by a scale-down (desired REMOVE) is dead
even when the restart policy would not restart that task.  swarmkit's
``UpdatableTasksInSlot`` keeps such a slot as updatable (it only asks the
policy), so with ``--restart-condition none`` a removed task stuck on a
down node (never reaped: it never stops) keeps its slot alive: every
reconcile then finds one slot too many, scales down another one, and the
updater re-creates the removed one, for as long as the node stays down.

Restart history lives in this object; on a leader change it is lost as in
swarmkit, and replacements still waiting at READY are restarted with what is
left of their delay (``swarmkit: manager/orchestrator/taskinit/init.go``
recomputes it the same way from the task timestamps).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from swarmsim.api.enums import Availability, NodeStatus, RestartCondition, ServiceMode, TaskState
from swarmsim.api.objects import Service, Task
from swarmsim.context import Context
from swarmsim.manager.orchestrator.task import clean_slot_mate, new_task
from swarmsim.sim import Timer, TimerLine
from swarmsim.store import Action, NodeEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_COMPLETE = TaskState.COMPLETE
_DELETE = Action.DELETE
_READY = TaskState.READY
_REMOVE = TaskState.REMOVE
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN

_InstanceKey = tuple[str, int, str]  # service id, slot, node id (global)
_NODE_BOUND = (ServiceMode.GLOBAL, ServiceMode.GLOBAL_JOB)  # a replacement stays on the node


@dataclass(slots=True)
class _RestartHistory:
    spec_version: int
    total: int = 0
    times: list[float] = field(default_factory=list)


@dataclass(slots=True)
class DelayedStart:
    """A replacement task waiting for its delay and for the old task to stop."""

    new_task_id: str
    old_task_id: str
    old_node_id: str
    after_done: list[Callable[[], None]] = field(default_factory=list)
    on_started: Callable[[], None] | None = None  # queued once the start is issued or abandoned
    wait_stop: bool = False  # the start also waits for the old task to stop
    stop_seen: bool = False  # the old task stopped (or can no longer be waited for)
    holding: bool = False  # waiting for the old task's stop or for the timeout
    timeout: Timer | None = None  # the timeout of that wait
    alive: bool = False  # neither started nor cancelled yet


class RestartSupervisor:
    """Decides on and performs task restarts; owns delayed starts."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._history: dict[_InstanceKey, _RestartHistory] = {}
        self._delayed: dict[str, DelayedStart] = {}  # by new task id
        self._waiting_on: dict[str, list[DelayedStart]] = {}  # by old task id
        self._timeout_lines: dict[float, TimerLine] = {}  # wait timeouts by length
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # --------------------------------------------------------------- policy
    def should_restart(self, task: Task, service: Service) -> bool:
        """Whether the restart policy allows replacing ``task`` (``shouldRestart``).

        A job's completed task is never restarted, whatever the condition.  The
        history is looked up by slot, and by node for a global service only: a
        global job's replacements are recorded by node (see :meth:`_record`) and
        looked up without it, so ``max_attempts`` never stops them, as in swarmkit.
        """
        policy = task.spec.restart
        condition = policy.condition
        if condition == RestartCondition.NONE:
            return False
        if task.state == _COMPLETE and (
            condition == RestartCondition.ON_FAILURE or service.spec.mode.is_job
        ):
            return False
        if policy.max_attempts == 0:
            return True
        node = task.node_id if service.spec.mode == ServiceMode.GLOBAL else ""
        history = self._history.get((task.service_id, task.slot, node))
        if history is None or history.spec_version != task.spec_version:
            return True
        if policy.window == 0:
            return history.total < policy.max_attempts
        failed_at = task.applied_at or task.status.timestamp
        lookback = failed_at - policy.window
        history.times = [t for t in history.times if t >= lookback]
        count = sum(1 for t in history.times if t < failed_at)
        return count < policy.max_attempts

    def _record(self, new: Task) -> None:
        key = (new.service_id, new.slot, new.node_id)  # a global replacement has its node
        history = self._history.get(key)
        if history is None or history.spec_version != new.spec_version:
            history = self._history[key] = _RestartHistory(new.spec_version)
        history.total += 1
        if new.spec.restart.window:
            history.times.append(self.ctx.now)

    def updatable_in_slot(self, slot: list[Task], service: Service) -> list[Task]:
        """Tasks of a slot that count for reconciliation (``UpdatableTasksInSlot``).

        The tasks the manager still wants running; or, when none, the slot's
        most recent task if the policy says it must not be restarted (so the
        slot is satisfied and not re-created) — except during a rollback.
        """
        runnable = [t for t in slot if t.desired_state <= _RUNNING]
        if runnable or not slot:
            return runnable
        status = service.update_status
        if status is not None and status.state.name == "ROLLBACK_STARTED":
            return []
        latest = max(slot, key=lambda t: (t.status.timestamp, t.created_at))
        if latest.desired_state == _REMOVE:
            return []  # a slot a scale-down removed is dead, whatever the policy
        if not self.should_restart(latest, service):
            return [latest]
        return []

    def forget_service(self, service_id: str) -> None:
        """Drop the restart history of a removed service."""
        for key in [k for k in self._history if k[0] == service_id]:
            del self._history[key]

    # -------------------------------------------------------------- restart
    def restart(self, task: Task, service: Service) -> None:
        """Shut ``task`` down and, if the policy allows, start a replacement."""
        pending = self._delayed.get(task.id)
        if pending is not None:
            # failed while its own delayed start is pending: try again once that is over
            # (started or cancelled), as swarmkit's waitRestart waits on its doneCh
            if not pending.after_done:
                pending.after_done.append(lambda: self._restart_again(task.id))
            return
        store = self.ctx.store
        if task.desired_state < _SHUTDOWN:
            task.desired_state = _SHUTDOWN
            store.update_task(task)
        if not self.should_restart(task, service):
            return
        if clean_slot_mate(store, service, task) is not None:
            return  # the slot already has a task of the current spec (an updater's)
        if service.spec.mode in _NODE_BOUND:
            replacement = new_task(self.ctx, service, 0, task.node_id, _READY)
        else:
            replacement = new_task(self.ctx, service, task.slot, "", _READY)
        self._record(replacement)
        store.create_task(replacement)
        node = store.nodes.get(task.node_id)
        delay = task.spec.restart.delay
        if node is not None and node.availability == Availability.DRAIN:
            delay = 0.0
        wait_stop = not (
            (node is not None and node.status == NodeStatus.DOWN) or task.state > _RUNNING
        )
        self.delay_start(task, replacement, delay, wait_stop)

    def _restart_again(self, task_id: str) -> None:
        if not self.ctx.leadership.active:
            return  # the orchestrator stopped (swarmkit: ctx.Done)
        task = self.ctx.store.tasks.get(task_id)
        # swarmkit's waitRestart compares with RUNNING: a job's task started meanwhile
        # (desired COMPLETE) is left to the jobs orchestrator
        if task is None or task.desired_state > _RUNNING:
            return
        service = self.ctx.store.services.get(task.service_id)
        if service is not None:
            self.restart(task, service)

    # -------------------------------------------------------- delayed start
    def delay_start(
        self,
        old: Task | None,
        new: Task,
        delay: float,
        wait_stop: bool,
        on_started: Callable[[], None] | None = None,
    ) -> None:
        """Set ``new`` to desired RUNNING after ``delay`` and (optionally) ``old`` stopping.

        ``on_started()`` is queued (as the event swarmkit's ``DelayStart``
        returns would fire) once the start was issued or abandoned.

        The wait is a chain of queued callbacks, not a SimPy process: an update
        makes one per replaced task, and a process with its stop-or-timeout
        condition cost about ten SimPy objects and as many queue entries each.
        Every callback is queued where the process would have queued the event
        it stands for (its first step, the delay's timeout, the old task's stop,
        the condition, an interrupt), so events still run in the same order; the
        events the process made that nobody acts on are simply not queued.
        """
        self.cancel(new.id)
        waiting = DelayedStart(new.id, old.id if old else "", old.node_id if old else "")
        waiting.on_started = on_started
        if wait_stop and old is not None and old.state <= _RUNNING:
            waiting.wait_stop = True
            self._waiting_on.setdefault(old.id, []).append(waiting)
        self._delayed[new.id] = waiting
        waiting.alive = True
        self.ctx.sim.call_urgent(self._begin_delay, waiting, delay)  # a process's first step

    def _begin_delay(self, waiting: DelayedStart, delay: float) -> None:
        if delay > 0:
            self.ctx.sim.call_later(delay, self._delay_over, waiting)  # the delay's timeout
        else:
            self._delay_over(waiting)

    def _delay_over(self, waiting: DelayedStart) -> None:
        if not waiting.alive:
            return  # cancelled meanwhile
        if waiting.wait_stop and not waiting.stop_seen:
            # the old task's stop or the timeout, whichever comes first
            waiting.holding = True
            waiting.timeout = self._timeouts(self.ctx.settings.old_task_timeout).set(
                self._hold_over, waiting
            )
            return
        self._start(waiting)

    def _hold_over(self, waiting: DelayedStart) -> None:
        """The old task stopped or the timeout expired: the condition fires (queued)."""
        if waiting.holding:
            self._end_hold(waiting)
            self.ctx.sim.call_later(0.0, self._resume, waiting)

    def _end_hold(self, waiting: DelayedStart) -> None:
        waiting.holding = False
        if waiting.timeout is not None:
            waiting.timeout.cancel()  # a no-op from now on: spare SimPy's queue
            waiting.timeout = None

    def _timeouts(self, delay: float) -> TimerLine:
        """The line of wait timeouts of ``delay`` seconds (one per setting in use)."""
        line = self._timeout_lines.get(delay)
        if line is None:
            line = self._timeout_lines[delay] = TimerLine(self.ctx.sim, delay)
        return line

    def _resume(self, waiting: DelayedStart) -> None:
        if waiting.alive:
            self._start(waiting)

    def _start(self, waiting: DelayedStart) -> None:
        self._finish(waiting)
        self.start_now(waiting.new_task_id)
        self._done(waiting)
        waiting.alive = False

    def _interrupt(self, waiting: DelayedStart) -> None:
        """A cancellation reaches the waiting start (unless it has ended meanwhile)."""
        if not waiting.alive:
            return
        self._end_hold(waiting)
        self._finish(waiting)
        self._done(waiting)
        waiting.alive = False

    @staticmethod
    def _done(waiting: DelayedStart) -> None:
        """The delayed start is over (started or cancelled): run what waited for it."""
        for callback in waiting.after_done:
            callback()

    def _finish(self, waiting: DelayedStart) -> None:
        if self._delayed.get(waiting.new_task_id) is waiting:
            del self._delayed[waiting.new_task_id]
        if waiting.old_task_id:
            others = self._waiting_on.get(waiting.old_task_id, [])
            if waiting in others:
                others.remove(waiting)
            if not others:
                self._waiting_on.pop(waiting.old_task_id, None)
        on_started = waiting.on_started
        if on_started is not None:
            waiting.on_started = None
            self.ctx.sim.call_later(0.0, on_started)  # where the event's success was queued

    def start_now(self, task_id: str) -> None:
        """Move a task waiting at desired READY to desired RUNNING (``StartNow``).

        A job's task is wanted COMPLETE instead.
        """
        task = self.ctx.store.tasks.get(task_id)
        if task is not None and task.desired_state < _RUNNING:
            task.desired_state = _RUNNING if task.job_iteration is None else _COMPLETE
            self.ctx.store.update_task(task)

    def cancel(self, task_id: str) -> None:
        """Abandon a pending delayed start of ``task_id``."""
        waiting = self._delayed.get(task_id)
        if waiting is not None and waiting.alive:
            self.ctx.sim.call_urgent(self._interrupt, waiting)  # where SimPy queues an interrupt

    # --------------------------------------------------------------- events
    def _release(self, old_task_id: str) -> None:
        for waiting in self._waiting_on.pop(old_task_id, []):
            if waiting.wait_stop and not waiting.stop_seen:
                waiting.stop_seen = True
                if waiting.holding:  # the stop event would be queued, then end the hold
                    self.ctx.sim.call_later(0.0, self._hold_over, waiting)

    def _on_task_event(self, event: TaskEvent) -> None:
        task = event.task
        if event.action is _DELETE:
            self.cancel(task.id)
            self._release(task.id)
        elif task.id in self._waiting_on and task.state > _RUNNING:
            self._release(task.id)

    def _on_node_event(self, event: NodeEvent) -> None:
        if not self._waiting_on:
            return
        node = event.node
        if event.action is _DELETE or node.status == NodeStatus.DOWN:
            olds = [
                old
                for old, items in self._waiting_on.items()
                if any(w.old_node_id == node.id for w in items)
            ]
            for old in olds:
                self._release(old)

    def _on_leadership(self, active: bool) -> None:
        if not active:
            for task_id in list(self._delayed):
                self.cancel(task_id)
            self._history.clear()
            return
        for task in list(self.ctx.store.tasks_with_desired(_READY)):
            elapsed = self.ctx.now - task.created_at
            self.delay_start(None, task, max(0.0, task.spec.restart.delay - elapsed), False)
