"""Rolling updates: one run of the update of one service (the updater).

Mirrors ``swarmkit: manager/orchestrator/update/updater.go`` (``Updater.Run``,
``worker``, ``updateTask``, ``useExistingTask``, ``removeOldTasks``,
``startUpdate``, ``pauseUpdate``, ``rollbackUpdate``, ``completeUpdate``);
behaviour: docs/behaviour.md#rolling-updates.  Which run goes on for which
service is :mod:`swarmsim.manager.orchestrator.update_supervisor`'s business.

An updater is handed the service's *dirty* slots (several tasks, or one
out-of-date task; with none it only completes an UPDATING / ROLLBACK_STARTED
status), marks a fresh update UPDATING, picks the rollback config during a
rollback (else the update config) and starts ``parallelism`` workers (all
dirty slots when 0).  It hands them the slots one at a time — a
sliding window, not lock-step batches.  A worker replaces its slot's task
(stop-first: new task desired READY and old task desired SHUTDOWN together,
started once the old one stopped; start-first: started at once, the old one
stopped once the new one RUNS), waits without timeout for the new task to run
or end, then sleeps ``delay``.  After the last slot and its delay the updater
watches failures for one more monitor period (``delay + 1 s`` when
``delay >= monitor``), then marks the update COMPLETED / ROLLBACK_COMPLETED.

A failure is an update of a task created by this run to a state past RUNNING,
before it reached RUNNING or within ``monitor`` after; once
``failures / dirty slots > max_failure_ratio`` (float32, strictly greater) the
failure action applies: ``pause`` (PAUSED, or ROLLBACK_PAUSED during a
rollback), ``rollback`` (spec := previous spec, ROLLBACK_STARTED; during a
rollback it pauses instead), ``continue`` (failures are not even watched).

Like swarmkit, three oddities are kept:

* failures that happen while the updater waits for its workers (after the
  last slot was handed out) are read only once they are done, and judged
  against the time elapsed by then, so some never count;
* the ``rollback`` action during a rollback pauses (ROLLBACK_PAUSED,
  ``rollback paused ...``) but does not stop the updater: it finishes its
  in-flight slots, monitors, and then ``completeUpdate`` overwrites the
  status with COMPLETED ``update completed``;
* ``pauseUpdate`` does not set ``CompletedAt``.

Differences
-----------
* Goroutines become a SimPy process for the updater and a chain of queued
  calls per worker (see :meth:`Updater._start_worker`).  Cancellation sets a
  flag checked after every wait, in place of ``stopChan``; a cancelled updater
  never writes again, as after ``Cancel`` returns.
* The orchestrator's slot tasks are copied when an updater starts, as Go's
  updater works on the copies it was handed (stale desired state, stale
  observed state of the old task given to ``DelayStart``).
* Go's ``select`` picks at random among ready cases; here, at one instant,
  pending failure events are handled before a slot is handed to a worker and
  before the monitor period ends.
* A failed ``store.Batch`` (``removeOldTasks`` could shut nothing down) writes
  nothing, as the aborted transaction does; there is no log.
* Before a worker creates a task in a slot it also looks at the tasks created
  in that slot since its copy was taken: a clean one (the restart supervisor's
  replacement of a task that failed meanwhile) is used as an existing task,
  and a copy whose task was retired meanwhile is never the one kept.
  swarmkit's worker sees only its copy and creates a second task of the new
  spec; with the restart supervisor's matching rule (see
  :mod:`~swarmsim.manager.orchestrator.restart`) a slot never holds two wanted
  tasks of the current spec.
"""

from __future__ import annotations

import copy
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import fields, replace
from functools import partial
from operator import attrgetter
from typing import Any

import simpy

from swarmsim.api.enums import (
    FailureAction,
    ServiceMode,
    TaskState,
    UpdateOrder,
    UpdateState,
)
from swarmsim.api.objects import Service, Task, UpdateStatus
from swarmsim.api.specs import ServiceSpec, UpdateConfig
from swarmsim.context import Context
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task import Slot, is_task_dirty, new_task, slot_mates
from swarmsim.sim import Process

