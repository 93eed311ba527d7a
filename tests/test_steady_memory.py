"""A swarm's memory does not grow with simulated time, beyond its trace and the
task history limit (issue: Swarm2K in seconds).

Heartbeats, deadline timers and status batches run forever; a restart loop
creates and reaps tasks forever.  Both must leave the live heap flat once the
trace's own chunks are set aside.  A leak of one small object (24 bytes) per
heartbeat or per replaced task exceeds the allowance several times over.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator

import pytest

from swarmsim import Swarm

_TRACE_FILES = ("*/swarmsim/trace.py", "*/swarmsim/trace_chunks.py")


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start(1)
    try:
        yield
    finally:
        tracemalloc.stop()


def _heap_without_trace(swarm: Swarm) -> int:
    """Live bytes traced now, less those allocated by the trace's own modules.

    The simulation's cache of recent due times is emptied first: bounded
    (see ``Simulation.call_later``), it fills and empties in a sawtooth of up
    to about 200 KiB, which says nothing about growth.
    """
    swarm.ctx.sim._instants.clear()
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, pattern) for pattern in _TRACE_FILES]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.mark.usefixtures("traced")
def test_an_hour_of_heartbeats_leaves_the_heap_and_the_trace_as_they_were() -> None:
    swarm = Swarm(seed=5, managers=3, workers=17)
    swarm.docker("docker service create -d --replicas 100 --name web app:1", check=True)
    swarm.advance(300)
    records = len(swarm.trace)
    before = _heap_without_trace(swarm)
    swarm.advance(3600)  # 720 heartbeats and deadline checks per node
    assert len(swarm.trace) == records  # nothing changed: nothing recorded
    assert _heap_without_trace(swarm) - before < 32 * 1024  # 14,400 heartbeats: < 3 B each


class _CountingTrace:
    """Stands in for the store's trace: counts tasks created and deleted and keeps no
    record, so that what a trace legitimately retains (ids of reaped tasks,
    timestamps) is not mistaken for a leak."""

    def __init__(self) -> None:
        self.created = 0
        self.deleted = 0

    def task(self, time: float, task: object, prev_state: object, prev_desired: object) -> None:
        if prev_state is None:
            self.created += 1

    def task_deleted(self, time: float, task: object) -> None:
        self.deleted += 1


@pytest.mark.usefixtures("traced")
def test_an_hour_of_restarts_grows_only_the_trace() -> None:
    swarm = Swarm(seed=5, managers=1, workers=9)
    swarm.images.set("bad:1", start=0.5, exits_after=2.0, exit_code=1)
    swarm.docker(
        "docker service create -d --replicas 20 --restart-delay 1s --name loop bad:1", check=True
    )
    swarm.advance(600)  # every slot's history is full (5 tasks) by now
    store = swarm.ctx.store
    counting = _CountingTrace()
    store.trace = counting  # type: ignore[assignment]
    before = _heap_without_trace(swarm)
    swarm.advance(3600)
    assert counting.deleted > 15_000  # each slot restarts every 3.6 s: 19,980 tasks
    assert counting.created == counting.deleted  # as many tasks as before
    service = store.service_by_name("loop")
    assert service is not None
    history = [len(store.tasks_in_slot(service.id, slot)) for slot in range(1, 21)]
    assert max(history) <= 6  # the task history limit (5) plus the slot's new task
    assert _heap_without_trace(swarm) - before < 64 * 1024  # < 4 B per replaced task
