"""Running a swarm until it has settled: every service converged, no update in flight.

:meth:`swarmsim.swarm.Swarm.settle` lets virtual time pass until
:func:`unsettled` finds nothing left to wait for, or a timeout passes, and
says which in a :class:`SettleResult`.  Sweeps use it instead of a guessed
window ("advance 300 s and hope the update is over").

:meth:`~swarmsim.swarm.Swarm.settle` first runs what was queued for the
current instant (a kill, a drain, a removal take effect), then looks.

A service has *converged* when no updater works on it any more and every
task the managers want running is running, its container running as its
node's agent sees it, the agent reaching the managers (after a crash, until
the managers mark the node down and replace its tasks, or while an exited
container's report is on its way, the service is still converging), on a
``ready`` node that may keep it
(:func:`may_stay`: not drained, nor an active node that no longer meets the
service's constraints), with the service's current spec (a task of an
older version whose spec is the same, as after a rollback, counts as
current: ``IsTaskDirty``), no task the managers want stopped still runs on a
``ready`` node (a down node's agent reports nothing), and
a replicated service has exactly its replicas, a global service one such
task on every node that should have one (``global_mode.wants_task``: active,
not down, meeting its constraints; a paused node keeps whatever global task
it has, even out of date, as the global orchestrator leaves it alone).  A
removed service whose containers are still stopping is still converging.
A job (``replicated-job``, ``global-job``) has converged once its current
execution is done: every task of it the managers still want has completed
(a replicated job: as many as its total of completions), and no task of an
earlier execution still runs; its update status does not count (no updater
runs for a job, so a rollback leaves it ``rollback_started`` for good).
So ``settle()`` right after
``docker node update --availability drain`` waits for the drained node's
tasks to move, and right after creating a global service or adding a node
for the global tasks to run, although in that instant nothing is missing
from the tasks the store holds.  A service whose update is
*held* (``paused`` or ``rollback_paused``) waits for a person: it counts as
settled and is named in :attr:`SettleResult.held`, although tasks its update
had already started may still move.  An update in flight (``updating``,
``rollback_started``) is never settled.  Settling is a look at one instant:
a service whose containers exit a moment after they start may look
converged at that instant and restart right after, unless ``stable`` asks
for the swarm to stay settled at every look for that long (docker's CLI
waits one monitor period, 5 s by default, before ``Service converged``).

The checks read the store only when the trace has grown or an updater has
ended since the last look (a container's change is followed by its report's
record), once per ``step`` virtual seconds,
and while a service found converging at the last look still is, only that
service: reading every task of a Swarm2K swarm each simulated second cost
more than the rolling update being waited for.

Differences
-----------
swarmkit has no such notion; ``docker service create``/``update`` without
``-d`` wait for one service the same way (``docker/cli:
cli/command/service/progress/progress.go``).  A service whose restart
policy gave up (condition ``none``, or its attempts used up) keeps fewer
replicas and never settles: the result says so when the timeout passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import Availability, NodeStatus, ServiceMode, TaskState, UpdateState
from swarmsim.manager.constraint import placement_matches
from swarmsim.manager.orchestrator.global_mode import wants_task
from swarmsim.manager.orchestrator.task import is_task_dirty

if TYPE_CHECKING:
    from swarmsim.agent.worker import Agent
    from swarmsim.api.objects import Node, Service, Task
    from swarmsim.context import Context
    from swarmsim.store import Store

__all__ = [
    "ContainerRuns",
    "SettleResult",
    "Updating",
    "container_runs",
    "may_stay",
    "settle_swarm",
    "still_moving",
    "unsettled",
]

_IN_FLIGHT = frozenset({UpdateState.UPDATING, UpdateState.ROLLBACK_STARTED})
_HELD = frozenset({UpdateState.PAUSED, UpdateState.ROLLBACK_PAUSED})


@dataclass(frozen=True, slots=True)
class SettleResult:
    """How :meth:`~swarmsim.swarm.Swarm.settle` ended.

    Attributes
    ----------
    settled
        True when every service converged (or is held) before the timeout.
    time
        The virtual time the swarm was left at.
    waited
        Virtual seconds that passed during the call.
    unsettled
        Services still converging when the timeout passed (sorted).
    held
        Services whose update is paused and waits for a person (sorted).
    since
        When the swarm was last found settled, and has stayed so until
        :attr:`time`: ``time - stable`` for a settled result asked to stay
        settled ``stable`` seconds, :attr:`time` without; ``None`` when the
        swarm was converging at the end.
    """

    settled: bool
    time: float
    waited: float
    unsettled: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    since: float | None = None

    def __bool__(self) -> bool:
        return self.settled

    def __str__(self) -> str:
        if self.settled:
            text = f"settled at {self.time:g}s after {self.waited:g}s"
            if self.since is not None and self.since != self.time:
                text += f", stable since {self.since:g}s"
            return text + (f" (held: {', '.join(self.held)})" if self.held else "")
        if not self.unsettled and self.since is not None:
            return (
                f"not settled after {self.waited:g}s (converged at {self.since:g}s, "
                "not yet stable when the timeout passed)"
            )
        return f"not settled after {self.waited:g}s (still converging: {', '.join(self.unsettled)})"


ContainerRuns = Callable[["Task"], bool]
"""Whether a task's container runs on its node, as the node's agent sees it."""

Updating = Callable[[str], bool]
"""Whether an updater still works on the service with this ID."""


def container_runs(agents: Mapping[str, Agent]) -> ContainerRuns:
    """Whether a task's container runs, as ``agents`` (by node ID) see it: the
    task's agent up, reaching the managers, its controller of the task running."""

    def runs(task: Task) -> bool:
        agent = agents.get(task.node_id)
        if agent is None or not agent.up or not agent.connected:
            return False
        controller = agent.controllers.get(task.id)
        return controller is not None and controller.state == TaskState.RUNNING

    return runs


