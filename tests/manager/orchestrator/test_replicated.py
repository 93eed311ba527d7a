"""Replicated orchestrator: slots, scaling, drain and node loss (sections 3.3, 3.4, 12)."""

from __future__ import annotations

import pytest
from engine_helpers import create, hostname, running, spec, tasks, update

from swarmsim.api import Availability, NodeStatus, RestartCondition, RestartPolicy, TaskState
from swarmsim.swarm import Swarm


def _swarm(workers: int = 2, seed: int = 3) -> Swarm:
    swarm = Swarm(seed=seed, managers=1, workers=workers)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    return swarm


def test_three_replicas_spread_one_per_node() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(5)
    live = running(swarm, service)
    assert sorted(t.slot for t in live) == [1, 2, 3]
    assert sorted(hostname(swarm, t) for t in live) == ["manager1", "worker1", "worker2"]


def test_scale_up_reuses_dead_slot_numbers_and_scale_down_deletes() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(5)
    update(swarm, service, replicas=6)
    swarm.advance(5)
    assert sorted(t.slot for t in running(swarm, service)) == [1, 2, 3, 4, 5, 6]
    # 2 replicas per node now; scaling to 3 removes from the most crowded copies
    update(swarm, service, replicas=3)
    swarm.advance(0.01)
    removed = [t for t in tasks(swarm, service) if t.desired_state == TaskState.REMOVE]
    assert sorted(t.slot for t in removed) == [4, 5, 6]
    swarm.advance(5)
    # removed tasks are deleted once stopped: no history rows remain
    assert sorted(t.slot for t in tasks(swarm, service)) == [1, 2, 3]
    nodes = sorted(hostname(swarm, t) for t in running(swarm, service))
    assert nodes == ["manager1", "worker1", "worker2"]


def test_scale_down_prefers_crowded_nodes() -> None:
    swarm = _swarm(workers=1)
    service = create(swarm, spec(image="app:1", replicas=2))
    swarm.advance(5)
    swarm.add_node("worker2")
    swarm.advance(1)
    update(swarm, service, replicas=4)
    swarm.advance(5)
    per_node: dict[str, int] = {}
    for task in running(swarm, service):
        per_node[hostname(swarm, task)] = per_node.get(hostname(swarm, task), 0) + 1
    # the new node gets the first new replicas (fewest tasks of the service)
    assert per_node["worker2"] == 2
    update(swarm, service, replicas=3)
    swarm.advance(5)
    per_node = {}
    for task in running(swarm, service):
        per_node[hostname(swarm, task)] = per_node.get(hostname(swarm, task), 0) + 1
    assert sorted(per_node.values()) == [1, 1, 1]


def test_drain_replaces_tasks_without_delay_and_waits_for_stop() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(5)
    worker1 = swarm.node("worker1")
    (old,) = [t for t in running(swarm, service) if t.node_id == worker1.id]
    worker1.availability = Availability.DRAIN
    swarm.ctx.store.update_node(worker1)
    t0 = swarm.now
    swarm.advance(0.001)
    slot = [t for t in tasks(swarm, service) if t.slot == old.slot]
    new = next(t for t in slot if t.id != old.id)
    # the replacement exists at once, waiting at READY while the old one stops
    assert old.desired_state == TaskState.SHUTDOWN
    assert new.desired_state == TaskState.READY
    swarm.advance(5)
    assert new.desired_state == TaskState.RUNNING
    assert new.state == TaskState.RUNNING
    assert old.state == TaskState.SHUTDOWN
    assert hostname(swarm, new) != "worker1"
    # the old task stopped (0.2 s) before the new one started: no restart delay
    assert new.status.timestamp - t0 < 3.0


def test_node_down_replaces_after_restart_delay_and_keeps_stale_state() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(10)
    (old,) = [t for t in running(swarm, service) if hostname(swarm, t) == "worker2"]
    crashed_at = swarm.now
    swarm.crash_node("worker2")
    swarm.advance(12)
    assert swarm.node("worker2").status == NodeStatus.READY
    swarm.advance(6)
    node = swarm.node("worker2")
    assert node.status == NodeStatus.DOWN
    assert node.status_message == "heartbeat failure"
    downs = [r for r in swarm.trace if r.kind == "node" and r.state == "down"]
    assert 13.5 - 5.5 <= downs[0].time - crashed_at <= 16.5
    # old task keeps its stale observed state, desired SHUTDOWN
    assert old.state == TaskState.RUNNING
    assert old.desired_state == TaskState.SHUTDOWN
    (new,) = [t for t in tasks(swarm, service) if t.slot == old.slot and t.id != old.id]
    assert new.desired_state == TaskState.READY
    swarm.advance(6)
    assert new.desired_state == TaskState.RUNNING
    swarm.advance(3)
    assert new.state == TaskState.RUNNING
    # recovery: nothing moves back, the old row becomes Shutdown
    swarm.recover_node("worker2")
    swarm.advance(2)
    assert old.state == TaskState.SHUTDOWN
    assert all(hostname(swarm, t) != "worker2" for t in running(swarm, service))


def test_restart_condition_none_leaves_the_slot_empty() -> None:
    swarm = _swarm()
    policy = RestartPolicy(condition=RestartCondition.NONE)
    service = create(swarm, spec(image="app:1", replicas=3, restart=policy))
    swarm.advance(5)
    worker1 = swarm.node("worker1")
    worker1.availability = Availability.DRAIN
    swarm.ctx.store.update_node(worker1)
    swarm.advance(30)
    assert len(running(swarm, service)) == 2
    assert len(tasks(swarm, service)) == 3  # the slot counts as satisfied: no new task


