"""Raft quorum and leadership (docs/behaviour.md#managers-and-raft)."""

from __future__ import annotations

import pytest
from engine_helpers import create, running, spec

from swarmsim.api import NodeStatus
from swarmsim.manager.raft import quorum
from swarmsim.swarm import Swarm


def test_quorum_table() -> None:
    assert [quorum(n) for n in range(1, 8)] == [1, 2, 2, 3, 3, 4, 4]


def test_leader_loss_with_quorum_elects_a_new_leader() -> None:
    swarm = Swarm(seed=4, managers=3, workers=1)
    swarm.advance(2)
    leader = swarm.raft.leader
    assert leader == swarm.node("manager1").id
    swarm.crash_node("manager1")
    assert not swarm.ctx.leadership.active
    swarm.advance(21)
    assert swarm.ctx.leadership.active
    assert swarm.raft.leader in {swarm.node("manager2").id, swarm.node("manager3").id}
    assert swarm.raft.manager_status(leader) == "Unreachable"
    # the new leader's dispatcher saw every node as unknown, then they re-registered
    unknown = [r for r in swarm.trace if r.kind == "node" and r.state == "unknown"]
    assert unknown
    swarm.advance(10)
    assert swarm.node("worker1").status == NodeStatus.READY


def test_no_quorum_stops_the_control_plane() -> None:
    swarm = Swarm(seed=4, managers=3, workers=1)
    swarm.images.set("app:1", pull=0.1, create=0.0, start=0.1)
    service = create(swarm, spec(image="app:1", replicas=2))
    swarm.advance(3)
    swarm.crash_node("manager2")
    swarm.crash_node("manager3")
    swarm.advance(25)
    assert not swarm.ctx.leadership.active
    # nothing is rescheduled while there is no leader; running tasks keep running
    swarm.crash_node("worker1")
    swarm.advance(60)
    assert all(n.status != NodeStatus.DOWN for n in swarm.ctx.store.nodes.values())
    swarm.recover_node("manager2")
    swarm.advance(25)
    assert swarm.ctx.leadership.active
    swarm.advance(60)
    assert swarm.node("worker1").status == NodeStatus.DOWN
    assert len(running(swarm, service)) == 2


def test_after_a_leader_change_a_silent_node_goes_down_after_the_doubled_grace() -> None:
    swarm = Swarm(seed=4, managers=3, workers=1)
    swarm.advance(2)
    swarm.crash_node("manager1")
    swarm.crash_node("worker1")
    swarm.advance(21)
    assert swarm.ctx.leadership.active
    elected = next(r.time for r in swarm.trace if r.kind == "node" and r.state == "unknown")
    worker1 = swarm.node("worker1")
    assert worker1.status == NodeStatus.UNKNOWN
    swarm.advance(40)
    assert worker1.status == NodeStatus.DOWN
    assert worker1.status_message == 'heartbeat failure for node in "unknown" state'
    (down,) = [
        r for r in swarm.trace if r.kind == "node" and r.node == "worker1" and r.state == "down"
    ]
    # 6 heartbeat periods (the doubled grace) after the new leader took over
    assert down.time - elected == pytest.approx(30.0)
