"""The global orchestrator: one task of each global service on every eligible node.

Mirrors ``swarmkit: manager/orchestrator/global/global.go``.  Eligible nodes
are all nodes that are neither drained nor DOWN (UNKNOWN and DISCONNECTED
ones included); on each, a service whose constraints match gets one task
(slot 0, node set at creation, so the scheduler only confirms it).  A drained
or DOWN node's global tasks are shut down, not moved; a paused node keeps its
tasks and gets none; a deleted node's tasks are deleted.  A failed task is
restarted on the same node unless that node is paused or no longer matches.
Rolling updates go node by node (a node's tasks form a slot).

Differences
-----------
Go map iteration over nodes is replaced by the store's insertion order; the
order in which slots reach the updater is shuffled by the ``orchestrator``
random stream.
"""

from __future__ import annotations

from swarmsim.api.enums import Availability, NodeStatus, RestartCondition, ServiceMode, TaskState
from swarmsim.api.objects import Node, Service, Task
from swarmsim.context import Context, Worker
from swarmsim.manager.constraint import placement_matches
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task import (
    Slot,
    is_task_dirty,
    new_task,
    set_service_tasks_remove,
)
from swarmsim.manager.orchestrator.update_supervisor import UpdateSupervisor
from swarmsim.sim import shuffle
from swarmsim.store import Action, NodeEvent, ServiceEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_COMPLETE = TaskState.COMPLETE
_DELETE = Action.DELETE
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN


def _eligible(node: Node) -> bool:
    return node.availability != Availability.DRAIN and node.status != NodeStatus.DOWN


def _matches(service: Service, node: Node) -> bool:
    return placement_matches(service.spec.task.placement.constraints, node)


def wants_task(service: Service, node: Node) -> bool:
    """Whether the orchestrator keeps a task of global ``service`` on ``node``.

    The rules of :meth:`GlobalOrchestrator.reconcile_service` in one answer:
    the node is eligible (not drained, not down), meets the service's
    constraints and is not paused (a paused node keeps what it has but gets
    no new task).
    """
    return _eligible(node) and node.availability != Availability.PAUSE and _matches(service, node)