def test_scale_down_removes_a_slot_kept_only_by_restart_none_first() -> None:
    # swarmkit's order (copy index on the node) would keep the drained slot, the only
    # copy on its node, and remove a running task: 1 running of 2 for good
    swarm = _swarm(workers=1)
    policy = RestartPolicy(condition=RestartCondition.NONE)
    service = create(swarm, spec(image="app:1", replicas=3, restart=policy))
    swarm.advance(5)
    per_node: dict[str, list[str]] = {}
    for task in running(swarm, service):
        per_node.setdefault(hostname(swarm, task), []).append(task.id)
    (lonely,) = [name for name, ids in per_node.items() if len(ids) == 1]
    (crowded,) = [name for name, ids in per_node.items() if len(ids) == 2]
    node = swarm.node(lonely)
    node.availability = Availability.DRAIN
    swarm.ctx.store.update_node(node)
    swarm.advance(5)
    update(swarm, service, replicas=2)
    swarm.advance(10)
    assert sorted(t.id for t in running(swarm, service)) == sorted(per_node[crowded])
    assert [t.desired_state for t in tasks(swarm, service)] == [TaskState.RUNNING] * 2


def test_crash_restart_timeline_11_3_a() -> None:
    swarm = _swarm(workers=0)
    service = create(swarm, spec(image="app:1", replicas=1))
    swarm.advance(5)
    (old,) = tasks(swarm, service)
    assert swarm.kill_task(old.id, 1)
    t0 = swarm.now
    swarm.advance(0.2)
    assert old.state == TaskState.FAILED
    assert old.status.err == "task: non-zero exit (1)"
    (new,) = [t for t in tasks(swarm, service) if t.id != old.id]
    assert new.desired_state == TaskState.READY
    swarm.advance(3)
    assert new.state == TaskState.READY  # prepared, waiting for the 5 s delay
    swarm.advance(3)
    assert new.state == TaskState.RUNNING
    # starts once the 5 s delay has passed (+ start time 0.5 s and delivery)
    assert new.status.timestamp - t0 == pytest.approx(5.0 + 0.1 + 0.002 + 0.5, abs=0.01)


def test_max_attempts_limits_restarts_and_history() -> None:
    swarm = _swarm(workers=0)
    swarm.images.set("crash:1", pull=0.0, create=0.0, start=0.1, exits_after=1.0, exit_code=2)
    policy = RestartPolicy(delay=1.0, max_attempts=2)
    service = create(swarm, spec(image="crash:1", replicas=1, restart=policy))
    swarm.advance(60)
    slot = tasks(swarm, service)
    # the first task plus two restarts, all failed; limit = max_attempts + 1 rows
    assert len(slot) == 3
    assert all(t.state == TaskState.FAILED for t in slot)


def test_task_history_limit_keeps_five_rows_per_slot() -> None:
    swarm = _swarm(workers=0)
    swarm.images.set("crash:1", pull=0.0, create=0.0, start=0.1, exits_after=1.0, exit_code=2)
    service = create(swarm, spec(image="crash:1", replicas=1, restart=RestartPolicy(delay=0.5)))
    swarm.advance(60)
    assert len(tasks(swarm, service)) == 5


def test_service_removal_deletes_tasks_after_they_stop() -> None:
    swarm = _swarm()
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(5)
    swarm.ctx.store.delete_service(service.id)
    swarm.advance(0.01)
    assert all(t.desired_state == TaskState.REMOVE for t in tasks(swarm, service))
    swarm.advance(3)
    assert tasks(swarm, service) == []


def test_same_seed_same_trace() -> None:
    def run(seed: int) -> str:
        swarm = _swarm(workers=4, seed=seed)
        service = create(swarm, spec(image="app:1", replicas=7))
        swarm.advance(5)
        swarm.crash_node("worker3")
        swarm.advance(40)
        update(swarm, service, replicas=9)
        swarm.advance(10)
        return swarm.trace.dump()

    assert run(11) == run(11)


def test_exhausted_max_attempts_also_stops_drain_replacement() -> None:
    swarm = _swarm(workers=1)
    policy = RestartPolicy(delay=1.0, max_attempts=1)
    service = create(swarm, spec(image="app:1", replicas=1, restart=policy))
    swarm.advance(5)
    (first,) = running(swarm, service)
    swarm.kill_task(first.id, 1)  # uses the slot's one restart
    swarm.advance(10)
    (second,) = running(swarm, service)
    node = swarm.ctx.store.nodes[second.node_id]
    node.availability = Availability.DRAIN
    swarm.ctx.store.update_node(node)
    swarm.advance(30)
    # no restart budget left: the drained replica is shut down and not replaced (0/1)
    assert running(swarm, service) == []
    assert second.state == TaskState.SHUTDOWN
    assert len(tasks(swarm, service)) == 2


def test_services_share_one_object_per_slot_number() -> None:
    swarm = _swarm()
    first = create(swarm, spec(image="app:1", replicas=300, name="first"))
    second = create(swarm, spec(image="app:1", replicas=300, name="second"))
    swarm.advance(0.01)
    slots = {t.slot: t.slot for t in tasks(swarm, first)}
    assert len(slots) == 300
    assert all(t.slot is slots[t.slot] for t in tasks(swarm, second))