def settle_swarm(
    ctx: Context,
    agents: Mapping[str, Agent],
    updaters: Mapping[str, Any],
    run: Callable[[float], None],
    timeout: float,
    step: float,
    stable: float = 0.0,
) -> SettleResult:
    """Run until nothing is left to wait for and that has lasted ``stable``
    virtual seconds, looking every ``step`` seconds for at most ``timeout``
    (all three already checked): what :meth:`~swarmsim.swarm.Swarm.settle` does.

    ``agents`` are the swarm's agents by node ID, ``updaters`` the update
    supervisor's updaters by service ID, ``run(until)`` moves the swarm's clock.
    A look that finds a service converging again starts the ``stable`` wait
    anew, as ``docker service create`` does between ``Waiting 5 seconds to
    verify that tasks are stable...`` and ``Detected task failure``.
    """
    ctx.sim.finish_instant()  # what was queued for now (a kill, a drain) happens first
    start = ctx.now
    deadline = start + timeout
    store, runs = ctx.store, container_runs(agents)

    def updating(service_id: str) -> bool:
        return service_id in updaters

    # what the last look saw: the trace's length and the updaters at work. Between
    # two records only an updater can end unseen (an exited container's report
    # is on its way: a record will follow)
    seen = (-1, -1)
    moving: list[str] = []
    held: list[str] = []
    partial = False  # the lists are of an earlier look than the last one
    since: float | None = None  # settled at every look from then on
    while True:
        now_seen = (len(ctx.trace), len(updaters))
        if now_seen != seen:
            seen = now_seen
            if moving and still_moving(store, moving[0], runs, updating):
                partial = True  # not settled: the other services can wait
            else:
                moving, held = unsettled(store, runs, updating)
                partial = False
            if moving:
                since = None
            elif since is None:
                since = ctx.now
        if since is not None and ctx.now >= since + stable:  # the run's target below
            return SettleResult(True, ctx.now, ctx.now - start, (), tuple(held), since)
        if ctx.now >= deadline:
            if partial:  # the full lists, as of now
                moving, held = unsettled(store, runs, updating)
                if not moving:
                    since = ctx.now
                    if stable == 0:
                        return SettleResult(True, ctx.now, ctx.now - start, (), tuple(held), since)
            return SettleResult(False, ctx.now, ctx.now - start, tuple(moving), tuple(held), since)
        until = min(deadline, ctx.now + step)
        run(until if since is None else min(until, since + stable))


def _always(task: Task) -> bool:
    return True


def _never(service_id: str) -> bool:
    return False


def unsettled(
    store: Store, runs: ContainerRuns = _always, updating: Updating = _never
) -> tuple[list[str], list[str]]:
    """Services still converging, and services whose update is held, by name (sorted).

    ``runs(task)`` says whether the task's container runs on its node as the
    node's agent sees it, the agent up and reaching the managers: a task the
    managers still see running does not count when its machine crashed (until
    they mark the node down and replace it), nor when its container exited and
    the report is on its way.  ``updating(service_id)`` says whether an
    updater still works on the service: it may write the update status once
    every task has converged (``update completed``, even over
    ``rollback_completed``: ``completeUpdate`` in ``swarmkit:
    manager/orchestrator/update/updater.go``).  A removed service whose tasks'
    containers still run on ready nodes is still converging, by its name.
    """
    moving: list[str] = []
    held: list[str] = []
    for service in store.services.values():
        status = service.update_status
        if status is not None and status.state in _HELD:
            held.append(service.spec.name)
        elif _moving(store, service, runs, updating):
            moving.append(service.spec.name)
    moving.extend(_removed_still_stopping(store))
    return sorted(moving), sorted(held)


