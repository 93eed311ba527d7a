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
of the image's :class:`~swarmsim.agent.images.ImageProfile` (drawn once per
container when they are distributions), and health probes
are evaluated on their schedule (every ``interval`` from start, failures inside
``start_period`` not counted, ``retries`` consecutive failures make the
container unhealthy) without running any command.  A container that becomes
unhealthy fails with ``unhealthy container`` (the Engine's wording).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Protocol

from swarmsim.agent.distributions import Distribution
from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Statuses, Task, TaskStatus
from swarmsim.api.specs import ContainerSpec, HealthConfig

if TYPE_CHECKING:
    from swarmsim.agent.images import ContainerDraw, ImageModel, ImageProfile
    from swarmsim.sim import Simulation

# enum members as module constants: see swarmsim.api.enums (hot path)
_ACCEPTED = TaskState.ACCEPTED
_COMPLETE = TaskState.COMPLETE
_FAILED = TaskState.FAILED
_PREPARING = TaskState.PREPARING
_READY = TaskState.READY
_REJECTED = TaskState.REJECTED
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN
_STARTING = TaskState.STARTING

SHUTDOWN_REQUEST = "shutdown"
CRASH = "crash"


def exit_error(code: int) -> str:
    """The error text of a container that exited with a non-zero ``code``."""
    return f"task: non-zero exit ({code})"


class Host(Protocol):
    """What a controller needs from the agent that runs it (no import of the agent)."""

    sim: Simulation
    images: ImageModel
    image_cache: set[str]
    statuses: Statuses
    dependencies: set[str]  # IDs of the secrets and configs the node holds

    def prepare_time(self, image: str, profile: ContainerDraw) -> float:
        """Pull (if not cached) plus create time of ``image``."""
        ...

    def report(self, task_id: str, status: TaskStatus) -> None:
        """Send a status change to the managers."""
        ...


def missing_dependency(container: ContainerSpec, held: Collection[str]) -> str:
    """The error a container's start fails with when its node lacks a secret or config
    it references; ``""`` when the node holds them all.

    The Engine sets up secrets before configs (``moby:
    daemon/container_operations_unix.go``, ``setupSecretDir``), the agent's stores
    word the miss (``swarmkit: agent/secrets/secrets.go``,
    ``agent/configs/configs.go``) and the executor's ``Start`` adds its prefix
    (``moby: daemon/cluster/executor/container/controller.go``).  What the node
    holds is what the dispatcher sent (:mod:`swarmsim.manager.dependencies`).
    """
    for secret in container.secrets:
        if secret.secret_id not in held:
            return (
                "starting container failed: unable to get secret from secret store: "
                f"secret {secret.secret_id} not found"
            )
    for config in container.configs:
        if config.config_id not in held:
            return (
                "starting container failed: unable to get config from config store: "
                f"config {config.config_id} not found"
            )
    return ""


class ContainerExit:
    """Interrupt cause: the container's main process exited with ``code``."""

    __slots__ = ("code", "error")

    def __init__(self, code: int, error: str = "") -> None:
        self.code = code
        self.error = error


def _probe_times(health: HealthConfig, healthy_at: float | None) -> Iterator[float]:
    """Times after start of the health probes (``moby: daemon/health.go`` ``monitor``).

    While the container is still starting (no probe has passed yet, i.e.
    before ``healthy_at``) and within its start period, a probe follows the
    last one after the start interval (5 s unless set); otherwise after the
    interval.  A probe takes no time.
    """
    now = 0.0
    start_interval = health.probe_start_interval
    start_period = health.start_period - 1e-9
    while True:
        starting = healthy_at is None or now < healthy_at - 1e-9
        now += start_interval if starting and now < start_period else health.probe_interval
        yield now


def health_times(
    health: HealthConfig, healthy_after: float, never_healthy: bool
) -> tuple[float | None, float | None]:
    """When, after start, a container becomes healthy, or else unhealthy.

    Returns ``(healthy_at, unhealthy_at)``, one of them ``None``: the first
    probe from ``healthy_after`` on passes; a container that never gets
    healthy fails its probes from the start.

    Examples
    --------
    >>> health_times(HealthConfig(("CMD", "true"), interval=5.0), 7.0, False)
    (10.0, None)
    >>> health_times(HealthConfig(("CMD", "true"), interval=5.0, retries=3), 0.0, True)
    (None, 15.0)
    """
    if never_healthy:
        return None, unhealthy_at(health, 0.0)
    for probe in _probe_times(health, None):
        if probe >= healthy_after - 1e-9:
            return probe, None
    raise AssertionError("unreachable")  # the probes never end


def unhealthy_at(
    health: HealthConfig, failing_from: float, healthy_at: float | None = None
) -> float:
    """Time after start at which probes failing from ``failing_from`` make it unhealthy.

    ``healthy_at`` is when a probe first passed (``None``: never).  A failure
    counts towards the retries unless the container is still starting and
    within its start period (``handleProbeResult``); a pass resets the count.
    """
    streak = 0
    for probe in _probe_times(health, healthy_at):
        if probe < failing_from - 1e-9:
            streak = 0  # the probe passes
            continue
        starting = healthy_at is None or probe < healthy_at - 1e-9
        if starting and probe < health.start_period - 1e-9:
            continue  # within the start period: not counted
        streak += 1
        if streak >= health.probe_retries:
            return probe
    raise AssertionError("unreachable")  # the probes never end


# what a controller is doing (``_phase``); the "process" of the class docstring
# lives in every phase but _DONE
_DONE = 0  # nothing pending: the container runs until interrupted, or it ended
_BUSY = 1  # a step is pending or queued
_WAITING = 2  # at READY, until the desired state becomes RUNNING
_STOPPING = 3  # waiting for the container to stop


class TaskController:
    """Runs one task on one node until it is terminal.

    The lifecycle is a chain of timed steps, not a SimPy process: a node
    running a hundred containers would otherwise hold a hundred generators,
    processes and events.  Each step is queued where a process would resume,
    so the order of events is the one a process gives: the first step and
    every interrupt run urgently in their instant (SimPy's ``Initialize`` and
    ``Interruption``), timed steps as ordinary timeouts.  A timed step is
    queued with the controller's ``_token`` and runs only if it is still the
    same: an interrupt bumps it, which cancels the pending step as an
    interrupt detaches a process from the event it waits for.  Each timed
    step checks its token itself and is queued with ``call_later`` directly
    (no wrapper to dispatch it): a replaced task goes through four of them.

    While the "process" lives (``_phase`` is not ``_DONE``: starting, waiting
    for a timer, waiting at READY, stopping) an interrupt is delivered to the
    current step; otherwise (the container simply runs) it starts the stop
    sequence.

    A swarm keeps one controller per container, stopped ones included, so
    the controller holds only what changes: the image, grace period and
    health check are read from the task's spec when needed, one phase stands
    for three flags, and a profile without anything random shares one draw
    among all its containers (:meth:`~swarmsim.agent.images.ImageModel.draw`).
    """

    __slots__ = (
        "_draw",
        "_generation",
        "_phase",
        "_token",
        "agent",
        "created_at",
        "desired",
        "exit_code",
        "reported",
        "started_at",
        "state",
        "task",
    )

    def __init__(self, agent: Host, task: Task, desired: TaskState) -> None:
        self.agent = agent
        self.task = task  # as assigned: names, labels and spec of its container
        self.created_at: float | None = None  # the container exists from then on
        self.started_at: float | None = None
        self.reported: TaskStatus | None = None  # the last status sent to the managers
        self.exit_code = 0
        self.desired = desired
        self.state = task.state
        self._draw: ContainerDraw | None = None  # this container's times and exit code
        self._token = 0  # identifies the pending step; bumped to cancel it
        self._phase = _BUSY  # the first step is queued
        self._generation = 0  # which "process": a stop sequence started later is another
        agent.sim.call_urgent(self._begin)

    @property
    def finished_at(self) -> float | None:
        """When the container stopped (``None``: it runs, never was created, or was lost).

        The time of the terminal status it reported: a controller reports
        nothing after it, and a container lost in a crash reports nothing.
        """
        reported = self.reported
        if reported is None or reported.state < _COMPLETE or self.created_at is None:
            return None
        return reported.timestamp

    @property
    def task_id(self) -> str:
        """The id of the task."""
        return self.task.id

    @property
    def image(self) -> str:
        """The image of the container."""
        return self.task.spec.container.image

    @property
    def profile(self) -> ImageProfile | None:
        """The image profile the container was made with (``None`` before it was looked up)."""
        return None if self._draw is None else self._draw.profile

    # ----------------------------------------------------------- from agent
    def set_desired(self, desired: TaskState) -> None:
        """The manager changed the desired state (delivered by the dispatcher)."""
        if desired <= self.desired:
            return
        self.desired = desired
        if desired >= _SHUTDOWN:
            self.interrupt(SHUTDOWN_REQUEST)
        elif desired >= _RUNNING and self._phase == _WAITING:
            self._phase = _BUSY
            self.agent.sim.call_later(0.0, self._starting, self._token)

    def interrupt(self, cause: object) -> None:
        """Stop the container (manager shutdown, container exit, node crash)."""
        if self.state >= _COMPLETE:
            return
        if self._phase:
            self.agent.sim.call_urgent(self._interrupted, cause, self._generation)
        else:
            self._phase = _BUSY
            self._generation += 1
            self.agent.sim.call_urgent(self._stopped, cause)

    # ------------------------------------------------------------ internals
    def _report(
        self, state: TaskState, message: str, err: str = "", code: int | None = None
    ) -> None:
        self.state = state
        agent = self.agent
        if state >= _COMPLETE and self.created_at is not None and self.finished_at is None:
            self._finish(code)
        # the clock read from SimPy's environment: Simulation.now is one more property
        status = self.reported = agent.statuses.stamp(agent.sim.env.now, state, message, err, code)
        agent.report(self.task.id, status)

    def _finish(self, code: int | None) -> None:
        """The container stops: record its exit code (its end is the status reported next)."""
        if code is not None:
            self.exit_code = code
        elif (
            self._draw is not None and self._draw.stop > self.task.spec.container.stop_grace_period
        ):
            self.exit_code = 137  # killed after the grace period

    def _interrupted(self, cause: object, generation: int) -> None:
        phase = self._phase
        if not phase or generation != self._generation:
            return  # what was interrupted has ended meanwhile
        self._token += 1
        self._phase = _BUSY  # no longer waiting at READY, nor for the stop
        if phase == _STOPPING:
            # interrupted while the container stops: a crash ends it silently
            if cause != CRASH:
                self._report(_SHUTDOWN, "shutdown")
            self._phase = _DONE
            return
        self._stopped(cause)

    def _begin(self) -> None:
        if self.desired >= _SHUTDOWN:
            self._report(_SHUTDOWN, "shutdown")
            self._phase = _DONE
            return
        agent = self.agent
        image = self.task.spec.container.image
        images = agent.images
        draw = self._draw = images.draw(images.profile(image), agent.sim.rng)
        # ACCEPTED and PREPARING happen in the same instant: the dispatcher keeps
        # only the latest status of a batch, so only PREPARING needs to travel
        self.state = _ACCEPTED
        self._report(_PREPARING, "preparing")
        agent.sim.call_later(agent.prepare_time(image, draw), self._prepared, self._token)

    def _prepared(self, token: int) -> None:
        if token != self._token:
            return  # interrupted meanwhile
        assert self._draw is not None
        image = self.task.spec.container.image
        if self._draw.profile.pull_error:
            self._report(_REJECTED, "preparing", f"No such image: {image}")
            self._phase = _DONE
            return
        self.agent.image_cache.add(image)
        self.created_at = self.agent.sim.now
        if self.desired < _RUNNING:
            self._report(_READY, "prepared")
            self._phase = _WAITING  # set_desired() continues
            return
        self.state = _READY  # STARTING follows in the same instant
        self._starting(token)

    def _starting(self, token: int) -> None:
        if token != self._token:
            return
        assert self._draw is not None
        container = self.task.spec.container
        if container.secrets or container.configs:
            missing = missing_dependency(container, self.agent.dependencies)
            if missing:
                # Start fails at once, so STARTING is never seen
                self.state = _STARTING
                self._report(_FAILED, "starting", missing, 128)  # exitUnknown
                self._phase = _DONE
                return
        self._report(_STARTING, "starting")
        self.agent.sim.call_later(self._draw.start, self._started, token)

    def _started(self, token: int) -> None:
        if token != self._token:
            return
        draw = self._draw
        assert draw is not None
        profile = draw.profile
        started = self.started_at = self.agent.sim.now
        exits_at = None if draw.exits_after is None else started + draw.exits_after
        health = self.task.spec.container.healthcheck
        if health is not None and not health.disabled and health.test:
            healthy, unhealthy = health_times(health, draw.healthy_after, profile.never_healthy)
            gate = healthy if healthy is not None else unhealthy
            assert gate is not None
            sim = self.agent.sim
            if exits_at is not None and exits_at <= started + gate:
                sim.call_later(
                    exits_at - started, self._exits, token, ContainerExit(draw.exit_code)
                )
            elif healthy is None:
                sick = ContainerExit(137, "unhealthy container")
                sim.call_later(gate, self._exits, token, sick)
            else:
                sim.call_later(gate, self._healthy, token, started, exits_at)
            return
        self._running(token, exits_at)

    def _healthy(self, token: int, started: float, exits_at: float | None) -> None:
        if token != self._token:
            return
        draw = self._draw
        health = self.task.spec.container.healthcheck
        assert draw is not None and health is not None
        if draw.unhealthy_after is not None:
            healthy = self.agent.sim.now - started
            sick = started + unhealthy_at(health, draw.unhealthy_after, healthy)
            if exits_at is None or sick < exits_at:
                self._report(_RUNNING, "started")
                unhealthy = ContainerExit(137, "unhealthy container")
                self.agent.sim.call_later(sick - self.agent.sim.now, self._exits, token, unhealthy)
                return
        self._running(token, exits_at)

    def _running(self, token: int, exits_at: float | None) -> None:
        self._report(_RUNNING, "started")
        if exits_at is None:
            self._phase = _DONE  # the container runs until interrupt() stops it
            return
        assert self._draw is not None
        exit = ContainerExit(self._draw.exit_code)
        self.agent.sim.call_later(exits_at - self.agent.sim.now, self._exits, token, exit)

    def _exits(self, token: int, exit: ContainerExit) -> None:
        """The container exits by itself or fails its health check (a timed step)."""
        if token == self._token:
            self._stopped(exit)

    def _stopped(self, cause: object) -> None:
        if cause == CRASH:
            self._phase = _DONE
            return
        if isinstance(cause, ContainerExit):
            self._exited(cause)
            self._phase = _DONE
            return
        # the manager asked for shutdown: stop the container if one runs
        if self.state in (_STARTING, _RUNNING):
            # the image's stop time now (a class may have changed the profile meanwhile)
            container = self.task.spec.container
            profile = self.agent.images.profile(container.image)
            stop = profile.stop
            if self._draw is not None and profile is self._draw.profile:
                stop = self._draw.stop  # this container's own draw
            elif isinstance(stop, Distribution):
                stop = stop.sample(self.agent.sim.rng("image.stop"))
            self._phase = _STOPPING
            stop = min(stop, container.stop_grace_period)
            self.agent.sim.call_later(stop, self._stop_done, self._token)
            return
        self._report(_SHUTDOWN, "shutdown")
        self._phase = _DONE

    def _stop_done(self, token: int) -> None:
        if token != self._token:
            return
        self._phase = _BUSY  # the stop is over
        self._report(_SHUTDOWN, "shutdown")
        self._phase = _DONE

    def _exited(self, exit: ContainerExit) -> None:
        if exit.error:
            state = _FAILED if self.state >= _STARTING else _REJECTED
            self._report(state, "started", exit.error, exit.code)
        elif exit.code == 0 and self.state >= _STARTING:
            self._report(_COMPLETE, "finished", "", 0)
        else:
            state = _FAILED if self.state >= _STARTING else _REJECTED
            self._report(state, "started", exit_error(exit.code), exit.code)
