"""The allocator: network subnets, service VIPs, task addresses and ingress ports; NEW → PENDING.

Mirrors ``swarmkit: manager/allocator/`` (``network.go``, ``portallocator.go``,
``networkallocator/``) with the default IPAM of ``moby: libnetwork/ipams``
behind it:

* an overlay network without ``--subnet`` gets the first subnet of
  ``ClusterSettings.default_addr_pool`` (``/default_addr_pool_mask_length``,
  10.0.0.0/8 in /24s by default) that overlaps no other network's, the first
  address of the subnet as gateway, and the next VXLAN ID from 4096 (the
  ``ingress`` network, made first, gets 10.0.0.0/24 and 4096); a network whose
  ``--subnet`` overlaps another's stays unallocated (swarmkit logs "Failed
  allocation for network") and is retried whenever a network is removed;
* a ``vip`` service gets one virtual IP per attached overlay network — the
  ``ingress`` network first when it publishes a port in ingress mode — kept
  while it stays attached and released when it leaves the network, changes to
  ``dnsrr`` or is removed;
* an ingress port with no published number gets one of 30000–32767, serially
  (the port after the last one handed out, wrapping, as ``idm.GetID(true)``),
  and keeps it across updates that keep the number of ports (an update that
  adds or removes one numbers it again: ``reconcilePortConfigs`` in
  ``portallocator.go``); ``Endpoint.Ports`` lists the ports in allocation
  order (host-mode and numbered ingress ports in the spec's order, then the
  others), or the ingress ports first when only host-mode ports changed
  (``updatePortsInHostPublishMode``); ports are released with the service;
  a service finding the range used up, or one of its numbered ingress ports
  held by another service (a rollback to a spec whose port was taken since:
  the control API checks the current spec only), waits with its new tasks
  NEW until ports are released;
* a new task gets one address per attached overlay network (the service's
  networks, ingress first) and moves to PENDING with ``pending task
  scheduling``; its addresses are released once it is dead (desired and
  observed state past RUNNING) or deleted.  A task whose service or networks
  are not allocated stays NEW until they are;
* when a network's addresses run out, a service that needs one more VIP there
  is not allocated (its new tasks stay NEW) and a task that needs an address
  there stays NEW, taking nothing on its other networks; both are tried again
  whenever addresses are released (a task dies or leaves, a service goes or
  leaves the network: ``somethingWasDeallocated`` in ``network.go``).

Addresses in a subnet are handed out serially too (libnetwork's
``AllocSerialPrefix``): after the last one given, skipping the gateway and the
addresses in use, so a released address is not reused at once.

Differences
-----------
A service whose new allocation fails keeps the ports it held until one
succeeds; swarmkit frees them at once (``serviceAllocatePorts`` deallocates
first), although the service's ``Endpoint.Ports`` still lists them and the
control API still refuses them to other services, so only a dynamic port
could change hands in between.
Nodes' load-balancer addresses (``ingress-sbox``, ``lb-NETWORK``) are not
allocated.  Node-local drivers (``bridge``, ``macvlan``, ``ipvlan``, ``host``
with ``--scope swarm``) get no pool, as in swarmkit, and no addresses.  Only
IPv4 pools are modelled.  swarmkit also retries every five minutes whatever
waits; nothing but a release can make room here, so only releases do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from dataclasses import replace

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Network, Service, Task
from swarmsim.api.specs import PortConfig
from swarmsim.context import Context, Worker
from swarmsim.store import Action, NetworkEvent, ServiceEvent, TaskEvent
from swarmsim.store.endpoints import task_alive

# enum members as module constants: see swarmsim.api.enums (hot path)
_CREATE = Action.CREATE
_DELETE = Action.DELETE
_NEW = TaskState.NEW
_PENDING = TaskState.PENDING
_COMPLETE = TaskState.COMPLETE
_RUNNING = TaskState.RUNNING
_INGRESS = PublishMode.INGRESS

DYNAMIC_PORT_START = 30000
DYNAMIC_PORT_END = 32767
VXLAN_ID_START = 4096
PENDING_MESSAGE = "pending task scheduling"

__all__ = [
    "DYNAMIC_PORT_END",
    "DYNAMIC_PORT_START",
    "PENDING_MESSAGE",
    "AddressPool",
    "Allocator",
    "networks_overlap",
]


def networks_overlap(a: str, b: str) -> bool:
    """Whether two IPv4 CIDRs share an address (host bits are ignored)."""
    first = ipaddress.ip_network(a, strict=False)
    second = ipaddress.ip_network(b, strict=False)
    return first.version == second.version and first.overlaps(second)


_PortKey = tuple[str, int]  # (protocol, target port): swarmkit's getPortConfigKey without a name


def _port_states(ports: tuple[PortConfig, ...], mode: PublishMode) -> dict[_PortKey, list[int]]:
    """Allocated numbers of ``mode`` ports by protocol and target (``allocatedPorts``)."""
    states: dict[_PortKey, list[int]] = {}
    for port in ports:
        if port.publish_mode == mode:
            states.setdefault((port.protocol, port.target_port), []).append(port.published_port)
    return states


def _take_state(states: dict[_PortKey, list[int]], port: PortConfig) -> int:
    """``delState``: remove ``port``'s number (any number if it has none); 0 if absent.

    Where swarmkit takes any number of the key (Go map order), the first one is taken.
    """
    numbers = states.get((port.protocol, port.target_port), [])
    if port.published_port:
        if port.published_port in numbers:
            numbers.remove(port.published_port)
            return port.published_port
        return 0
    for number in numbers:
        if number:
            numbers.remove(number)
            return number
    return 0


def _reconcile_ports(
    spec_ports: tuple[PortConfig, ...], published: tuple[PortConfig, ...]
) -> list[PortConfig]:
    """``reconcilePortConfigs``: the spec's ports in allocation order, old numbers kept.

    Host-mode and numbered ingress ports first, in the spec's order, then the
    ingress ports the swarm numbers, each with the number it had.  When the spec
    has not as many ports as were allocated, the spec as it is: every ingress
    port without a number gets a new one.

    >>> spec = (PortConfig(80), PortConfig(81, 8081))
    >>> numbers = lambda ports: [p.published_port for p in ports]
    >>> numbers(_reconcile_ports(spec, (PortConfig(80, 30000), PortConfig(81, 8081))))
    [8081, 30000]
    >>> numbers(_reconcile_ports(spec, (PortConfig(80, 30000),)))
    [0, 8081]
    """
    if len(spec_ports) != len(published):
        return list(spec_ports)
    states = _port_states(published, _INGRESS)
    ordered: list[PortConfig] = []
    for port in spec_ports:
        if port.publish_mode != _INGRESS or port.published_port:
            if port.publish_mode == _INGRESS:
                _take_state(states, port)
            ordered.append(port)
    for port in spec_ports:
        if port.publish_mode == _INGRESS and not port.published_port:
            number = _take_state(states, port)
            ordered.append(replace(port, published_port=number) if number else port)
    return ordered


def _ports_allocated(spec_ports: tuple[PortConfig, ...], published: tuple[PortConfig, ...]) -> bool:
    """``isPortsAllocatedOnInit`` (not on init): every ingress port of the spec has its
    number, and every host-mode target port is published."""
    if len(spec_ports) != len(published):
        return False
    states = _port_states(published, _INGRESS)
    host_targets = {p.target_port for p in published if p.publish_mode != _INGRESS}
    for port in spec_ports:
        if port.publish_mode == _INGRESS and port.published_port and not _take_state(states, port):
            return False
    for port in spec_ports:
        if port.publish_mode == _INGRESS:
            if not port.published_port and not _take_state(states, port):
                return False
        elif port.target_port not in host_targets:
            return False
    return True


def _host_ports_changed(
    spec_ports: tuple[PortConfig, ...], published: tuple[PortConfig, ...]
) -> bool:
    """``hostPublishPortsNeedUpdate``: a numbered host-mode port of the spec is not published."""
    states = _port_states(published, PublishMode.HOST)
    return any(
        port.publish_mode != _INGRESS and port.published_port and not _take_state(states, port)
        for port in spec_ports
    )


class AddressPool:
    """Serial host addresses of one subnet (or of its ``--ip-range``), gateway excluded.

    Examples
    --------
    >>> pool = AddressPool("10.0.1.0/24", "10.0.1.1")
    >>> pool.take(), pool.take()
    ('10.0.1.2/24', '10.0.1.3/24')
    >>> pool.release("10.0.1.2/24"); pool.take()
    '10.0.1.4/24'
    """

    __slots__ = ("_first", "_last", "_next", "_prefix", "_text", "_used")

    def __init__(self, subnet: str, gateway: str, ip_range: str = "") -> None:
        network = ipaddress.ip_network(subnet, strict=False)
        span = ipaddress.ip_network(ip_range or subnet, strict=False)
        self._prefix = network.prefixlen
        self._text = ipaddress.IPv4Address if network.version == 4 else ipaddress.IPv6Address
        self._first = int(span.network_address) + (0 if ip_range else 1)
        self._last = int(span.broadcast_address) - (0 if ip_range else 1)
        if span.num_addresses <= 2:  # /31 and /32: every address is a host
            self._first, self._last = int(span.network_address), int(span.broadcast_address)
        self._used: set[int] = set()  # in-range addresses only
        if gateway and self._first <= int(ipaddress.ip_address(gateway)) <= self._last:
            self._used.add(int(ipaddress.ip_address(gateway)))
        self._next = self._first

    def take(self) -> str | None:
        """The next free address after the last one taken (wrapping), or ``None`` if full."""
        size = self._last - self._first + 1
        if len(self._used) >= size:
            return None
        candidate = self._next
        for _ in range(size):
            if candidate > self._last:
                candidate = self._first
            if candidate not in self._used:
                self._used.add(candidate)
                self._next = candidate + 1
                return f"{self._text(candidate)}/{self._prefix}"
            candidate += 1
        return None

    def release(self, address: str) -> None:
        """Give an ``ADDR/PREFIX`` back (unknown addresses are ignored)."""
        self._used.discard(int(ipaddress.ip_address(address.partition("/")[0])))

    def taken(self) -> set[str]:
        """The addresses taken now (without their prefix), the gateway included.

        >>> sorted(AddressPool("10.0.1.0/29", "10.0.1.1").taken())
        ['10.0.1.1']
        """
        return {str(self._text(number)) for number in self._used}

    def free(self) -> int:
        """How many addresses can still be taken.

        >>> pool = AddressPool("10.0.1.0/29", "10.0.1.1")
        >>> pool.free(), pool.take() and pool.free()
        (5, 4)
        """
        return self._last - self._first + 1 - len(self._used)


class Allocator:
    """Allocates network resources and releases new tasks to the scheduler."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._new_tasks: dict[str, None] = {}
        self._services: dict[str, None] = {}
        self._failed: set[str] = set()  # services whose last allocation failed
        self._pools: dict[str, AddressPool] = {}  # network id -> its addresses
        self._unallocated: dict[str, Network] = {}  # networks whose subnet overlapped
        self._ports: dict[tuple[str, int], str] = {}  # ingress (protocol, port) -> service id
        self._service_ports: dict[str, set[tuple[str, int]]] = {}  # service id -> its ports
        self._next_port = DYNAMIC_PORT_START
        self._next_vxlan = VXLAN_ID_START
        self._worker = Worker(ctx.sim, self._work)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.store.watch(self._on_network_event, NetworkEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # ------------------------------------------------------------- networks
    def allocate_network(self, network: Network) -> None:
        """Give a network its subnet, gateway, VXLAN ID and address pool (before it is stored).

        The requested ``subnet`` is kept when given; otherwise the first free
        subnet of the default pools is carved.  On overlap or exhaustion the
        network stays unallocated (``network.allocated`` false).
        """
        if not network.overlay:
            network.allocated = True  # node-local drivers: the engines allocate
            return
        subnet = network.subnet or self._carve(network.id)
        if not subnet or self._overlaps(network.id, subnet):
            self._unallocated[network.id] = network
            return
        net = ipaddress.ip_network(subnet, strict=False)
        network.subnet = str(net) if not network.subnet else network.subnet
        network.gateway = network.gateway or str(net.network_address + 1)
        self._pools[network.id] = AddressPool(network.subnet, network.gateway, network.ip_range)
        network.vxlan_id = self._next_vxlan
        self._next_vxlan += 1
        network.allocated = True
        self._unallocated.pop(network.id, None)

    def _overlaps(self, network_id: str, subnet: str) -> bool:
        return any(
            n.id != network_id and n.allocated and n.subnet and networks_overlap(n.subnet, subnet)
            for n in self.ctx.store.networks.values()
        )

    def _carve(self, network_id: str) -> str:
        """The first subnet of the default pools that overlaps no allocated network."""
        settings = self.ctx.settings
        mask = settings.default_addr_pool_mask_length
        taken = [
            ipaddress.ip_network(n.subnet, strict=False)
            for n in self.ctx.store.networks.values()
            if n.id != network_id and n.allocated and n.subnet
        ]
        for text in settings.default_addr_pool:
            pool = ipaddress.IPv4Network(text, strict=False)
            if mask < pool.prefixlen:
                continue
            step = 1 << (32 - mask)
            start = int(pool.network_address)
            candidate = start
            while candidate <= int(pool.broadcast_address):
                subnet = ipaddress.IPv4Network((candidate, mask))
                clash = next((t for t in taken if t.overlaps(subnet)), None)
                if clash is None:
                    return str(subnet)
                # jump past the clashing network (it may be bigger than one step)
                end = int(clash.broadcast_address) + 1
                candidate = max(candidate + step, start + -(-(end - start) // step) * step)
        return ""

    def _on_network_event(self, event: NetworkEvent) -> None:
        if event.action is not _DELETE:
            return
        self._pools.pop(event.network.id, None)
        self._unallocated.pop(event.network.id, None)
        for network in list(self._unallocated.values()):  # procUnallocatedNetworks
            self.allocate_network(network)
        self._worker.kick()  # services and tasks that waited for it get another go

    def pool(self, network_id: str) -> AddressPool | None:
        """The addresses of an allocated overlay network (``None``: it has no pool)."""
        return self._pools.get(network_id)

    def free_addresses(self, network_id: str) -> int | None:
        """How many addresses the network can still hand out (``None``: no pool)."""
        pool = self._pools.get(network_id)
        return None if pool is None else pool.free()

    # ---------------------------------------------------------------- ports
    def _take_dynamic_port(
        self, protocol: str, service_id: str, taken: Collection[tuple[str, int]]
    ) -> int:
        """The next free ingress port of 30000–32767 after the last one handed out (0: none).

        Ports the service itself holds count as free: swarmkit frees them before
        allocating again.
        """
        size = DYNAMIC_PORT_END - DYNAMIC_PORT_START + 1
        number = self._next_port
        for _ in range(size):
            if number > DYNAMIC_PORT_END:
                number = DYNAMIC_PORT_START
            key = (protocol, number)
            if self._ports.get(key, service_id) == service_id and key not in taken:
                self._next_port = number + 1
                return number
            number += 1
        return 0

    def _allocate_ports(
        self, service: Service, vips_allocated: bool
    ) -> tuple[PortConfig, ...] | None:
        """``serviceAllocatePorts``: the service's ``Endpoint.Ports``; ``None`` if one is taken.

        A service whose ingress ports are all allocated keeps them; only its
        host-mode ports are brought up to date, after the ingress ones
        (``updatePortsInHostPublishMode``).  Otherwise the ports are allocated
        again in the order of ``reconcilePortConfigs``: host-mode and numbered
        ingress ports in the spec's order, then the ingress ports left for the
        swarm to number, each keeping the number it had when the spec has as
        many ports as were allocated.  An ingress port another service holds,
        or no free port left in 30000–32767, fails the whole allocation: the
        service and its new tasks wait until ports are released.
        """
        published = service.published_ports
        spec_ports = service.spec.endpoint.ports
        if vips_allocated and _ports_allocated(spec_ports, published):
            if not _host_ports_changed(spec_ports, published):
                return published
            return (
                *(p for p in published if p.publish_mode == _INGRESS),
                *(p for p in spec_ports if p.publish_mode != _INGRESS),
            )
        held: set[tuple[str, int]] = set()
        ports: list[PortConfig] = []
        for port in _reconcile_ports(spec_ports, published):
            if port.publish_mode == _INGRESS:
                if port.published_port == 0:
                    number = self._take_dynamic_port(port.protocol, service.id, held)
                    if not number:
                        return None
                    port = replace(port, published_port=number)
                key = (port.protocol, port.published_port)
                if key in held or self._ports.get(key, service.id) != service.id:
                    return None
                held.add(key)
            ports.append(port)
        self._release_ports(service.id)
        for key in held:
            self._ports[key] = service.id
        self._service_ports[service.id] = held
        return tuple(ports)

    def _release_ports(self, service_id: str) -> None:
        for key in self._service_ports.pop(service_id, ()):
            if self._ports.get(key) == service_id:
                del self._ports[key]

    def allocation_failed(self, service_id: str) -> bool:
        """Whether the service's last allocation failed: it waits for networks, addresses or
        ports, and its ``published_ports`` are those of an earlier spec."""
        return service_id in self._failed

    def ingress_ports(self) -> dict[tuple[str, int], str]:
        """The ingress ports held, ``(protocol, number)`` to the ID of the service holding it."""
        return dict(self._ports)

    # ------------------------------------------------------------- services
    def _service_networks(self, service: Service) -> list[str] | None:
        """Network IDs a service's tasks attach to, ingress first; ``None`` if one is missing."""
        store = self.ctx.store
        networks: list[str] = []
        if any(p.publish_mode == _INGRESS for p in service.spec.endpoint.ports):
            ingress = next((n for n in store.networks.values() if n.ingress), None)
            if ingress is None:
                return None
            networks.append(ingress.id)
        for network_id in service.spec.task.networks:
            network = store.networks.get(network_id)
            if network is None or not network.allocated:
                return None
            networks.append(network_id)
        return networks

    def _allocate_service(self, service: Service) -> bool:
        """Ports and VIPs of a service; ``False`` (nothing taken) while a network, a
        dynamic port or an address for a new VIP is missing."""
        networks = self._service_networks(service)
        if networks is None:
            return False
        held = dict(service.virtual_ips)
        wanted: set[str] = set()
        if service.spec.endpoint.mode != "dnsrr":
            wanted = {n for n in networks if n in self._pools}
        new = [n for n in networks if n in wanted and n not in held]
        if any(self._pools[n].free() == 0 for n in new):
            return False
        vips_allocated = not new and all(n in wanted for n in held if n in self._pools)
        ports = self._allocate_ports(service, vips_allocated)
        if ports is None:
            return False
        vips = [(n, a) for n, a in service.virtual_ips if n in wanted]
        for network_id in new:
            address = self._pools[network_id].take()
            assert address is not None  # checked free above
            vips.append((network_id, address))
        for network_id, address in service.virtual_ips:
            if network_id not in wanted and network_id in self._pools:
                self._pools[network_id].release(address)
                self._released()
        if ports != service.published_ports or tuple(vips) != service.virtual_ips:
            service.published_ports = ports
            service.virtual_ips = tuple(vips)
            self.ctx.store.update_service(service)
        return True

    def _deallocate_service(self, service: Service) -> None:
        self._release_ports(service.id)
        for network_id, address in service.virtual_ips:
            pool = self._pools.get(network_id)
            if pool is not None:
                pool.release(address)
                self._released()

    def _released(self) -> None:
        """An address went back to its pool: whatever waits for one tries again."""
        if self._new_tasks or self._services:
            self._worker.kick()

    # ---------------------------------------------------------------- tasks
    def _allocate_task(self, task: Task) -> bool:
        """Addresses of a new task on every network of its service; ``False`` if not ready."""
        service = self.ctx.store.services.get(task.service_id)
        if service is None or service.id in self._services:
            return False
        spec = service.spec
        if not spec.endpoint.ports and not spec.task.networks:
            # no network at all (what _service_networks would find): the common case
            # of a large update, decided without building the list
            task.attachments = ()
            return True
        networks = self._service_networks(service)
        if networks is None:
            return False
        pools = self._pools
        if any(n in pools and pools[n].free() == 0 for n in networks):
            return False  # an exhausted network: nothing taken, tried again on a release
        attachments = []
        for network_id in networks:
            pool = pools.get(network_id)
            address = pool.take() if pool is not None else ""
            attachments.append((network_id, address or ""))
        task.attachments = tuple(attachments)
        return True

    def _release_task(self, task: Task) -> None:
        for network_id, address in task.attachments:
            pool = self._pools.get(network_id)
            if pool is not None and address:
                pool.release(address)
                self._released()
        task.attachments = ()

    # ---------------------------------------------------------------- loop
    def _on_task_event(self, event: TaskEvent) -> None:
        task = event.task
        action = event.action
        if action is _CREATE and task.status.state == _NEW:
            self._new_tasks[task.id] = None
            self._worker.kick()
        elif task.attachments and (action is _DELETE or not task_alive(task)):
            self._release_task(task)

    def _on_service_event(self, event: ServiceEvent) -> None:
        if event.action is _DELETE:
            self._services.pop(event.service.id, None)
            self._failed.discard(event.service.id)
            self._deallocate_service(event.service)
            self._worker.kick()  # a service waiting for a port may get it now
            return
        # re-allocation writes only when something changed, so this cannot loop
        self._services[event.service.id] = None
        self._worker.kick()

    def _on_leadership(self, active: bool) -> None:
        if active:
            for desired in (_RUNNING, _COMPLETE):  # a job's tasks are wanted COMPLETE
                for task in self.ctx.store.tasks_with_desired(desired):
                    if task.state == _NEW:
                        self._new_tasks[task.id] = None
            self._worker.kick()

    def _work(self) -> None:
        if not self.ctx.leadership.active:
            return
        store = self.ctx.store
        services, self._services = self._services, {}
        for service_id in services:
            service = store.services.get(service_id)
            if service is None:
                continue
            if self._allocate_service(service):
                self._failed.discard(service_id)
            else:
                self._services[service_id] = None  # waits for its networks or ports
                self._failed.add(service_id)
        tasks, self._new_tasks = self._new_tasks, {}
        now = self.ctx.now
        statuses = self.ctx.statuses
        for task_id in tasks:
            task = store.tasks.get(task_id)
            if task is None or task.status.state != _NEW:
                continue
            if not self._allocate_task(task):
                self._new_tasks[task_id] = None  # retried when its networks are allocated
                continue
            task.status = statuses.stamp(now, _PENDING, PENDING_MESSAGE)
            store.update_task(task)
