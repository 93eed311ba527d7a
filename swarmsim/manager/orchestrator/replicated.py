"""The replicated orchestrator: keep each service at its number of replicas.

Mirrors ``swarmkit: manager/orchestrator/replicated/`` (``replicated.go``,
``services.go``, ``tasks.go``, ``slot.go``).  Watch events are gathered and
acted on once per commit: first every queued task restart (a task that
stopped while wanted, or whose node was deleted, went DOWN or was drained),
then every queued service reconcile: scale up into the lowest free slot
numbers, scale down starting with the most crowded nodes, delete dead slots,
and hand the runnable slots to the update supervisor.

Differences
-----------
Go map iteration order (the order slots are handed to the updater) is replaced
by a shuffle from the ``orchestrator`` random stream, so runs are reproducible.
The scale-down order sorts stably where Go's ``sort.Sort`` is not stable for
more than 12 slots; ties (same copy index on their nodes) therefore keep the
running-first, lowest-slot-first order.

A scale-down removes first the slots kept only because their restart policy
forbids a restart (``UpdatableTasksInSlot`` returns the newest task though no
task is wanted running).  swarmkit orders them among the others by their copy
index on their node, so it may keep such a slot and remove a running task:
with an up-to-date slot the service stays short of replicas; with an
out-of-date one the updater starts it again, the next reconcile (at "update
completed") keeps the other dead slot of the service instead, and the two take
turns for ever.
"""

from __future__ import annotations

from swarmsim.api.enums import ServiceMode, TaskState
from swarmsim.api.objects import Service
from swarmsim.context import Context, Worker
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task import (
    Slot,
    group_slots,
    invalid_node,
    new_task,
    set_service_tasks_remove,
)
from swarmsim.manager.orchestrator.update_supervisor import UpdateSupervisor
from swarmsim.sim import shuffle
from swarmsim.store import Action, NodeEvent, ServiceEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_DELETE = Action.DELETE
_REMOVE = TaskState.REMOVE
_RUNNING = TaskState.RUNNING


