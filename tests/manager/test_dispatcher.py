"""Dispatcher: heartbeats, DOWN detection, batching, orphaning (sections 1.4, 6.1, 6.3)."""

from __future__ import annotations

from engine_helpers import create, spec, tasks

from swarmsim.api import NodeStatus, TaskState
from swarmsim.api.objects import TaskStatus
from swarmsim.net.messages import Heartbeat, StatusReport
from swarmsim.net.transport import DISPATCHER
from swarmsim.swarm import Swarm


def test_down_within_jittered_grace_for_many_seeds() -> None:
    for seed in range(8):
        swarm = Swarm(seed=seed, managers=1, workers=1)
        swarm.advance(7.3)
        swarm.crash_node("worker1")
        crashed = swarm.now
        swarm.advance(30)
        (down,) = [r for r in swarm.trace if r.kind == "node" and r.state == "down"]
        last_beat_gap = down.time - crashed
        # the deadline is 3 jittered periods after the last heartbeat, which came
        # at most one period (5.5 s) before the crash
        assert 13.5 - 5.5 <= last_beat_gap <= 16.5
        assert down.detail == "heartbeat failure"


def test_status_reports_are_committed_in_100ms_batches() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.0)
    service = create(swarm, spec(image="app:1", replicas=1))
    swarm.advance(3)
    records = [r for r in swarm.trace if r.kind == "task" and r.id == tasks(swarm, service)[0].id]
    times = {r.state: r.time for r in records}
    # ASSIGNED at 0.05; the agent reports from 0.051, arriving at 0.052,
    # committed one batch (0.1 s) later
    assert round(times["assigned"], 3) == 0.05
    assert round(times["preparing"], 3) == 0.152
    # READY and STARTING and RUNNING happen in the same instant: only the
    # latest status of a batch is committed
    assert "starting" not in times
    assert round(times["running"], 3) == round(0.051 + 1.0 + 0.001 + 0.1, 3)


def test_tasks_of_a_long_down_node_become_orphaned() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    service = create(swarm, spec(image="app:1", replicas=2))
    swarm.advance(5)
    worker1 = swarm.node("worker1")
    (on_worker,) = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    swarm.crash_node("worker1")
    swarm.advance(60)
    assert worker1.status == NodeStatus.DOWN
    assert on_worker.state == TaskState.RUNNING
    swarm.advance(24 * 3600)
    assert on_worker.state == TaskState.ORPHANED


def test_disconnected_node_keeps_running_and_reports_on_reconnect() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    service = create(swarm, spec(image="app:1", replicas=2))
    swarm.advance(5)
    worker1 = swarm.node("worker1")
    (old,) = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    swarm.disconnect_node("worker1")
    swarm.advance(30)
    assert worker1.status == NodeStatus.DOWN
    assert old.desired_state == TaskState.SHUTDOWN
    assert old.state == TaskState.RUNNING
    swarm.reconnect_node("worker1")
    swarm.advance(5)
    assert worker1.status == NodeStatus.READY
    assert old.state == TaskState.SHUTDOWN


def test_node_crashing_before_its_first_heartbeat_goes_down() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    swarm.crash_node("worker1")
    swarm.advance(16)
    assert swarm.node("worker1").status == NodeStatus.DOWN


def test_a_removed_node_leaves_and_its_containers_stop() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    service = create(swarm, spec(image="app:1", replicas=2))
    swarm.advance(5)
    worker1 = swarm.node("worker1")
    (on_worker,) = [t for t in tasks(swarm, service) if t.node_id == worker1.id]
    assert swarm.docker("docker node rm --force worker1").ok
    assert on_worker.state == TaskState.ORPHANED
    assert not swarm.agents[worker1.id].up  # the agent left with the node
    swarm.advance(30)
    # the replica was replaced on the remaining node; nothing runs on the removed one
    live = [t for t in tasks(swarm, service) if t.state == TaskState.RUNNING]
    assert len(live) == 2 and all(t.node_id != worker1.id for t in live)


def test_the_dispatcher_answers_typed_messages_over_the_transport() -> None:
    swarm = Swarm(seed=3, managers=1, workers=1)
    worker1 = swarm.node("worker1").id
    # messages leave from the machine (its hostname), carrying the node ID
    period = swarm.transport.call("worker1", DISPATCHER, Heartbeat(worker1))
    assert 4.5 <= period <= 5.5
    swarm.partition([["manager1"], ["worker1"]])
    assert swarm.transport.call("worker1", DISPATCHER, Heartbeat(worker1)) is None
    lost = swarm.transport.lost
    swarm.transport.send("worker1", DISPATCHER, StatusReport("t", TaskStatus(TaskState.FAILED)))
    assert swarm.transport.lost == lost + 1


def test_a_node_marked_down_whose_heartbeats_get_through_registers_again() -> None:
    # swarmkit: markNodeNotReady deletes the node from the dispatcher's node store,
    # so its next heartbeat fails (ErrNodeNotRegistered) and the agent registers again
    swarm = Swarm(seed=2, managers=1, workers=1)
    swarm.advance(10)
    worker = swarm.node("worker1")
    swarm.dispatcher.mark_down(worker)  # three heartbeats lost on a lossy link, say
    assert worker.status == NodeStatus.DOWN
    assert swarm.agents[worker.id].connected  # the agent did not notice
    swarm.advance(6)  # its next heartbeat, at most 5.5 s later
    (back,) = [r for r in swarm.trace if r.kind == "node" and r.state == "ready" and r.time > 10]
    assert 10 < back.time <= 15.5
    assert worker.status == NodeStatus.READY and worker.status_message == ""


def test_a_lossy_link_leaves_a_node_mostly_ready() -> None:
    swarm = Swarm(seed=0, managers=1, workers=1)
    (link,) = swarm.underlay.graph.edges("worker1")
    swarm.underlay.set_link(*link, latency=0.001, loss=0.3)
    ready = 0
    for _ in range(200):
        swarm.advance(3)
        ready += swarm.node("worker1").status == NodeStatus.READY
    # three heartbeats lost in a row mark it down; the next one that arrives brings it
    # back (before, it stayed down for good: READY 14% of the time over 10 seeds)
    assert ready >= 150
