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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from swarmsim.agent.images import ImageModel
from swarmsim.agent.worker import Agent
from swarmsim.api.enums import Availability, NodeRole, NodeStatus, TaskState
from swarmsim.api.objects import Network, Node
from swarmsim.api.specs import make_labels
from swarmsim.context import ClusterSettings, Context
from swarmsim.errors import InvalidArgument
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

if TYPE_CHECKING:
    import os

    import pandas as pd
    from matplotlib.axes import Axes

    from swarmsim.cli.transcript import ScriptResult
    from swarmsim.scenario.runner import ScenarioResult
    from swarmsim.trace import Trace

GIB = 1024**3
_REPR_ROWS = 20  # nodes and services shown by repr(swarm)


def _count(name: str, value: object, least: int) -> int:
    """``value`` as a node count of at least ``least``, else :class:`InvalidArgument`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidArgument(f"{name} must be a whole number >= {least}, not {value!r}")
    return value


def _seconds(name: str, value: object) -> float:
    """``value`` as a finite number of seconds, else :class:`InvalidArgument`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgument(f"{name} must be a finite number of seconds, not {value!r}")
    return float(value)


def _resources(cpus: object, memory: object) -> None:
    """Reject node resources that are not positive numbers."""
    if isinstance(cpus, bool) or not isinstance(cpus, int | float) or not cpus > 0:
        raise InvalidArgument(f"cpus must be a positive number, not {cpus!r}")
    if isinstance(memory, bool) or not isinstance(memory, int) or memory <= 0:
        raise InvalidArgument(f"memory must be a positive number of bytes, not {memory!r}")


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
        For fewer than one manager, a negative number of workers, or
        resources that are not positive.

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
        managers = _count("managers", managers, 1)
        workers = _count("workers", workers, 0)
        _resources(cpus, memory)
        if nodes is not None and not any(n.get("role") == NodeRole.MANAGER for n in nodes):
            raise InvalidArgument("nodes must hold at least one manager")
        self.ctx = Context.create(seed, settings)
        self.images = ImageModel()
        self.raft = Raft(self.ctx)
        self.dispatcher = Dispatcher(self.ctx)
        self.allocator = Allocator(self.ctx)
        self.scheduler = Scheduler(self.ctx)
        self.restarts = RestartSupervisor(self.ctx)
        self.updates = UpdateSupervisor(self.ctx, self.restarts)
        self.replicated = ReplicatedOrchestrator(self.ctx, self.restarts, self.updates)
        self.global_orchestrator = GlobalOrchestrator(self.ctx, self.restarts, self.updates)
        self.reaper = TaskReaper(self.ctx)
        self.enforcer = ConstraintEnforcer(self.ctx)
        self.agents: dict[str, Agent] = {}
        self.current_node_id = ""
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
        """
        store = self.ctx.store
        if not isinstance(hostname, str) or not hostname:
            raise InvalidArgument(f"a node needs a hostname, not {hostname!r}")
        if store.node_by_name(hostname) is not None:
            raise InvalidArgument(f"a node named {hostname!r} already exists")
        if not isinstance(role, NodeRole):
            raise InvalidArgument(f"role must be a NodeRole, not {role!r}")
        if not isinstance(availability, Availability):
            raise InvalidArgument(f"availability must be an Availability, not {availability!r}")
        _resources(cpus, memory)
        index = len(store.nodes) + 2
        node = Node(
            id=self.ctx.ids.new(),
            hostname=hostname,
            role=role,
            availability=availability,
            labels=make_labels(labels or {}),
            engine_labels=make_labels(engine_labels or {}),
            status=NodeStatus.READY,
            addr=address or f"192.168.65.{index}",
            nano_cpus=int(cpus * 1e9),
            memory_bytes=memory,
            created_at=self.ctx.now,
        )
        store.create_node(node)
        if role == NodeRole.MANAGER:
            self.raft.add_member(node.id)
            if not self.current_node_id:
                self.current_node_id = node.id
        agent = Agent(self.ctx.sim, node.id, self.dispatcher, self.images)
        self.agents[node.id] = agent
        agent.start()
        return node

    def node(self, name_or_id: str) -> Node:
        """The node with this hostname or id."""
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
        self.raft.set_reachable(node.id, False)

    def recover_node(self, name: str) -> None:
        """The machine boots again and rejoins (its containers are gone)."""
        node = self.node(name)
        self.agents[node.id].recover()
        self.raft.set_reachable(node.id, True)

    def disconnect_node(self, name: str) -> None:
        """The node's network to the managers fails; its containers keep running."""
        node = self.node(name)
        self.agents[node.id].disconnect()
        self.raft.set_reachable(node.id, False)

    def reconnect_node(self, name: str) -> None:
        """The node's network comes back."""
        node = self.node(name)
        self.agents[node.id].reconnect()
        self.raft.set_reachable(node.id, True)

    def kill_task(self, task_id: str, exit_code: int = 1) -> bool:
        """Make a running task's container exit with ``exit_code``; False if not running.

        Raises
        ------
        InvalidArgument
            When no task has the id ``task_id``.
        """
        task = self.ctx.store.tasks.get(task_id)
        if task is None:
            raise InvalidArgument(f"no such task: {task_id}")
        if isinstance(exit_code, bool) or not isinstance(exit_code, int):
            raise InvalidArgument(f"exit_code must be an integer, not {exit_code!r}")
        if not task.node_id:
            return False
        return self.agents[task.node_id].kill(task_id, exit_code)

    # ------------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Current virtual time in seconds."""
        return self.ctx.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of virtual time pass (a finite, non-negative number)."""
        seconds = _seconds("seconds", seconds)
        if seconds < 0:
            raise InvalidArgument("cannot advance by a negative time")
        self.ctx.sim.run(self.ctx.now + seconds)

    def run(self, until: float) -> None:
        """Run until virtual time ``until`` (nothing happens if it is already past)."""
        until = _seconds("until", until)
        if until > self.ctx.now:
            self.ctx.sim.run(until)

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
    def docker(self, command: str) -> CommandResult:
        """Run one ``docker ...`` command line against this swarm."""
        from swarmsim.cli.docker import run_command_line

        return run_command_line(self, command)

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
