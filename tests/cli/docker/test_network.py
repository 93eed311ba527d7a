"""The networks a machine knows: node-local ones, the swarm's it sees, lookups.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import pytest
from network_helpers import DAEMON, docker_on, snapshot

from swarmsim.errors import DaemonError
from swarmsim.swarm import Swarm


def test_a_worker_sees_only_the_networks_on_it() -> None:
    swarm = Swarm(seed=0, managers=1, workers=2)
    swarm.docker("docker network create -d overlay backend")
    swarm.docker("docker network create -d overlay front")
    swarm.docker(
        "docker service create -d --name api --network backend --constraint node.hostname==worker1 "
        "nginx"
    )
    swarm.advance(10)
    out, err, code = docker_on(swarm, "worker1", "docker network ls --format '{{.Name}}'")
    assert (out.split(), err, code) == (
        ["backend", "bridge", "docker_gwbridge", "host", "ingress", "none"],
        "",
        0,
    )
    assert docker_on(swarm, "worker1", "docker network inspect front") == (
        "[]\n",
        DAEMON + "network front not found\n",
        1,
    )
    before = snapshot(swarm)
    assert docker_on(swarm, "worker1", "docker network create -d overlay x") == (
        "",
        DAEMON + 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm '
        'join" to connect this node to swarm and try again.\n',
        1,
    )
    assert docker_on(swarm, "worker1", "docker network create -d bridge --scope swarm x") == (
        "",
        DAEMON + "Cannot create a multi-host network from a worker node. Please create the "
        "network from a manager node.\n",
        1,
    )
    out, err, code = docker_on(swarm, "worker1", "docker network rm backend")
    assert (out, code) == ("", 1) and err.startswith(DAEMON + "This node is not a swarm manager.")
    assert docker_on(swarm, "worker1", "docker network prune -f") == ("", "", 0)
    assert snapshot(swarm) == before


def test_the_predefined_local_networks_come_first_and_stay() -> None:
    swarm = Swarm(seed=0, managers=1, workers=2)
    from swarmsim.cli.docker.network import local_networks

    table = local_networks(swarm)
    assert [(n.name, n.driver, n.predefined) for n in table.values()] == [
        ("bridge", "bridge", True),
        ("docker_gwbridge", "bridge", False),
        ("host", "host", True),
        ("none", "null", True),
    ]
    assert (table["bridge"].subnet, table["bridge"].gateway) == ("172.17.0.0/16", "172.17.0.1")
    assert all(len(n.id) == 64 for n in table.values())
    assert local_networks(swarm) is table


def test_find_network_by_name_id_or_prefix() -> None:
    swarm = Swarm(seed=0, managers=1, workers=2)
    from swarmsim.cli.docker.network import find_network, is_manager, local_networks

    net_id = swarm.docker("docker network create -d overlay backend").stdout.strip()
    bridge = local_networks(swarm)["bridge"]
    assert is_manager(swarm)
    assert find_network(swarm, "bridge") is bridge
    assert find_network(swarm, bridge.id[:10]) is bridge
    assert find_network(swarm, "backend").id == net_id
    assert find_network(swarm, net_id[:6]).id == net_id
    with pytest.raises(DaemonError, match="network nope not found"):
        find_network(swarm, "nope")
