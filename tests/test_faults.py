"""Faults dealt to a swarm: crashes, cut links, killed containers, unknown names."""

from __future__ import annotations

import pytest
from engine_helpers import create, spec

from swarmsim.api import NodeRole, NodeStatus, TaskState
from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm


def test_kill_task_tells_an_unknown_id_from_a_task_that_is_not_running() -> None:
    swarm = Swarm(seed=1)
    with pytest.raises(InvalidArgument, match="no such task: nope"):
        swarm.kill_task("nope")
    create(swarm, spec(replicas=1))
    swarm.advance(10)
    (task,) = swarm.ctx.store.tasks.values()
    with pytest.raises(InvalidArgument, match="exit_code must be an integer"):
        swarm.kill_task(task.id, "1")  # type: ignore[arg-type]
    assert swarm.kill_task(task.id, 1)
    swarm.advance(0.2)
    assert not swarm.kill_task(task.id, 1)


@pytest.mark.parametrize(
    "fault", ["crash_node", "recover_node", "disconnect_node", "reconnect_node", "node"]
)
def test_faults_on_an_unknown_node_raise(fault: str) -> None:
    swarm = Swarm(seed=1)
    with pytest.raises(InvalidArgument, match="no such node: nope"):
        getattr(swarm, fault)("nope")


def test_a_machine_that_boots_with_its_links_cut_registers_only_when_they_heal() -> None:
    swarm = Swarm(seed=2, managers=1, workers=1)
    worker = swarm.agents[swarm.node("worker1").id]
    swarm.disconnect_node("worker1")
    swarm.crash_node("worker1")
    swarm.recover_node("worker1")
    assert worker.up and not worker.connected
    swarm.advance(30)
    assert swarm.node("worker1").status.name == "DOWN"
    swarm.reconnect_node("worker1")
    swarm.advance(1)
    assert worker.connected and swarm.node("worker1").status.name == "READY"


def test_the_cli_on_a_manager_cut_off_from_the_leader_gets_the_no_leader_error() -> None:
    swarm = Swarm(seed=3, managers=3, workers=0)
    swarm.disconnect_node("manager1")  # the CLI's machine, and the leader
    swarm.advance(20)
    assert swarm.raft.leader in {swarm.node("manager2").id, swarm.node("manager3").id}
    result = swarm.docker("docker node ls")
    assert (result.exit_code, result.stderr.split(":")[0]) == (1, "Error response from daemon")
    assert "does not have a leader" in result.stderr
    swarm.reconnect_node("manager1")
    assert swarm.docker("docker node ls").ok


def test_a_status_lost_in_a_partition_reaches_the_next_leader() -> None:
    """Found by the extended fuzzer (with a job; a service behaves the same): a
    container starts while its node is cut off from the leader, so its RUNNING
    report is lost.  swarmkit's status reporter keeps a status until a session
    takes it: once a new leader's session starts, the store hears RUNNING (it
    said PREPARING for good)."""
    swarm = Swarm(seed=446, managers=3, workers=1)
    swarm.docker("docker service create -d --name web slow:1", check=True)
    swarm.advance(0.1)
    swarm.partition([["manager1", "manager3"], ["manager2", "worker1"]])
    swarm.advance(5)
    swarm.partition([["manager2", "manager3", "worker1"], ["manager1"]])
    swarm.advance(60)
    (task,) = swarm.ctx.store.tasks.values()
    assert swarm.agents[task.node_id].controllers[task.id].state == TaskState.RUNNING
    assert task.state == TaskState.RUNNING


def test_a_container_end_lost_on_the_way_is_reported_on_the_next_session() -> None:
    """A container exits with code 1 and its node's link fails while the report
    travels: when the link comes back the managers hear that end, exit code and
    error included (swarmkit's reporter kept it), not a made-up crash or shutdown."""
    swarm = Swarm(seed=863, managers=1, workers=1)
    swarm.docker(
        "docker service create -d --name s0 --constraint node.role==worker nginx:3", check=True
    )
    swarm.advance(60)
    (task,) = swarm.ctx.store.tasks.values()
    assert swarm.kill_task(task.id, 1)
    swarm.disconnect_node("worker1")
    swarm.advance(5)
    assert task.state == TaskState.RUNNING  # the report was lost with the link
    swarm.reconnect_node("worker1")
    swarm.advance(5)
    status = task.status
    assert (status.state, status.exit_code, status.err) == (
        TaskState.FAILED,
        1,
        "task: non-zero exit (1)",
    )


@pytest.mark.parametrize("role", [NodeRole.WORKER, NodeRole.MANAGER])
def test_a_node_added_during_a_partition_is_cut_off_until_the_heal(role: NodeRole) -> None:
    """Found by the extended fuzzer: the new machine is in no group of the
    partition, so its node registers, misses its heartbeats and goes Down (it
    stayed Ready for ever, its global task Assigned); after the heal it runs."""
    swarm = Swarm(seed=865, managers=3, workers=3)
    swarm.docker("docker service create -d --name g --mode global nginx:1", check=True)
    swarm.advance(20)
    swarm.partition([["manager1", "manager2", "manager3", "worker2"], ["worker1", "worker3"]])
    node = swarm.add_node("worker4", role=role)
    assert not swarm.agents[node.id].connected
    swarm.advance(10)
    assert swarm.node("worker4").status == NodeStatus.READY  # not yet: ~15 s
    swarm.advance(20)
    assert swarm.node("worker4").status == NodeStatus.DOWN
    assert swarm.raft.leader is not None  # three of four managers still reach each other
    swarm.heal()
    result = swarm.settle(timeout=120)
    assert result.settled and swarm.node("worker4").status == NodeStatus.READY
    tasks = swarm.ctx.store.tasks_on_node(node.id)
    assert [t.state for t in tasks if t.desired_state == TaskState.RUNNING] == [TaskState.RUNNING]
