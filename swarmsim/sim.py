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
from heapq import heappop, heappush
from types import MethodType
from typing import Any, cast

import simpy
from simpy.events import NORMAL, URGENT

Process = Generator[simpy.Event, Any, Any]

_INSTANT_STEPS = 1_000_000  # a guard against events that keep queueing more for one instant


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
        collect_if_due()  # older simulations are most often dropped by now
        self.seed = seed
        self.env = simpy.Environment()
        # SimPy's queue and sequence numbers, used directly as Environment.schedule
        # does: its queue takes any object with ``callbacks`` and ``_ok`` (see _Call)
        self._queue = cast("list[Any]", self.env._queue)
        self._eid = self.env._eid
        self._streams: dict[str, random.Random] = {}
        self._instants: dict[float, float] = {}  # see call_later
        # called with the stop time when run() returns, and when it starts again
        self.on_pause: list[Callable[[float], None]] = []
        self.on_resume: list[Callable[[], None]] = []

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

        Python's cyclic garbage collector is paused meanwhile (see
        :func:`gc_paused`): a large swarm keeps hundreds of thousands of live
        objects, and full collections scanning them all tripled the cost per
        task (``benchmarks/``).  A dropped swarm is still freed, by the
        collector's young generations or by :func:`collect_if_due`.

        Events run exactly as :meth:`simpy.Environment.run` would run them,
        stopping before the events due at ``until`` that are not urgent.
        The callables of :attr:`on_resume` are called first, and those of
        :attr:`on_pause` last, with the stop time: what a component computes
        lazily (see :mod:`swarmsim.manager.heartbeats`) is brought up to it
        before anything outside the loop can change the swarm.
        """
        env = self.env
        at: float = until if isinstance(until, int) else float(until)
        if at <= env._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        for resume in self.on_resume:
            resume()
        # SimPy's run() queues an urgent stop event at ``at`` and steps until it
        # comes out; this loop stops at the same place in the queue without the
        # event, and without a method call and a try block per step
        stop_at = env._now + (at - env._now)  # the stop event's time, rounding included
        stop_eid = next(env._eid)
        queue = env._queue
        with gc_paused():
            while queue:
                entry = heappop(queue)
                when, priority, eid, event = entry
                if when >= stop_at and (when > stop_at or priority > URGENT or eid > stop_eid):
                    heappush(queue, entry)  # beyond the stop: back where it was
                    break
                env._now = when
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    _crash(event)
        for pause in self.on_pause:
            pause(stop_at)
        env._now = stop_at

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
        now = self.env._now
        if delay > 0.0:
            # equal times share one float object: the clock takes the object of
            # the entry it pops, and the statuses and containers stamped in that
            # instant keep it (a Swarm2K swarm would keep two floats per task)
            instants = self._instants
            at = now + delay
            at = instants.setdefault(at, at)
            if len(instants) > _INSTANTS:
                instants.clear()
        else:
            at = now if type(now) is float else now + 0.0  # a float, as SimPy's now + 0.0
        heappush(self._queue, (at, NORMAL, next(self._eid), _queued(callback, args)))

    def call_at(self, at: float, callback: Any, *args: Any) -> None:
        """Run ``callback(*args)`` at virtual time ``at`` (not before now).

        Queued as :meth:`call_later` queues it, for a component that computed
        the exact time a timer of its would have been due.
        """
        heappush(self._queue, (at, NORMAL, next(self._eid), _queued(callback, args)))

    def call_urgent(self, callback: Any, *args: Any) -> None:
        """Run ``callback(*args)`` in this instant, ahead of every non-urgent event.

        This is where SimPy runs the first step of a new process and delivers an
        interrupt (``URGENT`` priority): a component written as callbacks uses it
        to keep the order of events a process would give.
        """
        now = self.env._now
        at = now if type(now) is float else now + 0.0  # a float, as SimPy's now + 0.0
        heappush(self._queue, (at, URGENT, next(self._eid), _queued(callback, args)))

    def finish_instant(self) -> None:
        """Run every event due at the current virtual time, and those they queue for it.

        The clock does not move.  What a command or a fault queued for "now" (a
        component reacting to a store change, an interrupt, a zero delay) has
        happened afterwards, so reading the swarm sees its effects: a stack
        deploy before it reads what it removed, :meth:`Swarm.settle
        <swarmsim.swarm.Swarm.settle>` before its first look.  The events run in
        the order :meth:`run` would run them.
        """
        env = self.env
        queue = env._queue
        for _ in range(_INSTANT_STEPS):
            if not queue or queue[0][0] > env._now:
                return
            env.step()


def shuffle(rng: random.Random, items: list[Any]) -> None:
    """Shuffle ``items`` in place exactly as ``rng.shuffle(items)`` does, about 3× faster.

    The same Fisher-Yates walk and the same draws as CPython's
    :meth:`random.Random.shuffle` (``getrandbits`` of the bit length of each
    bound, again while the draw is not below it), with the draw written out in
    the loop instead of a method call per item.  The scheduler shuffles the
    whole node list at every tick (Go's random map order): 2.6 ms for 10,000
    nodes with :meth:`random.Random.shuffle`, 0.8 ms here.
    ``tests/test_sim.py`` checks the order and the stream's state against
    :meth:`random.Random.shuffle`.

    Examples
    --------
    >>> a, b = list(range(10)), list(range(10))
    >>> random.Random(3).shuffle(a); shuffle(random.Random(3), b)
    >>> a == b
    True
    """
    getrandbits = rng.getrandbits
    for i in range(len(items) - 1, 0, -1):
        bound = i + 1
        width = bound.bit_length()
        j = getrandbits(width)
        while j >= bound:
            j = getrandbits(width)
        items[i], items[j] = items[j], items[i]


def _crash(event: simpy.Event) -> None:
    """Raise a failed event's exception that nobody handled, as SimPy's ``step`` does."""
    failure: BaseException = event._value
    error = type(failure)(*failure.args)
    error.__cause__ = failure
    raise error


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


class _MethodCall:
    """A method call with one argument or none waiting in SimPy's queue, as :class:`_Call`.

    It keeps the method's function, its object and the argument rather than a
    bound method and an argument tuple: about 100 bytes less for each of the
    tens of thousands of container steps a large swarm has pending at once
    (a container's first step takes no argument).
    """

    __slots__ = ("argument", "callbacks", "function", "target")
    _ok = True

    def __init__(
        self, function: Any, target: object, argument: object, run: tuple[Any, ...]
    ) -> None:
        self.function = function
        self.target = target
        self.argument = argument
        self.callbacks: tuple[Any, ...] | None = run


def _run_method_call(call: _MethodCall) -> None:
    call.function(call.target, call.argument)


def _run_method_call_without_argument(call: _MethodCall) -> None:
    call.function(call.target)


_RUN_METHOD_CALL = (_run_method_call,)
_RUN_METHOD_CALL_WITHOUT_ARGUMENT = (_run_method_call_without_argument,)


def _queued(callback: Any, args: tuple[Any, ...]) -> _Call | _MethodCall:
    """What goes into SimPy's queue to run ``callback(*args)``."""
    if type(callback) is MethodType:
        if len(args) == 1:
            return _MethodCall(callback.__func__, callback.__self__, args[0], _RUN_METHOD_CALL)
        if not args:
            return _MethodCall(
                callback.__func__, callback.__self__, None, _RUN_METHOD_CALL_WITHOUT_ARGUMENT
            )
    return _Call(callback, args)


_INSTANTS = 4096
"""How many recent due times :meth:`Simulation.call_later` remembers to share."""


class DelayLine:
    """Delivers messages to their destinations after a fixed delay, in order, with one timer.

    A constant network latency keeps messages in FIFO order, so a queue and a
    single SimPy timeout replace one timeout per message.  The messages sent
    in one instant share one batch (their delivery time stored once, the pairs
    laid flat in one list): a burst of 100,000 status reports in flight costs
    two list slots each, not two tuples and a float.

    Examples
    --------
    >>> sim = Simulation()
    >>> got = []
    >>> line = DelayLine(sim, 0.5, lambda to, message: got.append((to, message)))
    >>> line.send("a", 1); line.send("b", 2)
    >>> sim.env.run(until=1)
    >>> got
    [('a', 1), ('b', 2)]
    """

    def __init__(self, sim: Simulation, delay: float, deliver: Callable[[Any, Any], None]) -> None:
        self._sim = sim
        self._env = sim.env
        self._delay = delay
        self._deliver = deliver
        # batches in delivery order: (time, [destination, message, destination, ...])
        self._queue: deque[tuple[float, list[Any]]] = deque()
        self._armed = False

    def send(self, destination: Any, message: Any) -> None:
        """Queue ``message`` for ``destination``, delivered ``delay`` seconds from now."""
        queue = self._queue
        at = self._env._now + self._delay
        if queue:
            last = queue[-1]
            if last[0] == at:
                batch = last[1]
                batch.append(destination)
                batch.append(message)
                return
        queue.append((at, [destination, message]))
        if not self._armed:
            self._armed = True
            self._sim.call_later(self._delay, self._fire)

    def _fire(self) -> None:
        queue = self._queue
        now = self._env._now
        deliver = self._deliver
        while queue and queue[0][0] <= now:
            # taken out first: what a delivery sends joins a new batch, after this one
            batch = queue.popleft()[1]
            for index in range(0, len(batch), 2):
                deliver(batch[index], batch[index + 1])
        if queue:
            self._sim.call_later(queue[0][0] - now, self._fire)
        else:
            self._armed = False


class Timer:
    """A timer of a :class:`TimerLine`: its place in SimPy's order and what it runs.

    It goes into SimPy's queue itself, like :class:`_Call` (``step`` reads
    ``callbacks`` and ``_ok`` only).
    """

    __slots__ = ("args", "at", "callback", "callbacks", "eid")
    _ok = True

    def __init__(
        self, at: float, eid: int, callback: Callable[..., None], args: tuple[Any, ...]
    ) -> None:
        self.at = at
        self.eid = eid
        self.callback: Callable[..., None] | None = callback
        self.args = args
        self.callbacks: tuple[Any, ...] | None = None

    def cancel(self) -> None:
        """Do not run the callback (a timer not yet in SimPy's queue never enters it)."""
        self.callback = None
        self.args = ()


class TimerLine:
    """Cancellable timers that all fire ``delay`` seconds after being set.

    A timer runs exactly where :meth:`Simulation.call_later` with the same
    delay would run it: it takes its sequence number from SimPy's counter when
    it is set.  But only the earliest pending timer sits in SimPy's queue; the
    others wait in a FIFO (one delay for all keeps them in firing order) and
    go in, with the number they drew, when the one before them fires.  A
    cancelled timer never enters the queue.  A rolling update sets one such
    timer per replaced task (the wait for the old task, a minute) and cancels
    nearly all of them a few seconds later: queued directly they were four
    fifths of SimPy's queue, making every push and pop of the run dearer.

    Examples
    --------
    >>> sim = Simulation()
    >>> got = []
    >>> line = TimerLine(sim, 2.0)
    >>> first = line.set(got.append, "a"); second = line.set(got.append, "b")
    >>> second.cancel()
    >>> sim.env.run(until=3)
    >>> got
    ['a']
    """

    def __init__(self, sim: Simulation, delay: float) -> None:
        # SimPy's queue and counter are used directly, as Environment.schedule does
        # (its queue is typed for events; a timer has what step() reads, as _Call)
        self._env = sim.env
        self._queue = cast("list[Any]", sim.env._queue)
        self.delay = delay if delay > 0.0 else 0.0
        self._waiting: deque[Timer] = deque()
        self._queued: Timer | None = None  # the timer in SimPy's queue, if any
        self._fire_callbacks = (self._fire,)

    def set(self, callback: Callable[..., None], *args: Any) -> Timer:
        """Run ``callback(*args)`` ``delay`` seconds from now, unless cancelled first."""
        env = self._env
        timer = Timer(env.now + self.delay, next(env._eid), callback, args)
        if self._queued is None:
            self._enqueue(timer)
        else:
            self._waiting.append(timer)
        return timer

    def _enqueue(self, timer: Timer) -> None:
        self._queued = timer
        timer.callbacks = self._fire_callbacks
        heappush(self._queue, (timer.at, NORMAL, timer.eid, timer))

    def _fire(self, timer: Timer) -> None:
        self._queued = None
        waiting = self._waiting
        while waiting:
            following = waiting.popleft()
            if following.callback is not None:
                self._enqueue(following)
                break
        callback = timer.callback
        if callback is not None:
            timer.callback = None
            callback(*timer.args)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic garbage collection inside the block (or the decorated function).

    Besides the event loop, whatever makes an object per record of a large
    trace uses it (:meth:`swarmsim.trace.Trace.to_dataframe`, the metrics'
    replay, a docker command's table): with a large swarm alive, the young
    collections such a burst triggers cascade into full ones that scan the
    whole swarm, which made reading a trace four times slower.

    Objects made while it runs (tasks, statuses, trace records) mostly live as
    long as the swarm.  When a run made many of them (at least
    ``_FREEZE_MIN``), they go straight to the collector's oldest generation on
    the way out (``gc.freeze`` then ``gc.unfreeze`` moves them there without
    a scan) instead of being scanned by the young collections that would
    otherwise follow.  That move hides them from the collector's own rule for
    full collections, so they are counted here instead and
    :func:`collect_if_due` frees them once the swarm holding them is dropped.
    The few objects of a small run stay young, where the collector frees a
    dropped small swarm cheaply.  Nothing is moved when something else has
    frozen objects, so that this never unfreezes what another library froze.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        made = gc.get_count()[0]  # objects made since the last collection, net
        if made >= _FREEZE_MIN and gc.get_freeze_count() == 0:
            _OLDEST.promoted += made
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


_OLDEST_GENERATION = len(gc.get_threshold()) - 1
# a young collection costs about a microsecond per object once the heap is large (a
# Swarm2K update: 10,000 young objects, 10 ms, a tenth of the run); freezing costs nothing
_FREEZE_MIN = 1_000


class _OldestGeneration:
    """What :func:`gc_paused` moved to the oldest generation since the last full collection.

    CPython starts a full collection when the objects that reached the oldest
    generation since the last one outnumber a quarter of those that survived
    it (``long_lived_pending > long_lived_total / 4`` in ``Modules/gcmodule.c``);
    objects moved by ``gc.freeze``/``gc.unfreeze`` are left out of that count,
    so this keeps it for them.
    """

    __slots__ = ("promoted", "survivors")

    def __init__(self) -> None:
        self.promoted = 0
        self.survivors: int | None = None  # tracked objects after the last full collection

    def full_collection_done(self, phase: str, info: dict[str, int]) -> None:
        """``gc.callbacks`` hook: any full collection (ours or not) starts a new count."""
        if phase == "stop" and info["generation"] == _OLDEST_GENERATION:
            self.promoted = 0
            self.survivors = None


_OLDEST = _OldestGeneration()
gc.callbacks.append(_OLDEST.full_collection_done)


def collect_if_due() -> None:
    """Run a full collection when runs moved enough objects to the oldest generation.

    A dropped swarm is a web of reference cycles (components, processes and
    the store refer to each other) that only the cyclic collector frees; the
    objects of its large runs were moved to the oldest generation by
    :func:`gc_paused`.  This applies CPython's rule for full collections to
    them (more than a quarter of the last survivors), so a sweep of large
    swarms stays flat while one large swarm is not scanned again and again.
    :class:`Simulation` calls it when a new one is made, the moment older
    ones are most often dropped.  Nothing happens while automatic collection
    is disabled or objects are frozen.

    Examples
    --------
    >>> collect_if_due()  # cheap when nothing is due
    """
    oldest = _OLDEST
    if not oldest.promoted or not gc.isenabled() or gc.get_freeze_count():
        return
    if oldest.survivors is None:
        oldest.survivors = max(len(gc.get_objects()) - oldest.promoted, 0)
    if oldest.promoted > oldest.survivors // 4:
        gc.collect()
