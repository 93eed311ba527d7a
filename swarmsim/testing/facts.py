"""What the invariants need to know about a swarm, read from the store and the machines.

The invariants of :mod:`swarmsim.testing.safety` and
:mod:`swarmsim.testing.settled` judge the engine, so they recompute what they
need from the *store* (the truth the managers share) and from the agents'
containers, never from a component's private bookkeeping: a scheduler whose
bookkeeping drifted must not be able to vouch for itself.  Where a rule of
swarmkit decides (could this node take this task?), the same rule objects are
reused — the scheduler's filters (``swarmkit: manager/scheduler/filter.go``) —
but fed with node state rebuilt from the store.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from swarmsim.api.enums import Availability, NodeStatus, PublishMode, TaskState, UpdateState
from swarmsim.api.objects import Node, Service, Task
from swarmsim.manager.scheduler.filters import Filter
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.swarm import Swarm

__all__ = [
    "IN_FLIGHT",
    "PAUSED",
    "Violation",
    "fitting_nodes",
    "held",
    "keeps_tasks",
    "node_infos",
    "paused",
    "runs_on_ready_node",
    "spec_fails",
    "unallocatable",
    "updating",
    "wanted",
]

IN_FLIGHT = (UpdateState.UPDATING, UpdateState.ROLLBACK_STARTED)
"""Update states in which an updater is (or should be) at work."""

PAUSED = (UpdateState.PAUSED, UpdateState.ROLLBACK_PAUSED)
"""Update states in which swarmkit's updater does nothing (docs/behaviour.md#the-updater)."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant: which one, and what was seen.

    Examples
    --------
    >>> str(Violation("one-task-per-slot", "s0 slot 1: 2 runnable tasks"))
    'one-task-per-slot: s0 slot 1: 2 runnable tasks'
    """

    invariant: str
    message: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.message}"


def held(task: Task) -> bool:
    """Whether a task holds its node's resources: observed ASSIGNED..RUNNING.

    See docs/behaviour.md#per-node-bookkeeping.
    """
    return TaskState.ASSIGNED <= task.state <= TaskState.RUNNING


def node_infos(swarm: Swarm) -> dict[str, NodeInfo]:
    """The scheduler's view of every node, rebuilt from the store's tasks."""
    store = swarm.ctx.store
    infos: dict[str, NodeInfo] = {}
    for node in store.nodes.values():
        info = NodeInfo(node, swarm.now)
        for task in store.tasks_on_node(node.id):
            if held(task):
                info.add_task(task)
        infos[node.id] = info
    return infos


def fitting_nodes(
    task: Task, infos: dict[str, NodeInfo], filters: Sequence[Filter] | None = None
) -> list[Node]:
    """Nodes that pass the scheduler's filter pipeline for ``task``.

    ``filters``: the swarm's own (``swarm.scheduler.pipeline.filters``, which a
    test may have swapped); swarmkit's by default.  A preassigned (global)
    task is only ever checked against its own node (``swarmkit:
    manager/scheduler/scheduler.go``, ``processPreassignedTasks``).
    """
    pipeline = Pipeline(filters)
    pipeline.set_task(task)
    if task.node_id:
        candidates: Iterable[NodeInfo] = [infos[task.node_id]] if task.node_id in infos else []
    else:
        candidates = infos.values()
    return [info.node for info in candidates if pipeline.process(info)]


def spec_fails(swarm: Swarm, task: Task) -> bool:
    """Whether the task's container can never stay running (a failing image).

    Such a task cycles through the restart loop forever, so at any moment it
    may be in any state: pull errors, containers that exit by themselves (at
    a time, at start with some probability, or at a crash rate), and health
    checks that never pass or stop passing.  A job's task whose container
    exits with code 0 completes: that is its success, not a failure.  So does
    a task that references a secret or config the store no longer has (a
    rollback brought it back): its container starts only on a node that still
    holds it (docs/secrets-configs.md).
    """
    container = task.spec.container
    store = swarm.ctx.store
    if any(s.secret_id not in store.secrets for s in container.secrets) or any(
        c.config_id not in store.configs for c in container.configs
    ):
        return True
    profile = swarm.images.profile(task.spec.container.image)
    health = task.spec.container.healthcheck
    checked = health is not None and not health.disabled and bool(health.test)
    exits = profile.exits_after is not None and (
        task.job_iteration is None or profile.exit_code != 0
    )
    return (
        profile.pull_error
        or exits
        or profile.fail_at_start > 0
        or profile.crash_rate > 0
        or (checked and (profile.never_healthy or profile.unhealthy_after is not None))
    )


def unallocatable(swarm: Swarm, task: Task) -> bool:
    """Whether a NEW task rightly waits for the allocator: a network of its
    service is gone or unallocated, or has no address left for it (or for the
    service's VIP there, which it needs first), or a numbered ingress port of
    its service is published by another service: ``swarmkit:
    manager/allocator/network.go`` and ``portallocator.go`` keep the service
    and its tasks unallocated until a release."""
    store = swarm.ctx.store
    service = store.services.get(task.service_id)
    if task.state != TaskState.NEW or service is None:
        return False
    wanted_ports = {
        (p.protocol, p.published_port)
        for p in service.spec.endpoint.ports
        if p.publish_mode == PublishMode.INGRESS and p.published_port
    }
    if wanted_ports and any(
        (p.protocol, p.published_port) in wanted_ports
        for other in store.services.values()
        if other.id != service.id
        for p in other.published_ports
        if p.publish_mode == PublishMode.INGRESS
    ):
        return True
    held = {network_id for network_id, _ in service.virtual_ips}
    vip = service.spec.endpoint.mode != "dnsrr"
    networks = list(service.spec.task.networks)
    if any(p.publish_mode == PublishMode.INGRESS for p in service.spec.endpoint.ports):
        networks += [n.id for n in store.networks.values() if n.ingress]
    for network_id in networks:
        network = store.networks.get(network_id)
        if network is None or not network.allocated:
            return True
        free = swarm.allocator.free_addresses(network_id)
        if free == 0 or (free == 1 and vip and network_id not in held):
            return True
    return False


def wanted(task: Task) -> bool:
    """Whether the managers still want the task to run: desired state up to COMPLETE
    (a service's tasks are wanted RUNNING, a job's COMPLETE)."""
    return task.desired_state <= TaskState.COMPLETE


def runs_on_ready_node(swarm: Swarm, task: Task) -> bool:
    """Observed RUNNING on a node the managers see READY."""
    node = swarm.ctx.store.nodes.get(task.node_id)
    return task.state == TaskState.RUNNING and node is not None and node.status == NodeStatus.READY


def updating(swarm: Swarm, service: Service) -> bool:
    """An updater runs for the service, or its status says one should."""
    status = service.update_status
    return service.id in swarm.updates.updaters or (
        status is not None and status.state in IN_FLIGHT
    )


def paused(service: Service) -> bool:
    """A paused update (PAUSED / ROLLBACK_PAUSED): it may leave several tasks in a slot.

    A start-first run leaves the old task running when the new one fails
    (docs/behaviour.md#the-updater), and the restart supervisor keeps restarting the new
    version beside it while the update is paused (5.5, 5.8).  The run that
    paused need not be start-first itself: a start-first update that rolled
    back leaves such slots to a stop-first rollback, which may pause before
    reaching them.
    """
    status = service.update_status
    return status is not None and status.state in PAUSED


def keeps_tasks(node: Node | None) -> bool:
    """Whether existing tasks may stay on the node: present, not DOWN, not drained."""
    return (
        node is not None
        and node.status != NodeStatus.DOWN
        and node.availability != Availability.DRAIN
    )
