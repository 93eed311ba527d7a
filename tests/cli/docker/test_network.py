"""``docker network create | ls | rm | inspect`` on a swarm manager.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from engine_helpers import create, spec

from swarmsim.swarm import Swarm

DAEMON = "Error response from daemon: "


def local_networks(swarm: Swarm) -> dict[str, Any]:
    """The CLI's node-local networks (imported late: importing a command module early
    would register its commands before the others, see ``run_argv``)."""
    from swarmsim.cli.docker.network import local_networks as table

    return dict(table(swarm))


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


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


def test_create_conflicts_change_nothing(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay traefik-public")
    before = dict(swarm.ctx.store.networks)
    for line, message in [
        ("-d overlay traefik-public", "network with name traefik-public already exists"),
        ("-d overlay ingress", "network with name ingress already exists"),
        ("traefik-public", "network with name traefik-public already exists"),
        ("host", "operation is not permitted on predefined host network "),
        ("-d overlay docker_gwbridge", "network with name docker_gwbridge already exists"),
    ]:
        assert run(swarm, f"docker network create {line}") == ("", f"{DAEMON}{message}\n", 1)
    assert swarm.ctx.store.networks == before
    assert run(swarm, "docker network create") == (
        "",
        "docker: 'docker network create' requires 1 argument\n",
        1,
    )


def test_local_bridge_network(swarm: Swarm) -> None:
    out, _, code = run(swarm, "docker network create mybridge")
    assert code == 0 and len(out.strip()) == 64
    assert local_networks(swarm)["mybridge"].subnet == "172.19.0.0/16"
    assert run(swarm, "docker network rm mybridge") == ("mybridge\n", "", 0)
    assert "mybridge" not in local_networks(swarm)


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


def test_inspect(swarm: Swarm) -> None:
    net_id = swarm.docker("docker network create -d overlay --attachable web").stdout.strip()
    out, err, code = run(swarm, "docker network inspect web")
    assert (err, code) == ("", 0)
    assert out.startswith('[\n    {\n        "Name": "web",\n        "Id": "' + net_id + '",\n')
    (doc,) = json.loads(out)
    assert doc["Scope"] == "swarm" and doc["Driver"] == "overlay" and doc["Attachable"]
    assert doc["IPAM"]["Config"] == [{"Subnet": "10.0.1.0/24", "Gateway": "10.0.1.1"}]
    assert doc["Options"] == {"com.docker.network.driver.overlay.vxlanid_list": "4097"}
    assert run(swarm, "docker network inspect -f '{{.Scope}} {{.Driver}}' bridge web") == (
        "local bridge\nswarm overlay\n",
        "",
        0,
    )
    assert run(swarm, "docker network inspect nope") == (
        "[]\n",
        DAEMON + "network nope not found\n",
        1,
    )


@pytest.mark.parametrize("driver", ["", "-d overlay "])
@pytest.mark.parametrize(
    ("subnets", "errors"),
    [
        (["10.0.0.0/99"], "invalid subnet 10.0.0.0/99: invalid CIDR block notation"),
        (["10.0.0.0/024"], "invalid subnet 10.0.0.0/024: invalid CIDR block notation"),
        (["10.0.0.0/-1"], "invalid subnet 10.0.0.0/-1: invalid CIDR block notation"),
        (["300.0.0.0/8"], "invalid subnet 300.0.0.0/8: invalid CIDR block notation"),
        (["fe80::%eth0/64"], "invalid subnet fe80::%eth0/64: invalid CIDR block notation"),
        (["10.0.0.1/24"], "invalid subnet 10.0.0.1/24: it should be 10.0.0.0/24"),
        (
            ["x/1", "10.1.0.1/16"],
            "* invalid subnet x/1: invalid CIDR block notation\n"
            "* invalid subnet 10.1.0.1/16: it should be 10.1.0.0/16",
        ),
    ],
)
def test_bad_subnets_get_the_daemons_ipam_errors(
    swarm: Swarm, driver: str, subnets: list[str], errors: str
) -> None:
    # moby: api/types/network/ipam.go ValidateIPAM, run for local and swarm networks
    before = (dict(swarm.ctx.store.networks), local_networks(swarm))
    flags = "".join(f"--subnet '{subnet}' " for subnet in subnets)
    assert run(swarm, f"docker network create {driver}{flags}x") == (
        "",
        f"{DAEMON}invalid network config:\n{errors}\n",
        1,
    )
    assert (dict(swarm.ctx.store.networks), local_networks(swarm)) == before
