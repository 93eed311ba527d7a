"""Partitions end to end: sessions, heartbeats, Raft and the CLI follow the underlay."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from swarmsim.api.enums import NodeStatus, TaskState
from swarmsim.errors import InvalidArgument
from swarmsim.manager.raft import NO_LEADER
from swarmsim.swarm import Swarm

ROOT = Path(__file__).resolve().parents[2] / "swarmsim"


def placed(swarm: Swarm, service: str = "web") -> dict[str, str]:
    """Running (or believed running) task id -> hostname."""
    store = swarm.ctx.store
    return {
        t.id: store.nodes[t.node_id].hostname
        for t in store.tasks.values()
        if t.desired_state == TaskState.RUNNING and t.state == TaskState.RUNNING
    }


def web(swarm: Swarm, replicas: int = 6) -> None:
    assert swarm.docker(f"docker service create -d --name web --replicas {replicas} nginx").ok
    swarm.advance(30)


def test_an_isolated_worker_is_down_after_the_heartbeat_timeout_and_keeps_its_containers() -> None:
    swarm = Swarm(seed=4, managers=1, workers=2)
    web(swarm)
    worker1 = swarm.node("worker1")
    agent = swarm.agents[worker1.id]
    before = {tid for tid, host in placed(swarm).items() if host == "worker1"}
    assert before and set(agent.controllers) == before
    swarm.partition([["manager1", "worker2"], ["worker1"]])
    swarm.advance(14)  # heartbeat 5 s ± 0.5 s, DOWN after 3 periods: not yet
    assert worker1.status == NodeStatus.READY
    swarm.advance(4)
    assert worker1.status == NodeStatus.DOWN
    swarm.advance(30)
    now = placed(swarm)
    assert "worker1" not in now.values() and len(now) == 6  # replaced elsewhere
    # the cut-off machine's containers still run: nobody told it to stop
    assert set(agent.controllers) == before
    assert all(c.state == TaskState.RUNNING for c in agent.controllers.values())
    swarm.heal()
    swarm.advance(30)
    assert worker1.status == NodeStatus.READY
    assert placed(swarm) == now  # nothing moves back
    assert not agent.controllers  # the stale containers stopped on reconciliation


def test_a_leader_left_in_a_minority_loses_it_to_the_majority() -> None:
    swarm = Swarm(seed=5, managers=3, workers=2)
    web(swarm)
    assert swarm.raft.leader == swarm.node("manager1").id
    swarm.partition([["manager1", "worker1"], ["manager2", "manager3", "worker2"]])
    assert swarm.raft.leader is None  # the old leader steps down
    refused = swarm.docker("docker service ls")  # the CLI is on manager1, the minority
    assert not refused.ok
    assert (
        refused.stderr
        == f"Error response from daemon: rpc error: code = Unknown desc = {NO_LEADER}\n"
    )
    swarm.advance(9.9)  # swarmkit's election timeout: 10 to 19 ticks of 1 s
    assert swarm.raft.leader is None
    swarm.advance(9.2)
    leader = swarm.raft.leader
    assert leader in {swarm.node("manager2").id, swarm.node("manager3").id}
    # the minority still has no leader to talk to; the majority has one
    assert not swarm.docker("docker node ls").ok
    swarm.current_node_id = swarm.node("manager2").id
    listing = swarm.docker("docker node ls")
    assert listing.ok and "Unreachable" in listing.stdout
    assert swarm.docker("docker service scale -d web=2").ok


def test_heal_restores_quorum_and_reconciles_without_moving_tasks_back() -> None:
    swarm = Swarm(seed=6, managers=3, workers=2)
    web(swarm)
    swarm.partition([["manager1", "worker1"], ["manager2", "manager3", "worker2"]])
    swarm.advance(90)
    moved = placed(swarm)
    assert not {"manager1", "worker1"} & set(moved.values())
    swarm.heal()
    swarm.advance(30)
    assert swarm.raft.reachable == set(swarm.raft.members)
    assert swarm.docker("docker service ls").ok  # manager1 reaches the leader again
    assert all(n.status == NodeStatus.READY for n in swarm.ctx.store.nodes.values())
    assert placed(swarm) == moved
    assert swarm.docker("docker node ls").stdout.count("Reachable") == 2


def test_no_side_with_a_quorum_has_no_leader_until_healed() -> None:
    swarm = Swarm(seed=7, managers=2, workers=0)
    swarm.partition([["manager1"], ["manager2"]])
    assert swarm.raft.leader == swarm.node("manager1").id  # keeps it until CheckQuorum
    assert swarm.docker("docker node ls").ok  # it answers until it steps down
    swarm.advance(20)
    assert swarm.raft.leader is None
    assert not swarm.docker("docker node ls").ok
    swarm.heal()
    swarm.advance(30)
    assert swarm.raft.leader is not None and swarm.docker("docker node ls").ok


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([["manager1"], ["ghost"]], "no such node: ghost"),
        ([["manager1", "worker1"], ["worker1"]], "worker1 is in two partition groups"),
        ([["manager1"], []], "partition group 2 is empty"),
        ([], "at least one group"),
        ("manager1", "groups must be a list"),
    ],
)
def test_bad_partitions_change_nothing(groups: object, message: str) -> None:
    swarm = Swarm(seed=8, managers=1, workers=2)
    with pytest.raises(InvalidArgument, match=message):
        swarm.partition(groups)  # type: ignore[arg-type]
    assert not swarm.underlay.groups
    assert all(a.connected for a in swarm.agents.values())


def test_cutting_one_link_is_disconnecting_a_one_link_machine() -> None:
    swarm = Swarm(seed=9, managers=1, workers=1)
    swarm.cut_link("worker1", "switch")
    assert not swarm.agents[swarm.node("worker1").id].connected
    swarm.cut_link("worker1", "switch", cut=False)
    assert swarm.agents[swarm.node("worker1").id].connected


def _imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_agent_and_the_dispatcher_do_not_import_each_other() -> None:
    for module in (ROOT / "agent").glob("*.py"):
        assert not any(name.startswith("swarmsim.manager") for name in _imports(module)), module
    assert "swarmsim.agent.worker" not in _imports(ROOT / "agent" / "executor.py")
    assert not any(
        name.startswith("swarmsim.agent") for name in _imports(ROOT / "manager" / "dispatcher.py")
    )