# enum members as module constants: see swarmsim.api.enums (hot path)
_READY = TaskState.READY
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN

_TASK_FIELDS = attrgetter(*(f.name for f in fields(Task)))


def _copy_task(task: Task) -> Task:
    """A copy of ``task`` as it is now: :meth:`Task.made` given every field's value.

    Shallow: a status and an origin are values, never changed once made.
    ``copy.copy`` goes through pickling's ``__reduce_ex__``, eight times
    slower: an update copies every slot it updates.
    """
    values: tuple[Any, ...] = _TASK_FIELDS(task)
    return Task.made(*values)


def _float32(value: float) -> float:
    """``value`` rounded to the nearest float32, as Go's ``float32(value)``."""
    rounded: float = struct.unpack("f", struct.pack("f", value))[0]
    return rounded


def failure_ratio_exceeded(failures: int, slots: int, max_ratio: float) -> bool:
    """``float32(failures) / float32(slots) > max_ratio`` as swarmkit computes it.

    The quotient is computed in float64 and rounded once to float32, which gives
    the float32 quotient exactly (53 >= 2 * 24 + 2 bits).

    Examples
    --------
    >>> failure_ratio_exceeded(1, 4, 0.25), failure_ratio_exceeded(2, 4, 0.25)
    (False, True)
    >>> failure_ratio_exceeded(1, 3, 0.33333334)  # both sides are float32(1/3)
    False
    """
    return _float32(failures / slots) > _float32(max_ratio)


