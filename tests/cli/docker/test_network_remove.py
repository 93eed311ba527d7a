"""``docker network rm | prune``: what goes, what stays, the prompts.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_helpers import create, spec
from network_helpers import DAEMON, local_networks, piped, run, snapshot

from swarmsim.api import EndpointSpec, PortConfig
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


PRUNE_PROMPT = (
    "WARNING! This will remove all custom networks not used by at least one container.\n"
    "Are you sure you want to continue? [y/N] "
)


def test_rm_in_use_and_unknown(swarm: Swarm) -> None:
    net_id = swarm.docker("docker network create -d overlay backend").stdout.strip()
    base = spec("api", replicas=1)
    service = create(swarm, replace(base, task=replace(base.task, networks=(net_id,))))
    assert run(swarm, "docker network rm backend nope") == (
        "",
        f"{DAEMON}rpc error: code = FailedPrecondition desc = network {net_id} is in use by "
        f"service {service.id}\n"
        f"{DAEMON}network nope not found\n",
        1,
    )
    assert run(swarm, "docker network rm -f nope") == ("", "", 0)
    assert run(swarm, "docker network rm bridge") == (
        "",
        f"{DAEMON}bridge is a pre-defined network and cannot be removed\n",
        1,
    )
    swarm.ctx.store.delete_service(service.id)
    assert run(swarm, "docker network rm backend") == ("backend\n", "", 0)


def test_rm_ingress_asks_and_keeps_it(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker network rm ingress")
    assert (err, code) == ("", 0)
    assert out.startswith("WARNING! Before removing the routing-mesh network")
    assert out.endswith("Are you sure you want to continue? [y/N] \n")
    assert any(n.ingress for n in swarm.ctx.store.networks.values())


def test_rm_ingress_when_confirmed(swarm: Swarm) -> None:
    ingress = next(n for n in swarm.ctx.store.networks.values() if n.ingress)
    web = create(swarm, replace(spec("web"), endpoint=EndpointSpec(ports=(PortConfig(80, 8080),))))
    out, err, code = piped(swarm, "docker network rm ingress", b"y\n")
    assert out.endswith("[y/N] ") and code == 1
    assert err == (
        f"{DAEMON}rpc error: code = FailedPrecondition desc = ingress network cannot be removed "
        f"because service {web.id} depends on it\n"
    )
    swarm.ctx.store.delete_service(web.id)
    out, err, code = piped(swarm, "docker network rm ingress", b"y\n")
    assert (out.endswith("[y/N] ingress\n"), err, code) == (True, "", 0)
    assert ingress.id not in swarm.ctx.store.networks
    assert run(swarm, "docker service create -d -p 80 nginx") == (
        "",
        f"{DAEMON}rpc error: code = FailedPrecondition desc = service needs ingress network, "
        "but no ingress network is present\n",
        1,
    )
    new = swarm.docker("docker network create -d overlay --ingress my-ingress").stdout.strip()
    assert swarm.ctx.store.networks[new].subnet == "10.0.0.0/24"


def test_prune_asks_first_and_keeps_what_is_used(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay old")
    swarm.docker("docker network create mybridge")
    backend = swarm.docker("docker network create -d overlay backend").stdout.strip()
    swarm.docker(f"docker service create -d --name api --network {backend} nginx")
    before = snapshot(swarm)
    assert run(swarm, "docker network prune") == (PRUNE_PROMPT + "\n", "", 0)
    assert piped(swarm, "docker network prune", b"n\n") == (PRUNE_PROMPT, "", 0)
    assert snapshot(swarm) == before
    assert piped(swarm, "docker network prune", b"y\n") == (
        PRUNE_PROMPT + "Deleted Networks:\nold\nmybridge\n\n",
        "",
        0,
    )
    names = {n.name for n in swarm.ctx.store.networks.values()}
    assert names == {"ingress", "backend"} and "mybridge" not in local_networks(swarm)
    assert run(swarm, "docker network prune -f") == ("", "", 0)


def test_prune_filters(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay --label keep=yes a")
    swarm.advance(3600)
    swarm.docker("docker network create -d overlay b")
    swarm.docker("docker network create -d overlay --label keep=no c")
    assert run(swarm, "docker network prune -f --filter label!=keep=yes --filter until=10m") == (
        "",
        "",
        0,
    )
    assert run(swarm, "docker network prune -f --filter label!=keep=yes") == (
        "Deleted Networks:\nb\nc\n\n",
        "",
        0,
    )
    for flags, message in [
        ("--filter colour=red", "invalid filter 'colour'"),
        ("--filter until=soon", 'failed to parse value as time or duration: "soon"'),
        ("--filter until=1h --filter until=2h", "more than one until filter specified"),
    ]:
        assert run(swarm, f"docker network prune -f {flags}") == ("", f"{DAEMON}{message}\n", 1)
    assert run(swarm, "docker network prune -f --filter until=30m") == (
        "Deleted Networks:\na\n\n",
        "",
        0,
    )
