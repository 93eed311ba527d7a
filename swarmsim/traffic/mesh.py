"""How a request finds a container: published ports, virtual IPs, DNS round robin.

A request names a *target*: ``:PORT``, a port published by a service (in
``ingress`` mode it answers on every node and the routing mesh forwards it
over the ``ingress`` overlay to a task; in ``host`` mode only on a node that
runs a task), or ``SERVICE:PORT``, a service by name on an overlay network the
client shares with it (its VIP, balanced round robin over the tasks, or with
``--endpoint-mode dnsrr`` the tasks' addresses in turn).  :meth:`Mesh.plan`
says where the requests of one client go, as fractions: to which task with
what latency, or failing for which reason (:data:`REASONS`).

Mirrors the data path docker builds for a swarm service: IPVS load balancing
behind the VIP and the ingress sandbox (``moby: libnetwork/service_linux.go``,
``libnetwork/service_common.go``) and the moment a container enters and leaves
the load balancer (``moby: daemon/cluster/executor/container/controller.go``:
``activateServiceBinding`` once the container runs, after its health check
passes; ``deactivateServiceBinding`` first thing in ``Shutdown``, before the
container is stopped).  VXLAN traffic between two machines uses the swarm's
data path port (``ClusterSettings.data_path_port``); a machine that cannot
bind it carries no overlay traffic.

Differences
-----------
The load balancer follows the managers' view of the tasks (running, desired
state at most running): a task leaves it the instant the managers decide to
stop it, one network latency before its agent hears so, and enters it when
its RUNNING status reaches them (within a dispatcher batch).  Gossip between
nodes (``networkdb``) is not modelled: every node sees the same backends.  A
backend whose container has exited but whose status has not yet reached the
managers fails its requests (``no running task``); one on a machine that is
down or cut off fails them as ``partitioned``.  Link loss does not fail
requests (TCP retransmits).  Client ports, protocols other than TCP and
``docker run`` containers are not modelled: a client is a node (``:PORT``),
the tasks of a service, or a container on a node attached to an attachable
network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.errors import InvalidArgument

if TYPE_CHECKING:
    from collections.abc import Mapping

    from swarmsim.agent.images import ImageModel
    from swarmsim.agent.worker import Agent
    from swarmsim.api.objects import Node, Service, Task
    from swarmsim.context import Context
    from swarmsim.net.underlay import Underlay

__all__ = [
    "BLOCKED",
    "NOT_FOUND",
    "NO_NETWORK",
    "NO_TASK",
    "OK",
    "OVERLOADED",
    "PARTITIONED",
    "REASONS",
    "STOPPING",
    "Client",
    "Cluster",
    "Mesh",
    "Plan",
    "Target",
    "parse_target",
]

OK = "ok"
NO_TASK = "no running task"
NO_NETWORK = "no shared network"
PARTITIONED = "partitioned"
BLOCKED = "data path blocked"
STOPPING = "task stopping"
OVERLOADED = "overloaded"
NOT_FOUND = "not found"
#: Why a request fails, in the order reports list them.
REASONS = (NO_TASK, NO_NETWORK, PARTITIONED, BLOCKED, STOPPING, OVERLOADED, NOT_FOUND)

_RUNNING = TaskState.RUNNING


@dataclass(frozen=True, slots=True)
class Target:
    """What requests ask for: ``service`` ``""`` is a published port."""

    service: str
    port: int

    def __str__(self) -> str:
        return f"{self.service}:{self.port}"


def parse_target(text: object) -> Target:
    """``:PORT`` (a published port) or ``SERVICE:PORT`` (a service on an overlay network).

    Examples
    --------
    >>> parse_target(":8080"), parse_target("web:80")
    (Target(service='', port=8080), Target(service='web', port=80))
    >>> parse_target("web")
    Traceback (most recent call last):
    ...
    swarmsim.errors.InvalidArgument: a target is :PORT or SERVICE:PORT, not 'web'
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"a target is :PORT or SERVICE:PORT, not {text!r}")
    service, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 1 <= int(port) <= 65535 or " " in service:
        raise InvalidArgument(f"a target is :PORT or SERVICE:PORT, not {text!r}")
    return Target(service, int(port))


