"""The jobs orchestrator: run a job's tasks to completion, once per execution.

Mirrors ``swarmkit: manager/orchestrator/jobs/orchestrator.go`` and its two
reconcilers, ``jobs/replicated/reconciler.go`` and ``jobs/global/reconciler.go``.
A job service's tasks are wanted COMPLETE, not RUNNING.  Each update of the
service starts a new *execution* (``JobIteration``, see
:mod:`swarmsim.manager.controlapi.service`); a task belongs to the execution
that was current when it was made.

A service is reconciled when it is created or updated, and when one of its
tasks of a wanted desired state (up to COMPLETE) ends: completes, fails, is
rejected, shut down or orphaned.  Nothing else wakes it, as in swarmkit: the
jobs orchestrator watches no node, so a job's task on a drained or down node
is neither moved nor shut down until the next reconcile of its service.

* **Replicated job** (``MaxConcurrent``, ``TotalCompletions``): of the current
  execution's tasks, the COMPLETE ones count as done and the others that are
  still wanted as running; the reconciler creates ``min(MaxConcurrent -
  running, TotalCompletions - done - running)`` tasks, each in the lowest slot
  number (from 0) that holds neither, and hands the running ones that ended
  without completing to the restart supervisor.  The subtractions are
  unsigned, as in Go: if more tasks run than ``MaxConcurrent`` allows, the
  difference wraps around and the reconciler gives up for this round.
* **Global job**: one task on every node that meets the constraints and is
  ACTIVE and READY; a task of the execution that ended without completing is
  restarted; on a drained or down node it is shut down.

Both mark the tasks of earlier executions REMOVE (the replicated reconciler
only those not yet past RUNNING).  Job tasks keep their history: the task
reaper's history limit applies to replicated and global services only.

Differences
-----------
Events are gathered and each service reconciled once per instant (swarmkit
reconciles once per event, reading the store as it is then), and nodes are
visited in the store's insertion order where swarmkit's store lists them by
ID.
"""

from __future__ import annotations

from swarmsim.api.enums import Availability, NodeStatus, ServiceMode, TaskState
from swarmsim.api.objects import Service, Task
from swarmsim.context import Context, Worker
from swarmsim.manager.constraint import placement_matches
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task import invalid_node, new_task, set_service_tasks_remove
from swarmsim.store import Action, ServiceEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_COMPLETE = TaskState.COMPLETE
_DELETE = Action.DELETE
_REMOVE = TaskState.REMOVE
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN

_UINT64 = 1 << 64


