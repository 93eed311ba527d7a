"""``docker network ls``: the table, its filters and formats.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import json

import pytest
from network_helpers import DAEMON, local_networks, run

from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


def test_create_overlay_and_ls_golden(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker network create -d overlay traefik-public")
    assert (err, code) == ("", 0)
    net_id = out.strip()
    assert len(net_id) == 25 and out == net_id + "\n"
    assert swarm.ctx.store.networks[net_id].subnet == "10.0.1.0/24"
    local = local_networks(swarm)
    ingress = next(n for n in swarm.ctx.store.networks.values() if n.ingress)
    assert run(swarm, "docker network ls") == (
        "NETWORK ID     NAME              DRIVER    SCOPE\n"
        f"{local['bridge'].id[:12]}   bridge            bridge    local\n"
        f"{local['docker_gwbridge'].id[:12]}   docker_gwbridge   bridge    local\n"
        f"{local['host'].id[:12]}   host              host      local\n"
        f"{ingress.id[:12]}   ingress           overlay   swarm\n"
        f"{local['none'].id[:12]}   none              null      local\n"
        f"{net_id[:12]}   traefik-public    overlay   swarm\n",
        "",
        0,
    )
    assert all(len(n.id) == 64 for n in local.values())


def test_ls_filters_and_quiet(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay backend")
    backend = swarm.ctx.store.networks
    backend_id = next(n.id for n in backend.values() if n.name == "backend")
    assert run(swarm, "docker network ls -q --no-trunc --filter name=back") == (
        backend_id + "\n",
        "",
        0,
    )
    names = swarm.docker("docker network ls --filter driver=overlay").stdout
    assert [line.split()[1] for line in names.splitlines()[1:]] == ["backend", "ingress"]
    scoped = swarm.docker("docker network ls --filter scope=local --filter type=builtin").stdout
    assert [line.split()[1] for line in scoped.splitlines()[1:]] == ["bridge", "host", "none"]
    assert run(swarm, "docker network ls --filter colour=red") == (
        "",
        DAEMON + "invalid filter 'colour'\n",
        1,
    )


def test_ls_dangling_filter(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay unused")
    swarm.docker("docker network create -d overlay used")
    swarm.docker("docker service create -d --name api --mode global --network used nginx")
    swarm.advance(10)
    fmt = "--format '{{.Name}}'"
    assert run(swarm, f"docker network ls --filter dangling=true {fmt}") == ("unused\n", "", 0)
    assert run(swarm, f"docker network ls -f dangling=0 {fmt}")[0].split() == [
        "bridge", "docker_gwbridge", "host", "ingress", "none", "used"
    ]  # fmt: skip
    assert run(swarm, "docker network ls -f dangling=maybe") == (
        "",
        DAEMON + 'invalid value for filter \'dangling\', must be "true" (or "1"), or '
        '"false" (or "0")\n',
        1,
    )


def test_unallocated_network_shows_no_driver(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay --subnet 10.0.0.0/16 clash")  # over ingress
    ls = swarm.docker("docker network ls --filter name=clash --format '[{{.Driver}}]'").stdout
    assert ls == "[]\n"
    (doc,) = json.loads(swarm.docker("docker network inspect clash").stdout)
    assert (doc["Driver"], doc["IPAM"], doc["Options"]) == (
        "",
        {"Driver": "", "Options": None, "Config": None},
        None,
    )
