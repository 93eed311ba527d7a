"""Reusable invariants of a simulated swarm, for property-based tests.

Each check returns a list of violations (empty when the invariant holds), so
a failing hypothesis example prints what went wrong.

- :func:`check_step` (:mod:`swarmsim.testing.safety`): what holds at every
  moment, whatever faults are in flight; run it after every step.
- :func:`check_quiescent` (adds :mod:`swarmsim.testing.settled` and the
  trace): what holds once the swarm has settled after its last operation,
  faults left as they are.
- :data:`INVARIANTS`: every invariant's name and where the rule comes from.
- :func:`check_converged` and :func:`check_trace`: the first, simpler checks
  (a swarm quiet with every fault repaired; states only move forward).
"""

from __future__ import annotations

from collections import Counter

from swarmsim.api.enums import Availability, NodeStatus, ServiceMode, TaskState
from swarmsim.api.objects import Node, Service
from swarmsim.manager.constraint import placement_matches
from swarmsim.settle import may_stay
from swarmsim.swarm import Swarm
from swarmsim.testing.facts import Violation
from swarmsim.testing.safety import check_always
from swarmsim.testing.settled import check_settled
from swarmsim.trace import Trace

__all__ = [
    "INVARIANTS",
    "Violation",
    "check_converged",
    "check_history_limit",
    "check_quiescent",
    "check_spread",
    "check_step",
    "check_trace",
]

INVARIANTS: dict[str, str] = {
    "slot-duplicate": "no slot holds two runnable tasks of one spec version once an update "
    "is over (swarmkit: manager/orchestrator/restart/restart.go Restart; "
    "manager/orchestrator/update/updater.go useExistingTask; docs/behaviour.md#slots)",
    "slot-overlap": "no slot runs two wanted tasks once an update is over "
    "(restart.go DelayStart wait-for-stop; docs/behaviour.md#restart-policy)",
    "reservations": "held tasks' reservations fit in their node (swarmkit: "
    "manager/scheduler/filter.go ResourceFilter, nodeinfo.go; "
    "docs/behaviour.md#per-node-bookkeeping)",
    "max-replicas": "no node holds more active tasks of a service than its cap "
    "(filter.go MaxReplicasFilter; docs/behaviour.md#filters)",
    "update-settled": "an update ends completed, paused, rollback_completed or "
    "rollback_paused unless it waits for a task that cannot run "
    "(updater.go; docs/behaviour.md#the-updater)",
    "update-abandoned": "no out-of-date task once no update is in flight "
    "(swarmkit: manager/orchestrator/task.go IsTaskDirty; docs/behaviour.md#out-of-date-tasks)",
    "replicas": "replicated services run their replicas, one task per slot, on READY "
    "non-drained nodes (replicated/services.go reconcile; docs/behaviour.md#replicated-services)",
    "global-tasks": "one task per eligible node "
    "(global/global.go; docs/behaviour.md#global-services)",
    "job-concurrency": "a replicated job runs at most MaxConcurrent tasks of its execution "
    "at once, at most TotalCompletions with those completed, one per slot "
    "(swarmkit: manager/orchestrator/jobs/replicated/reconciler.go; docs/behaviour.md#jobs)",
    "job-progress": "a job's execution keeps min(MaxConcurrent, completions left) tasks under "
    "way, each running or rightly waiting (jobs/replicated/reconciler.go, "
    "jobs/global/reconciler.go; docs/behaviour.md#jobs)",
    "unavailable-node": "no wanted task on a down, drained or deleted node "
    "(orchestrator/task.go InvalidNode; docs/behaviour.md#node-down-drain-and-pause)",
    "pending-placeable": "no task PENDING while a node passes the scheduler's filters "
    "(manager/scheduler/scheduler.go, pipeline.go; docs/behaviour.md#why-a-task-is-pending)",
    "new-allocatable": "no task NEW while its networks are allocated and have an address "
    "for it (manager/allocator/network.go; docs/network.md#overlay-networks-endpoints-and-"
    "published-ports)",
    "containers": "every container on a machine belongs to a store task on that node, "
    "none runs when it should be shut down, every running task has one "
    "(agent/worker.go; manager/dispatcher/assignments.go)",
    "dependencies": "an agent holds the secrets and configs its node's tasks under way "
    "reference (those the store has at least) and nothing else, and no container runs "
    "without one (manager/dispatcher/assignments.go; docs/secrets-configs.md)",
    "vips": "a vip service has one virtual IP on each overlay network it is attached to "
    "and none elsewhere, unless the allocator rightly waits "
    "(manager/allocator/network.go allocateService; docs/network.md)",
    "leader": "a quorum of managers that reach each other has a leader among them, no leader "
    "otherwise, the managers shown reachable are those, and every running agent holds its "
    "session exactly when it reaches the leader "
    "(manager/state/raft/raft.go CheckQuorum; agent/session.go; docs/behaviour.md)",
    "node-status": "a node is READY exactly when its machine's agent runs and holds a "
    "session, DOWN otherwise (manager/dispatcher/dispatcher.go; "
    "docs/behaviour.md#heartbeats)",
    "host-ports": "no two tasks holding a node bind the same host-mode port "
    "(manager/scheduler/filter.go HostPortFilter; docs/behaviour.md#filters)",
    "addresses": "on every overlay network, the addresses held by VIPs and live tasks are "
    "distinct and exactly those its pool has taken (manager/allocator/network.go; "
    "docs/network.md)",
    "ingress-ports": "no ingress port is published by two services, and the allocator holds "
    "exactly the published ones (manager/controlapi/service.go checkPortConflicts; "
    "manager/allocator/portallocator.go; docs/network.md)",
    "left-node": "a node whose machine left the swarm is DOWN and its agent stopped "
    "(manager/dispatcher/dispatcher.go heartbeat expiry; docs/shell.md#machines-and-membership)",
    "monotonic": "observed and desired states only move forward (api/types.proto TaskState; "
    "docs/behaviour.md#task-states)",
    "internal-error": "no command or wait raises a simulator exception",
}
"""Every invariant the fault-schedule fuzzer checks, with the source of its rule."""


def check_step(swarm: Swarm) -> list[Violation]:
    """Violations of the invariants that hold at every moment (run after every step)."""
    return check_always(swarm)


def check_quiescent(swarm: Swarm) -> list[Violation]:
    """Violations of every invariant, for a swarm that has settled (faults left as they are).

    Examples
    --------
    >>> swarm = Swarm(seed=1, managers=1, workers=2)
    >>> swarm.docker("docker service create -d --replicas 3 --name web nginx").exit_code
    0
    >>> swarm.advance(60)
    >>> check_quiescent(swarm)
    []
    """
    problems = check_always(swarm)
    problems.extend(check_settled(swarm))
    problems.extend(Violation("monotonic", text) for text in check_trace(swarm.trace))
    return problems


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
    return node.status == NodeStatus.READY and may_stay(service, node)


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

    - every task the manager wants running runs on a READY node that may keep
      it (:func:`~swarmsim.settle.may_stay`: not drained, and an active node
      still meets its service's constraints), and none is half-started;
    - a replicated service runs one task per slot and as many as it asked
      for, or as many as the eligible nodes can take (per-node cap; paused
      nodes keep what they have but take nothing new);
    - a global service runs one task on every eligible node;
    - history stays within the retention limit.

    Jobs are not judged here (see ``job-progress`` in :func:`check_quiescent`).
    """
    problems: list[str] = []
    store = swarm.ctx.store
    nodes = list(store.nodes.values())
    for service in store.services.values():
        if service.spec.mode.is_job:
            continue
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
