"""``--speed 10x``: let virtual time run at a pace a class can watch.

:func:`pace` queues a small callback in the simulation every
:data:`TICK` virtual seconds that waits ``TICK / speed`` seconds of wall
clock.  The callback reads and changes nothing, so the transcript and the
trace stay exactly those of an unpaced run (events of the same instant keep
their order: SimPy orders them by time, then priority, then the order they
were queued in); only the wall-clock duration changes.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = ["TICK", "pace", "parse_speed"]

TICK = 0.25  # virtual seconds between two waits


def parse_speed(text: str) -> float:
    """``10x``, ``0.5x`` or ``10`` as a factor above 0.

    >>> parse_speed("10x"), parse_speed("0.5")
    (10.0, 0.5)
    """
    try:
        value = float(text[:-1] if text.lower().endswith("x") else text)
    except ValueError:
        raise ValueError(f"invalid speed {text!r} (write e.g. 10x)") from None
    if not 0 < value < float("inf"):
        raise ValueError(f"invalid speed {text!r}: must be more than 0")
    return value


def pace(swarm: Swarm, speed: float, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """From now on, every virtual second of ``swarm`` takes ``1/speed`` s of wall clock."""
    sim = swarm.ctx.sim
    wait = TICK / speed

    def tick() -> None:
        sleep(wait)
        sim.call_later(TICK, tick)

    sim.call_later(TICK, tick)
