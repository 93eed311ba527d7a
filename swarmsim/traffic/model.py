"""Request loads: clients sending requests at a rate, counted per time window.

:meth:`Swarm.traffic <swarmsim.swarm.Swarm.traffic>` starts a :class:`Load`:
a client sends ``rate`` requests per second to a target (``:PORT`` through
the routing mesh, ``SERVICE:PORT`` on an overlay network) until
:meth:`Load.stop`.  Each request reaches a task or fails for a reason of
:data:`~swarmsim.traffic.mesh.REASONS`; a task serves up to its image's
``requests_per_second`` (:class:`~swarmsim.agent.images.ImageProfile`), the
rest of what reaches it fails as ``overloaded`` (shared by every load reaching
it).  Every ``window`` seconds a load writes one ``requests`` trace record per
outcome (:meth:`~swarmsim.trace.Trace.requests`), read back by
:func:`swarmsim.metrics.requests_frame`.

How requests are counted (no event per request)
------------------------------------------------
The state that decides a request's fate changes only at events: a task
changes state, a service or node changes, the underlay is cut or healed.  The
:class:`TrafficModel` re-plans every load at such an instant (once per
instant, for the tasks of the services loads touch) and, in between, counts
requests analytically over the interval: with ``arrivals="fixed"`` (the
default) requests leave every ``1/rate`` seconds from the load's start, so an
interval ``[a, b)`` holds exactly the requests whose times fall in it, split
among outcomes in proportion to the plan (round robin over the backends, as
IPVS does) with the rounding remainders carried to the next interval, so
counts over many intervals match the proportions; with
``arrivals="poisson"`` the count of an interval is drawn from a Poisson law
and split by a multinomial draw, from the load's own seeded stream.  A
1,000 req/s load for an hour costs one event per window plus one plan per
change of state.

Differences
-----------
A change the managers do not see is noticed only when something else
happens: a container that exits by itself is seen when its status reaches
the managers (within a dispatcher batch).  Requests have no duration: each
one is counted at the instant it leaves, with the latency of its path
(client to the entry node and entry node to the task's machine, one way).
Overload is decided on rates, not queues: a task receiving more than its
capacity fails the excess in proportion.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from swarmsim.arguments import finite_seconds, real
from swarmsim.errors import InvalidArgument
from swarmsim.store import NetworkEvent, NodeEvent, ServiceEvent, TaskEvent
from swarmsim.traffic.mesh import (
    OK,
    OVERLOADED,
    REASONS,
    Client,
    Cluster,
    Mesh,
    Target,
    parse_target,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["OUTCOMES", "Load", "TrafficModel", "traffic_of"]

#: Every outcome in the order records are written.
OUTCOMES = (OK, *REASONS)
_ATTRIBUTE = "_traffic_model"  # the attribute of a swarm holding its model (owned here)

Arrivals = Literal["fixed", "poisson"]


class Load:
    """Requests from one client to one target at a constant rate, until stopped.

    Attributes
    ----------
    name, target, rate, window, arrivals
        As given to :meth:`TrafficModel.start`.
    source
        The client as given (a hostname, a service name or ``None``).
    started_at, stopped_at
        Virtual times (``stopped_at`` is ``None`` while it runs).
    """

    def __init__(
        self,
        model: TrafficModel,
        name: str,
        target: Target,
        rate: float,
        client: Client,
        source: str | None,
        window: float,
        arrivals: Arrivals,
    ) -> None:
        self.model = model
        self.name = name
        self.target = target
        self.rate = rate
        self.client = client
        self.source = source
        self.window = window
        self.arrivals = arrivals
        self.started_at = model.now
        self.stopped_at: float | None = None
        self.fractions: dict[str, float] = {}  # outcome -> share of requests (the plan)
        self.latency = 0.0  # mean latency of the requests served under the plan
        self._since = self.started_at  # requests before this are counted
        self._window_start = self.started_at
        self._counts: dict[str, int] = {}
        self._latency_sum = 0.0
        self._carry: dict[str, float] = {}
        self._token = 0
        self._generator: np.random.Generator | None = None
        if arrivals == "poisson":
            import numpy as np

            seed = model.swarm.ctx.sim.rng("traffic").getrandbits(64)
            self._generator = np.random.default_rng(seed)

    @property
    def active(self) -> bool:
        """Whether the load still sends requests."""
        return self.stopped_at is None

    def stop(self) -> None:
        """Stop sending: the last (partial) window is recorded now."""
        if self.stopped_at is None:
            self.model.stop(self)

    def __repr__(self) -> str:
        state = "running" if self.active else f"stopped at {self.stopped_at:g}s"
        return f"<Load {self.name}: {self.rate:g}/s to {self.target} ({state})>"

    # ------------------------------------------------------------- counting
    def count_until(self, now: float) -> None:
        """Count the requests sent since the last count under the current plan."""
        start, self._since = self._since, now
        if now <= start:
            return
        if self._generator is not None:
            sent = int(self._generator.poisson(self.rate * (now - start)))
        else:
            sent = self._sent_by(now) - self._sent_by(start)
        if sent <= 0:
            return
        split = self._split(sent)
        counts = self._counts
        for outcome, n in split.items():
            counts[outcome] = counts.get(outcome, 0) + n
        self._latency_sum += split.get(OK, 0) * self.latency

    def _sent_by(self, time: float) -> int:
        """Requests sent (fixed spacing) before ``time``."""
        return max(0, math.ceil((time - self.started_at) * self.rate - 1e-9))

    def _split(self, sent: int) -> dict[str, int]:
        fractions = self.fractions or {OK: 1.0}
        if self._generator is not None:
            names = list(fractions)
            probabilities = [fractions[name] for name in names]
            total = sum(probabilities)
            drawn = self._generator.multinomial(sent, [p / total for p in probabilities])
            return {name: int(n) for name, n in zip(names, drawn, strict=True) if n}
        # largest remainders, the remainders carried to the next interval
        quotas = {o: max(0.0, sent * f + self._carry.get(o, 0.0)) for o, f in fractions.items()}
        counts = {o: min(sent, math.floor(q)) for o, q in quotas.items()}
        missing = sent - sum(counts.values())
        order = sorted(quotas, key=lambda o: counts[o] - quotas[o])  # largest remainder first
        index = 0
        while missing > 0:
            counts[order[index % len(order)]] += 1
            missing -= 1
            index += 1
        for outcome in reversed(order):
            while missing < 0 and counts[outcome] > 0:
                counts[outcome] -= 1
                missing += 1
        self._carry = {o: quotas[o] - counts[o] for o in fractions}
        return {o: n for o, n in counts.items() if n}

    def close_window(self, now: float) -> None:
        """Write the window that ends now into the trace and start the next one."""
        self.count_until(now)
        trace = self.model.swarm.ctx.trace
        counts, start = self._counts, self._window_start
        ok = counts.get(OK, 0)
        latency_us = round(self._latency_sum / ok * 1e6) if ok else 0
        client = self.model.client_label(self)
        for outcome in OUTCOMES:
            count = counts.get(outcome, 0)
            if count:
                lat = latency_us if outcome == OK else 0
                trace.requests(start, self.name, client, str(self.target), outcome, count, lat)
        self._counts = {}
        self._latency_sum = 0.0
        self._window_start = now


class TrafficModel:
    """The loads of one swarm, re-planned whenever the state they depend on changes."""

    def __init__(self, swarm: Cluster) -> None:
        self.swarm = swarm
        self.mesh = Mesh(swarm)
        self.loads: dict[str, Load] = {}  # the running loads by name
        self.per_task: dict[str, tuple[float, int]] = {}  # service id -> (req/s reaching, tasks)
        self._services: set[str] = set()  # ids of the services the loads touch
        self._pending = False
        self._counter = 0
        store = swarm.ctx.store
        store.watch(self._on_task, TaskEvent)
        store.watch(self._on_change, ServiceEvent, NodeEvent, NetworkEvent)
        swarm.underlay.listeners.append(self.replan)

    @property
    def now(self) -> float:
        """The virtual clock."""
        return self.swarm.ctx.now

    # ---------------------------------------------------------------- loads
    def start(
        self,
        target: str,
        rate: float,
        source: str | None = None,
        *,
        network: str | None = None,
        name: str | None = None,
        window: float = 1.0,
        arrivals: Arrivals = "fixed",
    ) -> Load:
        """Start a load (see :meth:`Swarm.traffic <swarmsim.swarm.Swarm.traffic>`)."""
        parsed = parse_target(target)
        number = real(rate)
        if number is None or number <= 0:
            raise InvalidArgument(
                f"rate must be a positive number of requests per second, not {rate!r:.80}"
            )
        rate = number
        window = finite_seconds("window", window)
        if window <= 0:
            raise InvalidArgument(f"window must be a positive number of seconds, not {window!r}")
        if arrivals not in ("fixed", "poisson"):
            raise InvalidArgument(f"arrivals must be 'fixed' or 'poisson', not {arrivals!r}")
        client = self._client(parsed, source, network)
        if name is None:
            self._counter += 1
            name = f"load{self._counter}"
        if not isinstance(name, str) or not name or any(c.isspace() for c in name):
            raise InvalidArgument(f"a load name is one word, not {name!r}")
        if name in self.loads:
            raise InvalidArgument(f"a load named {name} is already running")
        load = Load(self, name, parsed, rate, client, source, window, arrivals)
        self.loads[name] = load
        self._schedule_window(load)
        self.replan()
        return load

    def stop(self, load: Load) -> None:
        """Stop ``load``: count and record its last window."""
        now = self.now
        load.close_window(now)
        load.stopped_at = now
        load._token += 1
        del self.loads[load.name]
        if not self.loads:
            self.per_task = {}  # nothing reaches any task any more
        self.replan()

    def _client(self, target: Target, source: str | None, network: str | None) -> Client:
        store = self.swarm.ctx.store
        if source is not None and not isinstance(source, str):
            raise InvalidArgument(f"source must be a node or service name, not {source!r}")
        if network is not None:
            if not isinstance(network, str) or not target.service or source is None:
                raise InvalidArgument(
                    "network= names the network of a client on a node (SERVICE:PORT)"
                )
            node = self.swarm.node(source)
            found = store.networks.get(network) or next(
                (n for n in store.networks.values() if n.name == network), None
            )
            if found is None:
                raise InvalidArgument(f"network {network} not found")
            if not found.attachable:
                raise InvalidArgument(f"network {found.name} is not manually attachable")
            return Client(node=node.id, network=found.id)
        if target.service:
            service = store.service_by_name(source) if source else None
            if service is None:
                raise InvalidArgument(
                    f"a client of {target} is a service on a shared network (source=SERVICE)"
                    " or a node with an attachable network (source=NODE, network=NET)"
                )
            return Client(service=service.id)
        return Client(node=self.swarm.node(source).id if source else "")

    def client_label(self, load: Load) -> str:
        """The client as records name it: a hostname, a service, or ``""`` (outside)."""
        return load.source or ""

    def _schedule_window(self, load: Load) -> None:
        token = load._token
        self.swarm.ctx.sim.call_later(load.window, self._window_end, load, token)

    def _window_end(self, load: Load, token: int) -> None:
        if token != load._token:
            return
        load.close_window(self.now)
        self._schedule_window(load)

    # ------------------------------------------------------------- planning
    def _on_task(self, event: TaskEvent) -> None:
        if event.task.service_id in self._services:
            self.replan()

    def _on_change(self, event: object) -> None:
        if self.loads:
            self.replan()

    def replan(self, machine: str | None = None) -> None:
        """Plan the loads again once the current instant's changes are made.

        An underlay listener: ``machine`` (whose routes alone changed) is not
        needed, every load is planned again.
        """
        if not self._pending and self.loads:
            self._pending = True
            self.swarm.ctx.sim.call_later(0.0, self._replan)

    def _replan(self) -> None:
        self._pending = False
        now = self.now
        mesh = self.mesh
        plans = {}
        offered: dict[str, float] = {}  # task id -> requests per second reaching it
        for load in self.loads.values():
            load.count_until(now)
            plan = plans[load.name] = mesh.plan(load.target, load.client)
            for task_id, (fraction, _) in plan.tasks.items():
                offered[task_id] = offered.get(task_id, 0.0) + load.rate * fraction
        served = self._served_shares(offered)
        for load in self.loads.values():
            plan = plans[load.name]
            fractions = dict(plan.failed)
            ok = latency = 0.0
            for task_id, (fraction, lat) in plan.tasks.items():
                share = served[task_id]
                ok += fraction * share
                latency += fraction * share * lat
                if share < 1.0:
                    fractions[OVERLOADED] = fractions.get(OVERLOADED, 0.0) + fraction * (1 - share)
            if ok > 0:
                fractions[OK] = ok
            load.fractions = fractions
            load.latency = latency / ok if ok else 0.0
        self._services = self._touched()

    def _served_shares(self, offered: dict[str, float]) -> dict[str, float]:
        """Task id -> the share of what reaches it that it serves; the load per service."""
        store = self.swarm.ctx.store
        images = self.swarm.images
        shares: dict[str, float] = {}
        per_service: dict[str, list[float]] = {}
        for task_id, rate in offered.items():
            task = store.tasks[task_id]
            capacity = images.profile(task.spec.container.image).requests_per_second
            shares[task_id] = 1.0 if capacity is None or rate <= capacity else capacity / rate
            totals = per_service.setdefault(task.service_id, [0.0, 0.0])
            totals[0] += rate
            totals[1] += 1
        self.per_task = {sid: (total, int(n)) for sid, (total, n) in per_service.items()}
        return shares

    def _touched(self) -> set[str]:
        """Ids of the services whose tasks decide the loads' fate (targets and clients)."""
        store = self.swarm.ctx.store
        touched: set[str] = set()
        for load in self.loads.values():
            if load.client.service:
                touched.add(load.client.service)
            if load.target.service:
                service = store.service_by_name(load.target.service)
                if service is not None:
                    touched.add(service.id)
            else:
                for service in store.services.values():
                    if any(p.published_port == load.target.port for p in service.published_ports):
                        touched.add(service.id)
        return touched


def traffic_of(swarm: Cluster) -> TrafficModel:
    """The swarm's traffic model (made on first use)."""
    model: TrafficModel | None = getattr(swarm, _ATTRIBUTE, None)
    if model is None:
        model = TrafficModel(swarm)
        setattr(swarm, _ATTRIBUTE, model)
    return model
