"""--speed paces the wall clock and changes nothing in the run."""

from __future__ import annotations

import pytest

from swarmsim.console.pacing import TICK, pace, parse_speed
from swarmsim.shell.transcript import run_script
from swarmsim.swarm import Swarm

LESSON = "docker service create --name web --replicas 3 nginx\nsleep 30s\nfail worker1\nsleep 1m\n"


def test_parse_speed() -> None:
    assert [parse_speed(t) for t in ("10x", "2.5X", "1")] == [10.0, 2.5, 1.0]
    for bad in ("fast", "0x", "-2x", "infx"):
        with pytest.raises(ValueError, match="invalid speed"):
            parse_speed(bad)


def test_paced_runs_wait_virtual_time_over_speed_and_stay_identical() -> None:
    waits: list[float] = []
    paced = Swarm(seed=5)
    pace(paced, 10.0, sleep=waits.append)
    result = run_script(paced, LESSON)
    plain = Swarm(seed=5)
    assert result.transcript == run_script(plain, LESSON).transcript
    assert paced.trace.dump() == plain.trace.dump()
    assert set(waits) == {TICK / 10.0}
    assert len(waits) == int(paced.now / TICK)
