"""``docker network inspect``: the cluster's view and this machine's.

Behaviour: docs/behaviour.md#networking.
"""

from __future__ import annotations

import json

import pytest
from network_helpers import DAEMON, manager_suffix, run

from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


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
