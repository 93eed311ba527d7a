"""How available a service was: fewest available tasks in a window, time to converge."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from swarmsim.metrics._sweep import Classes, Sweep, checked_records, version_classes
from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm


def time_to_converge(
    run: Swarm | Trace | Iterable[TraceRecord],
    service: str,
    *,
    since: float = 0.0,
) -> float | None:
    """First time at or after ``since`` when the service has exactly its replicas
    available, all with its current spec; ``None`` if that never happens.

    Subtract ``since`` for a duration.  Meant for replicated services (the
    wanted count is the spec's replica count).  Given a
    :class:`~swarmsim.swarm.Swarm`, a no-op update's version counts as the
    same spec as the one before.
    """
    records, store = checked_records(run, service, since=since)
    sweep = Sweep(version_classes(records, store, service))
    result: float | None = None
    before_ok = False  # converged at the last instant before ``since``

    def settle(now: float) -> bool:
        nonlocal result, before_ok
        ok = sweep.converged(service)
        if now < since:
            before_ok = ok
            return False
        if now > since and before_ok:
            result = since  # the state of the last earlier instant still held at ``since``
        elif ok:
            result = now
        before_ok = False
        return result is not None

    sweep.run(records, settle)
    if result is None and before_ok:
        result = since
    return result


def min_available(
    run: Swarm | Trace | Iterable[TraceRecord],
    service: str,
    start: float = 0.0,
    end: float | None = None,
) -> int:
    """Fewest available tasks of ``service`` at any instant of ``[start, end]``
    (``end`` None: up to the last record)."""
    records, _ = checked_records(run, service, start=start, end=end)
    end = math.inf if end is None else end
    sweep = Sweep(Classes())
    value = 0
    lowest: int | None = None

    def settle(now: float) -> bool:
        nonlocal value, lowest
        if now > end:
            return True
        current = sweep.running[service]
        if now <= start:
            value = current
        else:
            lowest = min(value if lowest is None else lowest, current)
        return False

    sweep.run(records, settle)
    return value if lowest is None else min(lowest, value)