class JobsOrchestrator:
    """Reconciles replicated and global jobs."""

    def __init__(self, ctx: Context, restarts: RestartSupervisor) -> None:
        self.ctx = ctx
        self.restarts = restarts
        self._reconcile: dict[str, None] = {}
        self._worker = Worker(ctx.sim, self._tick)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # ---------------------------------------------------------------- events
    def _on_task_event(self, event: TaskEvent) -> None:
        task = event.task
        if task.origin.job_iteration is None or event.action is _DELETE:
            return  # not a job's task (only services' tasks pass here in a Swarm2K run)
        if task.status.state > _RUNNING and task.desired_state <= _COMPLETE:
            self._reconcile[task.service_id] = None
            self._worker.kick()

    def _on_service_event(self, event: ServiceEvent) -> None:
        service = event.service
        if not service.spec.mode.is_job:
            return
        if event.action is _DELETE:
            set_service_tasks_remove(self.ctx.store, service.id)
            self.restarts.forget_service(service.id)
        else:
            self._reconcile[service.id] = None
            self._worker.kick()

    def _on_leadership(self, active: bool) -> None:
        """A new leader fixes the global jobs' tasks on invalid nodes, then reconciles every job.

        (``taskinit.CheckTasks`` with the global reconciler's ``FixTask``; the
        delayed starts of READY tasks are the restart supervisor's.)
        """
        if not active:
            return
        store = self.ctx.store
        for service in list(store.services.values()):
            if service.spec.mode == ServiceMode.GLOBAL_JOB:
                for task in list(store.tasks_of_service(service.id)):
                    if task.desired_state < _SHUTDOWN and invalid_node(
                        store.nodes.get(task.node_id)
                    ):
                        task.desired_state = _SHUTDOWN
                        store.update_task(task)
            if service.spec.mode.is_job:
                self._reconcile[service.id] = None
        self._worker.kick()

    # ------------------------------------------------------------------ tick
    def _tick(self) -> None:
        if not self.ctx.leadership.active:
            return
        reconcile, self._reconcile = self._reconcile, {}
        for service_id in reconcile:
            service = self.ctx.store.services.get(service_id)
            if service is None or service.job_iteration is None:
                continue
            if service.spec.mode == ServiceMode.REPLICATED_JOB:
                self.reconcile_replicated(service)
            elif service.spec.mode == ServiceMode.GLOBAL_JOB:
                self.reconcile_global(service)

    def reconcile_replicated(self, service: Service) -> None:
        """Start as many tasks as the job may run at once and still needs completed."""
        store = self.ctx.store
        iteration = service.job_iteration
        running = completed = 0
        taken: set[int] = set()
        restart: list[Task] = []
        remove: list[Task] = []
        for task in store.tasks_of_service(service.id):
            if task.job_iteration is None:
                continue
            state = task.status.state
            if task.job_iteration == iteration:
                if state == _COMPLETE:
                    completed += 1
                    taken.add(task.slot)
                elif task.desired_state <= _COMPLETE:
                    running += 1
                    taken.add(task.slot)
                    if state > _COMPLETE:
                        restart.append(task)
            elif state <= _RUNNING and task.desired_state != _REMOVE:
                remove.append(task)
        spec = service.spec
        total = spec.replicas
        possible = (spec.max_concurrent - running) % _UINT64
        allowed = (total - completed - running) % _UINT64
        new = min(possible, allowed)
        if new > total:
            return  # swarmkit: "uint64 underflow, we're not going to create N tasks"
        slot = 0
        for _ in range(new):
            while slot in taken:
                slot += 1
            if slot >= total:
                slot = 0  # no free slot below the total: Go's loop leaves it at 0
            taken.add(slot)
            store.create_task(new_task(self.ctx, service, slot, desired=_COMPLETE))
        self._restart_and_remove(service, restart, remove)

    def reconcile_global(self, service: Service) -> None:
        """One task of the current execution on every active, ready node that fits."""
        store = self.ctx.store
        constraints = service.spec.task.placement.constraints
        candidates: list[str] = []
        invalid: list[str] = []
        for node in store.nodes.values():
            if not placement_matches(constraints, node):
                continue
            if invalid_node(node):
                invalid.append(node.id)
            elif node.availability == Availability.ACTIVE and node.status == NodeStatus.READY:
                candidates.append(node.id)
        iteration = service.job_iteration
        on_node: dict[str, Task] = {}
        restart: list[Task] = []
        remove: list[Task] = []
        for task in store.tasks_of_service(service.id):
            if task.job_iteration is None:
                continue
            if task.job_iteration == iteration:
                if task.desired_state <= _COMPLETE:
                    if task.status.state > _COMPLETE:
                        restart.append(task)
                    on_node[task.node_id] = task
            elif task.desired_state != _REMOVE:
                remove.append(task)
        for node_id in candidates:
            if node_id not in on_node:
                store.create_task(new_task(self.ctx, service, 0, node_id, _COMPLETE))
        self._restart_and_remove(service, restart, remove)
        for node_id in invalid:
            stale = on_node.get(node_id)
            # swarmkit's test, kept as it is: a task already asked to stop, or not yet ended
            if stale is not None and (
                stale.desired_state > _COMPLETE or stale.status.state <= _RUNNING
            ):
                stale.desired_state = _SHUTDOWN
                store.update_task(stale)

    def _restart_and_remove(
        self, service: Service, restart: list[Task], remove: list[Task]
    ) -> None:
        store = self.ctx.store
        for task in restart:
            if task.id in store.tasks and task.desired_state <= _COMPLETE:
                self.restarts.restart(task, service)
        for task in remove:
            if task.id in store.tasks and task.desired_state != _REMOVE:
                task.desired_state = _REMOVE
                store.update_task(task)