@dataclass(frozen=True, slots=True)
class Client:
    """Where requests come from.

    ``node`` (a node id) alone: a program on that machine, or outside the
    swarm sending to that node (``:PORT`` only); nothing: outside clients
    spread evenly over every node.  ``service`` (a service id): the running
    tasks of that service, evenly.  ``node`` and ``network`` (a network id):
    a container on that machine attached to that network.
    """

    node: str = ""
    service: str = ""
    network: str = ""


@dataclass(slots=True)
class Plan:
    """Where one client's requests go, as fractions of them (summing to 1).

    ``tasks`` maps a task id to the fraction of requests it receives and their
    mean latency (seconds); ``failed`` maps a reason to the fraction failing
    before they reach a task.
    """

    tasks: dict[str, list[float]] = field(default_factory=dict)
    failed: dict[str, float] = field(default_factory=dict)

    def fail(self, reason: str, fraction: float) -> None:
        """Count ``fraction`` of the requests as failing for ``reason``."""
        if fraction > 0:
            self.failed[reason] = self.failed.get(reason, 0.0) + fraction

    def reach(self, task_id: str, fraction: float, latency: float) -> None:
        """Count ``fraction`` of the requests as reaching ``task_id`` after ``latency``."""
        entry = self.tasks.get(task_id)
        if entry is None:
            self.tasks[task_id] = [fraction, latency]
        else:  # a weighted mean of the latencies
            total = entry[0] + fraction
            entry[1] = (entry[0] * entry[1] + fraction * latency) / total
            entry[0] = total


class Cluster(Protocol):
    """What requests need from a simulated swarm (:class:`swarmsim.swarm.Swarm` is one)."""

    @property
    def ctx(self) -> Context:
        """The managers' state: store, settings, clock, trace."""
        ...

    @property
    def underlay(self) -> Underlay:
        """The machines and links requests travel over."""
        ...

    @property
    def agents(self) -> Mapping[str, Agent]:
        """The agent of every node, by node ID."""
        ...

    @property
    def images(self) -> ImageModel:
        """How containers of each image behave (their request capacity)."""
        ...

    def node(self, name_or_id: str) -> Node:
        """The node with this hostname or ID."""
        ...


