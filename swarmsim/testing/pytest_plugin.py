"""A pytest plugin for test suites about swarms: hypothesis profiles and fixtures.

Installed with swarmsim (entry point ``pytest11``), so any suite gets it:

* hypothesis profiles ``swarmsim-ci`` (derandomized, 40 examples, no
  deadline: simulated runs vary in wall time), ``swarmsim-dev`` (25 random
  examples) and ``swarmsim-thorough`` (500 examples).  None drops the
  *explain* phase's re-runs of a failing state machine, which cost minutes.
  ``pytest --swarmsim-profile swarmsim-ci`` loads one (else the suite's own
  choice stands, so a project ``conftest.py`` that loads its profile keeps
  working);
* the ``swarm`` fixture, a factory: ``swarm(seed=1, managers=1, workers=3,
  ranking="binpack")`` builds a :class:`~swarmsim.swarm.Swarm` (any
  ``--ranking`` name or ``module:Class`` of ``swarmsim shell``, or a class);
* the ``swarm_invariants`` fixture: ``swarm_invariants(s)`` asserts
  :func:`~swarmsim.testing.invariants.check_step` and, with ``settle=True``,
  lets the swarm settle and asserts
  :func:`~swarmsim.testing.invariants.check_quiescent`.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from swarmsim.manager.scheduler.ranking import Ranking, resolve_ranking
from swarmsim.swarm import Swarm
from swarmsim.testing.invariants import check_quiescent, check_step
from swarmsim.testing.schedules import SETTLE

__all__ = ["PROFILES", "register_profiles"]

_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
    "phases": _PHASES,
}
PROFILES: dict[str, dict[str, Any]] = {
    "swarmsim-ci": {"derandomize": True, "max_examples": 40, "print_blob": True, **_COMMON},
    "swarmsim-dev": {"max_examples": 25, **_COMMON},
    "swarmsim-thorough": {"max_examples": 500, **_COMMON},
}
"""The hypothesis profiles the plugin registers, by name."""


def register_profiles() -> None:
    """Register :data:`PROFILES` with hypothesis (loading none)."""
    for name, values in PROFILES.items():
        settings.register_profile(name, **values)


register_profiles()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--swarmsim-profile NAME``: load a hypothesis profile for the run."""
    parser.addoption(
        "--swarmsim-profile",
        choices=sorted(PROFILES),
        help="load this hypothesis profile (swarmsim's plugin)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Load the profile asked for on the command line, if any."""
    name = config.getoption("--swarmsim-profile", None)
    if name:
        settings.load_profile(name)


SwarmFactory = Callable[..., Swarm]


@pytest.fixture
def swarm() -> Iterator[SwarmFactory]:
    """A factory of swarms: ``swarm(seed=0, managers=1, workers=2, ranking=None)``."""

    def build(
        seed: int = 0,
        managers: int = 1,
        workers: int = 2,
        ranking: str | Ranking | None = None,
    ) -> Swarm:
        made = Swarm(seed=seed, managers=managers, workers=workers)
        if ranking is not None:
            made.scheduler.ranking = (
                resolve_ranking(ranking) if isinstance(ranking, str) else ranking
            )
        return made

    yield build


@pytest.fixture
def swarm_invariants() -> Callable[..., None]:
    """``swarm_invariants(swarm, settle=False)``: assert the invariants hold."""

    def check(target: Swarm, *, settle: bool = False) -> None:
        problems = check_step(target)
        assert not problems, "\n".join(map(str, problems))
        if settle:
            target.advance(SETTLE)
            problems = check_quiescent(target)
            assert not problems, "\n".join(map(str, problems))

    return check
