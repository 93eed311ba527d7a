"""What every component of a simulated swarm shares: clock, store, ids, settings.

A :class:`Context` is built once per swarm and handed to each component
(allocator, scheduler, dispatcher, orchestrators, agents...).  It replaces the
process-wide singletons and the gRPC plumbing of swarmkit with plain objects.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MethodType
from typing import cast

import simpy

from swarmsim.api.objects import Statuses
from swarmsim.errors import InvalidArgument
from swarmsim.ids import IdGenerator
from swarmsim.sim import Process, Simulation
from swarmsim.store import Store
from swarmsim.trace import Trace


@dataclass(slots=True)
class ClusterSettings:
    """Cluster-wide settings (``docker swarm init/update`` flags and swarmkit constants).

    The last five fields are the simulator's own size limits (see
    ``docs/limits.md`` and :mod:`swarmsim.limits`): a request that would take
    the swarm past them is refused up front instead of running for hours.
    Raise them with e.g. ``Swarm(settings=ClusterSettings(max_tasks=10**6))``.

    Attributes
    ----------
    max_nodes
        Nodes in the swarm (``Swarm(workers=...)``, ``add_node``, ``node add``).
    max_tasks
        Tasks the services ask for together: the replicas of every replicated
        service plus one per node for every global service.
    max_time
        The virtual clock's horizon in seconds (``advance``, ``run``, ``sleep``).
    max_node_seconds
        Virtual seconds times nodes that one ``advance``, ``run`` or ``sleep``
        may cover: every node heartbeats every few seconds, so this bounds the
        work of one call (10**8, about a minute of wall time).
    data_path_port
        The UDP port of overlay (VXLAN) traffic between machines
        (``docker swarm init --data-path-port``, 1024 to 49151; 4789 by default).
    default_addr_pool, default_addr_pool_mask_length
        The address pools overlay networks' subnets are carved from, and the
        subnets' prefix length (``docker swarm init --default-addr-pool``,
        ``--default-addr-pool-mask-length``; ``10.0.0.0/8`` and 24 by default).
    max_trace_records
        Records the trace may hold (about 175 bytes each): a run stops with an
        error once it grows past them, as when a service fails in a tight loop
        for weeks of virtual time.
    """

    task_history_limit: int = 5
    heartbeat_period: float = 5.0
    heartbeat_epsilon: float = 0.5
    grace_multiplier: int = 3
    dispatcher_batch: float = 0.1
    scheduler_debounce: float = 0.05
    scheduler_max_latency: float = 1.0
    reaper_batch: float = 0.25
    old_task_timeout: float = 60.0
    node_down_orphan_period: float = 24 * 3600.0
    network_latency: float = 0.001
    data_path_port: int = 4789
    default_addr_pool: tuple[str, ...] = ("10.0.0.0/8",)
    default_addr_pool_mask_length: int = 24
    max_nodes: int = 10_000
    max_tasks: int = 100_000
    max_time: float = 365 * 24 * 3600.0
    max_node_seconds: float = 1e8
    max_trace_records: int = 2_000_000

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse a value that would stall or reverse the clock, when built or changed later."""
        if name == "task_history_limit":  # negative: never reap
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif name == "default_addr_pool":
            ok = _valid_pools(value)
        elif name == "default_addr_pool_mask_length":
            ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 32
        elif name == "data_path_port":
            ok = isinstance(value, int) and not isinstance(value, bool) and 1024 <= value <= 49151
        elif name in ("grace_multiplier", "max_nodes", "max_tasks", "max_trace_records"):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        else:
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value >= 0
            )
        if not ok:
            raise InvalidArgument(f"cluster setting {name} cannot be {value!r:.80}")
        object.__setattr__(self, name, value)

    def __post_init__(self) -> None:
        """Refuse a heartbeat jitter as long as the heartbeat period."""
        if self.heartbeat_epsilon >= self.heartbeat_period:
            raise InvalidArgument(
                "cluster setting heartbeat_epsilon must be below heartbeat_period"
            )