def still_moving(
    store: Store, name: str, runs: ContainerRuns = _always, updating: Updating = _never
) -> bool:
    """Whether the service called ``name`` is still converging (False once it is
    gone and its tasks stopped, or its update is held), as :func:`unsettled`
    would find it.

    One service still converging is enough to know the swarm has not settled:
    :meth:`~swarmsim.swarm.Swarm.settle` looks at the first one it found
    before it reads every service's tasks again.
    """
    service = store.service_by_name(name)
    if service is None:
        return name in _removed_still_stopping(store)
    status = service.update_status
    if status is not None and status.state in _HELD:
        return False
    return _moving(store, service, runs, updating)


def _removed_still_stopping(store: Store) -> set[str]:
    """Names of removed services with a task whose agent has yet to stop it."""
    names: set[str] = set()
    services = store.services
    for task in store.tasks_with_desired(TaskState.REMOVE):
        if task.service_id not in services and _stopping(store.nodes.get(task.node_id), task):
            names.add(task.service_name)
    return names


def _stopping(node: Node | None, task: Task) -> bool:
    """A task (on ``node``) the managers want stopped whose container its agent has
    yet to stop (a down node's agent never will)."""
    return (
        node is not None
        and node.status == NodeStatus.READY
        and TaskState.ASSIGNED <= task.state <= TaskState.RUNNING
    )


def may_stay(service: Service, node: Node) -> bool:
    """Whether a running task of ``service`` may stay on ``node`` (its readiness aside).

    Not on a drained node: the orchestrators shut its tasks down and place
    them again (``swarmkit: manager/orchestrator/replicated/tasks.go``,
    ``global/global.go``).  Not on an active node that no longer meets the
    service's placement constraints: the constraint enforcer rejects it
    (``manager/orchestrator/constraintenforcer/constraint_enforcer.go``),
    which leaves a paused node's tasks alone.
    """
    availability = node.availability
    if availability == Availability.DRAIN:
        return False
    constraints = service.spec.task.placement.constraints
    return (
        availability != Availability.ACTIVE
        or not constraints
        or placement_matches(constraints, node)
    )


def _moving(store: Store, service: Service, runs: ContainerRuns, updating: Updating) -> bool:
    status = service.update_status
    # no updater ever runs for a job: after a rollback its status stays rollback_started
    in_flight = status is not None and status.state in _IN_FLIGHT and not service.spec.mode.is_job
    return in_flight or updating(service.id) or not _converged(store, service, runs)


def _job_done(store: Store, service: Service) -> bool:
    """Whether a job's current execution is over and nothing of an earlier one runs.

    Done: every task of the execution that the managers still want has
    completed, a replicated job has its total of completions, no task of an
    earlier execution is still to be marked for removal, and no task the
    managers want stopped still runs on a ready node.
    """
    iteration = service.job_iteration
    completed = 0
    for task in store.tasks_of_service(service.id):
        state = task.status.state
        if task.desired_state > TaskState.COMPLETE:
            if _stopping(store.nodes.get(task.node_id), task):
                return False
        elif task.job_iteration == iteration:
            if state != TaskState.COMPLETE:
                return False
            completed += 1
        elif state <= TaskState.RUNNING:
            return False  # the jobs orchestrator is about to remove it
    return service.spec.mode != ServiceMode.REPLICATED_JOB or completed >= service.spec.replicas


def _converged(store: Store, service: Service, runs: ContainerRuns) -> bool:
    if service.spec.mode.is_job:
        return _job_done(store, service)
    running = 0
    covered: set[str] = set()  # nodes running a current task of the service
    is_global = service.spec.mode == ServiceMode.GLOBAL
    for task in store.tasks_of_service(service.id):
        node = store.nodes.get(task.node_id)
        if task.desired_state > TaskState.RUNNING:
            if _stopping(node, task):
                return False
            continue
        if (
            task.state != TaskState.RUNNING
            or node is None
            or node.status != NodeStatus.READY
            or not runs(task)
            or not may_stay(service, node)
            or (
                is_task_dirty(service, task, node)
                # the global orchestrator neither adds nor updates tasks on a
                # paused node: an out-of-date task there stays as it is
                and not (is_global and node.availability == Availability.PAUSE)
            )
        ):
            return False
        running += 1
        covered.add(node.id)
    if not is_global:
        return running == service.spec.replicas
    nodes = store.nodes.values()
    return all(node.id in covered for node in nodes if wants_task(service, node))
