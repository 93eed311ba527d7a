"""``docker network create | ls | rm | inspect`` on a swarm manager.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from engine_helpers import create, spec

from swarmsim.api import EndpointSpec, PortConfig
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


def piped(swarm: Swarm, line: str, stdin: bytes) -> tuple[str, str, int]:
    from swarmsim.cli.docker import run_command_line

    result = run_command_line(swarm, line, stdin)
    return result.stdout, result.stderr, result.exit_code


def snapshot(swarm: Swarm) -> tuple[dict[str, Any], dict[str, Any]]:
    return dict(swarm.ctx.store.networks), local_networks(swarm)


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


def test_inspect_cluster_view_golden(swarm: Swarm) -> None:
    net_id = swarm.docker(
        "docker network create -d overlay --opt encrypted --label team=web --subnet 10.9.0.0/24 "
        "--ip-range 10.9.0.128/25 --gateway 10.9.0.254 web"
    ).stdout.strip()
    assert run(swarm, "docker network inspect web") == (
        "[\n"
        "    {\n"
        '        "Name": "web",\n'
        f'        "Id": "{net_id}",\n'
        '        "Created": "2026-01-01T00:00:00Z",\n'
        '        "Scope": "swarm",\n'
        '        "Driver": "overlay",\n'
        '        "EnableIPv4": false,\n'
        '        "EnableIPv6": false,\n'
        '        "IPAM": {\n'
        '            "Driver": "default",\n'
        '            "Options": null,\n'
        '            "Config": [\n'
        "                {\n"
        '                    "Subnet": "10.9.0.0/24",\n'
        '                    "IPRange": "10.9.0.128/25",\n'
        '                    "Gateway": "10.9.0.254"\n'
        "                }\n"
        "            ]\n"
        "        },\n"
        '        "Internal": false,\n'
        '        "Attachable": false,\n'
        '        "Ingress": false,\n'
        '        "ConfigFrom": {\n'
        '            "Network": ""\n'
        "        },\n"
        '        "ConfigOnly": false,\n'
        '        "Containers": null,\n'
        '        "Options": {\n'
        '            "com.docker.network.driver.overlay.vxlanid_list": "4097",\n'
        '            "encrypted": ""\n'
        "        },\n"
        '        "Labels": {\n'
        '            "team": "web"\n'
        "        }\n"
        "    }\n"
        "]\n",
        "",
        0,
    )


def test_inspect_local_view_lists_this_machines_containers_and_peers(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay backend")
    swarm.docker("docker service create -d --name api --mode global --network backend nginx")
    swarm.advance(10)
    (doc,) = json.loads(swarm.docker("docker network inspect backend").stdout)
    manager = swarm.ctx.store.node_by_name("manager1")
    assert manager is not None
    (task,) = [t for t in swarm.ctx.store.tasks_on_node(manager.id)]
    address = dict(task.attachments)[doc["Id"]]
    (container,) = doc["Containers"].values()
    assert container["Name"] == f"api.{manager.id}.{task.id}"
    assert container["IPv4Address"] == address
    assert container["MacAddress"] == "02:42:0a:00:01:" + f"{int(address.split('.')[3][:-3]):02x}"
    assert doc["EnableIPv4"] is True and doc["Labels"] == {}
    assert sorted(p["IP"] for p in doc["Peers"]) == sorted(
        n.addr for n in swarm.ctx.store.nodes.values()
    )
    assert all(p["Name"].startswith(("manager1-", "worker1-", "worker2-")) for p in doc["Peers"])


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


PRUNE_PROMPT = (
    "WARNING! This will remove all custom networks not used by at least one container.\n"
    "Are you sure you want to continue? [y/N] "
)


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


def test_ingress_exists_on_every_machine(swarm: Swarm) -> None:
    (doc,) = json.loads(swarm.docker("docker network inspect ingress").stdout)
    assert (doc["EnableIPv4"], doc["Containers"], doc["Ingress"]) == (True, {}, True)
    assert [p["IP"] for p in doc["Peers"]] == [n.addr for n in swarm.ctx.store.nodes.values()]
    assert doc["Options"] == {"com.docker.network.driver.overlay.vxlanid_list": "4096"}


def test_inspect_verbose_lists_the_services_behind_each_vip(swarm: Swarm) -> None:
    swarm.docker("docker network create -d overlay backend")
    swarm.docker("docker service create -d --name db --endpoint-mode dnsrr --network backend redis")
    swarm.docker("docker service create -d --name web --replicas 2 --network backend -p 80 nginx")
    swarm.advance(10)
    store = swarm.ctx.store
    web = store.service_by_name("web")
    assert web is not None
    (ingress_doc, backend_doc) = json.loads(
        swarm.docker("docker network inspect -v ingress backend").stdout
    )
    assert list(ingress_doc["Services"]) == ["web"]
    assert ingress_doc["Services"]["web"]["Ports"] == ["Target: 80, Publish: 30000"]
    web_info = backend_doc["Services"]["web"]
    assert (web_info["VIP"], web_info["Ports"]) == ("10.0.1.2", [])
    assert {ingress_doc["Services"]["web"]["LocalLBIndex"], web_info["LocalLBIndex"]} == {256, 257}
    hosts = {t.id: store.nodes[t.node_id].addr for t in store.tasks_of_service(web.id)}
    assert sorted(
        (t["Name"].split(".")[2], t["Info"]["Host IP"]) for t in web_info["Tasks"]
    ) == sorted(hosts.items())
    assert (
        backend_doc["Services"]["db"]["VIP"],
        backend_doc["Services"]["db"]["LocalLBIndex"],
    ) == ("", 0)
    assert "Services" not in json.loads(swarm.docker("docker network inspect backend").stdout)[0]


def test_inspect_templates_see_peers_as_a_list() -> None:
    swarm = Swarm(seed=0, managers=1, workers=0)
    swarm.docker("docker network create -d overlay backend")
    manager = next(iter(swarm.ctx.store.nodes.values()))
    fmt = "'{{range .Peers}}{{.IP}}{{end}} {{len .Peers}} {{.Peers}} {{len .Containers}}'"
    assert run(swarm, f"docker network inspect -f {fmt} ingress backend") == (
        f"{manager.addr} 1 [{{manager1-{manager_suffix(manager.id)} {manager.addr}}}] 0\n 0 [] 0\n",
        "",
        0,
    )


def manager_suffix(node_id: str) -> str:
    import hashlib

    return hashlib.sha256(node_id.encode()).hexdigest()[:12]


def docker_on(swarm: Swarm, hostname: str, line: str) -> tuple[str, str, int]:
    """Run ``line`` on another machine (``Swarm.docker(on=...)`` where it exists)."""
    import inspect

    if "on" in inspect.signature(swarm.docker).parameters:
        result = getattr(swarm, "docker")(line, on=hostname)  # noqa: B009
    else:
        node = swarm.ctx.store.node_by_name(hostname)
        assert node is not None
        previous, swarm.current_node_id = swarm.current_node_id, node.id
        try:
            result = swarm.docker(line)
        finally:
            swarm.current_node_id = previous
    return result.stdout, result.stderr, result.exit_code


def test_a_worker_sees_only_the_networks_on_it(swarm: Swarm) -> None:
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
