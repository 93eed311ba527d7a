"""Invariants that hold once a swarm has settled after its last operation.

"Settled" (quiescence) means: the faults stay as they are (a failed node stays
failed, a disconnected one disconnected), but enough virtual time has passed
for every timer of the managers to have fired — see
:data:`swarmsim.testing.schedules.SETTLE` for the bound.  Without a Raft
leader nothing moves in a swarm, so only ``leader`` is judged then (and
:mod:`swarmsim.testing.safety`): it says whether there rightly is none.

``update-settled``
    An update ends in a state docker shows: ``completed``, ``paused``,
    ``rollback_completed`` or ``rollback_paused`` (or no status), never stuck in
    ``updating`` / ``rollback_started`` — unless the updater legitimately waits
    for a task that cannot run: PENDING with no node that can take it, or on a
    node that is not READY (it "waits, with no timeout, until
    the new task is RUNNING or terminal" — even once that task was shut down
    because its node went down (``swarmkit:
    manager/orchestrator/update/updater.go``, ``updateTask``; docs/behaviour.md#the-updater
    step 4, 5.6).  Any such task of the service counts, whenever it was made:
    an updater kept for an identical spec (``Supervisor.Update``) goes on
    waiting for a task made before a later rollback restarted the status.
``update-abandoned``
    No runnable task is out of date (``IsTaskDirty``) while the service's
    update status is nil / completed / rollback_completed and no updater runs:
    every service change reaches the update supervisor, which replaces dirty
    tasks (docs/behaviour.md#out-of-date-tasks).  Global tasks on PAUSE nodes are exempt: the
    global orchestrator neither adds nor updates tasks there (``swarmkit:
    manager/orchestrator/global/global.go``, ``reconcileServices``;
    docs/behaviour.md#global-services).
``replicas``
    A replicated service has exactly ``replicas`` runnable slots (at most, when
    its restart policy may give up: condition ``none`` or max attempts, 3.5 —
    or that of an ended task, whose own spec the restart supervisor follows),
    each slot holds one runnable task (several only while an update is in
    flight or paused, see ``_most_per_slot``), and every slot runs a task on a
    READY, non-drained node — except slots whose tasks are of a failing image
    (restart loop) or PENDING (judged by ``pending-placeable``) (docs/behaviour.md#restart-policy,
    3.4, 3.5, 12.7).
``global-tasks``
    A global service has one runnable task on every node that is not DOWN,
    not drained, matches its constraints and is ACTIVE; it runs there unless
    its image fails or it is PENDING (docs/behaviour.md#global-services).  PAUSE nodes keep
    whatever they have: the global orchestrator neither adds, nor updates, nor
    trims tasks there ("the node is paused, so we won't add or update any
    tasks", ``swarmkit: manager/orchestrator/global/global.go``), so a start-first
    overlap caught by a pause stays.
``unavailable-node``
    No task the managers want running sits on a DOWN, drained or deleted node:
    the orchestrators shut those down (``InvalidNode`` in ``swarmkit:
    manager/orchestrator/task.go``; docs/behaviour.md#node-down-drain-and-pause).  Exception: a
    PENDING (or NEW, waiting for an address) task of a service whose update is
    still in flight.  The updater
    got its slots when it started and creates a global node's new task even if
    that node went down or was drained meanwhile (``swarmkit:
    manager/orchestrator/update/updater.go``, ``worker``: no node check); the
    global orchestrator only shuts tasks down on a node *event*, so the task
    waits PENDING on that node and the update waits for it.
``pending-placeable``
    No task stays PENDING while a node passes the scheduler's filters for it —
    judged by the scheduler's own filter pipeline on node state rebuilt from
    the store (``swarmkit: manager/scheduler/scheduler.go``: pending tasks are
    retried on every node or task change, no back-off; docs/behaviour.md#why-a-task-is-pending).
    Not judged for a task that is out of date (older spec version, and
    ``IsTaskDirty``): swarmkit's ``noSuitableNode`` does not re-queue "a task
    [that] belongs to an old revision of service" and nothing else does, so it
    may wait PENDING for ever although a node that fits it joins.  (swarmkit
    drops every older version, even after a ``scale`` or a no-op ``update``;
    the engine keeps those queued — see the Differences of
    ``swarmsim/manager/scheduler/bookkeeping.py`` — and so does this rule.)  Not judged either
    while a failing image restarts somewhere: that churn frees and
    takes nodes all the time and the scheduler may lag up to its 1 s maximum
    latency behind a snapshot.
``new-allocatable``
    No task stays NEW while the allocator could give it what it needs: its
    service's networks exist, are allocated and have an address left for it
    (and for the service's VIP, when it has none yet), and no other service
    publishes one of its numbered ingress ports — swarmkit's allocator
    tries unallocated tasks again whenever something is released
    (``swarmkit: manager/allocator/network.go``, ``somethingWasDeallocated``).
    A task that rightly waits there counts as PENDING does for ``replicas``,
    ``global-tasks`` and ``update-settled``.
``job-progress``
    A job's current execution moves on: each of its tasks under way (wanted,
    not COMPLETE) runs on a READY node or rightly waits (a failing image, a
    PENDING task judged by ``pending-placeable``, a task waiting for
    addresses, a node that is not READY — the jobs orchestrator watches no
    node, so it leaves a task on a down or drained node where it is), no node
    holds two of a global job's, and a replicated job has ``min(MaxConcurrent,
    TotalCompletions - completed)`` under way, fewer only when its restart
    policy may have given up (``swarmkit:
    manager/orchestrator/jobs/replicated/reconciler.go``).  A global job is
    not judged for nodes without a task: a node that joined or became
    eligible after the job's last reconcile rightly has none.
``containers``
    On every machine that is up and connected, each container belongs to a
    task the store knows on that node, none keeps running once the managers
    want it shut down, and every task the store sees running there has its
    container (the agent's assignment sync, ``swarmkit: agent/worker.go``,
    ``reconcileTaskState``; ``manager/dispatcher/assignments.go``).  The last
    two are not judged for tasks of failing images, whose status reports are
    always on their way to the managers.
``dependencies``
    On every machine that is up and connected, and runs no task of a failing
    spec, the agent holds the secrets and configs that its node's tasks
    under way (observed ASSIGNED..RUNNING) reference, those the store still
    has at least, and nothing else: the dispatcher sends them with a task and
    removes them once no task of the node uses them (``swarmkit:
    manager/dispatcher/assignments.go``; docs/secrets-configs.md); no
    container runs without one it references (the Engine's start fails).
``vips``
    A ``vip`` service has one virtual IP on each overlay network it is
    attached to (the ingress network first when it publishes ingress ports)
    and none elsewhere; a ``dnsrr`` service has none.  Not judged while the
    allocator rightly waits: a network missing or unallocated, no address left
    for a new VIP, or a numbered ingress port another service holds
    (``swarmkit: manager/allocator/network.go``, ``allocateService``;
    docs/network.md).
``leader``
    Judged with or without a leader: when the managers on one side of the
    network are a quorum of all managers, one of them leads (an election
    takes 10–19 s, well within the settling time); without such a side
    nobody leads (a leader that cannot reach a quorum steps down,
    ``CheckQuorum``); the leader-only components run exactly while there
    is a leader; when a side has a quorum, the managers shown ``Reachable``
    are those of that side (without one nobody can list them);
    and every running agent holds its session exactly when its
    machine has a path to the leader's machine (any working link while
    there is no leader) (``swarmkit: manager/state/raft/raft.go``,
    ``agent/session.go``; :mod:`swarmsim.manager.sessions`).
``node-status``
    A node that a machine runs is READY exactly when that machine's agent
    runs and holds a session with the leader, DOWN otherwise: the dispatcher
    marks a node READY when it registers and DOWN when its heartbeats stop
    (``swarmkit: manager/dispatcher/dispatcher.go``), and a new leader's
    UNKNOWN has long been resolved by then.
``left-node``
    A node whose machine left the swarm (``docker swarm leave``) is DOWN and
    its agent is stopped: the engine stops the node at once and the managers
    mark it DOWN when its heartbeats stop (``swarmkit:
    manager/dispatcher/dispatcher.go``, heartbeat expiry; docs/shell.md,
    "Machines and membership").  A node left and joined again is a new node;
    the old one stays listed, DOWN, until ``docker node rm``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from swarmsim.agent.executor import missing_dependency
from swarmsim.api.enums import (
    Availability,
    NodeStatus,
    PublishMode,
    RestartCondition,
    ServiceMode,
    TaskState,
)
from swarmsim.api.objects import Service, Task
from swarmsim.manager.constraint import placement_matches
from swarmsim.manager.orchestrator.task import is_task_dirty
from swarmsim.manager.raft import quorum
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.swarm import Swarm
from swarmsim.testing.facts import (
    IN_FLIGHT,
    PAUSED,
    Violation,
    fitting_nodes,
    keeps_tasks,
    node_infos,
    paused,
    runs_on_ready_node,
    spec_fails,
    unallocatable,
    updating,
    wanted,
)

__all__ = ["check_settled"]


def check_settled(swarm: Swarm) -> list[Violation]:
    """Every violation of the invariants of a settled swarm (only ``leader`` without a
    leader)."""
    problems = _leadership(swarm)
    if not swarm.ctx.leadership.active:
        return problems
    infos = node_infos(swarm)
    for service in swarm.ctx.store.services.values():
        if service.spec.mode.is_job:
            # no updater ever runs for a job: a rollback's status stays rollback_started
            problems.extend(_job(swarm, service))
            continue
        problems.extend(_update(swarm, service, infos))
        if service.spec.mode == ServiceMode.REPLICATED:
            problems.extend(_replicas(swarm, service))
        else:
            problems.extend(_global(swarm, service))
    problems.extend(_placement(swarm, infos))
    problems.extend(_containers(swarm))
    problems.extend(_dependencies(swarm))
    problems.extend(_vips(swarm))
    problems.extend(_node_statuses(swarm))
    problems.extend(_left_nodes(swarm))
    return problems


def _may_give_up(service: Service, tasks: Iterable[Task]) -> bool:
    """Whether the restart supervisor may have left a slot or node without a task.

    It follows the restart policy of the failed task's own spec (``swarmkit:
    manager/orchestrator/restart/restart.go``, ``shouldRestart`` reads
    ``t.Spec.Restart``), which may be an older version's than the service's:
    a task of an update with ``--restart-max-attempts 3`` gives up after three
    restarts even once a rollback has restored a policy that never does.
    """
    policies = [service.spec.task.restart, *(t.spec.restart for t in tasks if not t.runnable)]
    return any(p.condition == RestartCondition.NONE or p.max_attempts > 0 for p in policies)


def _blocked(swarm: Swarm, task: Task, infos: dict[str, NodeInfo]) -> bool:
    """A task that cannot make progress: unplaceable, waiting for addresses, or on a
    node that is not READY."""
    if task.state == TaskState.PENDING:
        return not task.runnable or not fitting_nodes(task, infos, swarm.scheduler.pipeline.filters)
    if task.state == TaskState.NEW:
        return unallocatable(swarm, task)
    node = swarm.ctx.store.nodes.get(task.node_id)
    return node is None or node.status != NodeStatus.READY


def _update(swarm: Swarm, service: Service, infos: dict[str, NodeInfo]) -> list[Violation]:
    name = service.spec.name
    status = service.update_status
    every = swarm.ctx.store.tasks_of_service(service.id)
    tasks = [t for t in every if t.runnable]
    if status is not None and status.state in IN_FLIGHT:
        # the task an updater waits for may have been shut down meanwhile (its node
        # went down): it still waits for it to report RUNNING or a terminal state
        waiting = [t for t in every if t.state < TaskState.RUNNING and _blocked(swarm, t, infos)]
        if not waiting:
            return [Violation("update-settled", f"{name}: update stuck in {status.state.api_name}")]
        return []
    if (status is not None and status.state in PAUSED) or service.id in swarm.updates.updaters:
        return []
    nodes = swarm.ctx.store.nodes
    dirty = []
    for task in tasks:
        node = nodes.get(task.node_id)
        if task.slot == 0 and node is not None and node.availability == Availability.PAUSE:
            continue
        if is_task_dirty(service, task, node):
            dirty.append(task)
    if not dirty:
        return []
    state = status.state.api_name if status else "no update status"
    names = ", ".join(sorted(_label(swarm, t) for t in dirty))
    return [Violation("update-abandoned", f"{name}: {names} out of date, {state}")]


def _label(swarm: Swarm, task: Task) -> str:
    if task.slot:
        return f"{task.service_name}.{task.slot}"
    node = swarm.ctx.store.nodes.get(task.node_id)
    return f"{task.service_name}.{node.hostname if node else task.node_id}"


def _replicas(swarm: Swarm, service: Service) -> list[Violation]:
    name = service.spec.name
    by_slot: defaultdict[int, list[Task]] = defaultdict(list)
    every = list(swarm.ctx.store.tasks_of_service(service.id))
    for task in every:
        if task.runnable:
            by_slot[task.slot].append(task)
    problems: list[Violation] = []
    wanted = service.spec.replicas
    if len(by_slot) > wanted or (len(by_slot) < wanted and not _may_give_up(service, every)):
        problems.append(
            Violation("replicas", f"{name}: {len(by_slot)} runnable slots for {wanted} replicas")
        )
    for slot, tasks in sorted(by_slot.items()):
        if len(tasks) > _most_per_slot(swarm, service):
            problems.append(
                Violation("replicas", f"{name}.{slot}: {len(tasks)} runnable tasks in one slot")
            )
        if any(runs_on_ready_node(swarm, t) and _node_ok(swarm, t) for t in tasks):
            continue
        stuck = [t for t in tasks if not _waits(swarm, t)]
        if stuck:
            states = ", ".join(sorted(f"{t.id[:12]} {_where(swarm, t)}" for t in stuck))
            problems.append(Violation("replicas", f"{name}.{slot}: not running ({states})"))
    return problems


def _most_per_slot(swarm: Swarm, service: Service) -> int:
    """How many runnable tasks a settled slot may hold.

    One — except while an update is in flight (a start-first replacement that
    cannot be placed keeps the old task beside it; ``update-settled`` judges
    whether it may still be in flight) or paused: a start-first run leaves the
    old task running when the new one fails, the restart supervisor restarts
    the new version beside it, and every start-first run cancelled before its
    task ran leaves that task behind too (see
    :func:`~swarmsim.testing.facts.paused`; docs/behaviour.md#paused-updates).
    """
    if updating(swarm, service) or paused(service):
        return 1_000_000
    return 1


def _waits(swarm: Swarm, task: Task) -> bool:
    """A task that may rightly be found not running: its image fails, it is
    PENDING (judged by ``pending-placeable``) or it waits for addresses."""
    return spec_fails(swarm, task) or task.state == TaskState.PENDING or unallocatable(swarm, task)


def _node_ok(swarm: Swarm, task: Task) -> bool:
    return keeps_tasks(swarm.ctx.store.nodes.get(task.node_id))


def _where(swarm: Swarm, task: Task) -> str:
    node = swarm.ctx.store.nodes.get(task.node_id)
    host = node.hostname if node else (task.node_id or "no node")
    return f"{task.state.api_name}/{task.desired_state.api_name} on {host}"


def _global(swarm: Swarm, service: Service) -> list[Violation]:
    name = service.spec.name
    store = swarm.ctx.store
    by_node: defaultdict[str, list[Task]] = defaultdict(list)
    ended: defaultdict[str, list[Task]] = defaultdict(list)  # tasks given up or shut down
    for task in store.tasks_of_service(service.id):
        (by_node if task.runnable else ended)[task.node_id].append(task)
    problems: list[Violation] = []
    constraints = service.spec.task.placement.constraints
    for node in sorted(store.nodes.values(), key=lambda n: n.hostname):
        if not keeps_tasks(node) or not placement_matches(constraints, node):
            continue  # runnable tasks there are reported by unavailable-node
        tasks = by_node.get(node.id, [])
        host = f"{name} on {node.hostname}"
        paused_node = node.availability == Availability.PAUSE  # left alone by the orchestrator
        if len(tasks) > _most_per_slot(swarm, service) and not paused_node:
            problems.append(Violation("global-tasks", f"{host}: {len(tasks)} runnable tasks"))
        if not tasks:
            if node.availability == Availability.ACTIVE and not _may_give_up(
                service, ended.get(node.id, ())
            ):
                problems.append(Violation("global-tasks", f"{host}: no task"))
            continue
        if node.status != NodeStatus.READY or any(runs_on_ready_node(swarm, t) for t in tasks):
            continue
        stuck = [t for t in tasks if not _waits(swarm, t)]
        if stuck:
            states = ", ".join(sorted(f"{t.id[:12]} {_where(swarm, t)}" for t in stuck))
            problems.append(Violation("global-tasks", f"{host}: not running ({states})"))
    return problems


def _job(swarm: Swarm, service: Service) -> list[Violation]:
    name = service.spec.name
    every = list(swarm.ctx.store.tasks_of_service(service.id))
    current = [t for t in every if t.job_iteration == service.job_iteration]
    under_way = [t for t in current if wanted(t) and t.state != TaskState.COMPLETE]
    problems: list[Violation] = []
    stuck = [
        t
        for t in under_way
        if not (runs_on_ready_node(swarm, t) or _waits(swarm, t) or _off_ready_node(swarm, t))
    ]
    if stuck:
        states = ", ".join(sorted(f"{t.id[:12]} {_where(swarm, t)}" for t in stuck))
        problems.append(Violation("job-progress", f"{name}: not running ({states})"))
    if service.spec.mode == ServiceMode.GLOBAL_JOB:
        per_node = Counter(t.node_id for t in under_way)
        for node_id, count in sorted(per_node.items()):
            if count > 1:
                problems.append(Violation("job-progress", f"{name}: {count} tasks on {node_id}"))
        return problems
    spec = service.spec
    completed = sum(1 for t in current if t.state == TaskState.COMPLETE)
    expected = min(spec.max_concurrent, max(0, spec.replicas - completed))
    if len(under_way) > expected or (
        len(under_way) < expected and not _may_give_up(service, every)
    ):
        problems.append(
            Violation(
                "job-progress",
                f"{name}: {len(under_way)} tasks under way, {completed} of {spec.replicas} "
                f"completed, expected {expected} under way",
            )
        )
    return problems


def _off_ready_node(swarm: Swarm, task: Task) -> bool:
    """A task on a node the managers do not see READY: its agent cannot report."""
    node = swarm.ctx.store.nodes.get(task.node_id)
    return bool(task.node_id) and (node is None or node.status != NodeStatus.READY)


def _placement(swarm: Swarm, infos: dict[str, NodeInfo]) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    # failing images restart for ever, freeing and taking nodes: the scheduler may
    # lag up to its 1 s maximum latency behind, so a snapshot proves nothing then
    churn = any(spec_fails(swarm, t) for t in store.tasks.values() if wanted(t))
    for desired in (TaskState.READY, TaskState.RUNNING, TaskState.COMPLETE):
        for task in list(store.tasks_with_desired(desired)):
            problems.extend(_placement_of(swarm, task, infos, churn))
    return problems


def _placement_of(
    swarm: Swarm, task: Task, infos: dict[str, NodeInfo], churn: bool
) -> list[Violation]:
    store = swarm.ctx.store
    node = store.nodes.get(task.node_id)
    service = store.services.get(task.service_id)
    if task.state == TaskState.COMPLETE and task.job_iteration is not None:
        return []  # a job's task that did its work
    if task.node_id and not keeps_tasks(node):
        if task.state <= TaskState.PENDING and service is not None and updating(swarm, service):
            return []  # a global updater's task for a node that left mid-update (or NEW:
            # waiting for an address, new-allocatable judges whether rightly)
        if task.job_iteration is not None:
            return []  # the jobs orchestrator watches no node (job-progress)
        where = _where(swarm, task)
        return [Violation("unavailable-node", f"{_label(swarm, task)}: wanted running, {where}")]
    if (
        service is not None
        and task.spec_version < service.spec_version
        and is_task_dirty(service, task, None)
    ):
        return []  # out of date: the scheduler no longer queues it
    if task.state == TaskState.NEW and wanted(task) and not unallocatable(swarm, task):
        label = _label(swarm, task)
        return [Violation("new-allocatable", f"{label}: NEW although its networks have room")]
    if task.state == TaskState.PENDING and not churn:
        fits = fitting_nodes(task, infos, swarm.scheduler.pipeline.filters)
        if fits:
            hosts = ", ".join(sorted(n.hostname for n in fits))
            return [
                Violation(
                    "pending-placeable", f"{_label(swarm, task)}: PENDING although {hosts} fits"
                )
            ]
    return []


def _containers(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    for node_id, agent in sorted(swarm.agents.items()):
        node = store.nodes.get(node_id)
        if node is None or not agent.up or not agent.connected:
            continue
        host = node.hostname
        for task_id, controller in sorted(agent.controllers.items()):
            task = store.tasks.get(task_id)
            if task is None or task.node_id != node_id:
                problems.append(
                    Violation(
                        "containers",
                        f"{host}: container of task {task_id[:12]} "
                        f"({controller.state.api_name}) unknown to the store",
                    )
                )
            elif spec_fails(swarm, task):
                continue  # its reports are always in flight
            elif task.desired_state >= TaskState.SHUTDOWN and controller.state in (
                TaskState.STARTING,
                TaskState.RUNNING,
            ):
                problems.append(
                    Violation(
                        "containers",
                        f"{host}: container of {_label(swarm, task)} ({task_id[:12]}) runs, "
                        f"desired {task.desired_state.api_name}",
                    )
                )
        for task in store.tasks_on_node(node_id):
            running = task.state == TaskState.RUNNING and wanted(task)
            if running and task.id not in agent.controllers and not spec_fails(swarm, task):
                problems.append(
                    Violation(
                        "containers",
                        f"{host}: {_label(swarm, task)} ({task.id[:12]}) running "
                        "in the store but has no container",
                    )
                )
    return problems


def _dependencies(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    for node_id, agent in sorted(swarm.agents.items()):
        node = store.nodes.get(node_id)
        if node is None or not agent.up or not agent.connected:
            continue
        for task_id, controller in sorted(agent.controllers.items()):
            started = store.tasks.get(task_id)
            if started is None or controller.state not in (TaskState.STARTING, TaskState.RUNNING):
                continue
            if missing_dependency(started.spec.container, agent.dependencies):
                problems.append(
                    Violation(
                        "dependencies",
                        f"{node.hostname}: container of {_label(swarm, started)} "
                        f"({task_id[:12]}) runs without a secret or config it references",
                    )
                )
        tasks = [t for t in store.tasks_on_node(node_id) if t.state >= TaskState.ASSIGNED]
        if any(spec_fails(swarm, t) for t in tasks):
            continue  # a restart loop: tasks end and begin all the time
        used: set[str] = set()
        for task in tasks:
            if task.state <= TaskState.RUNNING:
                container = task.spec.container
                used.update(s.secret_id for s in container.secrets)
                used.update(c.config_id for c in container.configs)
        existing = (used & store.secrets.keys()) | (used & store.configs.keys())
        for object_id in sorted(agent.dependencies - used):
            problems.append(
                Violation("dependencies", f"{node.hostname}: holds {object_id}, used by no task")
            )
        for object_id in sorted(existing - agent.dependencies):
            problems.append(
                Violation("dependencies", f"{node.hostname}: lacks {object_id}, used by its tasks")
            )
    return problems


def _vips(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    store = swarm.ctx.store
    networks = store.networks
    ingress = next((n.id for n in networks.values() if n.ingress), None)
    taken = {
        (p.protocol, p.published_port): other.id
        for other in store.services.values()
        for p in other.published_ports
        if p.publish_mode == PublishMode.INGRESS
    }
    for service in sorted(store.services.values(), key=lambda s: s.spec.name):
        spec = service.spec
        attached = list(spec.task.networks)
        publishes = [p for p in spec.endpoint.ports if p.publish_mode == PublishMode.INGRESS]
        if publishes:
            if ingress is None:
                continue  # waits for an ingress network
            attached.insert(0, ingress)
        if any(n not in networks or not networks[n].allocated for n in attached):
            continue  # waits for its networks (new-allocatable judges its tasks)
        if any(
            taken.get((p.protocol, p.published_port), service.id) != service.id
            for p in publishes
            if p.published_port
        ):
            continue  # waits for a port another service holds
        held = [n for n, _ in service.virtual_ips]
        wanted = []
        if spec.endpoint.mode != "dnsrr":
            wanted = [n for n in attached if swarm.allocator.pool(n) is not None]
        if any(swarm.allocator.free_addresses(n) == 0 for n in wanted if n not in held):
            continue  # waits for an address for a new VIP
        if sorted(held) != sorted(wanted):
            names = ", ".join(networks[n].name if n in networks else n for n in held) or "none"
            want = ", ".join(networks[n].name for n in wanted) or "none"
            problems.append(Violation("vips", f"{spec.name}: VIPs on {names}, attached to {want}"))
    return problems


def _node_statuses(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    running = swarm.members.machine_of  # node ID -> the machine that runs it now
    for node_id, node in sorted(swarm.ctx.store.nodes.items()):
        if node_id not in running:
            continue  # left the swarm: judged by left-node
        agent = swarm.agents.get(node_id)
        live = agent is not None and agent.up and agent.connected
        if node.status != (NodeStatus.READY if live else NodeStatus.DOWN):
            session = "holds a session" if live else "has no session"
            status = node.status.api_name
            problems.append(
                Violation("node-status", f"{node.hostname}: {status} although its agent {session}")
            )
    return problems


def _left_nodes(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    running = swarm.members.machine_of  # node ID -> the machine that runs it now
    for node_id, node in sorted(swarm.ctx.store.nodes.items()):
        if node_id in running:
            continue
        agent = swarm.agents.get(node_id)
        where = f"{node.hostname} ({node_id[:12]})"
        if agent is not None and agent.up:
            problems.append(Violation("left-node", f"{where}: its machine left, its agent runs"))
        if node.status != NodeStatus.DOWN:
            status = node.status.api_name
            problems.append(Violation("left-node", f"{where}: its machine left, it is {status}"))
    return problems


def _leadership(swarm: Swarm) -> list[Violation]:
    problems: list[Violation] = []
    raft, underlay = swarm.raft, swarm.underlay
    running = swarm.members.machine_of  # node ID -> the machine that runs it now
    side = swarm.sessions.reachable_managers()  # the side with a quorum, if one has
    leader = raft.leader
    names = {node_id: running.get(node_id, node_id[:12]) for node_id in raft.members}
    if len(side) >= quorum(len(raft.members)):
        shown = raft.reachable & raft.members.keys()  # docker node ls: Reachable / Unreachable
        if shown != side:
            wrong = ", ".join(sorted(names[m] for m in shown ^ side))
            problems.append(
                Violation("leader", f"reachability of {wrong} out of step with the links")
            )
        if leader is None:
            who = ", ".join(sorted(names[m] for m in side))
            problems.append(Violation("leader", f"no leader although {who} are a quorum"))
        elif leader not in side:
            problems.append(Violation("leader", f"{names[leader]} leads, cut off from the quorum"))
    elif leader is not None:
        problems.append(Violation("leader", f"{names[leader]} leads without a quorum"))
    if swarm.ctx.leadership.active != (leader is not None):
        problems.append(Violation("leader", "the leader-only components disagree with Raft"))
    leader_machine = None if leader is None else running.get(leader)
    for node_id, agent in sorted(swarm.agents.items()):
        if not agent.up or node_id not in running:
            continue  # an agent of a left node is judged by left-node
        if leader_machine is None:
            reaches = underlay.attached(agent.machine)
        else:
            reaches = underlay.route(agent.machine, leader_machine) is not None
        if agent.connected != reaches:
            state = "lost although it reaches" if reaches else "holds although it cannot reach"
            target = "the network" if leader_machine is None else "the leader"
            problems.append(Violation("leader", f"{agent.machine}: session {state} {target}"))
    return problems
