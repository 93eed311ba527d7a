"""Global orchestrator (docs/behaviour.md#global-services)."""

from __future__ import annotations

from engine_helpers import create, hostname, running, spec, tasks

from swarmsim.api import Availability, ServiceMode, TaskState
from swarmsim.swarm import Swarm


def _swarm() -> Swarm:
    swarm = Swarm(seed=5, managers=1, workers=2)
    swarm.images.set("agent:1", pull=0.5, create=0.0, start=0.2, stop=0.1)
    return swarm


def test_one_task_per_node_with_preassigned_node() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL))
    swarm.advance(3)
    live = running(swarm, service)
    assert sorted(hostname(swarm, t) for t in live) == ["manager1", "worker1", "worker2"]
    assert {t.slot for t in live} == {0}
    confirmed = [
        r
        for r in swarm.trace
        if r.kind == "task" and r.detail == "scheduler confirmed task can run on preassigned node"
    ]
    assert len(confirmed) == 3


def test_new_node_gets_a_task_and_drain_shuts_down_without_replacement() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL))
    swarm.advance(3)
    swarm.add_node("worker3")
    swarm.advance(3)
    assert len(running(swarm, service)) == 4
    worker1 = swarm.node("worker1")
    worker1.availability = Availability.DRAIN
    swarm.ctx.store.update_node(worker1)
    swarm.advance(3)
    live = running(swarm, service)
    assert sorted(hostname(swarm, t) for t in live) == ["manager1", "worker2", "worker3"]
    on_worker1 = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    assert [t.state for t in on_worker1] == [TaskState.SHUTDOWN]


def test_constraints_limit_global_tasks() -> None:
    swarm = _swarm()
    service = create(
        swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL, constraints=("node.role==worker",))
    )
    swarm.advance(3)
    assert sorted(hostname(swarm, t) for t in running(swarm, service)) == ["worker1", "worker2"]


def test_paused_node_keeps_its_task_and_failed_task_is_not_restarted() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL))
    swarm.advance(3)
    worker2 = swarm.node("worker2")
    worker2.availability = Availability.PAUSE
    swarm.ctx.store.update_node(worker2)
    swarm.advance(1)
    (task,) = [t for t in running(swarm, service) if t.node_id == worker2.id]
    swarm.kill_task(task.id, 3)
    swarm.advance(10)
    on_worker2 = [t for t in tasks(swarm, service) if t.node_id == worker2.id]
    assert len(on_worker2) == 1
    assert on_worker2[0].state == TaskState.FAILED
    assert on_worker2[0].desired_state == TaskState.SHUTDOWN


def test_node_down_shuts_down_and_return_creates_a_fresh_task() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL))
    swarm.advance(3)
    swarm.crash_node("worker1")
    swarm.advance(20)
    worker1 = swarm.node("worker1")
    (old,) = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    assert old.desired_state == TaskState.SHUTDOWN
    assert len(running(swarm, service)) == 2
    swarm.recover_node("worker1")
    swarm.advance(3)
    on_worker1 = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    assert len(on_worker1) == 2
    assert sorted(t.state for t in on_worker1) == [TaskState.RUNNING, TaskState.SHUTDOWN]


def test_unparseable_constraints_neither_block_nor_reject_global_tasks() -> None:
    # the control API refuses such a spec; one written straight to the store
    # is treated as swarmkit's orchestrators and enforcer do: no constraints
    swarm = _swarm()
    service = create(swarm, spec(image="agent:1", mode=ServiceMode.GLOBAL, constraints=("x",)))
    swarm.advance(3)
    assert len(running(swarm, service)) == 3
    swarm.node("worker1").labels = (("zone", "a"),)
    swarm.ctx.store.update_node(swarm.node("worker1"))
    swarm.advance(3)
    assert len(running(swarm, service)) == 3
    assert all(t.state == TaskState.RUNNING for t in tasks(swarm, service))
