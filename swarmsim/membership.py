"""The machines under a swarm, and how their engines become and stop being its nodes.

:class:`Membership` keeps the machines plugged into the underlay (each with
its address and resources), the machine the CLI talks to, and for every node
of the swarm the machine it runs on and its agent.  A machine's engine
becomes a node when the swarm is built with it (:meth:`Membership.add_node`)
or when the CLI runs ``docker swarm init`` or ``docker swarm join`` on it; it
stops being one on ``docker swarm leave`` or when ``docker node rm`` deletes
its node.  The caller passes every change of who runs where on to
:class:`~swarmsim.manager.sessions.Sessions`, which reads :attr:`Membership.agents`
and :attr:`Membership.machine_of`.

Mirrors ``moby: daemon/cluster/cluster.go`` (a daemon inits, joins or leaves a
swarm) and the node side of ``swarmkit: node/node.go`` (a node runs an agent;
a manager also joins Raft).

Differences
-----------
A node joins at once: no TLS bootstrap, no certificate, no join retries.  A
machine that leaves keeps no state of the swarm, so joining again makes a new
node ID, as ``docker swarm join`` after ``leave`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from swarmsim.agent.images import ImageModel
from swarmsim.agent.worker import Agent, HeartbeatLeaser
from swarmsim.api.enums import Availability, NodeRole, NodeStatus
from swarmsim.api.objects import Network, Node
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.errors import DaemonError, InvalidArgument
from swarmsim.limits import check_node_count, task_demand, task_limit_error
from swarmsim.machine import (
    ALREADY_IN_SWARM,
    ONE_SWARM,
    Machine,
    default_address,
    machine_of,
)
from swarmsim.manager.allocator import Allocator
from swarmsim.manager.raft import Raft
from swarmsim.net.transport import Transport
from swarmsim.net.underlay import Underlay
from swarmsim.store import Action, NodeEvent

__all__ = ["Membership"]


class Membership:
    """The machines of a simulation and the nodes they run as.

    Parameters
    ----------
    ctx
        The swarm's context (its store holds the nodes).
    underlay, transport
        The network the machines plug into, and the messages their agents send.
    raft
        The managers' Raft group (a manager joins it).
    images
        The image model the agents' containers are made from.
    allocator
        Allocates the ``ingress`` network of a new swarm.
    swarm_created
        Whether the swarm exists from the start (else ``docker swarm init``
        creates it).  Either way the caller creates the ``ingress`` network
        (:meth:`create_ingress`) once every component watches the store.
    leases
        What takes over the heartbeats of the agents' healthy sessions
        (the dispatcher's :class:`~swarmsim.manager.heartbeats.HeartbeatLeases`),
        or None: every agent beats on its own.

    Attributes
    ----------
    machines : dict of str to Machine
        Every machine by hostname, in the order they were added.
    agents : dict of str to Agent
        The agent of every node that ever ran, by node ID.
    machine_of : dict of str to str
        Node ID to the hostname of its machine, while the node runs there.
    current_machine : str
        Hostname of the machine the CLI talks to.
    """

    def __init__(
        self,
        ctx: Context,
        underlay: Underlay,
        transport: Transport,
        raft: Raft,
        images: ImageModel,
        allocator: Allocator,
        *,
        swarm_created: bool,
        leases: HeartbeatLeaser | None = None,
    ) -> None:
        self.ctx = ctx
        self.leases = leases
        self.underlay = underlay
        self.transport = transport
        self.raft = raft
        self.images = images
        self.allocator = allocator
        self.machines: dict[str, Machine] = {}
        self.agents: dict[str, Agent] = {}
        self.machine_of: dict[str, str] = {}
        self.current_machine = ""
        self._addresses: set[str] = set()  # the machines' addresses
        # when the swarm was created (docker info's Cluster.CreatedAt); None: not yet
        self.swarm_created_at: float | None = ctx.now if swarm_created else None
        ctx.store.watch(self._on_node_event, NodeEvent)

    # -------------------------------------------------------------- machines
    def add_machine(self, machine: str | Mapping[str, Any]) -> Machine:
        """Plug a machine into the underlay, outside any swarm (see :meth:`Swarm.add_machine
        <swarmsim.swarm.Swarm.add_machine>`)."""
        built = machine_of(machine, len(self.machines))
        self._plug(built)
        if not self.current_machine:
            self.current_machine = built.hostname
        return built

    def _plug(self, machine: Machine) -> None:
        if machine.hostname in self.machines:
            raise InvalidArgument(f"a node named {machine.hostname!r} already exists")
        self.machines[machine.hostname] = machine
        self._addresses.add(machine.address)
        self.underlay.add_machine(
            machine.hostname,
            label=machine.hostname,
            udp_ports_taken=machine.udp_ports_taken,
            rack=machine.rack,
            zone=machine.zone,
        )

    def machine(self, name_or_id: str) -> Machine:
        """The machine with this hostname, or the one a node with this id runs on."""
        if not isinstance(name_or_id, str):
            raise InvalidArgument(f"a node is named by its hostname or id, not {name_or_id!r}")
        machine = self.machines.get(name_or_id)
        if machine is None:
            machine = self.machines.get(self.machine_of.get(name_or_id, ""))
        if machine is None:
            raise InvalidArgument(f"no such node: {name_or_id}")
        return machine

    @property
    def host(self) -> Machine:
        """The machine the CLI talks to."""
        return self.machines[self.current_machine]

    @property
    def current_node_id(self) -> str:
        """The node ID of the machine the CLI talks to (``""`` outside a swarm)."""
        machine = self.machines.get(self.current_machine)
        return machine.node_id if machine is not None else ""

    def reaches(self, node_id: str) -> bool:
        """Whether the machine the CLI talks to has a path to the machine of ``node_id``."""
        target = self.machine_of.get(node_id)
        return target is not None and self.underlay.route(self.current_machine, target) is not None

    # ----------------------------------------------------------------- nodes
    def node(self, name_or_id: str) -> Node:
        """The node with this hostname (the one its machine runs as now) or id."""
        if not isinstance(name_or_id, str):
            raise InvalidArgument(f"a node is named by its hostname or id, not {name_or_id!r}")
        store = self.ctx.store
        machine = self.machines.get(name_or_id)  # a machine's node now, if it rejoined
        node = store.nodes.get(machine.node_id) if machine is not None else None
        node = node or store.nodes.get(name_or_id) or store.node_by_name(name_or_id)
        if node is None:
            raise InvalidArgument(f"no such node: {name_or_id}")
        return node

    def leader_machine(self) -> str | None:
        """The machine the leader runs on (the dispatcher's place)."""
        leader = self.raft.leader
        return None if leader is None else self.machine_of.get(leader)

    def manager_at(self, address: str) -> Node | None:
        """The manager node advertising ``address`` (an IP) whose engine is in the swarm."""
        store = self.ctx.store
        for node_id in self.raft.members:
            node = store.nodes.get(node_id)
            if node is not None and node.addr == address and node_id in self.machine_of:
                return node
        return None

    def default_address(self) -> str:
        """The address of the next node made with the swarm: ``192.168.65.<nodes + 2>``,
        or ``<machines + 2>`` when a machine outside the swarm holds that one."""
        address = default_address(len(self.ctx.store.nodes))
        if address in self._addresses:
            address = default_address(len(self.machines))
        return address

    def add_node(
        self,
        machine: Machine,
        role: NodeRole,
        availability: Availability,
        labels: Mapping[str, str],
    ) -> Node:
        """Plug a new machine in and join it to the swarm at once (its arguments checked
        already by :meth:`Swarm.add_node <swarmsim.swarm.Swarm.add_node>`)."""
        if self.swarm_created_at is None:
            raise InvalidArgument("there is no swarm yet: run docker swarm init on a machine")
        self._check_room_for_a_node()
        self._plug(machine)
        if role == NodeRole.MANAGER and not self.current_machine:
            self.current_machine = machine.hostname  # the CLI talks to the first manager
        return self._join(machine, role, availability, labels, machine.address)

    def _join(
        self,
        machine: Machine,
        role: NodeRole,
        availability: Availability,
        labels: Mapping[str, str],
        address: str,
    ) -> Node:
        """``machine``'s engine becomes a node of the swarm: a new node ID, an agent."""
        node = Node(
            id=self.ctx.ids.new(),
            hostname=machine.hostname,
            role=role,
            availability=availability,
            labels=make_labels(labels),
            engine_labels=make_labels(machine.engine_labels),
            generic_resources=machine.generic_resources,
            status=NodeStatus.READY,
            addr=address,
            nano_cpus=int(machine.cpus * 1e9),
            memory_bytes=machine.memory,
            created_at=self.ctx.now,
        )
        self.ctx.store.create_node(node)
        machine.node_id = node.id
        hostname = machine.hostname
        self.machine_of[node.id] = hostname
        self.underlay.alias(node.id, hostname)
        if role == NodeRole.MANAGER:
            self.raft.add_member(node.id)
        agent = Agent(
            self.ctx.sim,
            node.id,
            self.transport,
            self.images,
            machine=hostname,
            statuses=self.ctx.statuses,
        )
        agent.leases = self.leases
        self.agents[node.id] = agent
        self.transport.bind(node.id, agent.receive, kind="agent", locate=lambda: hostname)
        agent.start()
        return node

    def _check_room_for_a_node(self) -> None:
        """Refuse a node past ``max_nodes``, or whose global tasks pass ``max_tasks``."""
        store, settings = self.ctx.store, self.ctx.settings
        nodes = len(store.nodes)
        check_node_count(settings, nodes + 1)
        specs = [service.spec for service in store.services.values()]
        before, after = task_demand(specs, nodes), task_demand(specs, nodes + 1)
        message = task_limit_error(settings, before, after)
        if message is not None:
            raise InvalidArgument(message)

    def _on_node_event(self, event: NodeEvent) -> None:
        """A node removed from the swarm leaves it: its agent stops its containers."""
        if event.action is Action.DELETE:
            agent = self.agents.get(event.node.id)
            if agent is not None:
                agent.crash()
            self._forget_node(event.node.id)

    def _forget_node(self, node_id: str) -> None:
        """The machine that ran ``node_id`` is in no swarm any more."""
        hostname = self.machine_of.pop(node_id, None)
        self.underlay.alias(node_id, None)
        machine = self.machines.get(hostname or "")
        if machine is not None and machine.node_id == node_id:
            machine.node_id = ""

    # ------------------------------------------------- docker swarm init/join/leave
    def create_ingress(self) -> None:
        """Create the swarm's ``ingress`` network."""
        ingress = Network(self.ctx.ids.new(), "ingress", ingress=True, created_at=self.ctx.now)
        self.allocator.allocate_network(ingress)
        self.ctx.store.create_network(ingress)

    def init_swarm(
        self, address: str, availability: Availability, settings: Mapping[str, Any]
    ) -> Node:
        """``docker swarm init`` on the current machine (see :meth:`Swarm.init_swarm
        <swarmsim.swarm.Swarm.init_swarm>`)."""
        machine = self.host
        if machine.in_swarm:
            raise DaemonError(ALREADY_IN_SWARM)
        if self.swarm_created_at is not None:
            raise DaemonError(ONE_SWARM)
        for name, value in settings.items():
            setattr(self.ctx.settings, name, value)
        self.swarm_created_at = self.ctx.now
        self.create_ingress()
        return self._join(machine, NodeRole.MANAGER, availability, {}, address)

    def join_swarm(self, role: NodeRole, availability: Availability, address: str) -> Node:
        """``docker swarm join``: the current machine becomes a node (its token checked already)."""
        machine = self.host
        if machine.in_swarm:
            raise DaemonError(ALREADY_IN_SWARM)
        self._check_room_for_a_node()
        return self._join(machine, role, availability, {}, address)

    def leave_swarm(self) -> None:
        """``docker swarm leave``: the current machine's node stops (see
        :meth:`Swarm.leave_swarm <swarmsim.swarm.Swarm.leave_swarm>`)."""
        machine = self.host
        node_id = machine.node_id
        agent = self.agents.get(node_id)
        if agent is not None:
            agent.crash()
        self._forget_node(node_id)
