"""``docker network inspect``: a network as the daemon describes it.

Mirrors ``cli: cli/command/network/inspect.go`` and the daemon's
``moby: daemon/cluster/convert/network.go`` (``BasicNetworkFromGRPC``) and
``daemon/network.go`` (the local view).  A swarm network shows the cluster's
view (``"Containers": null``, no ``EnableIPv4``) unless the network exists on
this machine (``ingress`` always, others when a running task container of
this machine is attached); then the local view with those containers and the
``Peers`` (machines where it exists).

Differences
-----------
The load-balancer endpoints (``ingress-sbox``, ``lb-NETWORK``) are left out;
a peer's name is its hostname and a suffix derived from its node ID;
``--verbose`` numbers the services' load balancers (one per service and
network) from 256 in order of service creation, the same on every machine.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import NodeStatus, PublishMode, TaskState
from swarmsim.api.objects import Network, Task
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, inspect_refs
from swarmsim.cli.docker.network import (
    LocalNetwork,
    attached_here,
    attached_tasks,
    find_network,
)
from swarmsim.cli.docker.system import Command
from swarmsim.cli.docker.tasks import task_name
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.flags import FlagKind, FlagSpec

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["network_json"]

_INSPECT = Command(
    "docker network inspect",
    "inspect [OPTIONS] NETWORK [NETWORK...]",
    "Display detailed information on one or more networks",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec("verbose", "v", FlagKind.BOOL, help="Verbose output for diagnostics"),
    ),
    min_args=1,
)


def _peer_name(node_id: str, hostname: str) -> str:
    """A networkdb peer name: the hostname and a short suffix (derived from the node ID)."""
    return f"{hostname}-{hashlib.sha256(node_id.encode()).hexdigest()[:12]}"


def _mac(address: str) -> str:
    """The MAC address the overlay driver derives from an IPv4 address (``02:42:`` + IP)."""
    octets = address.partition("/")[0].split(".")
    return "02:42:" + ":".join(f"{int(o):02x}" for o in octets)


def _swarm_options(network: Network) -> dict[str, str]:
    """``DriverState.Options``: the driver options given, and the overlay's VXLAN ID."""
    options = dict(network.options)
    if network.overlay and network.allocated:
        options["com.docker.network.driver.overlay.vxlanid_list"] = str(network.vxlan_id)
    return dict(sorted(options.items()))


def _ipam_config(subnet: str, gateway: str, ip_range: str) -> list[dict[str, str]]:
    if not subnet:
        return []
    config = {"Subnet": subnet}
    if ip_range:
        config["IPRange"] = ip_range
    if gateway:
        config["Gateway"] = gateway
    return [config]


def _local_json(found: LocalNetwork) -> dict[str, Any]:
    return {
        "Name": found.name,
        "Id": found.id,
        "Created": rfc3339nano(found.created_at),
        "Scope": "local",
        "Driver": found.driver,
        "EnableIPv4": True,
        "EnableIPv6": False,
        "IPAM": {
            "Driver": "default",
            "Options": None,
            "Config": _ipam_config(found.subnet, found.gateway, found.ip_range),
        },
        "Internal": found.internal,
        "Attachable": found.attachable,
        "Ingress": False,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": {},
        "Options": dict(found.options),
        "Labels": dict(found.labels),
    }


def _endpoint_id(swarm: Engine, task: Task, network: Network) -> str:
    """The 64-hex ID of a task's endpoint on a network (derived from seed, task and network)."""
    return hashlib.sha256(
        f"{swarm.ctx.sim.seed}:endpoint:{task.id}:{network.id}".encode()
    ).hexdigest()


