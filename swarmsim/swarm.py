"""A whole simulated swarm: managers' components, nodes, agents and faults.

:class:`Swarm` wires one :class:`~swarmsim.context.Context` to the leader's
components (allocator, scheduler, dispatcher, replicated and global
orchestrators with the restart and update supervisors, task reaper,
constraint enforcer), a :class:`~swarmsim.manager.raft.Raft` view of the
managers, and the machines with their nodes and agents
(:class:`~swarmsim.membership.Membership`).  It is the Python entry point:
run ``docker ...`` commands with :meth:`Swarm.docker`, move virtual time with
:meth:`Swarm.advance`, inject faults, read the trace.

Mirrors ``swarmkit: manager/manager.go`` (which components run on the leader).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from swarmsim.agent.images import ImageModel
from swarmsim.agent.worker import Agent
from swarmsim.api.enums import Availability, NodeRole
from swarmsim.api.objects import Node
from swarmsim.arguments import count, finite_seconds, hostname_of, integer, label_map, resources
from swarmsim.cli.docker import CommandResult as CommandResult
from swarmsim.context import ClusterSettings, Context
from swarmsim.errors import InvalidArgument
from swarmsim.faults import FaultInjection
from swarmsim.limits import check_node_count, check_run, check_trace
from swarmsim.machine import GIB, Machine, generic_of, place_of
from swarmsim.manager.allocator import Allocator
from swarmsim.manager.dispatcher import Dispatcher
from swarmsim.manager.orchestrator.constraint_enforcer import ConstraintEnforcer
from swarmsim.manager.orchestrator.global_mode import GlobalOrchestrator
from swarmsim.manager.orchestrator.jobs import JobsOrchestrator
from swarmsim.manager.orchestrator.replicated import ReplicatedOrchestrator
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task_reaper import TaskReaper
from swarmsim.manager.orchestrator.update_supervisor import UpdateSupervisor
from swarmsim.manager.raft import Raft
from swarmsim.manager.scheduler import Scheduler
from swarmsim.manager.sessions import Sessions
from swarmsim.membership import Membership
from swarmsim.net.transport import DISPATCHER, Transport
from swarmsim.net.underlay import Underlay
from swarmsim.overview import overview
from swarmsim.settle import SettleResult, settle_swarm

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.trace import Trace
    from swarmsim.traffic.model import Load

_SLICE = 600.0  # virtual seconds between two looks at the trace's size during a run


class Swarm(FaultInjection):
    """A simulated Docker Swarm in virtual time.

    Its faults (``crash_node``, ``recover_node``, ``disconnect_node``,
    ``reconnect_node``, ``partition``, ``heal``, ``cut_link``, ``kill_task``)
    are documented in :class:`~swarmsim.faults.FaultInjection`.

    Parameters
    ----------
    seed
        Seed of every random stream (ids, scheduler ties, heartbeat jitter...).
    managers, workers
        Nodes created at time 0: ``manager1..M`` (the first one leads and is
        the host the CLI talks to) and ``worker1..W``.  A swarm has at least
        one manager.
    settings
        Cluster settings (task history limit, heartbeat period...).
    cpus, memory
        Resources of each initial node (CPUs, bytes).
    nodes
        Instead of ``manager1..M`` and ``worker1..W``: the initial nodes, each
        as the keywords of :meth:`add_node` (``hostname``, ``role``,
        ``labels``...), in order; at least one is a manager.
    machines
        Start with no swarm: these machines, each a hostname or a mapping of
        :func:`~swarmsim.machine.machine_of` fields (``name``, ``address``,
        ``cpus``, ``memory``, ``engine_labels``, ``udp_ports_taken``).  The
        CLI talks to the first one until told otherwise (:meth:`use`,
        ``docker(..., on=NAME)``); ``docker swarm init`` and ``join`` form the
        swarm.  ``managers``, ``workers``, ``cpus``, ``memory`` and ``nodes``
        do not apply.

    Raises
    ------
    InvalidArgument
        For a seed that is not an integer, fewer than one manager, a negative
        number of workers, both ``nodes`` and ``machines``, no machine or a bad
        one, more nodes than ``settings.max_nodes``, resources that are not
        finite positive numbers, or settings that are not a
        :class:`~swarmsim.context.ClusterSettings`.

    Examples
    --------
    >>> swarm = Swarm(seed=1, managers=1, workers=2)
    >>> swarm.docker("docker service create -d --replicas 3 --name web nginx").exit_code
    0
    >>> swarm.advance(30)
    >>> swarm.docker("docker service ls").stdout.splitlines()[1].split()[1:4]
    ['web', 'replicated', '3/3']

    Blank machines, as before ``docker swarm init``:

    >>> blank = Swarm(seed=1, machines=["manager1", "worker1"])
    >>> blank.docker("docker swarm init").stdout.splitlines()[0]
    'Swarm initialized: current node (jh4xtzxur220x88fddkssysys) is now a manager.'
    >>> token = blank.docker("docker swarm join-token -q worker").stdout.strip()
    >>> blank.docker(f"docker swarm join --token {token} 192.168.65.2", on="worker1").stdout.strip()
    'This node joined a swarm as a worker.'
    """

    def __init__(
        self,
        seed: int = 0,
        managers: int = 1,
        workers: int = 2,
        *,
        settings: ClusterSettings | None = None,
        cpus: float = 4,
        memory: int = 8 * GIB,
        nodes: Sequence[Mapping[str, Any]] | None = None,
        machines: Sequence[str | Mapping[str, Any]] | None = None,
    ) -> None:
        seed_number = integer(seed)
        if seed_number is None:
            raise InvalidArgument(f"seed must be an integer, not {seed!r}")
        managers = count("managers", managers, 1)
        workers = count("workers", workers, 0)
        cpus, memory = resources(cpus, memory)
        if settings is not None and not isinstance(settings, ClusterSettings):
            raise InvalidArgument(f"settings must be a ClusterSettings, not {settings!r}")
        settings = settings or ClusterSettings()
        if nodes is not None:
            if not isinstance(nodes, Sequence) or not all(isinstance(n, Mapping) for n in nodes):
                raise InvalidArgument(f"nodes must be a list of add_node keywords, not {nodes!r}")
            if not any(n.get("role") == NodeRole.MANAGER for n in nodes):
                raise InvalidArgument("nodes must hold at least one manager")
        if machines is not None:
            if nodes is not None:
                raise InvalidArgument("give either machines or nodes, not both")
            if isinstance(machines, str | Mapping) or not isinstance(machines, Sequence):
                raise InvalidArgument(f"machines must be a list of machines, not {machines!r:.80}")
            if not machines:
                raise InvalidArgument("machines must name at least one machine")
        initial = len(nodes) if nodes is not None else managers + workers
        check_node_count(settings, initial if machines is None else len(machines))
        self.ctx = Context.create(seed_number, settings)
        self.images = ImageModel()
        self.underlay = Underlay(settings.network_latency)
        self.transport = Transport(self.ctx.sim, self.underlay)
        self.raft = Raft(self.ctx)
        self.dispatcher = Dispatcher(self.ctx, self.transport)
        self.allocator = Allocator(self.ctx)
        # its node watcher comes after the dispatcher's and before the scheduler's
        self.members = Membership(
            self.ctx,
            self.underlay,
            self.transport,
            self.raft,
            self.images,
            self.allocator,
            swarm_created=machines is None,
            leases=self.dispatcher.leases,
        )
        self.transport.bind(
            DISPATCHER,
            self.dispatcher.receive,
            kind=DISPATCHER,
            locate=self.members.leader_machine,
        )
        self.scheduler = Scheduler(self.ctx)
        self.restarts = RestartSupervisor(self.ctx)
        self.updates = UpdateSupervisor(self.ctx, self.restarts)
        self.replicated = ReplicatedOrchestrator(self.ctx, self.restarts, self.updates)
        self.global_orchestrator = GlobalOrchestrator(self.ctx, self.restarts, self.updates)
        self.reaper = TaskReaper(self.ctx)
        self.enforcer = ConstraintEnforcer(self.ctx)
        self.jobs = JobsOrchestrator(self.ctx, self.restarts)
        self.agents: dict[str, Agent] = self.members.agents  # by node ID
        self.machines: dict[str, Machine] = self.members.machines  # by hostname, in order
        self.sessions = Sessions(self.underlay, self.raft, self.agents, self.members.machine_of)
        self.ctx.leadership.client_view = self._cli_reaches_leader
        self.ctx.leadership.subscribe(self._on_leadership)
        if machines is not None:
            for entry in machines:
                self.add_machine(entry)
            return
        self.members.create_ingress()
        for keywords in nodes or ():
            self.add_node(**keywords)
        for i in range(1, (managers if nodes is None else 0) + 1):
            self.add_node(f"manager{i}", role=NodeRole.MANAGER, cpus=cpus, memory=memory)
        for i in range(1, (workers if nodes is None else 0) + 1):
            self.add_node(f"worker{i}", cpus=cpus, memory=memory)

    # ----------------------------------------------------------------- nodes
    def add_machine(self, machine: str | Mapping[str, Any]) -> Machine:
        """Plug a machine into the underlay, outside any swarm (it may join one later).

        ``machine`` is a hostname or a mapping of :func:`~swarmsim.machine.machine_of`
        fields; its default address is ``192.168.65.<N + 2>`` for the N-th machine.

        Raises
        ------
        InvalidArgument
            For a bad description or a hostname already taken.
        """
        return self.members.add_machine(machine)

    def add_node(
        self,
        hostname: str,
        *,
        role: NodeRole = NodeRole.WORKER,
        labels: Mapping[str, str] | None = None,
        engine_labels: Mapping[str, str] | None = None,
        cpus: float = 4,
        memory: int = 8 * GIB,
        availability: Availability = Availability.ACTIVE,
        address: str | None = None,
        generic_resources: Sequence[str] = (),
        rack: str = "",
        zone: str = "",
    ) -> Node:
        """Join a new node to the swarm now (it registers and becomes READY).

        A new machine named ``hostname`` is created for it; ``address`` is its
        IP address (default ``192.168.65.N``); ``generic_resources`` are its
        engine's ``--node-generic-resource`` terms (``["gpu=2"]``); ``rack`` and
        ``zone`` place it on the underlay (default: off the core switch).
        During a :meth:`partition` the new machine is in none of its groups:
        the node registers, then, cut off from the leader, goes ``Down`` after
        the heartbeat timeout as a node cut off later would, until
        :meth:`heal` (``docker swarm join`` from such a machine times out and
        completes once the heal lets it through).

        Raises
        ------
        InvalidArgument
            For a hostname that is empty, has blanks or is taken, a role or
            availability of the wrong type, an address that is not an IP address,
            labels that are not a mapping of strings, bad resources, a bad rack
            or zone name, a node past
            ``ClusterSettings.max_nodes`` (or whose global services' tasks would
            pass ``max_tasks``), or a simulation that started from blank machines
            and has no swarm yet.
        """
        store = self.ctx.store
        hostname = hostname_of(hostname)
        if store.node_by_name(hostname) is not None or hostname in self.machines:
            raise InvalidArgument(f"a node named {hostname!r} already exists")
        if not isinstance(role, NodeRole):
            raise InvalidArgument(f"role must be a NodeRole, not {role!r}")
        if not isinstance(availability, Availability):
            raise InvalidArgument(f"availability must be an Availability, not {availability!r}")
        if address is not None:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise InvalidArgument(f"address must be an IP address, not {address!r}") from None
        labels = label_map("labels", labels)
        engine_labels = label_map("engine_labels", engine_labels)
        cpus, memory = resources(cpus, memory)
        generic = generic_of(generic_resources)
        rack, zone = place_of("rack", rack), place_of("zone", zone)
        machine = Machine(
            hostname,
            address or self.members.default_address(),
            cpus,
            memory,
            dict(engine_labels),
            generic,
            rack=rack,
            zone=zone,
        )
        node = self.members.add_node(machine, role, availability, labels)
        if not self.sessions.reaches_leader(machine.hostname):
            # this shortcut joins through the leader: the node registers, then
            # finds itself cut off (its own registration message was lost)
            self.dispatcher.register(node.id)
        if role == NodeRole.MANAGER:
            self.sessions.refresh()  # one more Raft member: the quorum may change
        else:
            self.sessions.refresh_agent(node.id)
        return node

    def _network_changed(self) -> None:
        super()._network_changed()
        self._finish_pending_joins()

    def _on_leadership(self, active: bool) -> None:
        if active:  # a new leader: joins that waited for one may get through
            self._finish_pending_joins()

    def _finish_pending_joins(self) -> None:
        """Joins that timed out go on in the background: those that now get
        through complete (:func:`~swarmsim.cli.docker.swarm.finish_pending_join`)."""
        pending = [m.hostname for m in self.machines.values() if m.pending_join is not None]
        if not pending:
            return
        from swarmsim.cli.docker.swarm import finish_pending_join

        for hostname in pending:
            with self.on(hostname):
                finish_pending_join(self)

    def _cli_reaches_leader(self) -> bool:
        """Whether the machine the CLI talks to is on the leader's side of the network."""
        return self.sessions.reaches_leader(self.current_machine)

    def node(self, name_or_id: str) -> Node:
        """The node with this hostname (the one its machine runs as now) or id."""
        return self.members.node(name_or_id)

    def machine(self, name_or_id: str) -> Machine:
        """The machine with this hostname, or the one a node with this id runs on.

        Raises
        ------
        InvalidArgument
            ``no such node: NAME`` when there is none.
        """
        return self.members.machine(name_or_id)

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Current virtual time in seconds."""
        return self.ctx.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of virtual time pass (a finite, non-negative number)."""
        seconds = finite_seconds("seconds", seconds)
        if seconds < 0:
            raise InvalidArgument("cannot advance by a negative time")
        self.run(self.ctx.now + seconds)

    def run(self, until: float) -> None:
        """Run until virtual time ``until`` (nothing happens if it is already past).

        Raises
        ------
        InvalidArgument
            For a time that is not a finite number, past the horizon
            ``ClusterSettings.max_time``, or too far for the swarm's size in one
            call (``max_node_seconds``), all refused up front; or when the trace
            grows past ``max_trace_records`` (a service failing in a tight loop
            for weeks): the clock then stops within ten virtual minutes of it.
        """
        until = finite_seconds("until", until)
        ctx = self.ctx
        if until <= ctx.now:
            return
        check_run(ctx.settings, ctx.now, until, len(ctx.store.nodes))
        check_trace(ctx.settings, len(ctx.trace), ctx.now)
        while ctx.now < until:  # slices change no order: SimPy's queue just pauses
            ctx.sim.run(min(until, ctx.now + _SLICE))
            check_trace(ctx.settings, len(ctx.trace), ctx.now)

    def settle(
        self, timeout: float = 3600.0, *, step: float = 1.0, stable: float = 0.0
    ) -> SettleResult:
        """Run until every service has converged and no update is in flight.

        Looks every ``step`` virtual seconds, for at most ``timeout`` seconds;
        the result says whether the swarm settled, when, and which services
        were still converging or are held by a paused update
        (:mod:`swarmsim.settle`).  A swarm already settled does not move.

        With ``stable`` the swarm must also stay settled at every look for that
        many virtual seconds (the wait starts again when a look finds a service
        converging), as ``docker service create`` waits one monitor period
        (5 s by default) before ``Service converged``: a service whose
        containers exit soon after they start no longer looks settled.  The
        result's ``since`` says when that quiet stretch began.

        Raises
        ------
        InvalidArgument
            For a timeout or stable time that is negative or not a finite
            number, or a step that is not positive.

        Examples
        --------
        >>> swarm = Swarm(seed=1, managers=1, workers=2)
        >>> swarm.docker("docker service create -d --replicas 3 --name web nginx").exit_code
        0
        >>> result = swarm.settle(timeout=120)
        >>> result.settled, 0 < result.time < 120
        (True, True)
        """
        timeout = finite_seconds("timeout", timeout)
        step = finite_seconds("step", step)
        if timeout < 0:
            raise InvalidArgument(f"timeout must not be negative, not {timeout!r}")
        if step <= 0:
            raise InvalidArgument(f"step must be positive, not {step!r}")
        stable = finite_seconds("stable", stable)
        if stable < 0:
            raise InvalidArgument(f"stable must not be negative, not {stable!r}")
        return settle_swarm(
            self.ctx, self.agents, self.updates.updaters, self.run, timeout, step, stable
        )

    # -------------------------------------------------------------- results
    @property
    def trace(self) -> Trace:
        """Every recorded change."""
        return self.ctx.trace

    def dataframe(self) -> pd.DataFrame:
        """The trace as a pandas DataFrame."""
        return self.ctx.trace.to_dataframe()

    # --------------------------------------------------------------- docker
    def docker(self, command: str, *, on: str | None = None, check: bool = False) -> CommandResult:
        """Run one ``docker ...`` command line on machine ``on`` (default: the current one).

        With ``check=True`` a command that exits non-zero raises
        :class:`~swarmsim.errors.CommandFailed` carrying docker's message
        (what a sweep records in its ``error`` column).

        Raises
        ------
        InvalidArgument
            For a command that is not a string or an unknown machine.
        CommandFailed
            With ``check=True``, for a command that exits non-zero.

        Examples
        --------
        >>> Swarm(seed=0).docker("docker service rm web", check=True)
        Traceback (most recent call last):
        ...
        swarmsim.errors.CommandFailed: Error response from daemon: service web not found
        """
        from swarmsim.cli.docker import run_command_line
        from swarmsim.errors import CommandFailed

        if not isinstance(command, str):
            raise InvalidArgument(f"a docker command is a string, not {command!r}")
        with self.on(on or self.current_machine):
            result = run_command_line(self, command)
        if check and not result.ok:
            raise CommandFailed(command, result.stdout, result.stderr, result.exit_code)
        return result

    def use(self, name: str) -> None:
        """Make the CLI talk to machine ``name`` from now on (the shell's ``@NAME``)."""
        self.current_machine = self.machine(name).hostname

    @contextmanager
    def on(self, name: str) -> Iterator[Machine]:
        """Talk to machine ``name`` inside the ``with`` block, then to the current one again."""
        machine = self.machine(name)
        before = self.current_machine
        self.current_machine = machine.hostname
        try:
            yield machine
        finally:
            self.current_machine = before

    # ------------------------------------------------- the engine the CLI talks to
    @property
    def current_machine(self) -> str:
        """Hostname of the machine the CLI talks to."""
        return self.members.current_machine

    @current_machine.setter
    def current_machine(self, hostname: str) -> None:
        self.members.current_machine = hostname

    @property
    def host(self) -> Machine:
        """The machine the CLI talks to."""
        return self.members.host

    @property
    def current_node_id(self) -> str:
        """The node ID of the machine the CLI talks to (``""`` outside a swarm)."""
        return self.members.current_node_id

    @current_node_id.setter
    def current_node_id(self, node_id: str) -> None:
        self.use(node_id)

    @property
    def swarm_created_at(self) -> float | None:
        """When the swarm was created (``None``: no ``docker swarm init`` yet)."""
        return self.members.swarm_created_at

    def manager_at(self, address: str) -> Node | None:
        """The manager node advertising ``address`` (an IP) whose engine is in the swarm."""
        return self.members.manager_at(address)

    def reaches(self, node_id: str) -> bool:
        """Whether the machine the CLI talks to has a path to the machine of ``node_id``."""
        return self.members.reaches(node_id)

    def init_swarm(
        self, address: str, availability: Availability, settings: Mapping[str, Any]
    ) -> Node:
        """``docker swarm init`` on the current machine: a swarm with it as the only manager.

        ``settings`` are :class:`~swarmsim.context.ClusterSettings` fields to set first.

        Raises
        ------
        DaemonError
            When the machine is already in a swarm, or this simulation already had one.
        """
        return self.members.init_swarm(address, availability, settings)

    def join_swarm(self, role: NodeRole, availability: Availability, address: str) -> Node:
        """``docker swarm join``: the current machine becomes a node (its token checked already)."""
        node = self.members.join_swarm(role, availability, address)
        self.sessions.refresh()
        return node

    def leave_swarm(self) -> None:
        """``docker swarm leave``: the current machine's node stops; its containers are removed.

        The node stays in the swarm's list (``Down`` after the heartbeat
        timeout; a manager stays a Raft member, unreachable) until ``docker
        node rm`` removes it.
        """
        self.members.leave_swarm()
        self.sessions.refresh()

    # --------------------------------------------------------------- traffic
    def traffic(
        self,
        target: str,
        rate: float,
        source: str | None = None,
        **options: Any,
    ) -> Load:
        """Start sending ``rate`` requests per second to ``target`` (:mod:`swarmsim.traffic.model`).

        ``target`` is ``":PORT"`` (a published port, through the routing mesh)
        or ``"SERVICE:PORT"`` (a service by name on an overlay network).
        ``source`` is where the client runs: for ``:PORT`` a node (``None``:
        outside clients spread over every node); for ``SERVICE:PORT`` a
        service whose tasks send the requests, or a node with
        ``network=NAME`` (an attachable network).  Other keywords: ``name``,
        ``window`` (seconds per record, 1 by default) and ``arrivals``
        (``"fixed"`` or ``"poisson"``).  Stop it with ``load.stop()``; read it
        with :func:`swarmsim.metrics.requests_frame`.

        Examples
        --------
        >>> swarm = Swarm(seed=0)
        >>> swarm.docker("docker service create -d --name web -p 8080:80 nginx").exit_code
        0
        >>> swarm.advance(10)
        >>> load = swarm.traffic(":8080", rate=20)
        >>> swarm.advance(5)
        >>> load.stop()
        >>> from swarmsim.metrics import requests_frame
        >>> int(requests_frame(swarm)["ok"].sum())
        100
        """
        from swarmsim.traffic.model import traffic_of

        return traffic_of(self).start(target, rate, source, **options)

    # ---------------------------------------------------------------- repr
    def __repr__(self) -> str:
        """The cluster at a glance: clock, nodes with their running tasks, services.

        >>> Swarm(seed=0, workers=1)
        <Swarm seed=0 t=0s: 2 nodes, 0 services>
          manager1  manager  ready  active  0 running
          worker1   worker   ready  active  0 running
        >>> Swarm(seed=0, machines=["m1", "m2"])
        <Swarm seed=0 t=0s: 0 nodes, 0 services>
          in no swarm: m1, m2
        """
        return overview(self.ctx, self.machines.values())

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("<Swarm ...>" if cycle else repr(self))

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"