class ReplicatedOrchestrator:
    """Reconciles replicated services and restarts their stopped tasks."""

    def __init__(
        self, ctx: Context, restarts: RestartSupervisor, updates: UpdateSupervisor
    ) -> None:
        self.ctx = ctx
        self.restarts = restarts
        self.updates = updates
        self._rng = ctx.sim.rng("orchestrator")
        self._reconcile: dict[str, None] = {}
        self._restart: dict[str, None] = {}
        self._worker = Worker(ctx.sim, self._tick)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # ---------------------------------------------------------------- events
    def _is_replicated(self, service_id: str) -> Service | None:
        service = self.ctx.store.services.get(service_id)
        if service is None or service.spec.mode != ServiceMode.REPLICATED:
            return None
        return service

    def _on_task_event(self, event: TaskEvent) -> None:
        task = event.task
        if event.action is _DELETE:
            wanted = event.prev_desired is not None and event.prev_desired <= _RUNNING
            if wanted and self._is_replicated(task.service_id):
                self._reconcile[task.service_id] = None
                self._worker.kick()
            return
        # task.status.state, not the task.state property: one call less per commit
        if task.desired_state <= _RUNNING and task.status.state > _RUNNING and task.slot != 0:
            self._restart[task.id] = None
            self._worker.kick()

    def _on_service_event(self, event: ServiceEvent) -> None:
        service = event.service
        if service.spec.mode != ServiceMode.REPLICATED:
            return
        if event.action is _DELETE:
            self._remove_service(service)
        else:
            self._reconcile[service.id] = None
            self._worker.kick()

    def _on_node_event(self, event: NodeEvent) -> None:
        node = None if event.action is _DELETE else event.node
        if invalid_node(node):
            for task in self.ctx.store.tasks_on_node(event.node.id):
                if task.desired_state <= _RUNNING and task.slot != 0:
                    self._restart[task.id] = None
            self._worker.kick()

    def _on_leadership(self, active: bool) -> None:
        if not active:
            return
        store = self.ctx.store
        for service in store.services.values():
            if service.spec.mode == ServiceMode.REPLICATED:
                self._reconcile[service.id] = None
        for task in list(store.tasks.values()):
            if task.slot == 0 or task.desired_state > _RUNNING:
                continue
            if task.state > _RUNNING or invalid_node(store.nodes.get(task.node_id)):
                self._restart[task.id] = None
        self._worker.kick()

    def _remove_service(self, service: Service) -> None:
        """Every task of a removed service gets desired state REMOVE."""
        self.updates.cancel(service.id)
        self.restarts.forget_service(service.id)
        set_service_tasks_remove(self.ctx.store, service.id)

    # ------------------------------------------------------------------ tick
    def _tick(self) -> None:
        if not self.ctx.leadership.active:
            return
        store = self.ctx.store
        restart, self._restart = self._restart, {}
        for task_id in restart:
            task = store.tasks.get(task_id)
            if task is None or task.desired_state > _RUNNING:
                continue
            service = self._is_replicated(task.service_id)
            if service is None:
                continue
            if task.state > _RUNNING or invalid_node(store.nodes.get(task.node_id)):
                self.restarts.restart(task, service)
        reconcile, self._reconcile = self._reconcile, {}
        for service_id in reconcile:
            service = self._is_replicated(service_id)
            if service is not None:
                self.reconcile(service)

    def slots(self, service: Service) -> tuple[dict[int, Slot], dict[int, Slot]]:
        """The service's runnable (updatable) slots and its dead slots."""
        runnable: dict[int, Slot] = {}
        dead: dict[int, Slot] = {}
        for number, slot in group_slots(self.ctx.store.tasks_of_service(service.id)).items():
            updatable = self.restarts.updatable_in_slot(slot, service)
            if updatable:
                runnable[number] = updatable
            else:
                dead[number] = slot
        return runnable, dead

    def reconcile(self, service: Service) -> None:
        """Bring the number of runnable slots to the desired replica count."""
        runnable, dead = self.slots(service)
        wanted = service.spec.replicas
        store = self.ctx.store
        if wanted > len(runnable):
            self.updates.update(service, self._shuffled(runnable))
            missing = wanted - len(runnable)
            number = 0
            reused: set[int] = set()
            while missing:
                number += 1
                if number in runnable:
                    continue
                if number in dead:
                    reused.add(number)
                store.create_task(new_task(self.ctx, service, number))
                missing -= 1
            self._delete_slots(dead, skip=reused)
        elif wanted < len(runnable):
            keep, remove = self._scale_down_split(runnable, wanted)
            self.updates.update(service, keep)
            for slot in remove:
                for task in slot:
                    if task.desired_state < _REMOVE:
                        task.desired_state = _REMOVE
                        store.update_task(task)
            self._delete_slots(dead)
        else:
            self._delete_slots(dead)
            self.updates.update(service, self._shuffled(runnable))

    def _shuffled(self, runnable: dict[int, Slot]) -> list[Slot]:
        slots = [runnable[n] for n in sorted(runnable)]
        shuffle(self._rng, slots)
        return slots

    def _delete_slots(self, dead: dict[int, Slot], skip: set[int] | None = None) -> None:
        store = self.ctx.store
        for number, slot in dead.items():
            if skip and number in skip:
                continue
            for task in slot:
                if task.id in store.tasks:
                    store.delete_task(task.id)

    @staticmethod
    def _scale_down_split(runnable: dict[int, Slot], wanted: int) -> tuple[list[Slot], list[Slot]]:
        """Which slots survive a scale-down (``slotsByRunningState`` then ``slotsByIndex``)."""

        def running_first(number: int) -> tuple[int, int]:
            slot = runnable[number]
            is_running = any(t.state == _RUNNING for t in slot)
            return (0 if is_running else 1, number)

        ordered = sorted(runnable, key=running_first)
        # a slot kept only because its restart policy forbids a restart (no task of
        # it is wanted running) goes first: see Differences
        unwanted = [runnable[n] for n in ordered if runnable[n][0].desired_state > _RUNNING]
        per_node: dict[str, int] = {}
        indexed: list[tuple[int, int, Slot]] = []
        for position, number in enumerate(ordered):
            slot = runnable[number]
            if slot[0].desired_state > _RUNNING:
                continue
            index = -1
            if len(slot) == 1 and slot[0].node_id:
                node = slot[0].node_id
                per_node[node] = per_node.get(node, 0) + 1
                index = per_node[node]
            indexed.append((index if index >= 0 else 1 << 62, position, slot))
        indexed.sort(key=lambda item: (item[0], item[1]))
        slots = [slot for _, _, slot in indexed] + unwanted
        return slots[:wanted], slots[wanted:]
