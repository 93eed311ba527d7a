"""A whole simulated swarm: managers' components, nodes, agents and faults.

:class:`Swarm` wires one :class:`~swarmsim.context.Context` to the leader's
components (allocator, scheduler, dispatcher, replicated and global
orchestrators with the restart and update supervisors, task reaper,
constraint enforcer), a :class:`~swarmsim.manager.raft.Raft` view of the
managers, and one :class:`~swarmsim.agent.worker.Agent` per node.  It is the
Python entry point: run ``docker ...`` commands with :meth:`Swarm.docker`,
move virtual time with :meth:`Swarm.advance`, inject faults, read the trace.

Mirrors ``swarmkit: manager/manager.go`` (which components run on the leader)
and ``swarmkit: node/node.go`` (a node runs an agent, managers also a manager).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from swarmsim.agent.images import ImageModel
from swarmsim.agent.worker import Agent
from swarmsim.api.enums import Availability, NodeRole, NodeStatus, TaskState
from swarmsim.api.objects import Network, Node
from swarmsim.api.specs import make_labels
from swarmsim.arguments import (
    count,
    finite_seconds,
    hostname_of,
    integer,
    label_map,
    resources,
)
from swarmsim.context import ClusterSettings, Context
from swarmsim.errors import InvalidArgument
from swarmsim.limits import (
    check_node_count,
    check_run,
    check_trace,
    task_demand,
    task_limit_error,
)
from swarmsim.manager.allocator import Allocator
from swarmsim.manager.dispatcher import Dispatcher
from swarmsim.manager.orchestrator.constraint_enforcer import ConstraintEnforcer
from swarmsim.manager.orchestrator.global_mode import GlobalOrchestrator
from swarmsim.manager.orchestrator.replicated import ReplicatedOrchestrator
from swarmsim.manager.orchestrator.restart import RestartSupervisor
from swarmsim.manager.orchestrator.task_reaper import TaskReaper
from swarmsim.manager.orchestrator.update import UpdateSupervisor
from swarmsim.manager.raft import Raft
from swarmsim.manager.scheduler import Scheduler
from swarmsim.net.sessions import Sessions
from swarmsim.net.transport import DISPATCHER, Transport
from swarmsim.net.underlay import SWITCH, Underlay
from swarmsim.settle import SettleResult, unsettled
from swarmsim.store import Action, NodeEvent

if TYPE_CHECKING:
    import os

    import pandas as pd
    from matplotlib.axes import Axes

    from swarmsim.cli.transcript import ScriptResult
    from swarmsim.scenario.runner import ScenarioResult
    from swarmsim.trace import Trace

GIB = 1024**3
_REPR_ROWS = 20  # nodes and services shown by repr(swarm)
_SLICE = 600.0  # virtual seconds between two looks at the trace's size during a run


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a ``docker ...`` command printed and its exit code."""

    stdout: str
    stderr: str
    exit_code: int

    @property
    def output(self) -> str:
        """Standard output followed by standard error."""
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        """Whether the command exited 0."""
        return self.exit_code == 0

    def __str__(self) -> str:
        return self.output

    def __repr__(self) -> str:
        """The terminal text under a one-line header (tables stay aligned).

        >>> CommandResult("worker1\\n", "", 0)
        <CommandResult exit_code=0>
        worker1
        """
        return f"<CommandResult exit_code={self.exit_code}>\n{self.output}".rstrip("\n")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"