def _swarm_json(swarm: Engine, network: Network, verbose: bool = False) -> dict[str, Any]:
    """``BasicNetworkFromGRPC``, or the local view when the network exists on this machine.

    ``ingress`` exists on every machine of the swarm; another network where a
    running task of this machine is attached.  ``verbose`` adds the local
    view's ``Services``.
    """
    here = attached_here(swarm, network)
    instantiated = bool(here) or network.ingress
    allocated = network.allocated
    config = _ipam_config(network.subnet, network.gateway, network.ip_range) if allocated else None
    document: dict[str, Any] = {
        "Name": network.name,
        "Id": network.id,
        "Created": rfc3339nano(network.created_at),
        "Scope": "swarm",
        "Driver": network.driver if allocated else "",
        "EnableIPv4": instantiated,
        "EnableIPv6": False,
        "IPAM": {
            "Driver": "default" if allocated else "",
            "Options": None,
            "Config": config,
        },
        "Internal": network.internal,
        "Attachable": network.attachable,
        "Ingress": network.ingress,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": None,
        "Options": _swarm_options(network) or None,
        "Labels": dict(network.labels) or None,
    }
    if not instantiated:
        return document
    from swarmsim.cli.docker.container import container_id

    containers = {}
    for task in sorted(here, key=lambda t: container_id(swarm, t.id)):
        address = dict(task.attachments).get(network.id, "")
        cid = container_id(swarm, task.id)
        containers[cid] = {
            "Name": _task_name(swarm, task),
            "EndpointID": _endpoint_id(swarm, task, network),
            "MacAddress": _mac(address) if address else "",
            "IPv4Address": address,
            "IPv6Address": "",
        }
    document["Containers"] = containers
    document["Options"] = document["Options"] or {}
    document["Labels"] = document["Labels"] or {}
    document["Peers"] = _peers(swarm, network)
    services = _services(swarm, network) if verbose else {}
    if services:
        document["Services"] = services
    return document


def _task_name(swarm: Engine, task: Task) -> str:
    service = swarm.ctx.store.services.get(task.service_id)
    return task_name(service.name if service else task.service_name, task)


def _services(swarm: Engine, network: Network) -> dict[str, Any]:
    """``Network.Services``: every service with running tasks on ``network``, by name.

    Each has its VIP on the network, its ingress ports (on ``ingress`` only),
    its load-balancer index (libnetwork's ``fwMark``: one per service and
    network, 256 onwards, here in order of service creation) and its tasks with
    their addresses and hosts.
    """
    store = swarm.ctx.store
    found: dict[str, Any] = {}
    marks = {
        (service.id, network_id): 256 + i
        for i, (service, network_id) in enumerate(
            (s, n) for s in store.services.values() for n, _ in s.virtual_ips
        )
    }
    for service in store.services.values():
        tasks = []
        for task in store.tasks_of_service(service.id):
            address = (
                dict(task.attachments).get(network.id) if task.state == TaskState.RUNNING else None
            )
            if address is None:
                continue
            node = store.nodes.get(task.node_id)
            tasks.append(
                {
                    "Name": _task_name(swarm, task),
                    "EndpointID": _endpoint_id(swarm, task, network),
                    "EndpointIP": address.partition("/")[0],
                    "Info": {"Host IP": node.addr if node else ""},
                }
            )
        if not tasks:
            continue
        vip = dict(service.virtual_ips).get(network.id, "")
        ports = [
            f"Target: {p.target_port}, Publish: {p.published_port}"
            for p in service.published_ports
            if network.ingress and p.publish_mode == PublishMode.INGRESS
        ]
        found[service.name] = {
            "VIP": vip.partition("/")[0],
            "Ports": ports,
            "LocalLBIndex": marks.get((service.id, network.id), 0),
            "Tasks": tasks,
        }
    return found


def _peers(swarm: Engine, network: Network) -> list[dict[str, str]]:
    """Machines where ``network`` exists, in node order: every ready one for ``ingress``."""
    return [
        {"Name": _peer_name(node.id, node.hostname), "IP": node.addr}
        for node in swarm.ctx.store.nodes.values()
        if (network.ingress and node.status == NodeStatus.READY)
        or attached_tasks(swarm, network, node.id)
    ]


def network_json(
    swarm: Engine, found: LocalNetwork | Network, verbose: bool = False
) -> dict[str, Any]:
    """The Engine API network resource of a local or swarm network."""
    if isinstance(found, Network):
        return _swarm_json(swarm, found, verbose)
    return _local_json(found)


@command("network", "inspect")
def network_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network inspect NETWORK...``."""
    parsed = _INSPECT.parse(argv, out)
    if parsed is None:
        return
    fmt = parsed.get_str("format") or ""
    verbose = parsed.get_bool("verbose")
    inspect_refs(
        parsed.args,
        lambda r: network_json(swarm, find_network(swarm, r), verbose),
        fmt,
        out,
        "network",
    )
