"""One task's container, driven through swarmkit's task state machine.

Mirrors ``swarmkit: agent/exec/controller.go`` (``Do``: one state a step,
ACCEPTED → PREPARING → READY → STARTING → RUNNING → COMPLETE/FAILED, SHUTDOWN
when the manager asks, REJECTED for errors before STARTING, FAILED after) and
the health gating of ``swarmkit: swarmd/dockerexec/controller.go``: with a
health check, ``Start`` returns only once the container is healthy.

A state that another one follows in the same instant (ACCEPTED before
PREPARING, READY before STARTING when the task may start at once) is not sent
to the dispatcher: it keeps only the latest status of a 100 ms batch, so the
managers would never have seen it.

Differences
-----------
The Docker Engine is not modelled: pull, create, start and stop take the times
of the image's :class:`~swarmsim.agent.images.ImageProfile`, and health probes
are evaluated on their schedule (every ``interval`` from start, failures inside
``start_period`` not counted, ``retries`` consecutive failures make the
container unhealthy) without running any command.  A container that becomes
unhealthy fails with ``unhealthy container`` (the Engine's wording).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task, TaskStatus
from swarmsim.api.specs import HealthConfig
from swarmsim.sim import Process

if TYPE_CHECKING:
    from swarmsim.agent.worker import Agent

SHUTDOWN_REQUEST = "shutdown"
CRASH = "crash"


def exit_error(code: int) -> str:
    """The error text of a container that exited with a non-zero ``code``."""
    return f"task: non-zero exit ({code})"


class ContainerExit:
    """Interrupt cause: the container's process exited with ``code``."""

    __slots__ = ("code", "error")

    def __init__(self, code: int, error: str = "") -> None:
        self.code = code
        self.error = error


def health_times(
    health: HealthConfig, healthy_after: float, never_healthy: bool
) -> tuple[float | None, float | None]:
    """When, after start, a container becomes healthy, or else unhealthy.

    Returns ``(healthy_at, unhealthy_at)``, one of them ``None``.

    Examples
    --------
    >>> health_times(HealthConfig(("CMD", "true"), interval=5.0), 7.0, False)
    (10.0, None)
    >>> health_times(HealthConfig(("CMD", "true"), interval=5.0, retries=3), 0.0, True)
    (None, 15.0)
    """
    interval = health.interval
    if not never_healthy:
        probes = max(1, math.ceil(healthy_after / interval - 1e-9))
        return probes * interval, None
    return None, unhealthy_at(health, 0.0)


def unhealthy_at(health: HealthConfig, failing_from: float) -> float:
    """Time after start at which probes failing from ``failing_from`` make it unhealthy."""
    interval = health.interval
    first = max(math.floor(health.start_period / interval + 1e-9) + 1, 1)
    first = max(first, math.ceil(failing_from / interval - 1e-9))
    return (first + health.retries - 1) * interval