class Swarm:
    """A simulated Docker Swarm in virtual time.

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

    Raises
    ------
    InvalidArgument
        For a seed that is not an integer, fewer than one manager, a negative
        number of workers, more nodes than ``settings.max_nodes``, resources
        that are not finite positive numbers, or settings that are not a
        :class:`~swarmsim.context.ClusterSettings`.

    Examples
    --------
    >>> swarm = Swarm(seed=1, managers=1, workers=2)
    >>> swarm.docker("docker service create -d --replicas 3 --name web nginx").exit_code
    0
    >>> swarm.advance(30)
    >>> swarm.docker("docker service ls").stdout.splitlines()[1].split()[1:4]
    ['web', 'replicated', '3/3']
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
        check_node_count(settings, managers + workers if nodes is None else len(nodes))
        self.ctx = Context.create(seed_number, settings)
        self.images = ImageModel()
        self.underlay = Underlay(settings.network_latency)
        self.transport = Transport(self.ctx.sim, self.underlay)
        self.raft = Raft(self.ctx)
        self.dispatcher = Dispatcher(self.ctx, self.transport)
        self.transport.bind(
            DISPATCHER, self.dispatcher.receive, kind=DISPATCHER, locate=self._leader
        )
        self.ctx.store.watch(self._on_node_event, NodeEvent)
        self.allocator = Allocator(self.ctx)
        self.scheduler = Scheduler(self.ctx)
        self.restarts = RestartSupervisor(self.ctx)
        self.updates = UpdateSupervisor(self.ctx, self.restarts)
        self.replicated = ReplicatedOrchestrator(self.ctx, self.restarts, self.updates)
        self.global_orchestrator = GlobalOrchestrator(self.ctx, self.restarts, self.updates)
        self.reaper = TaskReaper(self.ctx)
        self.enforcer = ConstraintEnforcer(self.ctx)
        self.agents: dict[str, Agent] = {}
        self.sessions = Sessions(self.underlay, self.raft, self.agents)
        self.current_node_id = ""
        self.ctx.leadership.client_view = self._cli_reaches_leader
        self._create_ingress()
        for keywords in nodes or ():
            self.add_node(**keywords)
        for i in range(1, (managers if nodes is None else 0) + 1):
            self.add_node(f"manager{i}", role=NodeRole.MANAGER, cpus=cpus, memory=memory)
        for i in range(1, (workers if nodes is None else 0) + 1):
            self.add_node(f"worker{i}", cpus=cpus, memory=memory)

    # ----------------------------------------------------------------- nodes
    def _create_ingress(self) -> None:
        ingress = Network(self.ctx.ids.new(), "ingress", ingress=True, created_at=self.ctx.now)
        self.allocator.allocate_network(ingress)
        self.ctx.store.create_network(ingress)

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
    ) -> Node:
        """Join a new node to the swarm now (it registers and becomes READY).

        ``address`` is the node's IP address (default ``192.168.65.N``).

        Raises
        ------
        InvalidArgument
            For a hostname that is empty, has blanks or is taken, a role or
            availability of the wrong type, an address that is not an IP address,
            labels that are not a mapping of strings, bad resources, or a node past
            ``ClusterSettings.max_nodes`` (or whose global services' tasks would
            pass ``max_tasks``).
        """
        store = self.ctx.store
        hostname = hostname_of(hostname)
        if store.node_by_name(hostname) is not None:
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
        self._check_room_for_a_node()
        index = len(store.nodes) + 2
        node = Node(
            id=self.ctx.ids.new(),
            hostname=hostname,
            role=role,
            availability=availability,
            labels=make_labels(labels),
            engine_labels=make_labels(engine_labels),
            status=NodeStatus.READY,
            addr=address or f"192.168.65.{index}",
            nano_cpus=int(cpus * 1e9),
            memory_bytes=memory,
            created_at=self.ctx.now,
        )
        store.create_node(node)
        self.underlay.add_machine(node.id, label=hostname)
        if role == NodeRole.MANAGER:
            self.raft.add_member(node.id)
            if not self.current_node_id:
                self.current_node_id = node.id
        agent = Agent(self.ctx.sim, node.id, self.transport, self.images)
        self.agents[node.id] = agent
        self.transport.bind(node.id, agent.receive, kind="agent", locate=lambda: node.id)
        agent.start()
        return node

    def _leader(self) -> str | None:
        return self.raft.leader

    def _cli_reaches_leader(self) -> bool:
        """Whether the machine the CLI talks to is on the leader's side of the network."""
        return self.sessions.reaches_leader(self.current_node_id)

    def _on_node_event(self, event: NodeEvent) -> None:
        """A node removed from the swarm leaves it: its agent stops its containers."""
        if event.action is Action.DELETE:
            agent = self.agents.get(event.node.id)
            if agent is not None:
                agent.crash()

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

    def node(self, name_or_id: str) -> Node:
        """The node with this hostname or id."""
        if not isinstance(name_or_id, str):
            raise InvalidArgument(f"a node is named by its hostname or id, not {name_or_id!r}")
        store = self.ctx.store
        node = store.nodes.get(name_or_id) or store.node_by_name(name_or_id)
        if node is None:
            raise InvalidArgument(f"no such node: {name_or_id}")
        return node

    # ---------------------------------------------------------------- faults
    def crash_node(self, name: str) -> None:
        """The machine loses power: containers stop, heartbeats stop."""
        node = self.node(name)
        self.agents[node.id].crash()
        self.underlay.set_up(node.id, False)
        self.sessions.refresh()

    def recover_node(self, name: str) -> None:
        """The machine boots again and rejoins if its links work (its containers are gone)."""
        node = self.node(name)
        self.agents[node.id].recover(connect=False)
        self.underlay.set_up(node.id, True)
        self.sessions.refresh()

    def disconnect_node(self, name: str) -> None:
        """Cut every link of the node's machine; its containers keep running."""
        node = self.node(name)
        self.underlay.cut_machine(node.id)
        self.sessions.refresh()

    def reconnect_node(self, name: str) -> None:
        """Heal every link of the node's machine."""
        node = self.node(name)
        self.underlay.cut_machine(node.id, cut=False)
        self.sessions.refresh()

    def partition(self, groups: Sequence[Sequence[str]]) -> None:
        """Split the machines into groups that cannot talk to each other.

        ``groups`` lists hostnames (or node ids); machines named in no group
        form one more group.  A partition replaces the previous one.

        Raises
        ------
        InvalidArgument
            For no group, an empty group, an unknown node or a node in two
            groups (nothing changes).
        """
        if isinstance(groups, str) or not isinstance(groups, Sequence):
            raise InvalidArgument(f"groups must be a list of lists of nodes, not {groups!r}")
        ids: list[list[str]] = []
        for group in groups:
            if isinstance(group, str) or not isinstance(group, Sequence):
                raise InvalidArgument(f"a partition group is a list of nodes, not {group!r}")
            ids.append([self.node(name).id for name in group])
        self.underlay.partition(ids)
        self.sessions.refresh()

    def heal(self) -> None:
        """End the partition (machines disconnected one by one stay so)."""
        self.underlay.heal()
        self.sessions.refresh()

    def cut_link(self, a: str, b: str, *, cut: bool = True) -> None:
        """Cut (or heal, ``cut=False``) the link between two nodes or a node and ``switch``."""
        ends = [name if name == SWITCH else self.node(name).id for name in (a, b)]
        self.underlay.cut_link(ends[0], ends[1], cut)
        self.sessions.refresh()

    def kill_task(self, task_id: str, exit_code: int = 1) -> bool:
        """Make a running task's container exit with ``exit_code``; False if not running.

        Raises
        ------
        InvalidArgument
            When no task has the id ``task_id``, or ``exit_code`` is not an
            integer from 0 to 255.
        """
        if not isinstance(task_id, str):
            raise InvalidArgument(f"a task is named by its id, not {task_id!r}")
        task = self.ctx.store.tasks.get(task_id)
        if task is None:
            raise InvalidArgument(f"no such task: {task_id}")
        code = integer(exit_code)
        if code is None:
            raise InvalidArgument(f"exit_code must be an integer, not {exit_code!r}")
        if not 0 <= code <= 255:
            raise InvalidArgument(f"exit_code must be between 0 and 255, not {code}")
        if not task.node_id:
            return False
        return self.agents[task.node_id].kill(task_id, code)

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

    def settle(self, timeout: float = 3600.0, *, step: float = 1.0) -> SettleResult:
        """Run until every service has converged and no update is in flight.

        Looks every ``step`` virtual seconds, for at most ``timeout`` seconds;
        the result says whether the swarm settled, when, and which services
        were still converging or are held by a paused update
        (:mod:`swarmsim.settle`).  A swarm already settled does not move.

        Raises
        ------
        InvalidArgument
            For a timeout that is negative or not a finite number, or a step
            that is not positive.

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
        start = self.now
        deadline = start + timeout
        seen = -1  # trace length at the last look: nothing changes between records
        moving: list[str] = []
        while True:
            if len(self.trace) != seen:
                seen = len(self.trace)
                moving, held = unsettled(self.ctx.store, self._reachable)
                if not moving:
                    return SettleResult(True, self.now, self.now - start, (), tuple(held))
            if self.now >= deadline:
                return SettleResult(False, self.now, self.now - start, tuple(moving), tuple(held))
            self.run(min(deadline, self.now + step))

    def _reachable(self, node_id: str) -> bool:
        agent = self.agents.get(node_id)
        return agent is not None and agent.up and agent.connected

    # -------------------------------------------------------------- results
    @property
    def trace(self) -> Trace:
        """Every recorded change."""
        return self.ctx.trace

    def dataframe(self) -> pd.DataFrame:
        """The trace as a pandas DataFrame."""
        return self.ctx.trace.to_dataframe()

    def plot_tasks(self, service: str | None = None, **options: Any) -> Axes:
        """Per-node timeline of the tasks (see :func:`swarmsim.viz.task_gantt`)."""
        from swarmsim.viz import plot_tasks

        return plot_tasks(self, service, **options)

    def plot_replicas(self, service: str, **options: Any) -> Axes:
        """Running replicas over time (see :func:`swarmsim.viz.replicas_over_time`)."""
        from swarmsim.viz import plot_replicas

        return plot_replicas(self, service, **options)

    # --------------------------------------------------------------- docker
    def docker(self, command: str, *, check: bool = False) -> CommandResult:
        """Run one ``docker ...`` command line against this swarm.

        With ``check=True`` a command that exits non-zero raises
        :class:`~swarmsim.errors.CommandFailed` carrying docker's message
        (what a sweep records in its ``error`` column).

        >>> Swarm(seed=0).docker("docker service rm web", check=True)
        Traceback (most recent call last):
        ...
        swarmsim.errors.CommandFailed: Error response from daemon: service web not found
        """
        from swarmsim.cli.docker import run_command_line
        from swarmsim.errors import CommandFailed

        if not isinstance(command, str):
            raise InvalidArgument(f"a docker command is a string, not {command!r}")
        result = run_command_line(self, command)
        if check and not result.ok:
            raise CommandFailed(command, result.stdout, result.stderr, result.exit_code)
        return result

    def run_script(self, text: str) -> ScriptResult:
        """Run the lines of a lesson (docker commands, ``sleep``, faults...) as the shell does.

        Examples
        --------
        >>> swarm = Swarm(seed=0)
        >>> result = swarm.run_script("image bad:1 pull_error=true\\nsleep 1m\\nfail worker2\\n")
        >>> result.exit_code, swarm.now
        (0, 60.0)
        """
        from swarmsim.cli.transcript import run_script

        return run_script(self, text)

    def run_scenario(self, path: str | os.PathLike[str], *, lang: str = "en") -> ScenarioResult:
        """Replay a scenario file's images, steps and expectations on this swarm.

        The file's ``cluster`` and ``seed`` are not applied (this swarm is
        already built); :func:`swarmsim.scenario.run_scenario` builds a new
        swarm from the file instead.
        """
        from swarmsim.scenario.runner import run_scenario

        return run_scenario(path, lang=lang, swarm=self)

    # ---------------------------------------------------------------- repr
    def __repr__(self) -> str:
        """The cluster at a glance: clock, nodes with their running tasks, services.

        >>> Swarm(seed=0, workers=1)
        <Swarm seed=0 t=0s: 2 nodes, 0 services>
          manager1  manager  ready  active  0 running
          worker1   worker   ready  active  0 running
        """
        from swarmsim.units import format_duration

        store = self.ctx.store
        nodes = list(store.nodes.values())
        services = list(store.services.values())
        lines = [
            f"<Swarm seed={self.ctx.sim.seed} t={format_duration(self.now)}: "
            f"{len(nodes)} nodes, {len(services)} services>"
        ]
        width = max((len(n.hostname) for n in nodes[:_REPR_ROWS]), default=0)
        for node in nodes[:_REPR_ROWS]:
            running = sum(1 for t in store.tasks_on_node(node.id) if t.state == TaskState.RUNNING)
            lines.append(
                f"  {node.hostname:<{width}}  {node.role.api_name:<7}  {node.status.api_name:<5}"
                f"  {node.availability.api_name:<6}  {running} running"
            )
        if len(nodes) > _REPR_ROWS:
            lines.append(f"  ... and {len(nodes) - _REPR_ROWS} more nodes")
        for service in services[:_REPR_ROWS]:
            running = sum(
                1 for t in store.tasks_of_service(service.id) if t.state == TaskState.RUNNING
            )
            update = service.update_status
            state = f", update {update.state.api_name}" if update else ""
            lines.append(f"  service {service.spec.name}: {running} running{state}")
        if len(services) > _REPR_ROWS:
            lines.append(f"  ... and {len(services) - _REPR_ROWS} more services")
        return "\n".join(line.rstrip() for line in lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("<Swarm ...>" if cycle else repr(self))

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"
