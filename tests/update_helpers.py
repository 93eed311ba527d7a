"""Helpers shared by the rolling-update tests (timings, spans, failure injection).

Times are derived from the image timings configured here and the cluster
settings (scheduler debounce, network latency, dispatcher batch), as in
docs/behaviour.md#worked-timelines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from swarmsim.api import (
    ContainerSpec,
    HealthConfig,
    Service,
    ServiceMode,
    ServiceSpec,
    Task,
    TaskSpec,
    TaskState,
    UpdateConfig,
)
from swarmsim.manager.controlapi.service import (
    create_service,
    rollback_service,
    update_service,
)
from swarmsim.store import Action, StoreEvent, TaskEvent
from swarmsim.swarm import Swarm

OLD, NEW = "redis:3.0.6", "redis:3.0.7"
PULL, CREATE, START, STOP = 2.0, 0.1, 0.5, 0.3
TERMINAL = {"complete", "shutdown", "failed", "rejected", "remove", "orphaned"}


# ----------------------------------------------------------------- helpers
def make_swarm(seed: int = 1, workers: int = 2) -> Swarm:
    """One manager and ``workers`` workers; both redis images with known timings."""
    swarm = Swarm(seed=seed, managers=1, workers=workers)
    for image in (OLD, NEW):
        swarm.images.set(image, pull=PULL, create=CREATE, start=START, stop=STOP)
    return swarm


def slot_time(swarm: Swarm, pulled: bool = True, healthy: float = 0.0) -> float:
    """From a stop-first slot's start to its new task committed RUNNING.

    Scheduler debounce, assignment latency, pull (on a node without the image)
    + create + start (+ health gate), report latency, dispatcher batch.  The old
    task stops (0.3 s + latencies) long before the new one is READY.
    """
    s = swarm.ctx.settings
    prepare = (PULL if pulled else 0.0) + CREATE
    return (
        s.scheduler_debounce
        + s.network_latency
        + prepare
        + START
        + healthy
        + s.network_latency
        + s.dispatcher_batch
    )


def cached_slot_time(swarm: Swarm) -> float:
    """Like :func:`slot_time` on a node that has the image: waits for the old task to stop.

    Shutdown delivered, container stopped, SHUTDOWN committed; then the start is
    delivered, the container starts and RUNNING is committed.
    """
    s = swarm.ctx.settings
    hop = s.network_latency
    return hop + STOP + hop + s.dispatcher_batch + hop + START + hop + s.dispatcher_batch


def redis(
    swarm: Swarm,
    replicas: int = 3,
    update_config: UpdateConfig | None = None,
    rollback_config: UpdateConfig | None = None,
    health: HealthConfig | None = None,
    mode: ServiceMode = ServiceMode.REPLICATED,
    settle: float = 30.0,
) -> Service:
    """Create ``redis`` from ``redis:3.0.6`` and let it run."""
    spec = ServiceSpec(
        "redis",
        TaskSpec(ContainerSpec(OLD, healthcheck=health)),
        mode=mode,
        replicas=replicas,
        update=update_config or UpdateConfig(delay=10.0),
        rollback=rollback_config or UpdateConfig(),
    )
    service = create_service(swarm.ctx, spec)
    swarm.advance(settle)
    return service


def update(swarm: Swarm, service: Service, **changes: Any) -> None:
    """``docker service update``: the control API with ``changes`` to the spec (5.2)."""
    update_service(swarm.ctx, service.id, replace(service.spec, **changes))


def set_image(swarm: Swarm, service: Service, image: str) -> None:
    """``docker service update --image IMAGE`` (5.2: previous spec kept, status reset)."""
    container = replace(service.spec.task.container, image=image)
    update(swarm, service, task=replace(service.spec.task, container=container))


def rollback(swarm: Swarm, service: Service) -> None:
    """``docker service rollback`` (5.2): swap spec and previous spec."""
    rollback_service(swarm.ctx, service.id)


def statuses(swarm: Swarm, service: Service) -> list[tuple[float, str, str]]:
    """(time, update state, message) of every service record with an update status."""
    return [
        (r.time, r.state, r.detail)
        for r in swarm.trace
        if r.kind == "service" and r.id == service.id and r.state
    ]


def check_restarted_at(swarm: Swarm, service: Service, since: float) -> None:
    """A new run of the update started at ``since`` (UPDATING again) and completed."""
    log = statuses(swarm, service)
    assert [(state, time >= since) for time, state, _ in log] == [
        ("updating", False),
        ("updating", True),
        ("completed", True),
    ]
    assert service.update_status is not None and service.update_status.started_at == since


@dataclass
class Span:
    """One task's life as the trace shows it."""

    id: str
    slot: int
    node: str
    version: int
    created: float
    running: float | None = None  # first committed RUNNING
    ended: float | None = None  # first committed terminal state
    end_state: str = ""
    shutdown_asked: float | None = None  # desired state left RUNNING/READY