class TaskController:
    """Runs one task on one node as a SimPy process until it is terminal."""

    __slots__ = ("_go", "agent", "desired", "grace", "image", "process", "state", "task_id")

    def __init__(self, agent: Agent, task: Task, desired: TaskState) -> None:
        self.agent = agent
        self.task_id = task.id
        self.image = task.spec.container.image
        self.grace = task.spec.container.stop_grace_period
        self.desired = desired
        self.state = task.state
        self._go: simpy.Event | None = None
        self.process = agent.sim.process(self._run(task))

    # ----------------------------------------------------------- from agent
    def set_desired(self, desired: TaskState) -> None:
        """The manager changed the desired state (delivered by the dispatcher)."""
        if desired <= self.desired:
            return
        self.desired = desired
        if desired >= TaskState.SHUTDOWN:
            self.interrupt(SHUTDOWN_REQUEST)
        elif desired >= TaskState.RUNNING and self._go is not None and not self._go.triggered:
            self._go.succeed()

    def interrupt(self, cause: object) -> None:
        """Stop the container (manager shutdown, container exit, node crash).

        A container that simply runs has no process waiting on it (thousands
        of idle generators would only cost memory); stopping it starts one.
        """
        if self.state >= TaskState.COMPLETE:
            return
        if self.process.is_alive:
            self.process.interrupt(cause)
        else:
            self.process = self.agent.sim.process(self._stopped(cause))

    # ------------------------------------------------------------ internals
    def _report(
        self, state: TaskState, message: str, err: str = "", code: int | None = None
    ) -> None:
        self.state = state
        self.agent.report(self.task_id, TaskStatus(state, self.agent.sim.now, message, err, code))

    def _run(self, task: Task) -> Process:
        try:
            yield from self._lifecycle(task)
        except simpy.Interrupt as interrupt:
            yield from self._stopped(interrupt.cause)

    def _lifecycle(self, task: Task) -> Process:
        sim = self.agent.sim
        if self.desired >= TaskState.SHUTDOWN:
            self._report(TaskState.SHUTDOWN, "shutdown")
            return
        profile = self.agent.images.profile(self.image)
        # ACCEPTED and PREPARING happen in the same instant: the dispatcher keeps
        # only the latest status of a batch, so only PREPARING needs to travel
        self.state = TaskState.ACCEPTED
        self._report(TaskState.PREPARING, "preparing")
        yield sim.timeout(self.agent.prepare_time(self.image, profile))
        if profile.pull_error:
            self._report(TaskState.REJECTED, "preparing", f"No such image: {self.image}")
            return
        self.agent.image_cache.add(self.image)
        if self.desired < TaskState.RUNNING:
            self._report(TaskState.READY, "prepared")
            self._go = sim.env.event()
            yield self._go
            self._go = None
        else:
            self.state = TaskState.READY  # STARTING follows in the same instant
        self._report(TaskState.STARTING, "starting")
        yield sim.timeout(profile.start)
        started = sim.now
        exits_at = None if profile.exits_after is None else started + profile.exits_after
        health = task.spec.container.healthcheck
        if health is not None and not health.disabled and health.test:
            healthy, unhealthy = health_times(health, profile.healthy_after, profile.never_healthy)
            gate = healthy if healthy is not None else unhealthy
            assert gate is not None
            if exits_at is not None and exits_at <= started + gate:
                yield sim.timeout(exits_at - sim.now)
                raise simpy.Interrupt(ContainerExit(profile.exit_code))
            yield sim.timeout(started + gate - sim.now)
            if healthy is None:
                raise simpy.Interrupt(ContainerExit(137, "unhealthy container"))
            if profile.unhealthy_after is not None:
                sick = started + unhealthy_at(health, profile.unhealthy_after)
                if exits_at is None or sick < exits_at:
                    self._report(TaskState.RUNNING, "started")
                    yield sim.timeout(sick - sim.now)
                    raise simpy.Interrupt(ContainerExit(137, "unhealthy container"))
        self._report(TaskState.RUNNING, "started")
        if exits_at is not None:
            yield sim.timeout(exits_at - sim.now)
            raise simpy.Interrupt(ContainerExit(profile.exit_code))
        # the container runs until interrupt() stops it

    def _stopped(self, cause: object) -> Process:
        if cause == CRASH:
            return
        if isinstance(cause, ContainerExit):
            self._exited(cause)
            return
        # the manager asked for shutdown: stop the container if one runs
        if self.state in (TaskState.STARTING, TaskState.RUNNING):
            profile = self.agent.images.profile(self.image)
            try:
                yield self.agent.sim.timeout(min(profile.stop, self.grace))
            except simpy.Interrupt as again:
                if again.cause == CRASH:
                    return
        self._report(TaskState.SHUTDOWN, "shutdown")

    def _exited(self, exit: ContainerExit) -> None:
        if exit.error:
            state = TaskState.FAILED if self.state >= TaskState.STARTING else TaskState.REJECTED
            self._report(state, "started", exit.error, exit.code)
        elif exit.code == 0 and self.state >= TaskState.STARTING:
            self._report(TaskState.COMPLETE, "finished", "", 0)
        else:
            state = TaskState.FAILED if self.state >= TaskState.STARTING else TaskState.REJECTED
            self._report(state, "started", exit_error(exit.code), exit.code)
