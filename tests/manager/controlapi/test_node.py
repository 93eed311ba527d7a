"""Node requests of the control API (swarmkit ``controlapi/node.go`` + daemon look-ups)."""

from __future__ import annotations

import pytest
from engine_helpers import create, spec, tasks

from swarmsim.api import Availability, NodeRole, NodeStatus, TaskState
from swarmsim.errors import DaemonError, InvalidArgument
from swarmsim.manager.controlapi.node import (
    ORPHANED_MESSAGE,
    get_node,
    list_nodes,
    remove_node,
    update_node,
)
from swarmsim.manager.raft import NO_LEADER
from swarmsim.swarm import Swarm

LAST_MANAGER = (
    "rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm"
)
QUORUM = (
    "rpc error: code = FailedPrecondition desc = can't remove member from the raft: "
    "this would result in a loss of quorum"
)


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=3, managers=1, workers=2)


def test_get_node_by_id_hostname_and_prefix(swarm: Swarm) -> None:
    worker = swarm.node("worker1")
    assert get_node(swarm.ctx, worker.id) is worker
    assert get_node(swarm.ctx, "worker1") is worker
    assert get_node(swarm.ctx, worker.id[:6]) is worker


def test_get_node_unknown(swarm: Swarm) -> None:
    with pytest.raises(DaemonError) as raised:
        get_node(swarm.ctx, "nope")
    assert str(raised.value) == "node nope not found"


def test_get_node_ambiguous_prefix() -> None:
    swarm = Swarm(seed=0, managers=1, workers=12)
    firsts = [n.id[0] for n in swarm.ctx.store.nodes.values()]
    letter = next(c for c in firsts if firsts.count(c) > 1)
    count = firsts.count(letter)
    with pytest.raises(DaemonError) as raised:
        get_node(swarm.ctx, letter)
    assert str(raised.value) == f"node {letter} is ambiguous ({count} matches found)"


def test_requests_need_a_leader(swarm: Swarm) -> None:
    swarm.crash_node("manager1")
    with pytest.raises(DaemonError) as raised:
        list_nodes(swarm.ctx)
    assert str(raised.value) == f"rpc error: code = Unknown desc = {NO_LEADER}"
    with pytest.raises(DaemonError):
        update_node(swarm.ctx, swarm.raft, "worker1", availability="drain")
    assert swarm.node("worker1").availability == Availability.ACTIVE


def test_list_filters(swarm: Swarm) -> None:
    update_node(swarm.ctx, swarm.raft, "worker2", labels_add={"zone": "east"})
    names = lambda filters: [n.hostname for n in list_nodes(swarm.ctx, filters)]  # noqa: E731
    assert names({"role": ["manager"]}) == ["manager1"]
    assert names({"role": ["worker"]}) == ["worker1", "worker2"]
    assert names({"name": ["work"]}) == ["worker1", "worker2"]
    assert names({"name": ["worker2", "manager"]}) == ["manager1", "worker2"]
    assert names({"node.label": ["zone=east"]}) == ["worker2"]
    assert names({"node.label": ["zone"]}) == ["worker2"]
    assert names({"node.label": ["zone=west"]}) == []
    assert names({"membership": ["accepted"]}) == ["manager1", "worker1", "worker2"]
    worker1 = swarm.node("worker1")
    assert names({"id": [worker1.id[:5]]}) == ["worker1"]


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"color": ["red"]}, "invalid filter 'color'"),
        ({"role": ["boss"]}, "Invalid role filter: 'boss'"),
        ({"membership": ["maybe"]}, "Invalid membership filter: 'maybe'"),
    ],
)
def test_list_bad_filters(swarm: Swarm, filters: dict[str, list[str]], message: str) -> None:
    with pytest.raises(DaemonError) as raised:
        list_nodes(swarm.ctx, filters)
    assert str(raised.value) == message


