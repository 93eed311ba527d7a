"""The schedule generator: deterministic, well-formed lines, every operation reachable."""

from __future__ import annotations

import random

from hypothesis import given

from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm
from swarmsim.testing.generate import IMAGES, random_schedule, schedules
from swarmsim.testing.schedules import Schedule


def test_same_seed_same_schedule() -> None:
    assert random_schedule(random.Random(3)) == random_schedule(random.Random(3))
    assert random_schedule(random.Random(3)) != random_schedule(random.Random(4))


def test_every_operation_of_the_issue_is_generated() -> None:
    words: set[str] = set()
    for i in range(300):
        for line in random_schedule(random.Random(i)).steps:
            parts = line.split()
            words.add(" ".join(parts[:3]) if parts[0] == "docker" else parts[0])
            words.update(w for w in parts if w.startswith("--") or w in ("start-first", "rollback"))
    expected = {
        "fail", "recover", "disconnect", "reconnect", "kill", "sleep", "node", "image",
        "docker service create", "docker service update", "docker service scale",
        "docker service rollback", "docker service rm", "docker node update",
        "--mode", "--update-order", "start-first", "--update-failure-action", "rollback",
        "--health-cmd", "--reserve-memory", "--replicas-max-per-node", "--constraint",
        "--restart-condition", "--restart-max-attempts", "--force",
    }  # fmt: skip
    assert expected <= words


@given(schedules())
def test_generated_lines_are_understood_by_the_shell(schedule: Schedule) -> None:
    assert schedule.steps[: len(IMAGES)] == IMAGES
    assert schedule.managers in (1, 3) and 0 <= schedule.workers <= 4
    shell = Shell(Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers))
    for line in schedule.steps:
        result = shell.execute(line)
        assert "unknown" not in result.stderr and "usage" not in result.stderr, line
