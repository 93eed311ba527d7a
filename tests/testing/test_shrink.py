"""Shrinking keeps the failure and drops everything else."""

from __future__ import annotations

from swarmsim.testing.facts import Violation
from swarmsim.testing.schedules import Outcome, Schedule
from swarmsim.testing.shrink import shrink


def _fails_when_worker2_fails_after_a_scale(schedule: Schedule) -> Outcome:
    """A stand-in for run_schedule: 'broken' iff a scale comes before 'fail worker2'."""
    steps = schedule.steps
    scaled = [i for i, s in enumerate(steps) if s.startswith("docker service scale")]
    failed = [i for i, s in enumerate(steps) if s == "fail worker2"]
    broken = scaled and failed and scaled[0] < failed[-1] and schedule.workers >= 2
    return Outcome((Violation("replicas", "x"),) if broken else (), len(steps))


def test_shrink_drops_lines_options_workers_and_shortens_sleeps() -> None:
    schedule = Schedule(
        3,
        3,
        4,
        (
            "image bad:pull pull_error=true",
            "docker service create -d --name s0 --replicas 3 nginx:1",
            "sleep 1m",
            "docker service scale -d --detach s0=2",
            "kill s0.1",
            "sleep 20s",
            "fail worker2",
            "recover worker1",
        ),
    )
    small, outcome = shrink(schedule, "replicas", run=_fails_when_worker2_fails_after_a_scale)
    assert outcome.kinds == {"replicas"}
    assert small == Schedule(3, 1, 2, ("docker service scale -d s0=2", "fail worker2"))


def test_shrink_stops_at_its_budget() -> None:
    runs: list[Schedule] = []

    def counting(schedule: Schedule) -> Outcome:
        runs.append(schedule)
        whole = len(schedule.steps) == 8  # nothing can be dropped
        return Outcome((Violation("replicas", "x"),) if whole else (), 0)

    schedule = Schedule(1, 1, 1, tuple(f"sleep {i}s" for i in range(1, 9)))
    assert shrink(schedule, "replicas", budget=5, run=counting)[0] == schedule
    assert len(runs) == 6  # the first run, then the budget
