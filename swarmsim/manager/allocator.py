"""The allocator: network subnets, service VIPs and ingress ports; NEW → PENDING.

Mirrors ``swarmkit: manager/allocator/`` (``network.go``, ``portallocator.go``,
``networkallocator/``): overlay networks get a /24 out of ``10.0.0.0/8``,
services get one virtual IP per attached network (the ingress network too when
they publish ingress ports), ingress ports with no published number get the
lowest free one in 30000–32767, and every new task moves to PENDING with the
message ``pending task scheduling``.

Differences
-----------
Addresses are handed out sequentially from per-network counters; task IP
addresses are not modelled.  Networks are allocated when created (the network
model of the daemon is not simulated).
"""

from __future__ import annotations

from dataclasses import replace

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Network, Service, TaskStatus
from swarmsim.api.specs import PortConfig
from swarmsim.context import Context, Worker
from swarmsim.store import Action, ServiceEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_CREATE = Action.CREATE
_DELETE = Action.DELETE
_NEW = TaskState.NEW
_PENDING = TaskState.PENDING
_RUNNING = TaskState.RUNNING

DYNAMIC_PORT_START = 30000
DYNAMIC_PORT_END = 32767
PENDING_MESSAGE = "pending task scheduling"


class Allocator:
    """Allocates network resources and releases new tasks to the scheduler."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._new_tasks: dict[str, None] = {}
        self._services: dict[str, None] = {}
        self._next_subnet = 0
        self._next_host: dict[str, int] = {}
        self._worker = Worker(ctx.sim, self._work)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # ------------------------------------------------------------- networks
    def allocate_network(self, network: Network) -> None:
        """Give a new overlay network the next free /24 of 10.0.0.0/8."""
        index = self._next_subnet
        self._next_subnet += 1
        second, third = divmod(index, 256)
        network.subnet = f"10.{second}.{third}.0/24"
        network.gateway = f"10.{second}.{third}.1"
        self._next_host[network.id] = 2

    def _next_address(self, network_id: str) -> str:
        network = self.ctx.store.networks[network_id]
        host = self._next_host.get(network_id, 2)
        self._next_host[network_id] = host + 1
        prefix = network.subnet.rsplit(".", 1)[0]
        return f"{prefix}.{host}/24"

    # ---------------------------------------------------------------- ports
    def ingress_ports_in_use(self, exclude_service: str = "") -> dict[tuple[str, int], Service]:
        """Ingress (protocol, port) pairs held by services other than ``exclude_service``."""
        used: dict[tuple[str, int], Service] = {}
        for service in self.ctx.store.services.values():
            if service.id == exclude_service:
                continue
            for port in service.published_ports:
                if port.publish_mode == PublishMode.INGRESS and port.published_port:
                    used[port.protocol, port.published_port] = service
        return used

    def _allocate_service(self, service: Service) -> None:
        used = self.ingress_ports_in_use(service.id)
        previous = {(p.protocol, p.target_port): p.published_port for p in service.published_ports}
        ports: list[PortConfig] = []
        for port in service.spec.endpoint.ports:
            if port.publish_mode == PublishMode.INGRESS and port.published_port == 0:
                number = previous.get((port.protocol, port.target_port), 0)
                if not number:
                    number = DYNAMIC_PORT_START
                    while (port.protocol, number) in used and number < DYNAMIC_PORT_END:
                        number += 1
                used[port.protocol, number] = service
                port = replace(port, published_port=number)
            ports.append(port)
        networks = list(service.spec.task.networks)
        if any(p.publish_mode == PublishMode.INGRESS for p in ports):
            ingress = next((n for n in self.ctx.store.networks.values() if n.ingress), None)
            if ingress is not None:
                networks.insert(0, ingress.id)
        held = dict(service.virtual_ips)
        vips = tuple((nid, held.get(nid) or self._next_address(nid)) for nid in networks)
        if tuple(ports) != service.published_ports or vips != service.virtual_ips:
            service.published_ports = tuple(ports)
            service.virtual_ips = vips
            self.ctx.store.update_service(service)

    # ---------------------------------------------------------------- loop
    def _on_task_event(self, event: TaskEvent) -> None:
        if event.action is _CREATE and event.task.state == _NEW:
            self._new_tasks[event.task.id] = None
            self._worker.kick()

    def _on_service_event(self, event: ServiceEvent) -> None:
        if event.action is not _DELETE:
            # re-allocation writes only when something changed, so this cannot loop
            self._services[event.service.id] = None
            self._worker.kick()

    def _on_leadership(self, active: bool) -> None:
        if active:
            for task in self.ctx.store.tasks_with_desired(_RUNNING):
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
            if service is not None:
                self._allocate_service(service)
        tasks, self._new_tasks = self._new_tasks, {}
        now = self.ctx.now
        for task_id in tasks:
            task = store.tasks.get(task_id)
            if task is None or task.state != _NEW:
                continue
            task.status = TaskStatus(_PENDING, now, PENDING_MESSAGE)
            store.update_task(task)
