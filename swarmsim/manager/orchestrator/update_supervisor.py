"""Rolling updates: which updater runs for which service (the update supervisor).

Mirrors ``Supervisor`` in ``swarmkit: manager/orchestrator/update/updater.go``;
behaviour: docs/behaviour.md#rolling-updates.  One run of an update is a
:class:`~swarmsim.manager.orchestrator.update.Updater`.

The orchestrators call :meth:`UpdateSupervisor.update` at every reconcile with
the service's runnable slots.  An updater already working towards an identical
spec is kept; otherwise it is cancelled and, unless the update is PAUSED /
ROLLBACK_PAUSED, a new one starts with the *dirty* slots (several tasks, or one
out-of-date task), or with none when only an UPDATING / ROLLBACK_STARTED status
is left to complete.  The supervisor passes on the task updates an updater
waits for (a task reaching RUNNING or past it) and cancels every updater when
leadership is lost.

Differences
-----------
* An ``UpdateService`` call that keeps the spec but clears the update status (a
  no-op ``docker service update`` or ``scale`` to the same count during a
  rollout) restarts the updater, which marks the service UPDATING again and
  carries on from the slots' current state.  swarmkit keeps the running
  updater because the spec is unchanged (``Supervisor.Update``), but every
  status write of that run is then dropped (``pauseUpdate`` and
  ``completeUpdate`` return when ``UpdateStatus`` is nil): a failure halts it
  half-done with no status at all, and no later event resumes it.
* A run stopped by its failure action no longer counts as working towards its
  spec: when the rollback restores a spec equal to the one it was rolling out
  (the previous spec was already the new one, e.g. after a ``scale`` during
  the update), the reconcile that follows starts the rollback run at once.
  In swarmkit this depends on a race between that reconcile and the stopped
  run's return; when the reconcile comes first the service stays
  ``rollback_started`` for good.
"""

from __future__ import annotations

from swarmsim.api.enums import TaskState, UpdateState
from swarmsim.api.objects import Service
from swarmsim.context import Context
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task import Slot, is_task_dirty
from swarmsim.manager.orchestrator.update import Updater
from swarmsim.store import Action, TaskEvent

__all__ = ["UpdateSupervisor"]

_RUNNING = TaskState.RUNNING
_UPDATE = Action.UPDATE
_PAUSED_STATES = (UpdateState.PAUSED, UpdateState.ROLLBACK_PAUSED)
_ACTIVE_STATES = (UpdateState.UPDATING, UpdateState.ROLLBACK_STARTED)


class UpdateSupervisor:
    """Runs one :class:`Updater` per service (``Supervisor``)."""

    def __init__(self, ctx: Context, restarts: RestartSupervisor) -> None:
        self.ctx = ctx
        self.restarts = restarts
        self.updaters: dict[str, Updater] = {}
        # it waits for tasks to reach RUNNING: the progress steps below it are no news
        ctx.store.watch(self._on_task_event, TaskEvent, progress="running")
        ctx.leadership.subscribe(self._on_leadership)

    def update(self, service: Service, slots: list[Slot]) -> None:
        """Bring ``slots`` (the service's runnable slots) to the service's spec."""
        current = self.updaters.get(service.id)
        if current is not None:
            same_goal = current.spec is service.spec or current.spec == service.spec
            if same_goal and current.working(service):
                return  # already working towards this goal
            current.cancel()
            del self.updaters[service.id]
        status = service.update_status
        if status is not None and status.state in _PAUSED_STATES:
            return
        nodes = self.ctx.store.nodes
        dirty = [
            slot
            for slot in slots
            if len(slot) > 1
            or (len(slot) == 1 and is_task_dirty(service, slot[0], nodes.get(slot[0].node_id)))
        ]
        if not dirty and (status is None or status.state not in _ACTIVE_STATES):
            return
        updater = Updater(self.ctx, self.restarts, service, dirty, self._done)
        self.updaters[service.id] = updater
        updater.start()

    def cancel(self, service_id: str) -> None:
        """Stop the update of a service that is being removed."""
        updater = self.updaters.pop(service_id, None)
        if updater is not None:
            updater.cancel()

    def cancel_all(self) -> None:
        """Stop every update (``CancelAll``, when leadership is lost)."""
        for updater in self.updaters.values():
            updater.cancel()
        self.updaters.clear()

    def _done(self, updater: Updater) -> None:
        if self.updaters.get(updater.service.id) is updater:
            del self.updaters[updater.service.id]

    def _on_task_event(self, event: TaskEvent) -> None:
        # an updater only hears of tasks at RUNNING or past it (Updater.on_task_update)
        if event.action is _UPDATE and event.task.status.state >= _RUNNING:
            updater = self.updaters.get(event.task.service_id)
            if updater is not None:
                updater.on_task_update(event.task)

    def _on_leadership(self, active: bool) -> None:
        if not active:
            self.cancel_all()