class Mesh:
    """Routes requests over one swarm's underlay, as its load balancers would."""

    def __init__(self, swarm: Cluster) -> None:
        self.swarm = swarm

    # -------------------------------------------------------------- backends
    def container_runs(self, task: Task) -> bool:
        """Whether the task's container runs on its machine now."""
        agent = self.swarm.agents.get(task.node_id)
        if agent is None or not agent.up:
            return False
        controller = agent.controllers.get(task.id)
        return controller is not None and controller.state == _RUNNING

    def backends(self, service: Service) -> tuple[list[Task], bool]:
        """The tasks in the service's load balancer, and whether one is being stopped.

        A task is in it while the managers see it running and want it running;
        a task whose container still runs but that the managers decided to stop
        has left it (``task stopping`` when no other is left).
        """
        serving: list[Task] = []
        stopping = False
        for task in self.swarm.ctx.store.tasks_of_service(service.id):
            if task.state != _RUNNING:
                continue
            if task.desired_state <= _RUNNING:
                serving.append(task)
            elif self.container_runs(task):
                stopping = True
        return serving, stopping

    # ------------------------------------------------------------------ plan
    def plan(self, target: Target, client: Client) -> Plan:
        """Where ``client``'s requests to ``target`` go now."""
        plan = Plan()
        store = self.swarm.ctx.store
        if not target.service:
            self._published(plan, target.port, client)
            return plan
        service = store.service_by_name(target.service)
        if service is None:
            plan.fail(NOT_FOUND, 1.0)
            return plan
        networks = set(service.spec.task.networks)
        if client.service:
            source = store.services.get(client.service)
            shared = networks & set(source.spec.task.networks) if source else set()
            origins = self._origins(source) if source else {}
        else:
            shared = networks & {client.network}
            origins = {client.node: 1.0}
        if not shared:
            plan.fail(NO_NETWORK, 1.0)
        elif not origins:
            plan.fail(NO_TASK, 1.0)  # the client service has no running task
        else:
            self._balance(plan, service, origins.items())
        return plan

    def _origins(self, service: Service) -> dict[str, float]:
        """The machines of a client service's running containers, weighted by their count."""
        machines: dict[str, float] = defaultdict(float)
        running = [
            task
            for task in self.swarm.ctx.store.tasks_of_service(service.id)
            if task.state == _RUNNING and self.container_runs(task)
        ]
        for task in running:
            machines[task.node_id] += 1.0 / len(running)
        return machines

    def _published(self, plan: Plan, port: int, client: Client) -> None:
        store = self.swarm.ctx.store
        service, mode = None, PublishMode.INGRESS
        for candidate in store.services.values():
            for published in candidate.published_ports:
                if published.published_port == port and published.protocol == "tcp":
                    service, mode = candidate, published.publish_mode
        if client.node:
            entries = {client.node: 1.0}
        else:
            nodes = list(store.nodes)
            entries = {node: 1.0 / len(nodes) for node in nodes}
        if service is None or not entries:
            plan.fail(NOT_FOUND, 1.0)
            return
        underlay = self.swarm.underlay
        reachable: list[tuple[str, float]] = []
        for node, weight in entries.items():
            if underlay.attached(node):
                reachable.append((node, weight))
            else:
                plan.fail(PARTITIONED, weight)
        if mode == PublishMode.INGRESS:
            self._balance(plan, service, reachable)
            return
        serving, stopping = self.backends(service)
        on_node: dict[str, list[Task]] = defaultdict(list)
        for task in serving:
            if _binds(task, port):
                on_node[task.node_id].append(task)
        for node, weight in reachable:  # host mode: only this node's own task answers
            local = on_node.get(node)
            if local:
                self._spread(plan, node, self._by_machine(local), len(local), weight)
            else:
                plan.fail(STOPPING if stopping else NOT_FOUND, weight)

    def _balance(self, plan: Plan, service: Service, origins: Iterable[tuple[str, float]]) -> None:
        """Round robin from each origin machine over the service's load balancer."""
        serving, stopping = self.backends(service)
        groups = self._by_machine(serving)
        for node, weight in origins:
            if serving:
                self._spread(plan, node, groups, len(serving), weight)
            else:
                plan.fail(STOPPING if stopping else NO_TASK, weight)

    def _by_machine(self, tasks: list[Task]) -> dict[str, tuple[list[str], int]]:
        """Machine -> (ids of the tasks whose container runs there, how many do not run)."""
        groups: dict[str, tuple[list[str], int]] = {}
        for task in tasks:
            alive, dead = groups.get(task.node_id, ([], 0))
            if self.container_runs(task):
                alive.append(task.id)
            else:
                dead += 1
            groups[task.node_id] = (alive, dead)
        return groups

    def _spread(
        self,
        plan: Plan,
        origin: str,
        groups: dict[str, tuple[list[str], int]],
        count: int,
        weight: float,
    ) -> None:
        """Send ``weight`` of the requests from ``origin`` evenly to ``count`` tasks."""
        underlay = self.swarm.underlay
        port = self.swarm.ctx.settings.data_path_port
        share = weight / count
        origin_free = underlay.udp_port_free(origin, port)
        for machine, (alive, dead) in groups.items():
            route = underlay.route(origin, machine)
            if route is None:
                plan.fail(PARTITIONED, share * (len(alive) + dead))
            elif machine != origin and not (origin_free and underlay.udp_port_free(machine, port)):
                plan.fail(BLOCKED, share * (len(alive) + dead))
            else:
                plan.fail(NO_TASK, share * dead)
                latency = 0.0 if machine == origin else route[0]  # local: no network
                for task_id in alive:
                    plan.reach(task_id, share, latency)


def _binds(task: Task, port: int) -> bool:
    return any(p.published_port == port for p in task.host_ports)
