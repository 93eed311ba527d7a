"""``docker network create``: flags, the daemon's checks, swarm or node-local.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import pytest
from network_helpers import DAEMON, local_networks, run, snapshot

from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


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
            ["10.1.0.1/16", "10.2.0.1/16"],
            "* invalid subnet 10.1.0.1/16: it should be 10.1.0.0/16\n"
            "* invalid subnet 10.2.0.1/16: it should be 10.2.0.0/16",
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


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ("--gateway 10.0.0.1", "every ip-range or gateway must have a corresponding subnet"),
        (
            "--subnet 10.1.0.0/16 --subnet 10.1.2.0/24",
            "multiple overlapping subnet configuration is not supported",
        ),
        ("--subnet x/1 --subnet 10.1.0.0/16", "invalid CIDR address: x/1"),
        ("--subnet 10.1.0.0/16,10.1.0.0/33", "invalid subnet: invalid CIDR address: 10.1.0.0/33"),
        ("--subnet bad --gateway 10.0.0.1", "invalid subnet: invalid CIDR address: bad"),
        ("--subnet 10.1.0.0/16 --gateway 10.2.0.1", "no matching subnet for gateway 10.2.0.1"),
        ("--subnet 10.1.0.0/16 --gateway nope", "no matching subnet for gateway nope"),
        (
            "--subnet 10.1.0.0/16 --subnet 10.2.0.0/16 --gateway 10.1.0.1 --gateway 10.1.0.2",
            "cannot configure multiple gateways (10.1.0.2, 10.1.0.1) for the same subnet "
            "(10.1.0.0/16)",
        ),
        ("--subnet 10.1.0.0/16 --ip-range 10.2.0.0/24", "no matching subnet for range 10.2.0.0/24"),
        ("--subnet 10.1.0.0/16 --ip-range 10.1.0.0", "invalid CIDR address: 10.1.0.0"),
        (
            "--subnet 10.1.0.0/16 --aux-address a=10.2.0.9",
            "no matching subnet for aux-address 10.2.0.9",
        ),
    ],
)
def test_cli_ipam_errors(swarm: Swarm, flags: str, message: str) -> None:
    # cli: cli/command/network/create.go createIPAMConfig, before any request
    before = snapshot(swarm)
    for driver in ("", "-d overlay "):
        assert run(swarm, f"docker network create {driver}{flags} x") == ("", message + "\n", 1)
    assert snapshot(swarm) == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            "-d overlay --subnet 10.1.0.0/24 --ip-range 10.1.0.0/16",
            "invalid network config:\ninvalid ip-range 10.1.0.0/16: CIDR block is bigger than "
            "its parent subnet 10.1.0.0/24",
        ),
        (
            "--subnet 10.1.0.0/24 --ip-range 10.1.0.5/28",
            "invalid network config:\ninvalid ip-range 10.1.0.5/28: it should be 10.1.0.0/28",
        ),
        (
            "-d overlay --subnet 10.1.0.0/24 --gateway 10.1.0.0/24",
            "invalid network config:\ninvalid gateway 10.1.0.0/24: invalid address",
        ),
        ("-d foo", 'plugin "foo" not found'),
        ("-d overlay --scope local", "cannot downgrade network scope for overlay networks"),
        ("--ingress", "Ingress network can only be global scope network"),
        ("-d overlay --ipv4=false", "IPv4 cannot be disabled in a Swarm scoped network"),
        ("-d host", 'only one instance of "host" network is allowed'),
        (
            "-d null --scope swarm",
            "rpc error: code = InvalidArgument desc = error during lookup of plugin null",
        ),
        (
            "-d overlay --ipam-driver foo",
            "rpc error: code = InvalidArgument desc = error during lookup of plugin foo",
        ),
        (
            "-d overlay --ingress --attachable",
            "rpc error: code = InvalidArgument desc = ingress network cannot be attachable",
        ),
    ],
)
def test_daemon_refusals_change_nothing(swarm: Swarm, flags: str, message: str) -> None:
    before = snapshot(swarm)
    assert run(swarm, f"docker network create {flags} x") == ("", f"{DAEMON}{message}\n", 1)
    assert snapshot(swarm) == before


def test_second_ingress_and_dns_names_refused(swarm: Swarm) -> None:
    ingress = next(n for n in swarm.ctx.store.networks.values() if n.ingress)
    assert run(swarm, "docker network create -d overlay --ingress ingress2") == (
        "",
        f"{DAEMON}rpc error: code = AlreadyExists desc = ingress network ({ingress.id}) is "
        "already present\n",
        1,
    )
    assert run(swarm, "docker network create -d overlay my.net") == (
        "",
        f"{DAEMON}rpc error: code = InvalidArgument desc = name must be valid as a DNS name "
        "component\n",
        1,
    )
    out, err, code = run(swarm, "docker network create --label =x x")
    assert (out, code) == ("", 125)
    assert err.startswith('invalid argument "=x" for "--label" flag: invalid label \'=x\'')


def test_swarm_scoped_bridge_network_is_node_local(swarm: Swarm) -> None:
    net_id = swarm.docker("docker network create -d bridge --scope swarm br").stdout.strip()
    network = swarm.ctx.store.networks[net_id]
    assert (network.driver, network.subnet, network.overlay) == ("bridge", "", False)
    ls = swarm.docker(
        "docker network ls --filter name=^br$ --format '{{.Name}} {{.Driver}} {{.Scope}}'"
    ).stdout
    assert ls == "br bridge swarm\n"