class Updater:
    """One run of a rolling update of one service (``Updater``).

    Parameters
    ----------
    ctx
        The swarm's shared context.
    restarts
        The restart supervisor, whose delayed start the workers use.
    service
        The service as it was when the orchestrator asked for the update.
    dirty
        The dirty slots, in the order the orchestrator gave them.
    on_done
        Called once when the run returns (not after a cancel).
    """

    def __init__(
        self,
        ctx: Context,
        restarts: RestartSupervisor,
        service: Service,
        dirty: list[Slot],
        on_done: Callable[[Updater], None],
    ) -> None:
        self.ctx = ctx
        self.restarts = restarts
        status = service.update_status
        # the copy Go's NewUpdater makes: the spec is immutable, the status is not
        self.service = replace(service, update_status=copy.copy(status))
        self.spec: ServiceSpec = service.spec
        self.dirty = [[_copy_task(t) for t in slot] for slot in dirty]
        self.rollback = status is not None and status.state == UpdateState.ROLLBACK_STARTED
        self.config: UpdateConfig = self.spec.rollback if self.rollback else self.spec.update
        self.monitor = self.config.monitor
        self.stopped = False  # cancelled (Go's stopChan closed)
        self.owns_status = status is not None  # the live UpdateStatus is this run's
        self.updated: dict[str, float | None] = {}  # created task id -> time it ran/ended
        self._on_done = on_done
        self._halted = False  # the failure action stopped this run
        self._watch_failures = False
        self._failures: deque[str] = deque()
        self._failed: set[str] = set()
        self._total_failures = 0
        self._wake: simpy.Event | None = None
        self._receivers: deque[Callable[[Slot | None], None]] = deque()  # idle workers
        self._closed = False
        self._active_workers = 0
        self._first_up: dict[str, TaskState] = {}  # watched task id -> first state >= RUNNING
        # watched task id -> the worker's call once it runs or ends (None: not waiting yet)
        self._waiters: dict[str, Callable[[TaskState], None] | None] = {}

    # ----------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Start the run as a SimPy process."""
        self.ctx.sim.process(self._run())

    def cancel(self) -> None:
        """Stop at once: nothing more is written (``Cancel``)."""
        self.stopped = True

    def working(self, service: Service) -> bool:
        """Whether this run still works towards ``service``'s spec (its goal).

        Not once its failure action stopped it, nor once the control API cleared
        the update status it owns (see
        :mod:`~swarmsim.manager.orchestrator.update_supervisor`'s Differences).
        """
        return not self._halted and not (self.owns_status and service.update_status is None)

    def _cancelled(self) -> bool:
        # a method, so that type checkers do not narrow the flag across yields
        return self.stopped

    # -------------------------------------------------------------- events
    def on_task_update(self, task: Task) -> None:
        """A task of this service was updated in the store."""
        state = task.state
        if state < _RUNNING:
            return
        if task.id in self._waiters and task.id not in self._first_up:
            self._first_up[task.id] = state
            waiter = self._waiters[task.id]
            if waiter is not None:
                self._waiters[task.id] = None
                self.ctx.sim.call_later(0.0, waiter, state)  # where the event's success was queued
        if self._watch_failures and state > _RUNNING:
            self._failures.append(task.id)
            self._poke()

    def _poke(self) -> None:
        if self._wake is not None and not self._wake.triggered:
            self._wake.succeed()

    def _sleep(self) -> simpy.Event:
        self._wake = self.ctx.sim.env.event()
        return self._wake

    # ----------------------------------------------------------------- run
    def _run(self) -> Process:
        if not self.dirty:
            self._complete_update()
            self._on_done(self)
            return
        if self.service.update_status is None:
            self._start_update()
        config = self.config
        # swarmkit starts `parallelism` workers; those beyond the dirty slots would only idle
        workers = min(config.parallelism or len(self.dirty), len(self.dirty))
        self._active_workers = workers
        for _ in range(workers):
            self._start_worker()
        self._watch_failures = config.failure_action != FailureAction.CONTINUE
        acted = False
        for slot in self.dirty:
            while not acted:
                if self._cancelled():
                    return
                if self._process_failures():
                    acted = True
                elif self._receivers:
                    self.ctx.sim.call_later(0.0, self._receivers.popleft(), slot)
                    break
                else:
                    yield self._sleep()
            if acted:
                break
        self._closed = True
        while self._receivers:
            self.ctx.sim.call_later(0.0, self._receivers.popleft(), None)
        while self._active_workers:  # wg.Wait(): failure events stay queued meanwhile
            yield self._sleep()
            if self._cancelled():
                return
        if not self._halted:
            if config.delay >= self.monitor:
                self.monitor = config.delay + 1.0
            done = self.ctx.sim.timeout(self.monitor)
            done.callbacks.append(lambda _event: self._poke())
            while not self._cancelled():
                if self._process_failures() or done.processed:
                    break
                yield self._sleep()
        if self._cancelled():
            return
        if not self._halted:
            self._complete_update()
        self._on_done(self)

    def _process_failures(self) -> bool:
        while self._failures:
            if self._failure_triggers_action(self._failures.popleft()):
                return True
        return False

    def _failure_triggers_action(self, task_id: str) -> bool:
        """Count a failure of a task this run created (``failureTriggersAction``)."""
        if task_id in self._failed or task_id not in self.updated:
            return False
        started = self.updated[task_id]
        if started is not None and self.ctx.now - started > self.monitor:
            return False
        self._failed.add(task_id)
        self._total_failures += 1
        config = self.config
        if not failure_ratio_exceeded(
            self._total_failures, len(self.dirty), config.max_failure_ratio
        ):
            return False
        if config.failure_action == FailureAction.PAUSE:
            self._halted = True
            self._pause_update(
                f"update paused due to failure or early termination of task {task_id}"
            )
            return True
        if config.failure_action == FailureAction.ROLLBACK:
            if self.rollback:  # never roll back a rollback (and, as in swarmkit, keep going)
                self._pause_update(
                    f"rollback paused due to failure or early termination of task {task_id}"
                )
                return True
            self._halted = True
            self._rollback_update(
                f"update rolled back due to failure or early termination of task {task_id}"
            )
            return True
        return False

    # -------------------------------------------------------------- worker
    # A worker is a chain of queued calls, not a SimPy process: an update makes
    # about four waits per replaced task (the slot handed over, the delayed
    # start, the new task running, the delay), and as a process each cost an
    # event, a queue entry and a generator resume.  Every call below is queued
    # exactly where the process queued the event it stands for (its first step:
    # urgent; a handed slot, a delayed start issued, a task up: now; the delay:
    # a timeout), so events run in the same order.  A worker has no state of
    # its own between two slots, so one set of methods serves them all.

    def _start_worker(self) -> None:
        self.ctx.sim.call_urgent(self._ask_for_slot)  # where a process's first step runs

    def _ask_for_slot(self) -> None:
        """The top of the worker's loop: wait for the next slot (or the end)."""
        if self._closed:
            self._worker_exit()
            return
        self._receivers.append(self._receive_slot)
        self._poke()

    def _receive_slot(self, slot: Slot | None) -> None:
        if self._cancelled():
            return
        if slot is None:
            self._worker_exit()
            return
        self._update_slot(slot)

    def _slot_done(self) -> None:
        """The slot's update is over (or was abandoned): sleep ``delay``, then loop."""
        if self._cancelled():
            return
        delay = self.config.delay
        if delay:
            self.ctx.sim.call_later(delay, self._delay_over)  # the delay's timeout
        else:
            self._ask_for_slot()

    def _delay_over(self) -> None:
        if not self._cancelled():
            self._ask_for_slot()

    def _worker_exit(self) -> None:
        self._active_workers -= 1
        self._poke()

    def _dirty_task(self, task: Task) -> bool:
        return is_task_dirty(self.service, task, self.ctx.store.nodes.get(task.node_id))

    def _update_slot(self, slot: Slot) -> None:
        # tasks created in the slot since the copy was taken (a restart's replacement)
        known = {t.id for t in slot}
        slot = slot + [t for t in slot_mates(self.ctx.store, slot[0]) if t.id not in known]
        live_tasks = self.ctx.store.tasks
        existing: Task | None = None
        for task in slot:
            live = live_tasks.get(task.id)
            if live is None or live.desired_state > _RUNNING:
                continue  # retired since the copy was taken: a newer task holds the slot
            if not self._dirty_task(task):
                if task.desired_state == _RUNNING:
                    existing = task
                    break
                if task.desired_state < _RUNNING:
                    existing = task
        if existing is not None:
            self._use_existing_task(slot, existing)
            return
        node_id = slot[0].node_id if self.spec.mode == ServiceMode.GLOBAL else ""
        updated = new_task(self.ctx, self.service, slot[0].slot, node_id, _READY)
        self._update_task(slot, updated)

    def _update_task(self, slot: Slot, updated: Task) -> None:
        """Create ``updated`` and retire the slot's old tasks (``updateTask``).

        Goes on in :meth:`_new_task_started` once its delayed start was issued.
        """
        store = self.ctx.store
        self._waiters[updated.id] = None  # watch before creating (no event is missed)
        self.updated[updated.id] = None
        start_first = self.config.order == UpdateOrder.START_FIRST
        if updated.service_id not in store.services:
            self._slot_over(updated)  # "service was deleted": the batch is aborted
            return
        started = partial(self._new_task_started, slot, updated, start_first)
        if start_first:
            store.create_task(updated)
            self.restarts.delay_start(None, updated, 0.0, False, started)
            return
        shut, old, failed = self._old_tasks_to_remove(slot)
        if failed:
            self._slot_over(updated)  # the batch is aborted: nothing was written
            return
        store.create_task(updated)
        self._shut_down(shut)
        self.restarts.delay_start(old, updated, 0.0, True, started)

    def _new_task_started(self, slot: Slot, updated: Task, start_first: bool) -> None:
        """The new task's start was issued: wait until it runs or ends."""
        if self._cancelled():
            self._slot_over(updated)
            return
        state = self._first_up.get(updated.id)
        if state is None:
            # on_task_update queues the call once the task reaches RUNNING or beyond
            self._waiters[updated.id] = partial(self._new_task_up, slot, updated, start_first)
            return
        self._new_task_up(slot, updated, start_first, state)

    def _new_task_up(self, slot: Slot, updated: Task, start_first: bool, state: TaskState) -> None:
        if not self._cancelled():
            self.updated[updated.id] = self.ctx.now
            if start_first and state == _RUNNING:
                shut, _old, _failed = self._old_tasks_to_remove(slot)
                self._shut_down(shut)
        self._slot_over(updated)

    def _slot_over(self, updated: Task) -> None:
        """Stop watching ``updated``; the worker goes on."""
        self._waiters.pop(updated.id, None)
        self._first_up.pop(updated.id, None)
        self._slot_done()

    def _use_existing_task(self, slot: Slot, existing: Task) -> None:
        """Keep a clean task of the slot, stop the others (``useExistingTask``)."""
        remove = [t for t in slot if t.id != existing.id]
        if not remove and existing.desired_state == _RUNNING:
            self._slot_done()
            return
        old: Task | None = None
        if remove:
            shut, old, failed = self._old_tasks_to_remove(remove)
            if failed:
                self._slot_done()
                return
            self._shut_down(shut)
        if existing.desired_state != _RUNNING:
            self.restarts.delay_start(old, existing, 0.0, True, self._slot_done)
        else:
            self._slot_done()

    def _old_tasks_to_remove(self, tasks: list[Task]) -> tuple[list[Task], Task | None, bool]:
        """What ``removeOldTasks`` would do: (live tasks to shut down, copy of the
        one reported as removed, whether it fails — nothing removed, some task gone)."""
        shut: list[Task] = []
        removed: Task | None = None
        error = False
        for original in tasks:
            if original.desired_state > _RUNNING:
                continue
            live = self.ctx.store.tasks.get(original.id)
            if live is None or live.desired_state > _RUNNING:
                error = True
                continue
            shut.append(live)
            removed = original
        return shut, removed, removed is None and error

    def _shut_down(self, tasks: list[Task]) -> None:
        for task in tasks:
            task.desired_state = _SHUTDOWN
            self.ctx.store.update_task(task)

    # -------------------------------------------------------- status writes
    def _live(self) -> Service | None:
        return self.ctx.store.services.get(self.service.id)

    def _start_update(self) -> None:
        live = self._live()
        if live is None or live.update_status is not None:
            return
        live.update_status = UpdateStatus(UpdateState.UPDATING, self.ctx.now, "update in progress")
        self.owns_status = True
        self.ctx.store.update_service(live)

    def _pause_update(self, message: str) -> None:
        live = self._live()
        if live is None or live.update_status is None:
            return  # the service was updated since this update started
        paused = (
            UpdateState.ROLLBACK_PAUSED
            if live.update_status.state == UpdateState.ROLLBACK_STARTED
            else UpdateState.PAUSED
        )
        live.update_status = replace(live.update_status, state=paused, message=message)
        self.ctx.store.update_service(live)

    def _rollback_update(self, message: str) -> None:
        live = self._live()
        if live is None or live.update_status is None or live.previous_spec is None:
            return  # nothing to roll back to: the transaction fails
        live.update_status = replace(
            live.update_status, state=UpdateState.ROLLBACK_STARTED, message=message
        )
        live.restore_previous_spec()
        live.previous_spec = None
        live.previous_spec_version = None
        self.ctx.store.update_service(live)

    def _complete_update(self) -> None:
        live = self._live()
        if live is None or live.update_status is None:
            return  # the service was changed since this update started
        if live.update_status.state == UpdateState.ROLLBACK_STARTED:
            state, message = UpdateState.ROLLBACK_COMPLETED, "rollback completed"
        else:
            state, message = UpdateState.COMPLETED, "update completed"
        live.update_status = replace(
            live.update_status, state=state, message=message, completed_at=self.ctx.now
        )
        self.ctx.store.update_service(live)
