"""Message delivery between the swarm's components along the underlay.

An *endpoint* is a component bound to a name (an agent under its node id,
the dispatcher under :data:`DISPATCHER`) and located on a machine (the
dispatcher on whichever manager leads).  Three ways to talk, as over gRPC:

- :meth:`Transport.call`: a unary request answered at once (register,
  heartbeat);
- :meth:`Transport.send`: a stream message (status reports, assignments),
  delivered after the path's latency, in order;
- :meth:`Transport.post`: a message with its own timer (the complete task
  set that opens a session).

A message to or from a machine that is down, cut off or on the other side of
a partition is lost, as are those the links' loss probabilities drop (drawn
from the ``net`` random stream, only when a path has a loss).  Mirrors the
gRPC connections of ``swarmkit: agent/session.go`` and
``manager/dispatcher/dispatcher.go``.

Differences
-----------
Unary calls take no virtual time (the caller gets its answer in the same
instant).  Whether a message is lost is decided when it is sent.  Stream
messages share one ordered delay line per destination kind and latency, so
the hot path costs three dictionary look-ups (endpoint, route, line), not a
graph search.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from swarmsim.net.underlay import Underlay
from swarmsim.sim import DelayLine, Simulation

DISPATCHER = "dispatcher"

Handler = Callable[[Any], Any]
Locator = Callable[[], str | None]


class Transport:
    """Carries messages between bound endpoints over an :class:`Underlay`."""

    def __init__(self, sim: Simulation, underlay: Underlay) -> None:
        self.sim = sim
        self.underlay = underlay
        self.lost = 0  # messages dropped so far
        self._handlers: dict[str, Handler] = {}
        self._locators: dict[str, Locator] = {}
        # per endpoint: its locator and the delay lines of its kind, by latency (one
        # look-up on the hot path, no key tuple built per message)
        self._endpoints: dict[str, tuple[Locator, dict[float, DelayLine]]] = {}
        self._lines: dict[str, dict[float, DelayLine]] = {}  # by kind, then latency
        self._rng = sim.rng("net")
        self._routes = underlay.routes  # the underlay's cache, read directly on the hot path

    def bind(self, name: str, handler: Handler, *, kind: str, locate: Locator) -> None:
        """Bind ``handler`` to ``name``; ``locate()`` says on which machine it runs now.

        Endpoints of the same ``kind`` share their delay lines.
        """
        self._handlers[name] = handler
        self._locators[name] = locate
        self._endpoints[name] = (locate, self._lines.setdefault(kind, {}))

    def unbind(self, name: str) -> None:
        """The endpoint is gone: messages to it are dropped on arrival."""
        self._handlers.pop(name, None)

    def where(self, name: str) -> str | None:
        """The machine endpoint ``name`` runs on now (``None``: nowhere, e.g. no leader)."""
        return self._locators[name]()

    def latency(self, src: str | None, dst: str) -> float | None:
        """Seconds a message from machine ``src`` to endpoint ``dst`` takes, ``None`` if lost.

        A leaderless dispatcher (no machine) still takes its messages, which
        wait for the next leader, as do those of a component on no machine.
        """
        target = self._locators[dst]()
        if src is None or target is None:
            return self.underlay.default_latency
        route = self.underlay.route(src, target)
        if route is None:
            self.lost += 1
            return None
        latency, loss = route
        if loss and self._rng.random() < loss:
            self.lost += 1
            return None
        return latency

    def reliable(self, src: str | None, dst: str) -> bool:
        """Whether every message from machine ``src`` to endpoint ``dst`` gets through now.

        True for a bound endpoint on a machine that a path without loss
        reaches; False when a message may be lost, or when either end is on
        no machine.
        """
        target = self._locators[dst]()
        if src is None or target is None or dst not in self._handlers:
            return False
        route = self.underlay.route(src, target)
        return route is not None and not route[1]

    def call(self, src: str | None, dst: str, message: Any) -> Any:
        """A unary request: the handler's answer, or ``None`` when the message is lost."""
        if self.latency(src, dst) is None:
            return None
        handler = self._handlers.get(dst)
        return None if handler is None else handler(message)

    def send(self, src: str | None, dst: str, message: Any) -> None:
        """Queue a stream message for delivery after the path's latency."""
        # the hot path (every status report): latency() inlined for a cached route
        locate, lines = self._endpoints[dst]
        target = locate()
        route = self._routes.get((src, target)) if src is not None and target else None
        if route is not None and not route[1]:
            latency = route[0]
        else:
            found = self.latency(src, dst)
            if found is None:
                return
            latency = found
        line = lines.get(latency)
        if line is None:
            line = lines[latency] = DelayLine(self.sim, latency, self._deliver)
        line.send(dst, message)

    def post(self, src: str | None, dst: str, message: Any) -> None:
        """Deliver a message after the path's latency, on a timer of its own."""
        latency = self.latency(src, dst)
        if latency is not None:
            self.sim.call_later(latency, self._deliver, dst, message)

    def _deliver(self, dst: str, message: Any) -> None:
        handler = self._handlers.get(dst)
        if handler is not None:
            handler(message)
