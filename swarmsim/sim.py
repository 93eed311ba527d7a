"""The simulation clock and its named random streams.

A :class:`Simulation` wraps a :class:`simpy.Environment` (virtual seconds) and
hands out independent, seeded :class:`random.Random` streams by name, so that
adding a component that draws random numbers never changes what the others draw.
Nothing here reads the wall clock or the global :mod:`random` state.
"""

from __future__ import annotations

import gc
import hashlib
import random
from collections import deque
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

Process = Generator[simpy.Event, Any, Any]


class Simulation:
    """Virtual time plus named random streams derived from one seed.

    Parameters
    ----------
    seed
        Every random stream is derived from it: same seed, same run.

    Examples
    --------
    >>> sim = Simulation(seed=7)
    >>> sim.rng("scheduler").random() == Simulation(seed=7).rng("scheduler").random()
    True
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.env = simpy.Environment()
        # SimPy's queue takes any object with ``callbacks`` and ``_ok`` (see _Call)
        self._schedule: Callable[..., None] = self.env.schedule
        self._streams: dict[str, random.Random] = {}

    @property
    def now(self) -> float:
        """Current virtual time in seconds."""
        return self.env.now

    def rng(self, name: str) -> random.Random:
        """The random stream called ``name`` (created on first use)."""
        stream = self._streams.get(name)
        if stream is None:
            digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
            stream = random.Random(int.from_bytes(digest[:8], "big"))
            self._streams[name] = stream
        return stream

    def run(self, until: float) -> None:
        """Run the event loop up to virtual time ``until``.

        Python's cyclic garbage collector is paused meanwhile: a large swarm
        keeps hundreds of thousands of live objects, and full collections
        scanning them all tripled the cost per task (``benchmarks/``).  The
        simulator's own objects are freed by reference counting.
        """
        with gc_paused():
            self.env.run(until=until)

    def process(self, generator: Process) -> simpy.Process:
        """Start a SimPy process."""
        return self.env.process(generator)

    def timeout(self, delay: float) -> simpy.Timeout:
        """An event that fires ``delay`` virtual seconds from now.

        A negative delay fires at once, as a negative Go timer does (docker
        accepts e.g. ``--rollback-delay -1s``).
        """
        return self.env.timeout(max(delay, 0.0))

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        """Run ``callback(*args)`` after ``delay`` virtual seconds (no process needed).

        The call is queued like a :class:`simpy.Timeout` of the same delay (same
        priority, same sequence number), so it runs in the same order one would,
        but it costs a single small object instead of an event, a callback list,
        an attribute dict and a closure.
        """
        self._schedule(_Call(callback, args), NORMAL, delay if delay > 0.0 else 0.0)

    def call_urgent(self, callback: Any, *args: Any) -> None:
        """Run ``callback(*args)`` in this instant, ahead of every non-urgent event.

        This is where SimPy runs the first step of a new process and delivers an
        interrupt (``URGENT`` priority): a component written as callbacks uses it
        to keep the order of events a process would give.
        """
        self._schedule(_Call(callback, args), URGENT, 0.0)


class _Call:
    """A callback waiting in SimPy's queue: the least :meth:`simpy.Environment.step` needs.

    ``step`` pops the entry, takes ``callbacks``, calls each with the entry and
    then reads ``_ok`` to see whether it failed; nothing else is touched.
    """

    __slots__ = ("args", "callback", "callbacks")
    _ok = True

    def __init__(self, callback: Any, args: tuple[Any, ...]) -> None:
        self.callback = callback
        self.args = args
        self.callbacks: tuple[Any, ...] | None = _RUN_CALL


def _run_call(call: _Call) -> None:
    call.callback(*call.args)


_RUN_CALL = (_run_call,)


class DelayLine:
    """Delivers items after a fixed delay, in order, with one pending timer.

    A constant network latency keeps messages in FIFO order, so a queue and a
    single SimPy timeout replace one timeout per message.

    Examples
    --------
    >>> sim = Simulation()
    >>> got = []
    >>> line = DelayLine(sim, 0.5, got.append)
    >>> line.send("a"); line.send("b")
    >>> sim.env.run(until=1)
    >>> got
    ['a', 'b']
    """

    def __init__(self, sim: Simulation, delay: float, deliver: Any) -> None:
        self._sim = sim
        self._delay = delay
        self._deliver = deliver
        self._queue: deque[tuple[float, Any]] = deque()
        self._armed = False

    def send(self, item: Any) -> None:
        """Queue ``item`` for delivery ``delay`` seconds from now."""
        self._queue.append((self._sim.env.now + self._delay, item))
        if not self._armed:
            self._armed = True
            self._sim.call_later(self._delay, self._fire)

    def _fire(self) -> None:
        queue = self._queue
        now = self._sim.env.now
        deliver = self._deliver
        while queue and queue[0][0] <= now:
            deliver(queue.popleft()[1])
        if queue:
            self._sim.call_later(queue[0][0] - now, self._fire)
        else:
            self._armed = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic garbage collection inside the block.

    Objects made while it runs (tasks, statuses, trace records) mostly live as
    long as the swarm, so on the way out they go straight to the collector's
    oldest generation (``gc.freeze`` then ``gc.unfreeze`` moves them there
    without a scan) instead of being scanned by the young collections that
    would otherwise follow.  Cyclic garbage among them is still freed, by the
    next full collection.  This is skipped when something else has frozen
    objects, so that it never unfreezes what another library froze.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
