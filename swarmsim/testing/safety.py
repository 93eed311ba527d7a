"""Invariants that hold at every moment of a run, whatever faults are in flight.

:func:`check_always` is run after every step of a fault schedule (and every
30 s while it settles).  Each rule names its source; each is phrased so that
a state which only exists *within* one virtual instant (one component wrote,
the next has not reacted yet) cannot break it.

``slot-duplicate``
    Once an update is over (COMPLETED / ROLLBACK_COMPLETED and no updater
    runs), no replicated slot holds two runnable tasks (desired state <=
    RUNNING) built from the same spec version.  Outside an update every writer
    of a slot retires what is there: the restart supervisor shuts the old task
    down in the transaction that creates its replacement and refuses to restart
    a task twice ("this will create an extra task", ``swarmkit:
    manager/orchestrator/restart/restart.go``, ``Restart``), and the last
    updater run reused or retired every extra task of a slot
    (``swarmkit: manager/orchestrator/update/updater.go``, ``useExistingTask``,
    ``removeOldTasks``); docs/behaviour.md#slots.  *During* a start-first
    update a slot legitimately holds two runnable tasks, and swarmkit's
    ``Restart`` replaces each of them without looking at the slot (a node that
    goes down under both makes two replacements of the new spec), so the rule
    waits for the update to end.
``slot-overlap``
    Once an update is over (as above), no replicated slot has two tasks that
    are both wanted and running on READY nodes: replacements outside a
    start-first update wait for the old task to stop (``DelayStart`` with
    wait-for-stop, docs/behaviour.md#restart-policy); only start-first overlaps,
    while its updater is at work or paused (5.4 step 5, 5.5).
``reservations``
    On every node the reservations of the tasks holding resources (observed
    ASSIGNED..RUNNING, whatever their desired state) fit in the node's CPUs and
    memory: the scheduler's ``ResourceFilter`` admits a task only if it fits
    what the held tasks leave (``swarmkit: manager/scheduler/filter.go``,
    ``nodeinfo.go``; docs/behaviour.md#per-node-bookkeeping).
``job-concurrency``
    A replicated job never has more tasks of its current execution under way
    (wanted, desired state up to COMPLETE, and not COMPLETE) than its
    ``MaxConcurrent``, nor more under way and completed than its
    ``TotalCompletions``, and no slot holds two of them: the reconciler
    creates at most the difference, in free slots, and a restart retires
    the failed task in the transaction that creates its replacement
    (``swarmkit: manager/orchestrator/jobs/replicated/reconciler.go``).
``max-replicas``
    No node holds more *active* tasks (held, desired <= COMPLETE) of a
    service than its ``--replicas-max-per-node`` (``MaxReplicasFilter``,
    docs/behaviour.md#filters).  Tasks created under another cap are not counted: a
    placement-only change does not redeploy tasks whose node still matches
    (``IsTaskDirty``, docs/behaviour.md#out-of-date-tasks), so lowering the cap keeps them.
``host-ports``
    On every node, no two tasks holding it (observed ASSIGNED..RUNNING) bind
    the same host-mode published port and protocol: the scheduler's
    ``HostPortFilter`` admits a task only if its ports are free among the
    held tasks' (``swarmkit: manager/scheduler/filter.go``, ``nodeinfo.go``
    ``usedHostPorts``; docs/behaviour.md#filters).
``addresses``
    On every overlay network with an address pool, the addresses held — the
    services' virtual IPs and the attachments of the tasks not dead yet — are
    distinct, and they are exactly the pool's taken addresses besides the
    gateway: nothing is handed out twice and nothing leaks (``swarmkit:
    manager/allocator/network.go``, ``allocateTask`` / ``deallocateTask``,
    over libnetwork's IPAM; docs/network.md).
``ingress-ports``
    No two services hold the same ingress port (protocol and number) in
    their allocated ``Endpoint.Ports``, and the allocator's port space holds
    exactly those: the control API refuses a port in use and the allocator
    fails a service whose numbered port another holds (``swarmkit:
    manager/controlapi/service.go`` ``checkPortConflicts``,
    ``manager/allocator/portallocator.go``; docs/network.md).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from swarmsim.api.enums import PublishMode, ServiceMode, TaskState, UpdateState
from swarmsim.api.objects import Service, Task
from swarmsim.manager.scheduler.nodeinfo import task_host_ports
from swarmsim.store.endpoints import task_alive
from swarmsim.swarm import Swarm
from swarmsim.testing.facts import Violation, held, runs_on_ready_node, updating, wanted

__all__ = ["check_always"]

_OVER = (UpdateState.COMPLETED, UpdateState.ROLLBACK_COMPLETED)


def check_always(swarm: Swarm) -> list[Violation]:
    """Every violation of the invariants that hold at every moment."""
    problems: list[Violation] = []
    store = swarm.ctx.store
    for service in store.services.values():
        if service.spec.mode == ServiceMode.REPLICATED:
            problems.extend(_slots(swarm, service))
        elif service.spec.mode == ServiceMode.REPLICATED_JOB:
            problems.extend(_job_counts(swarm, service))
    problems.extend(_node_capacity(swarm))
    problems.extend(_addresses(swarm))
    problems.extend(_ingress_ports(swarm))
    return problems


def _ingress_ports(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    services = swarm.ctx.store.services
    holders: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for service in services.values():
        for port in service.published_ports:
            if port.publish_mode == PublishMode.INGRESS:
                holders[(port.protocol, port.published_port)].append(service.id)
    space = swarm.allocator.ingress_ports()
    for key in sorted(holders.keys() | space.keys()):
        label = f"{key[1]}/{key[0]}"
        owners = holders.get(key, [])
        names = ", ".join(sorted(services[i].spec.name for i in owners))
        if len(owners) > 1:
            problems.append(Violation("ingress-ports", f"{label} published by {names}"))
        held = space.get(key)
        if held is None:
            problems.append(Violation("ingress-ports", f"{label} published by {names}, not held"))
        elif owners != [held]:
            holder = services[held].spec.name if held in services else held
            problems.append(
                Violation(
                    "ingress-ports", f"{label} held for {holder}, published by {names or 'none'}"
                )
            )
    return problems


def _addresses(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    holders: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for service in store.services.values():
        for network_id, address in service.virtual_ips:
            holders[network_id][address.partition("/")[0]].append(f"{service.spec.name} VIP")
    for task in store.tasks.values():
        if task_alive(task):
            for network_id, address in task.attachments:
                if address:
                    holders[network_id][address.partition("/")[0]].append(
                        f"{task.service_name} task {task.id[:12]}"
                    )
    for network_id, network in sorted(store.networks.items()):
        pool = swarm.allocator.pool(network_id)
        if pool is None:
            continue
        holding: dict[str, list[str]] = holders.get(network_id, {})
        for address, owners in sorted(holding.items()):
            if len(owners) > 1:
                who = ", ".join(sorted(owners))
                problems.append(Violation("addresses", f"{network.name}: {address} held by {who}"))
        taken = pool.taken() - {network.gateway.partition("/")[0]}
        for address in sorted(taken - holding.keys()):
            problems.append(
                Violation("addresses", f"{network.name}: {address} taken, held by none")
            )
        for address in sorted(holding.keys() - taken):
            who = ", ".join(sorted(holding[address]))
            problems.append(
                Violation("addresses", f"{network.name}: {address} held by {who}, not taken")
            )
    return problems


def _job_counts(swarm: Swarm, service: Service) -> list[Violation]:
    name = service.spec.name
    under_way: Counter[int] = Counter()
    completed = 0
    for task in swarm.ctx.store.tasks_of_service(service.id):
        if task.job_iteration != service.job_iteration:
            continue
        if task.status.state == TaskState.COMPLETE:
            completed += 1
        elif wanted(task):
            under_way[task.slot] += 1
    problems: list[Violation] = []
    running = sum(under_way.values())
    spec = service.spec
    if running > spec.max_concurrent or running + completed > spec.replicas:
        problems.append(
            Violation(
                "job-concurrency",
                f"{name}: {running} tasks under way and {completed} completed, "
                f"max {spec.max_concurrent} at once, {spec.replicas} in all",
            )
        )
    for slot, count in sorted(under_way.items()):
        if count > 1:
            problems.append(Violation("job-concurrency", f"{name}.{slot}: {count} tasks under way"))
    return problems


def _slots(swarm: Swarm, service: Service) -> list[Violation]:
    problems: list[Violation] = []
    name = service.spec.name
    by_slot: defaultdict[int, list[Task]] = defaultdict(list)
    for task in swarm.ctx.store.tasks_of_service(service.id):
        if task.runnable:
            by_slot[task.slot].append(task)
    status = service.update_status
    over = status is not None and status.state in _OVER and not updating(swarm, service)
    if not over:
        return problems
    for slot, tasks in sorted(by_slot.items()):
        if len(tasks) < 2:
            continue
        versions = Counter(t.spec_version for t in tasks)
        for version, count in sorted(versions.items()):
            if count > 1:
                ids = ", ".join(sorted(t.id[:12] for t in tasks if t.spec_version == version))
                problems.append(
                    Violation(
                        "slot-duplicate",
                        f"{name}.{slot}: {count} runnable tasks of spec version {version} ({ids})",
                    )
                )
        running = [t for t in tasks if runs_on_ready_node(swarm, t)]
        if len(running) > 1 and status is not None:
            ids = ", ".join(sorted(t.id[:12] for t in running))
            problems.append(
                Violation(
                    "slot-overlap",
                    f"{name}.{slot}: {len(running)} tasks running ({ids}) "
                    f"after the update ended ({status.state.api_name})",
                )
            )
    return problems


def _node_capacity(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    for node in store.nodes.values():
        cpus = memory = 0
        active: Counter[str] = Counter()
        bound: defaultdict[tuple[str, int], list[Task]] = defaultdict(list)
        for task in store.tasks_on_node(node.id):
            if not held(task):
                continue
            cpus += task.spec.reservations.nano_cpus
            memory += task.spec.reservations.memory_bytes
            for port in task_host_ports(task):
                bound[port].append(task)
            if task.desired_state <= TaskState.COMPLETE:
                service = store.services.get(task.service_id)
                cap = service.spec.task.placement.max_replicas if service else 0
                if cap and task.spec.placement.max_replicas == cap:
                    active[task.service_id] += 1
        if cpus > node.nano_cpus or memory > node.memory_bytes:
            problems.append(
                Violation(
                    "reservations",
                    f"{node.hostname}: tasks reserve {cpus / 1e9:g} CPUs and {memory} bytes, "
                    f"the node has {node.nano_cpus / 1e9:g} and {node.memory_bytes}",
                )
            )
        for (protocol, number), tasks in sorted(bound.items()):
            if len(tasks) > 1:
                who = ", ".join(sorted(f"{t.service_name} task {t.id[:12]}" for t in tasks))
                problems.append(
                    Violation("host-ports", f"{node.hostname}: {number}/{protocol} bound by {who}")
                )
        for service_id, count in sorted(active.items()):
            service = store.services[service_id]
            cap = service.spec.task.placement.max_replicas
            if count > cap:
                problems.append(
                    Violation(
                        "max-replicas",
                        f"{service.spec.name}: {count} active tasks on {node.hostname} "
                        f"(max {cap} per node)",
                    )
                )
    return problems