def _valid_pools(value: object) -> bool:
    """Whether ``value`` is a non-empty tuple of IPv4 networks (``10.0.0.0/8``)."""
    if not isinstance(value, tuple) or not value:
        return False
    try:
        for pool in value:
            if not isinstance(pool, str):
                return False
            ipaddress.IPv4Network(pool)
    except ValueError:
        return False
    return True


def _always() -> bool:
    return True


def clock_of(env: simpy.Environment) -> Callable[[], float]:
    """A callable without arguments that returns ``env.now``, as cheaply as Python allows.

    It is the getter of SimPy's ``now`` property bound to ``env``: one Python
    frame per call, where a ``lambda: env.now`` costs two.  The store reads the
    clock on every commit, hundreds of thousands of times in a large update.

    Examples
    --------
    >>> env = simpy.Environment(initial_time=4.5)
    >>> clock_of(env)()
    4.5
    """
    now: property = simpy.Environment.__dict__["now"]
    getter = cast("Callable[[simpy.Environment], float]", now.fget)
    return MethodType(getter, env)


class Leadership:
    """Whether a Raft leader exists; leader-only components follow it.

    Mirrors the split in ``swarmkit: manager/manager.go`` where ``becomeLeader``
    starts the dispatcher, allocator, scheduler and orchestrators and
    ``becomeFollower`` stops them.
    """

    def __init__(self) -> None:
        self.active = True
        self._listeners: list[Callable[[bool], None]] = []
        # whether the machine the CLI talks to reaches the leader (a partition may cut it off)
        self.client_view: Callable[[], bool] = _always

    @property
    def visible(self) -> bool:
        """Whether a request from the CLI finds a leader."""
        return self.active and self.client_view()

    def subscribe(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(active)`` whenever leadership is lost or regained."""
        self._listeners.append(listener)

    def set(self, active: bool) -> None:
        """Announce a leader (``True``) or the loss of one (``False``)."""
        if active == self.active:
            return
        self.active = active
        for listener in self._listeners:
            listener(active)


@dataclass
class Context:
    """Shared plumbing of one simulated swarm."""

    sim: Simulation
    store: Store
    trace: Trace
    ids: IdGenerator
    settings: ClusterSettings = field(default_factory=ClusterSettings)
    leadership: Leadership = field(default_factory=Leadership)
    statuses: Statuses = field(default_factory=Statuses)  # task statuses shared in an instant

    @classmethod
    def create(cls, seed: int = 0, settings: ClusterSettings | None = None) -> Context:
        """A fresh context: new clock, empty store and trace, ids from the seed."""
        sim = Simulation(seed)
        env = sim.env
        clock = clock_of(env)
        trace = Trace(clock=clock)
        store = Store(trace, clock)
        return cls(sim, store, trace, IdGenerator(sim.rng("ids")), settings or ClusterSettings())

    @property
    def now(self) -> float:
        """Current virtual time (hot paths keep :func:`clock_of` the environment instead)."""
        return self.sim.env.now


class Worker:
    """A SimPy process that sleeps until :meth:`kick` says there is work.

    Components that react to store events record what changed and call
    :meth:`kick`; the process then runs :meth:`work` once for all the changes
    gathered so far, after ``delay`` virtual seconds (0 = at the same instant,
    after the committing code returns, like swarmkit's event loops).
    """

    def __init__(self, sim: Simulation, work: Callable[[], None], delay: float = 0.0) -> None:
        self._sim = sim
        self._work = work
        self._delay = delay
        self._wake: simpy.Event | None = None
        self._pending = False
        sim.process(self._loop())

    def kick(self) -> None:
        """Ask for :meth:`work` to run soon."""
        self._pending = True
        if self._wake is not None and not self._wake.triggered:
            self._wake.succeed()

    def _loop(self) -> Process:
        while True:
            if not self._pending:
                self._wake = self._sim.env.event()
                yield self._wake
                self._wake = None
            if self._delay:
                yield self._sim.timeout(self._delay)
            else:
                # let the committing code finish before acting, as after a store commit
                yield self._sim.timeout(0)
            self._pending = False
            self._work()
