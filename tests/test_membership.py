"""Machines and the nodes they run as: joins, leaves, removals and lookups."""

from __future__ import annotations

import pytest

from swarmsim.api.enums import NodeRole
from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm


def test_a_node_removed_from_the_swarm_leaves_its_machine() -> None:
    swarm = Swarm(seed=2, managers=1, workers=2)
    members = swarm.members
    node_id = swarm.machines["worker1"].node_id
    assert members.machine_of[node_id] == "worker1"
    assert swarm.docker("docker swarm leave", on="worker1").ok
    assert node_id not in members.machine_of
    assert swarm.machines["worker1"].node_id == ""
    assert not swarm.agents[node_id].up  # its containers are gone
    assert members.node(node_id).id == node_id  # still listed until docker node rm
    swarm.advance(30)
    assert swarm.docker(f"docker node rm {node_id}").ok
    with pytest.raises(InvalidArgument, match=f"no such node: {node_id}"):
        members.node(node_id)
    with pytest.raises(InvalidArgument, match="no such node: worker1"):
        members.node("worker1")  # the machine runs no node now
    other = swarm.machines["worker2"].node_id
    assert swarm.docker("docker node rm --force worker2").ok  # removed while it runs
    assert other not in members.machine_of
    assert swarm.machines["worker2"].node_id == ""
    assert not swarm.agents[other].up


def test_a_new_node_skips_an_address_held_by_a_machine_outside_the_swarm() -> None:
    swarm = Swarm(seed=1, machines=["m1", "m2"])  # 192.168.65.2 and .3
    assert swarm.docker("docker swarm init").ok
    node = swarm.add_node("w1")
    assert node.addr == "192.168.65.4"
    assert swarm.add_node("w2", address="10.0.0.9").addr == "10.0.0.9"


def test_the_leaders_machine_and_the_managers_by_address() -> None:
    swarm = Swarm(seed=3, managers=3, workers=1)
    members = swarm.members
    leader = swarm.raft.leader
    assert leader is not None
    assert members.leader_machine() == members.machine_of[leader]
    manager2 = swarm.node("manager2")
    assert members.manager_at(manager2.addr) is manager2
    assert members.manager_at(swarm.node("worker1").addr) is None  # not a manager
    assert members.manager_at("10.9.9.9") is None
    assert swarm.docker("docker swarm leave --force", on="manager2").ok
    assert members.manager_at(manager2.addr) is None  # its engine left the swarm


def test_the_cli_follows_the_first_manager_then_the_machine_it_is_told() -> None:
    swarm = Swarm(
        seed=0,
        nodes=[
            {"hostname": "w", "role": NodeRole.WORKER},
            {"hostname": "m", "role": NodeRole.MANAGER},
        ],
    )
    members = swarm.members
    assert members.current_machine == "m"
    assert members.host is swarm.machines["m"]
    assert members.current_node_id == swarm.machines["m"].node_id
    swarm.use("w")
    assert members.current_node_id == swarm.machines["w"].node_id
    assert members.reaches(swarm.machines["m"].node_id)
    swarm.disconnect_node("w")
    assert not members.reaches(swarm.machines["m"].node_id)
