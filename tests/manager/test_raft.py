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


def test_a_node_promoted_while_down_joins_raft_only_once_it_runs_again() -> None:
    # swarmkit: manager/role_manager.go sets the role at once; the node's own manager
    # joins Raft when it starts (node/node.go, manager/state/raft/raft.go Join)
    swarm = Swarm(seed=4, managers=1, workers=2)
    swarm.crash_node("worker1")
    assert swarm.docker("docker node promote worker1").ok  # READY still: not noticed yet
    promoted = swarm.node("worker1").id
    assert promoted in swarm.raft.joining and promoted not in swarm.raft.members
    swarm.advance(60)
    assert swarm.ctx.leadership.active  # one member, one reachable: the quorum holds
    assert swarm.raft.manager_status(promoted) == ""
    demote = swarm.docker("docker node demote worker1")
    assert demote.stderr == (
        "Error response from daemon: rpc error: code = NotFound "
        "desc = can't find manager in raft memberlist\n"
    )
    swarm.recover_node("worker1")
    assert list(swarm.raft.members) == [swarm.node("manager1").id, promoted]
    assert swarm.raft.manager_status(promoted) == "Reachable" and not swarm.raft.joining
    swarm.advance(60)
    assert swarm.ctx.leadership.active


def test_a_promoted_node_that_never_joins_leaves_the_fault_tolerance_alone() -> None:
    swarm = Swarm(seed=4, managers=3, workers=1)
    swarm.disconnect_node("worker1")
    assert swarm.docker("docker node promote worker1").ok
    assert len(swarm.raft.members) == 3  # not four: a fourth would make the quorum three
    swarm.crash_node("manager3")
    swarm.advance(60)
    assert swarm.ctx.leadership.active
    swarm.reconnect_node("worker1")
    assert len(swarm.raft.members) == 4 and not swarm.raft.joining


def test_a_promoted_node_that_is_removed_never_joins() -> None:
    swarm = Swarm(seed=4, managers=1, workers=2)
    swarm.crash_node("worker1")
    assert swarm.docker("docker node promote worker1").ok
    swarm.advance(30)
    assert swarm.docker("docker node rm worker1").ok  # down and no Raft member: allowed
    assert not swarm.raft.joining
    swarm.recover_node("worker1")
    assert len(swarm.raft.members) == 1
