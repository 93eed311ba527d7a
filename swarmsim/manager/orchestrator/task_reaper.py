"""The task reaper: keeps each slot's history within the retention limit.

Mirrors ``swarmkit: manager/orchestrator/taskreaper/task_reaper.go``.  Every
task creation marks its slot (global: its service on its node) dirty; dirty
slots are cleaned at most 250 ms later (at once past 1000 pending): the
oldest terminal tasks, by manager timestamp, are deleted until the slot holds
``limit`` tasks, the running one included.  The limit is the cluster's task
history retention limit (default 5), or ``max_attempts + 1`` for a service
with a restart max-attempts; negative means keep everything.  Independently,
tasks with desired state REMOVE are deleted once they never ran (observed
< ASSIGNED) or have stopped (observed >= COMPLETE).

Differences
-----------
None of note: the batching is the same, timestamps are virtual.
"""

from __future__ import annotations

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task
from swarmsim.context import Context
from swarmsim.store import Action, ServiceEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_ASSIGNED = TaskState.ASSIGNED
_COMPLETE = TaskState.COMPLETE
_CREATE = Action.CREATE
_DELETE = Action.DELETE
_REMOVE = TaskState.REMOVE
_RUNNING = TaskState.RUNNING

_SlotKey = tuple[str, int, str]  # service id, slot, node id (global only)
MAX_DIRTY = 1000


def _removable(task: Task) -> bool:
    if task.desired_state != _REMOVE:
        return False  # nearly every commit: decided without reading the observed state
    state = task.status.state
    return state < _ASSIGNED or state >= _COMPLETE


class TaskReaper:
    """Deletes old history and removed tasks."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._dirty: dict[_SlotKey, None] = {}
        self._cleanup: dict[str, None] = {}
        self._scheduled = False
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.leadership.subscribe(self._on_leadership)

    def _on_task_event(self, event: TaskEvent) -> None:
        action = event.action
        if action is _DELETE:
            return
        task = event.task
        if action is _CREATE:
            self._dirty[(task.service_id, task.slot, task.node_id if task.slot == 0 else "")] = None
            self._schedule(len(self._dirty) > MAX_DIRTY)
        # _removable inlined for the common case: only a REMOVE task can be reaped
        if task.desired_state == _REMOVE and _removable(task):
            self._cleanup[task.id] = None
            self._schedule(False)

    def _on_service_event(self, event: ServiceEvent) -> None:
        if event.action is not _DELETE:
            return
        for task in self.ctx.store.tasks_of_service(event.service.id):
            if _removable(task):
                self._cleanup[task.id] = None
        self._schedule(False)

    def _on_leadership(self, active: bool) -> None:
        if active:
            for task in self.ctx.store.tasks_with_desired(_REMOVE):
                if _removable(task):
                    self._cleanup[task.id] = None
            self._schedule(False)

    def _schedule(self, now: bool) -> None:
        if now:
            self._reap()
        elif not self._scheduled:
            self._scheduled = True
            self.ctx.sim.call_later(self.ctx.settings.reaper_batch, self._timer)

    def _timer(self) -> None:
        self._scheduled = False
        self._reap()

    def limit_for(self, service_id: str) -> int:
        """How many tasks a slot of this service may keep (-1: no limit).

        A job keeps all its tasks: swarmkit's reaper trims the history of
        replicated and global services only.
        """
        service = self.ctx.store.services.get(service_id)
        if service is not None and service.spec.mode.is_job:
            return -1
        if service is not None and service.spec.task.restart.max_attempts > 0:
            return service.spec.task.restart.max_attempts + 1
        return self.ctx.settings.task_history_limit

    def _reap(self) -> None:
        if not self.ctx.leadership.active:
            return
        store = self.ctx.store
        cleanup, self._cleanup = self._cleanup, {}
        for task_id in cleanup:
            task = store.tasks.get(task_id)
            if task is not None and _removable(task):
                store.delete_task(task_id)
        dirty, self._dirty = self._dirty, {}
        for service_id, slot, node_id in dirty:
            limit = self.limit_for(service_id)
            if limit < 0:
                continue
            in_slot = store.tasks_in_slot(service_id, slot)
            if len(in_slot) <= limit:
                continue  # the common case: nothing to reap, no list built
            tasks = list(in_slot)
            if node_id:
                tasks = [t for t in tasks if t.node_id == node_id]
            excess = len(tasks) - limit
            if excess <= 0:
                continue
            tasks.sort(key=lambda t: (t.applied_at or t.status.timestamp, t.created_at))
            for task in tasks:
                if excess <= 0:
                    break
                never_scheduled = task.state < _ASSIGNED and task.desired_state > _RUNNING
                if task.state > _RUNNING or never_scheduled:
                    store.delete_task(task.id)
                    excess -= 1