def test_update_availability_and_labels(swarm: Swarm) -> None:
    node = update_node(
        swarm.ctx, swarm.raft, "worker1", availability="DRAIN", labels_add={"a": "1", "b": ""}
    )
    assert node.availability == Availability.DRAIN
    assert node.labels == (("a", "1"), ("b", ""))
    update_node(swarm.ctx, swarm.raft, node.id, labels_rm=["a"], availability=Availability.PAUSE)
    assert node.labels == (("b", ""),)
    assert node.availability == Availability.PAUSE


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"availability": "off"}, DaemonError, 'invalid Availability: "off"'),
        ({"role": "boss"}, DaemonError, 'invalid Role: "boss"'),
        ({"labels_rm": ["zone"]}, InvalidArgument, "key zone doesn't exist in node's labels"),
    ],
)
def test_bad_updates_change_nothing(
    swarm: Swarm, changes: dict[str, object], error: type[Exception], message: str
) -> None:
    node = swarm.node("worker1")
    trace_len = len(swarm.ctx.trace)
    with pytest.raises(error) as raised:
        update_node(swarm.ctx, swarm.raft, "worker1", labels_add={"x": "y"}, **changes)  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert node.labels == ()
    assert node.availability == Availability.ACTIVE
    assert node.role == NodeRole.WORKER
    assert len(swarm.ctx.trace) == trace_len


def test_demote_last_manager(swarm: Swarm) -> None:
    with pytest.raises(DaemonError) as raised:
        update_node(swarm.ctx, swarm.raft, "manager1", role="worker")
    assert str(raised.value) == LAST_MANAGER
    assert swarm.node("manager1").role == NodeRole.MANAGER
    assert swarm.raft.leader == swarm.node("manager1").id


def test_promote_then_demote(swarm: Swarm) -> None:
    worker = update_node(swarm.ctx, swarm.raft, "worker1", role=NodeRole.MANAGER)
    assert worker.role == NodeRole.MANAGER
    assert worker.id in swarm.raft.members
    assert swarm.raft.manager_status(worker.id) == "Reachable"
    update_node(swarm.ctx, swarm.raft, "worker1", role="worker")
    assert worker.role == NodeRole.WORKER
    assert worker.id not in swarm.raft.members


def test_demote_refused_when_quorum_would_be_lost() -> None:
    swarm = Swarm(seed=1, managers=3, workers=0)
    swarm.crash_node("manager3")
    with pytest.raises(DaemonError) as raised:
        update_node(swarm.ctx, swarm.raft, "manager2", role="worker")
    assert str(raised.value) == QUORUM
    assert len(swarm.raft.members) == 3


def test_remove_ready_node_refused(swarm: Swarm) -> None:
    node = swarm.node("worker2")
    with pytest.raises(DaemonError) as raised:
        remove_node(swarm.ctx, swarm.raft, "worker2")
    assert str(raised.value) == (
        f"rpc error: code = FailedPrecondition desc = node {node.id} is not down and can't be "
        "removed"
    )
    assert node.id in swarm.ctx.store.nodes


def test_remove_manager_refused(swarm: Swarm) -> None:
    node = swarm.node("manager1")
    with pytest.raises(DaemonError) as raised:
        remove_node(swarm.ctx, swarm.raft, "manager1", force=True)
    assert str(raised.value) == (
        f"rpc error: code = FailedPrecondition desc = node {node.id} is a cluster manager and is "
        "a member of the raft cluster. It must be demoted to worker before removal"
    )


def test_remove_down_node_orphans_its_tasks(swarm: Swarm) -> None:
    service = create(swarm, spec("web", replicas=3))
    swarm.advance(20)
    node = swarm.node("worker1")
    on_node = [t for t in tasks(swarm, service) if t.node_id == node.id]
    assert on_node and all(t.state == TaskState.RUNNING for t in on_node)
    swarm.crash_node("worker1")
    swarm.advance(20)
    assert node.status == NodeStatus.DOWN
    remove_node(swarm.ctx, swarm.raft, "worker1")
    assert node.id not in swarm.ctx.store.nodes
    for task in on_node:
        assert task.state == TaskState.ORPHANED
        assert task.status.message == ORPHANED_MESSAGE


def test_force_remove_ready_node(swarm: Swarm) -> None:
    node = remove_node(swarm.ctx, swarm.raft, "worker2", force=True)
    assert node.hostname == "worker2"
    assert [n.hostname for n in list_nodes(swarm.ctx)] == ["manager1", "worker1"]
