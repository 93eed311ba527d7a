"""Helpers shared by the orchestrators: making tasks, dirtiness, invalid nodes.

Mirrors ``swarmkit: manager/orchestrator/task.go`` (``NewTask``,
``IsTaskDirty``, ``InvalidNode``), ``manager/orchestrator/slot.go`` and
``manager/orchestrator/service.go`` (``SetServiceTasksRemove``).

Differences
-----------
Tasks keep their endpoint spec and host-mode ports directly (swarmkit keeps the
endpoint on the task's ``Endpoint`` after allocation); registry pull options are
not modelled, so the rule that ignores them for running tasks has nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from swarmsim.api.enums import Availability, NodeStatus, PublishMode, TaskState
from swarmsim.api.objects import Node, Service, Task, TaskOrigin
from swarmsim.api.specs import TaskSpec
from swarmsim.context import Context
from swarmsim.manager.constraint import placement_matches
from swarmsim.store import Store

Slot = list[Task]

# enum members as module constants: see swarmsim.api.enums (hot path)
_HOST = PublishMode.HOST
_NEW = TaskState.NEW


# One int object per slot number for every service: Python caches only the
# ints up to 256, and a Swarm2K service numbers its slots up to 2,375 (28 bytes
# a task, held by the task, the store's slot index and the trace).
_SLOT_NUMBERS: dict[int, int] = {}


def new_task(
    ctx: Context,
    service: Service,
    slot: int,
    node_id: str = "",
    desired: TaskState = TaskState.RUNNING,
) -> Task:
    """A NEW task of ``service`` built from its current spec (not yet in the store).

    A job's task belongs to the service's current execution (its ``JobIteration``).
    """
    # one call per task a rolling update replaces: the enum members are module
    # constants, and the tasks of one version of the service share their origin
    now = ctx.now
    return Task.made(
        ctx.ids.new(),
        service.id,
        _SLOT_NUMBERS.setdefault(slot, slot),
        task_origin(service),
        desired,
        node_id,
        ctx.statuses.stamp(now, _NEW, "created"),
        now,
        now,
    )


def task_origin(service: Service) -> TaskOrigin:
    """What a new task of ``service`` takes from it, shared with the other new tasks.

    The origin is kept on the service and made again when any part of it
    changed (a new spec or version, a renamed service, a new job execution).
    """
    spec = service.spec
    origin = service.task_origin
    if (
        origin is None
        or origin.spec is not spec.task
        or origin.spec_version != service.spec_version
        or origin.endpoint is not spec.endpoint
        or origin.service_labels is not spec.labels
        or origin.service_name != spec.name
        or origin.job_iteration != service.job_iteration
    ):
        ports = spec.endpoint.ports
        origin = service.task_origin = TaskOrigin(
            spec.name,
            spec.task,
            service.spec_version,
            spec.endpoint,
            tuple(p for p in ports if p.publish_mode == _HOST) if ports else (),
            spec.labels,
            service.job_iteration,
        )
    return origin


def invalid_node(node: Node | None) -> bool:
    """Whether tasks on ``node`` must be replaced: deleted, DOWN or DRAIN (not PAUSE)."""
    return node is None or node.status == NodeStatus.DOWN or node.availability == Availability.DRAIN


# The last two task specs compared and whether they were equal (see _equal_specs).
_last_comparison: list[tuple[TaskSpec, TaskSpec, bool]] = []


def _equal_specs(old: TaskSpec, new: TaskSpec) -> bool:
    """``old == new``, remembered for the last pair of spec objects compared.

    The tasks of a service share one spec object, and an update compares it with
    the service's new one for every task it replaces: about 99 comparisons in
    100 repeat the previous one, and each costs two generated ``__eq__`` calls
    building tuples of every field.  Specs are frozen and hold only immutable
    values, so the answer for two given objects never changes; holding them in
    the memo keeps their identities from being reused.
    """
    if _last_comparison:
        last_old, last_new, equal = _last_comparison[0]
        if last_old is old and last_new is new:
            return equal
    equal = old == new
    _last_comparison[:] = [(old, new, equal)]
    return equal


def is_task_dirty(service: Service, task: Task, node: Node | None) -> bool:
    """Whether ``task`` no longer matches the service spec and must be replaced (3.8).

    A task whose only difference is its placement stays clean while its node
    still satisfies the new constraints.
    """
    if task.spec_version == service.spec_version:
        return False
    # An updater asks this about every task it replaces, three times.  Specs are
    # frozen dataclasses, mostly shared between a task and its service: the same
    # object is equal to itself (a dataclass compares its fields as tuples, which
    # take identical members as equal), and `is` spares the generated __eq__.
    spec = service.spec
    new = spec.task
    endpoint = task.endpoint
    if endpoint is not spec.endpoint and endpoint != spec.endpoint:
        return True
    old = task.spec
    if old is new or _equal_specs(old, new):
        return False
    if old.placement is new.placement or old.placement == new.placement:
        return True  # the difference is elsewhere (no copy needed to see it)
    if replace(old, placement=new.placement) == new and node is not None:
        return not placement_matches(new.placement.constraints, node)
    return True


def slot_mates(store: Store, task: Task) -> list[Task]:
    """The other tasks the manager still wants in ``task``'s slot (desired <= RUNNING).

    A slot is the service and slot number, or the service and node for a
    global task (slot 0).
    """
    if task.slot:
        candidates = store.tasks_in_slot(task.service_id, task.slot)
    else:  # a node holds few tasks; slot 0 holds every task of the global service
        candidates = [t for t in store.tasks_on_node(task.node_id) if t.slot == 0]
    return [
        other
        for other in candidates
        if other.id != task.id
        and other.service_id == task.service_id
        and other.desired_state <= TaskState.RUNNING
    ]


def clean_slot_mate(store: Store, service: Service, task: Task) -> Task | None:
    """Another task of ``task``'s slot that is wanted and of the current spec, if any.

    Such a task already owns the slot for the current spec: whoever is about to
    create a task of that spec there (the restart supervisor, an updater) must
    use it instead (see the updater's and restart supervisor's Differences).
    """
    nodes = store.nodes
    for other in slot_mates(store, task):
        if not is_task_dirty(service, other, nodes.get(other.node_id)):
            return other
    return None


def group_slots(tasks: Iterable[Task]) -> dict[int, Slot]:
    """Tasks grouped by slot number (global services: by node id)."""
    slots: dict[int, Slot] = {}
    for task in tasks:
        slots.setdefault(task.slot, []).append(task)
    return slots


def set_service_tasks_remove(store: Store, service_id: str) -> None:
    """Give every task of a removed service desired state REMOVE."""
    for task in list(store.tasks_of_service(service_id)):
        if task.desired_state < TaskState.REMOVE:
            task.desired_state = TaskState.REMOVE
            store.update_task(task)
