"""Read API of the network model: what a service and a task are attached to and publish.

The routing mesh and the request model (:mod:`swarmsim.traffic`) route over what
the allocator (:mod:`swarmsim.manager.allocator`) wrote into the store; they
read it only through these functions, so the field layout of the store
objects can change without them noticing.  Everything returned is immutable
and reflects the store at the time of the call; call again after the virtual
clock moves.

Mirrors the ``Endpoint`` of ``swarmkit: api/objects.proto`` (``VirtualIPs``,
``Ports``, ``Spec.Mode``) and a task's ``Networks`` attachments, as
``swarmkit: manager/allocator/network.go`` fills them:

* a service's tasks attach to the ``ingress`` network first when the service
  publishes a port in ingress mode, then to the networks of its spec;
* in ``vip`` mode a service has one virtual IP per attached overlay network
  (:func:`service_networks` gives it as ``address``); in ``dnsrr`` mode it has
  none and its name resolves to its tasks' addresses;
* a task gets one address per attached overlay network when it leaves NEW
  (:func:`task_attachments`), released once it is dead (desired and observed
  state past RUNNING) or deleted;
* ingress ports with no published number get one of 30000–32767
  (:func:`published_ports`); host-mode ports are bound only on the node of a
  running task, at most once per node and (protocol, port).

Differences
-----------
Lookups by port scan the services (:func:`ingress_port_owner`): resolve a
target once per load, not per request.  A host-mode port without a published
number stays ``0`` (the engine would pick a free ephemeral port per container).
Nodes' load-balancer addresses (``lb-NETWORK`` endpoints) are not modelled.

Examples
--------
>>> from swarmsim.swarm import Swarm
>>> swarm = Swarm(seed=1, managers=1, workers=1)
>>> _ = swarm.docker("docker network create -d overlay backend")
>>> _ = swarm.docker("docker service create -d --name web --network backend -p 8080:80 nginx")
>>> swarm.advance(5)
>>> web = swarm.ctx.store.service_by_name("web")
>>> [(a.network, a.address) for a in service_networks(swarm.ctx.store, web)]
[('ingress', '10.0.0.2/24'), ('backend', '10.0.1.2/24')]
>>> published_ports(web)
(PublishedPort(mode=<PublishMode.INGRESS: 0>, published=8080, target=80, protocol='tcp'),)
>>> ingress_port_owner(swarm.ctx.store, 8080) is web
True
>>> (task,) = swarm.ctx.store.tasks_of_service(web.id)
>>> [(a.network, a.address) for a in task_attachments(swarm.ctx.store, task)]
[('ingress', '10.0.0.3/24'), ('backend', '10.0.1.3/24')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Network, Service, Task

if TYPE_CHECKING:
    from swarmsim.store.memory import Store

__all__ = [
    "NetworkAttachment",
    "PublishedPort",
    "endpoint_mode",
    "host_ports",
    "ingress_network",
    "ingress_port_owner",
    "published_ports",
    "service_networks",
    "task_alive",
    "task_attachments",
]


@dataclass(frozen=True, slots=True)
class NetworkAttachment:
    """One network a service or task is attached to.

    Attributes
    ----------
    network_id, network
        The network's ID and name.
    address
        ``ADDR/PREFIX`` (e.g. ``10.0.1.5/24``): a service's virtual IP or a
        task's own address; ``""`` for a ``dnsrr`` service, on a node-local
        network, before the allocator has run, or when the network's addresses
        ran out.  It names an endpoint; it is not a reachability condition (a
        task attached to a network is on it, address or not).
    ingress
        Whether this is the routing-mesh network.
    overlay
        Whether the network spans machines (driver ``overlay``); traffic over
        it needs the data path between the machines.
    """

    network_id: str
    network: str
    address: str
    ingress: bool
    overlay: bool

    @property
    def ip(self) -> str:
        """The address without its prefix length (``""`` when there is none)."""
        return self.address.partition("/")[0]


@dataclass(frozen=True, slots=True)
class PublishedPort:
    """A published port as allocated: ``mode``, ``published`` (node) and ``target`` (container)."""

    mode: PublishMode
    published: int
    target: int
    protocol: str = "tcp"


def _attachments(
    networks: Mapping[str, Network], pairs: tuple[tuple[str, str], ...]
) -> tuple[NetworkAttachment, ...]:
    found = []
    for network_id, address in pairs:
        network = networks.get(network_id)
        if network is not None:
            found.append(
                NetworkAttachment(
                    network_id, network.name, address, network.ingress, network.overlay
                )
            )
    return tuple(found)


def endpoint_mode(service: Service) -> str:
    """``"vip"`` or ``"dnsrr"`` (``--endpoint-mode``)."""
    return service.spec.endpoint.mode


def service_networks(store: Store, service: Service) -> tuple[NetworkAttachment, ...]:
    """The networks a service's tasks attach to, ingress first, each with its VIP.

    In ``dnsrr`` mode, and on node-local networks, ``address`` is ``""``.
    """
    vips = dict(service.virtual_ips)
    pairs = []
    ingress = ingress_network(store)
    if ingress is not None and _publishes_ingress(service):
        pairs.append((ingress.id, vips.get(ingress.id, "")))
    pairs += [(n, vips.get(n, "")) for n in service.spec.task.networks]
    return _attachments(store.networks, tuple(pairs))


def _publishes_ingress(service: Service) -> bool:
    return any(p.publish_mode == PublishMode.INGRESS for p in service.spec.endpoint.ports)


def published_ports(service: Service) -> tuple[PublishedPort, ...]:
    """The service's published ports, ingress ones first, with allocated numbers filled in."""
    ports = service.published_ports or service.spec.endpoint.ports
    return tuple(
        PublishedPort(p.publish_mode, p.published_port, p.target_port, p.protocol) for p in ports
    )


def host_ports(task: Task) -> tuple[PublishedPort, ...]:
    """The host-mode ports a task binds on its node while it runs."""
    return tuple(
        PublishedPort(p.publish_mode, p.published_port, p.target_port, p.protocol)
        for p in task.host_ports
    )


def task_attachments(store: Store, task: Task) -> tuple[NetworkAttachment, ...]:
    """The networks a task is attached to (ingress first) with the task's own addresses.

    Empty while the task is NEW, and once it is dead or its allocation released.
    """
    return _attachments(store.networks, task.attachments)


def task_alive(task: Task) -> bool:
    """Whether a task still holds its network attachments (it is not dead yet)."""
    return not (task.desired_state > TaskState.RUNNING and task.state > TaskState.RUNNING)


def ingress_network(store: Store) -> Network | None:
    """The routing-mesh network, if the swarm has one."""
    for network in store.networks.values():
        if network.ingress:
            return network
    return None


def ingress_port_owner(store: Store, published: int, protocol: str = "tcp") -> Service | None:
    """The service publishing ``published/protocol`` through the routing mesh, if any."""
    for service in store.services.values():
        for port in service.published_ports:
            if (
                port.publish_mode == PublishMode.INGRESS
                and port.published_port == published
                and port.protocol == protocol
            ):
                return service
    return None
