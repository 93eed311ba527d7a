"""The clock: ordering of queued calls against SimPy events, random streams, the collector."""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
from types import MethodType

import pytest

import swarmsim.sim as sim_module
from swarmsim.sim import DelayLine, Simulation, TimerLine, gc_paused, shuffle


def test_calls_run_in_the_order_timeouts_would() -> None:
    sim = Simulation()
    order: list[str] = []
    sim.call_later(1.0, order.append, "first call")
    timeout = sim.timeout(1.0)
    timeout.callbacks.append(lambda _event: order.append("timeout"))
    sim.call_later(1.0, order.append, "second call")
    sim.call_later(0.5, order.append, "earlier")
    sim.run(2.0)
    assert order == ["earlier", "first call", "timeout", "second call"]


class _Recorder:
    def __init__(self, order: list[str]) -> None:
        self.order = order

    def one(self, what: str) -> None:
        self.order.append(what)

    def two(self, what: str, more: str) -> None:
        self.order.append(f"{what} {more}")

    def none(self) -> None:
        self.order.append("no argument")


def test_method_calls_keep_their_place_and_queue_no_bound_method() -> None:
    sim = Simulation()
    order: list[str] = []
    recorder = _Recorder(order)
    sim.call_later(1.0, recorder.one, "method")
    sim.call_later(1.0, order.append, "function")
    sim.call_later(1.0, recorder.two, "two", "arguments")
    sim.call_urgent(recorder.one, "urgent method")
    sim.call_later(0.5, recorder.none)
    one_argument = min(entry for entry in sim.env._queue if entry[0] == 1.0)[3]
    assert not [r for r in gc.get_referents(one_argument) if isinstance(r, MethodType)]
    (no_argument,) = [entry[3] for entry in sim.env._queue if entry[0] == 0.5]
    assert not [r for r in gc.get_referents(no_argument) if isinstance(r, MethodType)]
    sim.run(2.0)
    assert order == ["urgent method", "no argument", "method", "function", "two arguments"]


def test_equal_due_times_share_one_float_and_the_clock_stays_a_float() -> None:
    sim = Simulation()
    stamps: list[float] = []
    assert type(sim.env.now) is int  # SimPy starts its clock at the int 0
    sim.call_urgent(lambda: stamps.append(sim.env.now))
    sim.call_later(0.0, lambda: stamps.append(sim.env.now))
    for _ in range(2):
        sim.call_later(0.3, lambda: stamps.append(sim.env.now))
    sim.call_later(0.1, lambda: sim.call_later(0.2, lambda: stamps.append(sim.env.now)))
    sim.run(1.0)
    assert stamps == [0.0, 0.0, 0.3, 0.3, 0.1 + 0.2]
    assert all(type(stamp) is float for stamp in stamps)
    assert stamps[2] is stamps[3]  # one object for the instant, not one per call
    assert stamps[4] is not stamps[2]  # 0.1 + 0.2 is not 0.3: another instant


def test_urgent_calls_run_before_anything_else_of_the_instant() -> None:
    sim = Simulation()
    order: list[str] = []
    sim.call_later(0.0, order.append, "later")
    sim.call_urgent(order.append, "urgent")
    sim.call_later(-3.0, order.append, "negative delay fires now")
    sim.run(1.0)
    assert order == ["urgent", "later", "negative delay fires now"]
    assert sim.now == 1.0


def _stepped_with_simpy(sim: Simulation, until: float) -> list[str]:
    """What SimPy's own run() does with the queue ``_queue_at_the_edge`` builds."""
    order: list[str] = []
    _queue_at_the_edge(sim, order)
    sim.env.run(until=until)
    return order


def _queue_at_the_edge(sim: Simulation, order: list[str]) -> None:
    sim.call_later(0.1, order.append, "before")
    sim.call_urgent(lambda: sim.call_later(2.0, order.append, "normal at the stop"))
    sim.call_later(1.9, lambda: sim.call_urgent(order.append, "urgent just before"))
    sim.call_later(2.0 - 0.1, lambda: sim.call_later(0.1, order.append, "rounded stop"))
    sim.call_later(2.5, order.append, "after")