class GlobalOrchestrator:
    """Keeps one task of every global service on every eligible node."""

    def __init__(
        self, ctx: Context, restarts: RestartSupervisor, updates: UpdateSupervisor
    ) -> None:
        self.ctx = ctx
        self.restarts = restarts
        self.updates = updates
        self._rng = ctx.sim.rng("orchestrator")
        self._services: dict[str, None] = {}
        self._nodes: dict[str, None] = {}
        self._restart: dict[str, None] = {}
        self._worker = Worker(ctx.sim, self._tick)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.leadership.subscribe(self._on_leadership)

    def _global_services(self) -> list[Service]:
        return [s for s in self.ctx.store.services.values() if s.spec.mode == ServiceMode.GLOBAL]

    # ---------------------------------------------------------------- events
    def _on_service_event(self, event: ServiceEvent) -> None:
        service = event.service
        if service.spec.mode != ServiceMode.GLOBAL:
            return
        if event.action is _DELETE:
            self._remove_service(service)
        else:
            self._services[service.id] = None
            self._worker.kick()

    def _on_node_event(self, event: NodeEvent) -> None:
        if event.action is _DELETE:
            self._delete_node_tasks(event.node.id)
        else:
            self._nodes[event.node.id] = None
            self._worker.kick()

    def _on_task_event(self, event: TaskEvent) -> None:
        task = event.task
        if event.action is _DELETE or task.slot != 0:
            return
        if task.desired_state <= _RUNNING and task.state > _RUNNING:
            self._restart[task.id] = None
            self._worker.kick()

    def _on_leadership(self, active: bool) -> None:
        if active:
            for service in self._global_services():
                self._services[service.id] = None
            self._worker.kick()

    def _remove_service(self, service: Service) -> None:
        self.updates.cancel(service.id)
        self.restarts.forget_service(service.id)
        set_service_tasks_remove(self.ctx.store, service.id)

    def _delete_node_tasks(self, node_id: str) -> None:
        store = self.ctx.store
        for task in list(store.tasks_on_node(node_id)):
            if task.slot == 0 and task.id in store.tasks:
                service = store.services.get(task.service_id)
                if service is not None and service.spec.mode == ServiceMode.GLOBAL:
                    store.delete_task(task.id)

    # ------------------------------------------------------------------ tick
    def _tick(self) -> None:
        if not self.ctx.leadership.active:
            return
        store = self.ctx.store
        restart, self._restart = self._restart, {}
        for task_id in restart:
            self._restart_task(task_id)
        services, self._services = self._services, {}
        for service_id in services:
            service = store.services.get(service_id)
            if service is not None and service.spec.mode == ServiceMode.GLOBAL:
                self.reconcile_service(service)
        nodes, self._nodes = self._nodes, {}
        for node_id in nodes:
            node = store.nodes.get(node_id)
            if node is not None:
                self.reconcile_node(node)

    def _restart_task(self, task_id: str) -> None:
        store = self.ctx.store
        task = store.tasks.get(task_id)
        if task is None or task.desired_state > _RUNNING:
            return
        service = store.services.get(task.service_id)
        if service is None or service.spec.mode != ServiceMode.GLOBAL:
            return
        node = store.nodes.get(task.node_id)
        if (
            node is None
            or not _eligible(node)
            or node.availability == Availability.PAUSE
            or not _matches(service, node)
        ):
            self._shutdown([task])
            return
        self.restarts.restart(task, service)

    def _shutdown(self, tasks: list[Task]) -> None:
        store = self.ctx.store
        for task in tasks:
            if task.desired_state <= _RUNNING:
                task.desired_state = _SHUTDOWN
                store.update_task(task)

    def _node_slots(self, service: Service) -> dict[str, Slot]:
        by_node: dict[str, Slot] = {}
        for task in self.ctx.store.tasks_of_service(service.id):
            by_node.setdefault(task.node_id, []).append(task)
        slots: dict[str, Slot] = {}
        for node_id, slot in by_node.items():
            updatable = self.restarts.updatable_in_slot(slot, service)
            if updatable:
                slots[node_id] = updatable
        return slots

    def reconcile_service(self, service: Service) -> None:
        """Create, keep or shut down the service's task on every node."""
        store = self.ctx.store
        node_slots = self._node_slots(service)
        to_update: list[Slot] = []
        for node in list(store.nodes.values()):
            if not _eligible(node):
                continue
            slot = node_slots.pop(node.id, [])
            if not _matches(service, node):
                self._shutdown(slot)
                continue
            if node.availability == Availability.PAUSE:
                continue
            if not slot:
                store.create_task(new_task(self.ctx, service, 0, node.id))
            else:
                to_update.append(slot)
        for slot in node_slots.values():
            self._shutdown(slot)
        shuffle(self._rng, to_update)
        self.updates.update(service, to_update)

    def reconcile_node(self, node: Node) -> None:
        """React to a node joining, changing availability or going down."""
        store = self.ctx.store
        if not _eligible(node):
            for task in list(store.tasks_on_node(node.id)):
                if task.slot == 0:
                    service = store.services.get(task.service_id)
                    if service is not None and service.spec.mode == ServiceMode.GLOBAL:
                        self._shutdown([task])
            return
        if node.availability == Availability.PAUSE:
            return
        on_node: dict[str, list[Task]] = {}
        completed: set[str] = set()
        for task in store.tasks_on_node(node.id):
            if task.slot != 0:
                continue
            if task.desired_state <= _RUNNING:
                on_node.setdefault(task.service_id, []).append(task)
            elif task.state == _COMPLETE and (task.spec.restart.condition != RestartCondition.ANY):
                completed.add(task.service_id)
        for service in self._global_services():
            tasks = on_node.get(service.id, [])
            if not _matches(service, node):
                self._shutdown(tasks)
                continue
            if not tasks:
                if service.id not in completed:
                    store.create_task(new_task(self.ctx, service, 0, node.id))
                continue
            clean = [t for t in tasks if not is_task_dirty(service, t, node)]
            dirty = [t for t in tasks if t not in clean]
            if not clean:
                store.create_task(new_task(self.ctx, service, 0, node.id))
            else:
                dirty.extend(clean[1:])
            self._shutdown(dirty)
