"""The clock: ordering of queued calls against SimPy events, random streams, the collector."""

from __future__ import annotations

import gc

from swarmsim.sim import Simulation, gc_paused


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


def test_urgent_calls_run_before_anything_else_of_the_instant() -> None:
    sim = Simulation()
    order: list[str] = []
    sim.call_later(0.0, order.append, "later")
    sim.call_urgent(order.append, "urgent")
    sim.call_later(-3.0, order.append, "negative delay fires now")
    sim.run(1.0)
    assert order == ["urgent", "later", "negative delay fires now"]
    assert sim.now == 1.0


def test_named_streams_do_not_depend_on_each_other() -> None:
    a = Simulation(seed=3)
    a.rng("other").random()
    b = Simulation(seed=3)
    assert a.rng("ids").random() == b.rng("ids").random()
    assert Simulation(seed=4).rng("ids").random() != Simulation(seed=3).rng("ids").random()


def test_gc_paused_restores_the_collector_and_leaves_nothing_frozen() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.is_tracked(made)


def test_gc_paused_keeps_objects_another_library_froze() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
