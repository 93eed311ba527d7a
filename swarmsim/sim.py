"""The simulation clock and its named random streams.

A :class:`Simulation` wraps a :class:`simpy.Environment` (virtual seconds) and
hands out independent, seeded :class:`random.Random` streams by name, so that
adding a component that draws random numbers never changes what the others draw.
Nothing here reads the wall clock or the global :mod:`random` state.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Generator
from typing import Any

import simpy

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
        self._streams: dict[str, random.Random] = {}

    @property
    def now(self) -> float:
        """Current virtual time in seconds."""
        return float(self.env.now)

    def rng(self, name: str) -> random.Random:
        """The random stream called ``name`` (created on first use)."""
        stream = self._streams.get(name)
        if stream is None:
            digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
            stream = random.Random(int.from_bytes(digest[:8], "big"))
            self._streams[name] = stream
        return stream

    def process(self, generator: Process) -> simpy.Process:
        """Start a SimPy process."""
        return self.env.process(generator)

    def timeout(self, delay: float) -> simpy.Timeout:
        """An event that fires ``delay`` virtual seconds from now."""
        return self.env.timeout(delay)

    def call_later(self, delay: float, callback: Any, *args: Any) -> None:
        """Run ``callback(*args)`` after ``delay`` virtual seconds (no process needed)."""
        event = self.env.timeout(delay)
        event.callbacks.append(lambda _event: callback(*args))
