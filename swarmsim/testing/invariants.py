"""Reusable invariants of a simulated swarm, for property-based tests.

Each check returns a list of human-readable violations (empty when the
invariant holds), so a failing hypothesis example prints what went wrong.
:func:`check_converged` states what must hold once the swarm is quiet (no
fault in flight, time for replacements to start); :func:`check_trace`
states what must hold at every moment of a run.
"""

from __future__ import annotations

from collections import Counter

from swarmsim.api.enums import Availability, NodeStatus, ServiceMode, TaskState
from swarmsim.api.objects import Node, Service
from swarmsim.manager.constraint import placement_matches
from swarmsim.swarm import Swarm
from swarmsim.trace import Trace


def _matches(service: Service, node: Node) -> bool:
    return placement_matches(service.spec.task.placement.constraints, node)


def _eligible(service: Service, node: Node) -> bool:
    """Whether a new task of ``service`` may be placed on ``node``."""
    return (
        node.status == NodeStatus.READY
        and node.availability == Availability.ACTIVE
        and _matches(service, node)
    )


def _may_keep(service: Service, node: Node) -> bool:
    """Whether an existing task of ``service`` may keep running on ``node``."""
    return (
        node.status == NodeStatus.READY
        and node.availability != Availability.DRAIN
        and _matches(service, node)
    )


def check_trace(trace: Trace) -> list[str]:
    """Observed and desired states of every task only ever move forward."""
    problems: list[str] = []
    last: dict[str, tuple[int, int]] = {}
    order = {state.api_name: int(state) for state in TaskState}
    for record in trace:
        if record.kind != "task" or record.event == "delete":
            continue
        state, desired = order[record.state], order[record.desired]
        before = last.get(record.id)
        if before is not None:
            if state < before[0]:
                problems.append(f"task {record.id} went back to {record.state} at {record.time}")
            if desired < before[1]:
                problems.append(
                    f"task {record.id} desired went back to {record.desired} at {record.time}"
                )
        last[record.id] = (state, desired)
    return problems


def check_history_limit(swarm: Swarm) -> list[str]:
    """No slot keeps more tasks than the retention limit allows."""
    problems: list[str] = []
    store = swarm.ctx.store
    for service in store.services.values():
        limit = swarm.reaper.limit_for(service.id)
        if limit < 0:
            continue
        per_slot = Counter(
            (t.slot, t.node_id if t.slot == 0 else "") for t in store.tasks_of_service(service.id)
        )
        for slot, count in per_slot.items():
            if count > limit:
                problems.append(f"{service.spec.name} slot {slot} keeps {count} > {limit} tasks")
    return problems


def check_converged(swarm: Swarm) -> list[str]:
    """What must hold once a swarm has had time to settle after its last change.

    - every task the manager wants running runs on a READY, non-drained node
      that satisfies its service's constraints, and none is half-started;
    - a replicated service runs one task per slot and as many as it asked
      for, or as many as the eligible nodes can take (per-node cap; paused
      nodes keep what they have but take nothing new);
    - a global service runs one task on every eligible node;
    - history stays within the retention limit.
    """
    problems: list[str] = []
    store = swarm.ctx.store
    nodes = list(store.nodes.values())
    for service in store.services.values():
        name = service.spec.name
        runnable = [t for t in store.tasks_of_service(service.id) if t.runnable]
        running = [t for t in runnable if t.state == TaskState.RUNNING]
        for task in runnable:
            node = store.nodes.get(task.node_id)
            if TaskState.ASSIGNED <= task.state < TaskState.RUNNING:
                problems.append(f"{name}: task {task.id} still {task.state.api_name}")
            if task.state == TaskState.RUNNING and (node is None or not _may_keep(service, node)):
                where = node.hostname if node else "a deleted node"
                problems.append(f"{name}: task {task.id} runs on {where}")
        per_node = Counter(t.node_id for t in running)
        cap = service.spec.task.placement.max_replicas
        if cap and any(c > cap for c in per_node.values()):
            problems.append(f"{name}: more than {cap} tasks on a node")
        if _exhausted(service):
            continue
        if service.spec.mode == ServiceMode.REPLICATED:
            if any(c > 1 for c in Counter(t.slot for t in runnable).values()):
                problems.append(f"{name}: two runnable tasks in one slot")
            capacity = 0
            unbounded = False
            for node in nodes:
                if _eligible(service, node):
                    unbounded = unbounded or not cap
                    capacity += cap
                elif _may_keep(service, node):
                    capacity += per_node.get(node.id, 0)
            target = service.spec.replicas if unbounded else min(service.spec.replicas, capacity)
            if len(running) != target:
                problems.append(f"{name}: {len(running)} running, expected {target}")
        else:
            covered = set(per_node)
            missing = [n.hostname for n in nodes if _eligible(service, n) and n.id not in covered]
            if missing:
                problems.append(f"{name}: no global task on {', '.join(sorted(missing))}")
    problems.extend(check_history_limit(swarm))
    return problems


def _exhausted(service: Service) -> bool:
    """Whether the restart policy may legitimately leave slots empty."""
    policy = service.spec.task.restart
    return policy.condition.name != "ANY" or policy.max_attempts > 0


def check_spread(swarm: Swarm, service: Service) -> list[str]:
    """A freshly placed service without preferences is balanced over eligible nodes.

    Rule 2.5: fewer tasks of the service first, so per-node counts differ by
    at most one (nodes with a per-node cap excepted).
    """
    store = swarm.ctx.store
    eligible = [n for n in store.nodes.values() if _eligible(service, n)]
    counts = Counter(t.node_id for t in store.tasks_of_service(service.id) if t.runnable)
    values = [counts.get(n.id, 0) for n in eligible]
    if values and max(values) - min(values) > 1:
        return [f"{service.spec.name}: unbalanced placement {sorted(values)}"]
    return []
