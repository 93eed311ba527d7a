"""Swarms shared by the picture tests (built once per session, never changed by a test)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("Agg")

import pytest
from engine_helpers import create, hostname, running, spec, update

from swarmsim.api import NodeStatus, Service, ServiceMode, TaskState
from swarmsim.swarm import Swarm

KILL_AT, DRAIN_AT, CRASH_AT, RECOVER_AT, END = 10.0, 20.0, 30.0, 70.0, 85.0


@dataclass
class Scenario:
    """3 nodes, web x3: a task killed, worker1 drained, worker2 crashed then recovered."""

    swarm: Swarm
    service: Service
    killed: str  # id of the task whose container exited 1 on worker2
    drained: str  # id of the task stopped by draining worker1
    samples: list[tuple[float, int]]  # (time, available tasks in the store)
    kill_at: float = KILL_AT
    drain_at: float = DRAIN_AT
    crash_at: float = CRASH_AT
    recover_at: float = RECOVER_AT
    end: float = END

    @property
    def down(self) -> float:
        """When the managers saw worker2 go down (heartbeat failure)."""
        (down,) = [r.time for r in self.swarm.trace if r.kind == "node" and r.state == "down"]
        return down


def available(swarm: Swarm, service: Service) -> int:
    """Tasks observed RUNNING on a node that is not down (the metrics' available rule)."""
    nodes = swarm.ctx.store.nodes
    return sum(
        t.state == TaskState.RUNNING and nodes[t.node_id].status != NodeStatus.DOWN
        for t in swarm.ctx.store.tasks_of_service(service.id)
    )


def _run_sampled(
    swarm: Swarm, service: Service, until: float, out: list[tuple[float, int]]
) -> None:
    """Advance to ``until``, counting available tasks every 0.25 s before ``until``.

    The instant ``until`` itself is left out: a command issued then changes the
    store at that same virtual instant, after the sample would have been taken.
    """
    while swarm.now < until - 1e-9:
        swarm.advance(min(0.25, until - swarm.now))
        if swarm.now < until - 1e-9:
            out.append((swarm.now, available(swarm, service)))


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """3 nodes, web x3; kill a task, drain worker1, crash worker2 then recover it."""
    swarm = Swarm(seed=2, managers=1, workers=2)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    service = create(swarm, spec(image="app:1", replicas=3))
    samples: list[tuple[float, int]] = []
    _run_sampled(swarm, service, KILL_AT, samples)
    (victim,) = [t for t in running(swarm, service) if hostname(swarm, t) == "worker2"]
    assert swarm.kill_task(victim.id, 1)
    _run_sampled(swarm, service, DRAIN_AT, samples)
    (drained,) = [t for t in running(swarm, service) if hostname(swarm, t) == "worker1"]
    assert swarm.docker("docker node update --availability drain worker1").ok
    _run_sampled(swarm, service, CRASH_AT, samples)
    swarm.crash_node("worker2")
    _run_sampled(swarm, service, RECOVER_AT, samples)
    swarm.recover_node("worker2")
    _run_sampled(swarm, service, END, samples)
    return Scenario(swarm, service, victim.id, drained.id, samples)


@pytest.fixture(scope="session")
def rolling_update() -> Swarm:
    """web x3 on app:1, updated to app:2 at t=10 (stop-first, one task at a time)."""
    swarm = Swarm(seed=4, managers=1, workers=2)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    swarm.images.set("app:2", pull=1.0, create=0.0, start=0.5, stop=0.2)
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(10)
    task = replace(service.spec.task, container=replace(service.spec.task.container, image="app:2"))
    update(swarm, service, task=task)
    swarm.advance(30)
    return swarm


@pytest.fixture(scope="session")
def global_swarm() -> Swarm:
    """A global service ``web`` on 3 nodes."""
    swarm = Swarm(seed=1, managers=1, workers=2)
    create(swarm, spec(image="nginx:1", mode=ServiceMode.GLOBAL))
    swarm.advance(20)
    return swarm


@pytest.fixture(scope="session")
def drain_run() -> Swarm:
    """The drain lesson: redis x3, worker1 drained at ~38 s and made active at ~68 s."""
    from viz.lessons import DRAIN, lesson

    return lesson(DRAIN)


@pytest.fixture(scope="session")
def paused_run() -> Swarm:
    """redis:3.0.6 x3 updated to a bad redis:3.0.7 (paused), then rolled back."""
    from viz.lessons import UPDATE_PAUSED, lesson

    return lesson(UPDATE_PAUSED)


@pytest.fixture(scope="session")
def loss_run() -> Swarm:
    """web x6 on 3 nodes; worker2 fails at ~38 s and recovers at ~98 s."""
    from viz.lessons import NODE_LOSS, lesson

    return lesson(NODE_LOSS)