def test_call_at_runs_at_that_time_in_the_order_it_was_queued() -> None:
    sim = Simulation()
    ran: list[tuple[str, float]] = []
    sim.call_later(2.5, lambda: ran.append(("later", sim.now)))
    sim.call_at(2.5, lambda: ran.append(("at", sim.now)))
    sim.call_at(1.25, lambda: ran.append(("early", sim.now)))
    sim.run(5)
    assert ran == [("early", 1.25), ("later", 2.5), ("at", 2.5)]


def test_pause_and_resume_hooks_frame_every_run() -> None:
    sim = Simulation()
    seen: list[tuple[str, float]] = []
    sim.on_resume.append(lambda: seen.append(("resume", sim.now)))
    sim.on_pause.append(lambda stop: seen.append(("pause", stop)))
    sim.call_later(1.0, lambda: seen.append(("event", sim.now)))
    sim.call_later(3.0, lambda: seen.append(("event", sim.now)))
    sim.run(2)
    sim.run(4.5)
    assert seen == [
        ("resume", 0),
        ("event", 1.0),
        ("pause", 2),
        ("resume", 2),
        ("event", 3.0),
        ("pause", 4.5),
    ]


def test_run_stops_where_simpys_run_stops() -> None:
    ours, theirs = Simulation(), Simulation()
    order: list[str] = []
    _queue_at_the_edge(ours, order)
    ours.run(2.0)
    assert order == _stepped_with_simpy(theirs, 2.0)
    assert ours.now == theirs.now == 2.0
    ours.run(3.0)
    assert order[-1] == "after"
    with pytest.raises(ValueError, match="must be greater"):
        ours.run(3.0)


def test_a_failed_event_nobody_handles_stops_the_run() -> None:
    sim = Simulation()

    def crash() -> sim_module.Process:
        yield sim.timeout(1.0)
        raise KeyError("boom")

    sim.process(crash())
    with pytest.raises(KeyError, match="boom") as raised:
        sim.run(5.0)
    assert isinstance(raised.value.__cause__, KeyError)


def test_timer_line_runs_each_timer_where_a_call_set_at_the_same_moment_would() -> None:
    # interleave line timers with ordinary calls of the same delay, set at the same
    # moments: equal times, so only the sequence drawn when set decides the order
    sim = Simulation()
    order: list[str] = []
    line = TimerLine(sim, 2.0)
    line.set(order.append, "timer 1")
    sim.call_later(2.0, order.append, "call 1")
    cancelled = line.set(order.append, "cancelled")
    sim.call_later(2.0, order.append, "call 2")
    line.set(order.append, "timer 2")

    def at_one() -> None:
        line.set(order.append, "timer 3")
        sim.call_later(2.0, order.append, "call 3")
        line.set(order.append, "timer 4")

    sim.call_later(1.0, at_one)
    cancelled.cancel()
    sim.run(2.5)
    assert order == ["timer 1", "call 1", "call 2", "timer 2"]
    sim.run(4.0)
    assert order[4:] == ["timer 3", "call 3", "timer 4"]


def test_a_timer_cancelled_in_the_queue_does_nothing_and_the_line_goes_on() -> None:
    sim = Simulation()
    order: list[str] = []
    line = TimerLine(sim, 1.0)
    first = line.set(order.append, "first")  # the one in SimPy's queue
    line.set(order.append, "second")
    first.cancel()
    sim.run(1.5)
    assert order == ["second"]
    line.set(order.append, "third")  # the line is idle again: queued at once
    sim.run(3.0)
    assert order == ["second", "third"]


def test_delay_line_delivers_in_send_order_however_the_sends_are_batched() -> None:
    sim = Simulation()
    got: list[tuple[str, str, float]] = []
    line: DelayLine

    def deliver(to: str, message: str) -> None:
        got.append((to, message, sim.now))
        if message == "a1":  # sent while the batch is being delivered: the next batch
            line.send("c", "late")

    line = DelayLine(sim, 0.5, deliver)
    line.send("a", "a1")
    line.send("b", "b1")
    sim.call_later(0.25, line.send, "a", "a2")
    sim.call_later(0.5, line.send, "b", "b2")  # the instant the first batch arrives
    sim.run(2.0)
    assert got == [
        ("a", "a1", 0.5),
        ("b", "b1", 0.5),
        ("a", "a2", 0.75),
        ("c", "late", 1.0),
        ("b", "b2", 1.0),
    ]


