"""Machines: described by name or settings, known to the underlay by hostname, outliving nodes."""

from __future__ import annotations

import pytest

from swarmsim.api.enums import NodeRole
from swarmsim.errors import InvalidArgument
from swarmsim.machine import Machine, machine_of
from swarmsim.swarm import Swarm


def test_a_machine_from_a_name_or_its_settings() -> None:
    assert machine_of("w1", 3) == Machine("w1", "192.168.65.5")
    esx = machine_of(
        {
            "name": "esx",
            "address": "10.0.0.7",
            "cpus": 2,
            "memory": 1 << 30,
            "engine_labels": {"vm": "yes"},
            "udp_ports_taken": [4789, 4789],
        },
        0,
    )
    assert (esx.address, esx.cpus, esx.memory, esx.engine_labels, esx.udp_ports_taken) == (
        "10.0.0.7",
        2.0,
        1 << 30,
        {"vm": "yes"},
        frozenset({4789}),
    )
    assert not esx.in_swarm and esx.resolve("eth0") == "10.0.0.7"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "a b"}, "a node needs a hostname without blanks"),
        ({"name": "a", "address": "300.1.1.1"}, "address must be an IP address"),
        ({"name": "a", "udp_ports_taken": [0]}, "a UDP port is a number from 1 to 65535"),
        ({"name": "a", "udp_ports_taken": "4789"}, "udp_ports_taken must be a list"),
        ({"name": "a", "cpu": 2}, "unknown machine setting 'cpu'"),
        ({"name": "a", "memory": -1}, "memory must be a positive number"),
        ({"name": "a", "rack": "r 1"}, "rack must be a name of letters"),
        ({"name": "a", "zone": 3}, "zone must be a name of letters"),
        (7, "a machine is a hostname or a mapping"),
    ],
)
def test_bad_machines_are_refused(entry: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        machine_of(entry, 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"machines": []}, "machines must name at least one machine"),
        ({"machines": "m1"}, "machines must be a list"),
        ({"machines": ["m1", "m1"]}, "a node named 'm1' already exists"),
        ({"machines": ["m1"], "nodes": [{"hostname": "x", "role": 1}]}, "either machines or"),
    ],
)
def test_bad_blank_swarms_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Swarm(seed=0, **kwargs)  # type: ignore[arg-type]


def test_machines_are_keyed_by_hostname_and_outlive_their_nodes() -> None:
    swarm = Swarm(seed=1, machines=["m1", {"name": "esx", "udp_ports_taken": [4789]}])
    assert swarm.underlay.machines() == ["m1", "esx"]
    assert not swarm.underlay.udp_port_free("esx", 4789)
    with pytest.raises(InvalidArgument, match="there is no swarm yet"):
        swarm.add_node("w9")
    assert swarm.docker("docker swarm init").ok
    token = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    assert swarm.docker(f"docker swarm join --token {token} 192.168.65.2", on="esx").ok
    first = swarm.machines["esx"].node_id
    assert swarm.machine(first) is swarm.machines["esx"]  # a node id names its machine
    swarm.partition([["m1"], ["esx"]])
    swarm.advance(30)
    assert swarm.node("esx").status.api_name == "down"
    swarm.heal()
    swarm.advance(10)
    assert swarm.node("esx").status.api_name == "ready"
    assert swarm.docker("docker swarm leave", on="esx").ok
    assert swarm.underlay.machines() == ["m1", "esx"]  # still plugged in, in no swarm
    assert swarm.docker(f"docker swarm join --token {token} 192.168.65.2", on="esx").ok
    assert swarm.machines["esx"].node_id not in ("", first)
    with pytest.raises(InvalidArgument, match="no such node: nope"):
        swarm.use("nope")


def test_a_failed_machine_outside_the_swarm_cannot_run_docker() -> None:
    swarm = Swarm(seed=1, machines=["m1", "m2"])
    swarm.crash_node("m2")
    assert swarm.docker("docker node ls", on="m2").stderr.startswith("Cannot connect to the Docker")
    assert swarm.docker("docker info", on="m2").stderr.startswith("ERROR: Cannot connect to the")
    swarm.recover_node("m2")
    assert swarm.docker("docker info", on="m2").ok


def test_racks_and_zones_from_the_cluster_description_shape_the_underlay() -> None:
    swarm = Swarm(
        seed=1,
        nodes=[
            {"hostname": "manager1", "role": NodeRole.MANAGER, "rack": "r1", "zone": "z1"},
            {"hostname": "worker1", "rack": "r1", "zone": "z1"},
            {"hostname": "worker2", "rack": "r2", "zone": "z1"},
        ],
    )
    swarm.add_node("worker3", rack="r3", zone="z2")
    latency = swarm.ctx.settings.network_latency
    hops = {
        name: swarm.underlay.route("manager1", name) for name in ("worker1", "worker2", "worker3")
    }
    assert {name: round(route[0] / latency, 6) for name, route in hops.items() if route} == {
        "worker1": 1.0,
        "worker2": 2.0,
        "worker3": 12.0,
    }
    assert swarm.machine("worker3").rack == "r3"
    with pytest.raises(InvalidArgument, match="rack must be a name"):
        swarm.add_node("worker4", rack="a/b")


def test_cutting_a_rack_uplink_takes_down_every_node_of_the_rack() -> None:
    swarm = Swarm(
        seed=2,
        nodes=[
            {"hostname": "manager1", "role": NodeRole.MANAGER, "rack": "r1"},
            {"hostname": "worker1", "rack": "r2"},
            {"hostname": "worker2", "rack": "r2"},
            {"hostname": "worker3", "rack": "r3"},
        ],
    )
    swarm.cut_link("rack:r2", "switch")
    swarm.advance(20)  # past the heartbeat grace (3 x 5 s + jitter)
    status = {n.hostname: n.status.api_name for n in swarm.ctx.store.nodes.values()}
    assert status == {"manager1": "ready", "worker1": "down", "worker2": "down", "worker3": "ready"}
    swarm.cut_link("rack:r2", "switch", cut=False)
    swarm.advance(10)
    assert all(n.status.api_name == "ready" for n in swarm.ctx.store.nodes.values())


def test_blank_machines_take_a_rack_and_a_zone() -> None:
    swarm = Swarm(seed=3, machines=[{"name": "m1", "rack": "r1", "zone": "eu"}, "m2"])
    assert (swarm.machine("m1").rack, swarm.machine("m1").zone) == ("r1", "eu")
    assert "rack:eu/r1" in swarm.underlay.graph and "rack:eu/r1" not in str(swarm.machine("m2"))