def spans(swarm: Swarm, service: Service) -> list[Span]:
    """Every task of the service, by creation time."""
    found: dict[str, Span] = {}
    for r in swarm.trace:
        if r.kind != "task" or r.service != service.spec.name:
            continue
        span = found.get(r.id)
        if span is None:
            span = found[r.id] = Span(r.id, r.slot, r.node, r.spec_version, r.time)
        span.node = r.node or span.node
        if r.state == "running" and span.running is None:
            span.running = r.time
        if r.state in TERMINAL and span.ended is None:
            span.ended, span.end_state = r.time, r.state
        if r.desired in ("shutdown", "remove") and span.shutdown_asked is None:
            span.shutdown_asked = r.time
    return sorted(found.values(), key=lambda s: s.created)


def check(entry: tuple[float, str, str], time: float, state: str, message: str) -> None:
    """Assert a :func:`statuses` entry, its time to within 1e-9 s."""
    assert entry[1:] == (state, message)
    assert entry[0] == pytest.approx(time, abs=1e-9)


def current(swarm: Swarm, service: Service) -> list[Task]:
    """Tasks the manager wants running, by slot."""
    tasks = swarm.ctx.store.tasks_of_service(service.id)
    return sorted((t for t in tasks if t.desired_state <= TaskState.RUNNING), key=lambda t: t.slot)


def images_running(swarm: Swarm, service: Service) -> list[str]:
    """Image of every task observed and desired RUNNING, sorted."""
    return sorted(
        t.spec.container.image
        for t in swarm.ctx.store.tasks_of_service(service.id)
        if t.state == TaskState.RUNNING and t.desired_state == TaskState.RUNNING
    )


def track_updater_tasks(swarm: Swarm, service: Service) -> list[str]:
    """A list that fills with the ids of the tasks the service's updaters create."""
    created: list[str] = []

    def on_event(event: StoreEvent) -> None:
        if (
            isinstance(event, TaskEvent)
            and event.action is Action.CREATE
            and event.task.service_id == service.id
        ):
            updater = swarm.updates.updaters.get(service.id)
            if updater is not None and event.task.id in updater.updated:
                created.append(event.task.id)

    swarm.ctx.store.watch(on_event)
    return created


def fail_updater_tasks(
    swarm: Swarm, service: Service, which: Callable[[int], bool], after: float
) -> list[str]:
    """Kill the n-th task created by the service's updater ``after`` s after it RUNS.

    Only tasks of the next spec version count (rollback tasks are spared).
    Returns a list that fills with the ids of the killed tasks, in order.
    """
    created: list[str] = []
    killed: list[str] = []
    version = service.spec_version + 1

    def on_event(event: StoreEvent) -> None:
        if not isinstance(event, TaskEvent) or event.task.service_id != service.id:
            return
        task = event.task
        if event.action is Action.CREATE:
            updater = swarm.updates.updaters.get(service.id)
            if updater is not None and task.id in updater.updated and task.spec_version == version:
                created.append(task.id)
        elif (
            event.action is Action.UPDATE
            and task.state == TaskState.RUNNING
            and event.prev_state != TaskState.RUNNING
            and task.id in created
            and which(created.index(task.id))
        ):
            killed.append(task.id)
            swarm.ctx.sim.call_later(after, swarm.kill_task, task.id)

    swarm.ctx.store.watch(on_event)
    return killed


# ------------------------------------------------------------------- tests