def test_delay_line_without_delay_delivers_later_sends_after_the_batch() -> None:
    sim = Simulation()
    got: list[str] = []
    line: DelayLine

    def deliver(_to: str, message: str) -> None:
        got.append(message)
        if message == "first":
            line.send("x", "from first")

    line = DelayLine(sim, 0.0, deliver)
    line.send("x", "first")
    line.send("x", "second")
    sim.run(1.0)
    assert got == ["first", "second", "from first"]


def test_named_streams_do_not_depend_on_each_other() -> None:
    a = Simulation(seed=3)
    a.rng("other").random()
    b = Simulation(seed=3)
    assert a.rng("ids").random() == b.rng("ids").random()
    assert Simulation(seed=4).rng("ids").random() != Simulation(seed=3).rng("ids").random()


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_and_leaves_nothing_frozen(enabled: bool) -> None:
    # the state is set here rather than assumed: twice in full runs the collector was
    # found disabled on entry (cause not found); both states must be restored
    was_enabled = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with gc_paused():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == 0
        assert gc.is_tracked(made)
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_gc_paused_keeps_objects_another_library_froze() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


_SWEEP = """
import gc, json, sys, tracemalloc, weakref
import swarmsim.sim
from swarmsim import Swarm

swarmsim.sim._FREEZE_MIN = int(sys.argv[1])  # 0: every run takes the freeze path
alive = weakref.WeakSet()

def one(seed):
    swarm = Swarm(seed=seed, managers=1, workers=1)
    alive.add(swarm.ctx.sim)
    swarm.docker("docker service create -d --name web --replicas 2 nginx")
    swarm.advance(30)

for seed in range(50):
    one(seed)
tracemalloc.start()
marks = []
for seed in range(400):
    one(seed)
    if seed % 25 == 24:
        marks.append(tracemalloc.get_traced_memory()[0])
print(json.dumps({"alive": len(alive), "marks": marks, "enabled": gc.isenabled()}))
"""


@pytest.mark.parametrize("freeze_min", [20_000, 0], ids=["small-runs", "freeze-every-run"])
def test_dropped_swarms_are_freed_without_an_explicit_collection(freeze_min: int) -> None:
    # a fresh interpreter: the heap of this test process would stretch the collector's periods
    result = subprocess.run(
        [sys.executable, "-c", _SWEEP, str(freeze_min)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    report = json.loads(result.stdout)
    assert report["enabled"]
    assert report["alive"] < 60, report  # of 450 swarms (each kept ~61 KiB before)
    # the heap is a sawtooth: dropped swarms wait in the oldest generation for the
    # collector's next full pass (measured: 7.2-9.4 MiB over 2,500 runs, period
    # ~1,200 runs).  Before the fix every swarm stayed: +16 MiB per 400 runs.
    marks = report["marks"]
    assert max(marks) - min(marks) < 4 * 1024 * 1024, report


def test_collect_if_due_waits_for_a_quarter_of_the_survivors() -> None:
    # the collector's state is set here, as in the gc_paused test above: once in a
    # full run it was found disabled on entry, and collect_if_due rightly does nothing then
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        assert gc.get_freeze_count() == 0
        gc.collect()
        sim_module._OLDEST.promoted = 10
        sim_module.collect_if_due()
        assert sim_module._OLDEST.promoted == 10  # too few to be worth a full collection
        sim_module._OLDEST.promoted = len(gc.get_objects())
        sim_module.collect_if_due()
        assert sim_module._OLDEST.promoted == 0
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_collect_if_due_does_nothing_while_the_collector_is_disabled() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        sim_module._OLDEST.promoted = len(gc.get_objects())
        sim_module.collect_if_due()
        assert sim_module._OLDEST.promoted > 0
    finally:
        (gc.enable if was_enabled else gc.disable)()
        sim_module._OLDEST.promoted = 0


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100, 1_000, 4_097])
def test_shuffle_matches_random_shuffle_and_leaves_the_stream_alike(size: int) -> None:
    # sizes around powers of two: the draw's bit width changes there, and a
    # draw at or above the bound is drawn again
    for seed in range(4):
        ours, theirs = list(range(size)), list(range(size))
        ours_rng, their_rng = random.Random(seed), random.Random(seed)
        shuffle(ours_rng, ours)
        their_rng.shuffle(theirs)
        assert ours == theirs
        assert ours_rng.getstate() == their_rng.getstate()
