"""Heartbeat leases: the heartbeats of healthy sessions, computed when needed.

Every agent sends a heartbeat every five seconds or so and the dispatcher
answers with the next period, drawn from its random stream, and pushes the
node's deadline forward (:mod:`swarmsim.manager.dispatcher`, after
``swarmkit: manager/dispatcher/dispatcher.go``; :mod:`swarmsim.agent.worker`,
after ``agent/session.go``).  While a session is healthy none of this is seen:
the deadline is never reached, no message is lost, and the only lasting
effects are the draws and the deadline.  On a Swarm2K-sized swarm those beats
and their deadline checks were a tenth of a rolling update's cost.

So once a heartbeat got through on a path that cannot lose it, the agent may
hand its next ones to the leases.  They keep the node's next beat and its
pending deadline check in a heap of their own, off the simulation's queue,
and run them only when something could tell the difference:

- before the dispatcher draws for a heartbeat that was not leased (the draws
  come from one stream: they must keep their order);
- when a leased node's deadline check comes out of the queue;
- when the simulation pauses (``Simulation.on_pause``): a command or a
  change of settings made between two runs finds every beat before it done;
- when a session could stop being healthy — its agent crashes or is cut off,
  the underlay changes, leadership is lost or won, the node registers again
  or is removed, the settings changed — the leases first run the beats due
  before that instant, then hand the node back: its next beat and its
  deadline check go into the simulation's queue at the times they would have
  had, and it beats as before until its next heartbeat gets through.  A
  change of one machine on a single link (a worker stops, its link is cut)
  hands back that machine's node only, unless it is the leader's.

The beats run in the order of their times, draw the same numbers and set the
same deadlines as the agents and the dispatcher would: traces are the same
byte for byte (``tests/manager/test_heartbeats.py`` compares runs with and
without leases).  Only the order of a leased event against another event
due at the very same float time could differ; the periods' random jitter
makes that a zero-probability tie, and with ``heartbeat_epsilon`` at 0 (no
jitter: beats on round times) nothing is leased.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING

from swarmsim.context import Context
from swarmsim.net.transport import DISPATCHER, Transport

if TYPE_CHECKING:
    from swarmsim.agent.worker import Agent

_MIN_GRACE = 2
"""Leased only with a grace multiplier of at least 2: a check then always finds
the deadline ahead (it lies a period or more past the next beat)."""


class _Lease:
    """The heartbeats of one node while leased."""

    __slots__ = ("agent", "epoch", "live", "next_at", "node_id", "period", "timer_at", "timer_due")

    def __init__(self, agent: Agent, epoch: int, next_at: float) -> None:
        self.agent = agent
        self.node_id = agent.node_id
        self.epoch = epoch
        self.period = agent.period
        self.next_at = next_at
        self.live = True
        # the pending deadline check: its deadline, and when it comes out of the
        # queue; timer_due is None while it is a real event in the queue
        self.timer_at = 0.0
        self.timer_due: float | None = None


class DeadlineBook:
    """The dispatcher's record of its nodes' heartbeats, which the leases keep up.

    Parameters
    ----------
    rng
        The stream the dispatcher draws each next period from.
    deadlines
        Node ID to the time its node is due to be marked down.
    timers
        Node ID to the deadline its pending check was set for.
    grace
        Node ID to its grace multiplier (``ClusterSettings.grace_multiplier``
        when absent).
    check
        What a deadline check runs: ``check(node_id, deadline)``.
    """

    def __init__(
        self,
        rng: random.Random,
        deadlines: dict[str, float],
        timers: dict[str, float],
        grace: dict[str, int],
        check: Callable[[str, float], None],
    ) -> None:
        self.rng = rng
        self.deadlines = deadlines
        self.timers = timers
        self.grace = grace
        self.check = check


class HeartbeatLeases:
    """The leased heartbeats of a dispatcher's nodes (see the module's docstring)."""

    def __init__(self, ctx: Context, transport: Transport, book: DeadlineBook) -> None:
        self._book = book
        self._transport = transport
        self._ctx = ctx
        self._settings = ctx.settings
        self._leases: dict[str, _Lease] = {}
        self._on_machine: dict[str, _Lease] = {}  # by the machine its agent runs on
        self._heap: list[tuple[float, int, _Lease]] = []
        self._order = count()
        self._seen = self._settings_key()
        ctx.sim.on_pause.append(self.catch_up)
        ctx.sim.on_resume.append(self._check_settings)

    def __len__(self) -> int:
        """How many nodes' heartbeats are leased now."""
        return len(self._leases)

    def leased(self, node_id: str) -> bool:
        """Whether the node's heartbeats are leased now."""
        return node_id in self._leases

    # ---------------------------------------------------------- taking over
    def offer(self, agent: Agent, epoch: int) -> bool:
        """Take the next heartbeats of an agent whose heartbeat just got through.

        Taken only when nothing can go wrong until something changes: a
        leader, the node registered and its deadline check pending, a path
        to the leader that loses nothing, jitter, and a grace of at least 2.
        """
        book = self._book
        settings = self._settings
        node_id = agent.node_id
        if (
            settings.heartbeat_epsilon <= 0
            or not self._ctx.leadership.active
            or node_id not in book.deadlines
            or node_id not in book.timers
            or book.grace.get(node_id, settings.grace_multiplier) < _MIN_GRACE
            or not self._transport.reliable(agent.machine, DISPATCHER)
        ):
            return False
        now = self._ctx.sim.env._now
        lease = _Lease(agent, epoch, now + agent.period)  # where call_later would queue it
        lease.timer_at = book.timers[node_id]
        self._leases[node_id] = lease
        self._on_machine[agent.machine] = lease
        heappush(self._heap, (lease.next_at, next(self._order), lease))
        return True

    # ------------------------------------------------------------- beating
    def catch_up(self, until: float) -> None:
        """Run every leased heartbeat due before ``until``, in time order."""
        heap = self._heap
        if not heap or heap[0][0] >= until:
            return
        book = self._book
        uniform, deadlines, timers, grace = (
            book.rng.uniform,
            book.deadlines,
            book.timers,
            book.grace,
        )
        order = self._order
        base, eps, default_grace = self._settings_key()
        while heap and heap[0][0] < until:
            at, _, lease = heappop(heap)
            if not lease.live:
                continue
            node_id = lease.node_id
            due = lease.timer_due
            if due is not None and due < at:
                self._check(lease, due)  # the deadline check comes first
            # what Dispatcher.heartbeat and _arm_deadline do, the clock at ``at``
            period = base + uniform(-eps, eps)
            deadline = at + period * grace.get(node_id, default_grace)
            deadlines[node_id] = deadline
            if lease.timer_at > deadline:  # a deadline earlier than the pending check
                lease.timer_at = deadline
                lease.timer_due = at + (deadline - at)
                timers[node_id] = deadline
            # what the agent does with the answer
            lease.period = period
            lease.next_at = next_at = at + period
            heappush(heap, (next_at, next(order), lease))

    def _check(self, lease: _Lease, due: float) -> float:
        """A virtual deadline check comes out at ``due``: it finds the deadline ahead.

        Returns when the next check is due.
        """
        deadline = self._book.deadlines[lease.node_id]
        lease.timer_at = deadline
        lease.timer_due = next_due = due + (deadline - due)  # as the dispatcher queues it
        self._book.timers[lease.node_id] = deadline
        return next_due

    def check_due(self, node_id: str, deadline: float) -> bool:
        """A leased node's real deadline check came out and found ``deadline`` ahead.

        The next check is kept here instead of in the queue (True); False
        when the node is not leased.
        """
        lease = self._leases.get(node_id)
        if lease is None:
            return False
        now = self._ctx.sim.env._now
        lease.timer_at = deadline
        lease.timer_due = now + (deadline - now)
        self._book.timers[node_id] = deadline
        return True

    # ---------------------------------------------------------- handing back
    def release(self, node_id: str) -> None:
        """Hand a node's heartbeats back to its agent (something may change now)."""
        lease = self._leases.get(node_id)
        if lease is None:
            return
        now = self._ctx.sim.env._now
        self.catch_up(now)
        del self._leases[node_id]
        if self._on_machine.get(lease.agent.machine) is lease:
            del self._on_machine[lease.agent.machine]
        self._hand_back(lease, now)

    def release_all(self) -> None:
        """Hand every node's heartbeats back to its agent."""
        if not self._leases:
            return
        now = self._ctx.sim.env._now
        self.catch_up(now)
        leases = list(self._leases.values())
        self._leases.clear()
        self._on_machine.clear()
        self._heap.clear()
        for lease in leases:
            self._hand_back(lease, now)

    def routes_changed(self, machine: str | None) -> None:
        """An underlay listener: the routes of ``machine`` alone changed, or any (None).

        The nodes whose path to the leader may have changed are handed back:
        the one on ``machine``, or every one when it is the leader's or when
        any route may have changed.
        """
        if machine is None or machine == self._transport.where(DISPATCHER):
            self.release_all()
            return
        lease = self._on_machine.get(machine)
        if lease is not None:
            self.release(lease.node_id)

    def _hand_back(self, lease: _Lease, now: float) -> None:
        lease.live = False
        due = lease.timer_due
        if due is not None:  # a virtual check: into the queue, where it would be now
            if due < now:
                due = self._check(lease, due)
            self._ctx.sim.call_at(due, self._book.check, lease.node_id, lease.timer_at)
        lease.agent.resume_heartbeats(lease.next_at, lease.period, lease.epoch)

    # ------------------------------------------------------------- settings
    def _settings_key(self) -> tuple[float, float, int]:
        settings = self._settings
        return (settings.heartbeat_period, settings.heartbeat_epsilon, settings.grace_multiplier)

    def _check_settings(self) -> None:
        """Settings changed between two runs: the leases start again from them."""
        key = self._settings_key()
        if key != self._seen:
            self._seen = key
            self.release_all()
