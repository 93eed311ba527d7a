"""The fault-schedule fuzzer within the suite's budget, and its command line."""

from __future__ import annotations

import pytest
from hypothesis import Phase, given, settings

from swarmsim.testing import fuzz
from swarmsim.testing.generate import schedules
from swarmsim.testing.schedules import Schedule, run_schedule
from swarmsim.testing.shrink import shrink

# No test is marked xfail: the engine reproducers 1-4 all pass.  Longer runs
# still find rarer engine bugs (python -m swarmsim.testing.fuzz; docs/testing.md); the
# fixed budget below is one that passes today, so that a failure here is a regression.


# hypothesis' own shrinking replays whole schedules for minutes: shrink.py does it in
# seconds, line by line, and the failure message carries its pasteable script
def _holds(schedule: Schedule) -> None:
    """Fail with the shrunk, pasteable script when ``schedule`` breaks an invariant."""
    outcome = run_schedule(schedule)
    if not outcome.ok:
        small, smallest = shrink(schedule, outcome.violations[0].invariant, budget=150)
        violations = "".join(f"{v}\n" for v in smallest.violations)
        pytest.fail(f"{small.to_script()}{violations}", pytrace=False)


@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(schedules())
def test_every_invariant_holds_under_any_fault_schedule(schedule: Schedule) -> None:
    _holds(schedule)


def test_a_fixed_budget_of_seeded_schedules_breaks_no_invariant() -> None:
    classes = fuzz.fuzz(700, seed=2033)  # ~10 s
    assert {name: group.indexes for name, group in classes.items()} == {}


@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(schedules(extended=True))
def test_every_invariant_holds_under_partitions_labels_roles_and_host_ports(
    schedule: Schedule,
) -> None:
    _holds(schedule)


def test_a_fixed_budget_of_extended_schedules_breaks_no_invariant() -> None:
    classes = fuzz.fuzz(400, seed=2034, extended=True)  # ~8 s
    assert {name: group.indexes for name, group in classes.items()} == {}


@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(schedules(extended=True, membership=True))
def test_every_invariant_holds_as_machines_leave_and_join_again(schedule: Schedule) -> None:
    _holds(schedule)


def test_a_fixed_budget_of_membership_schedules_breaks_no_invariant() -> None:
    classes = fuzz.fuzz(300, seed=2035, extended=True, membership=True)  # ~6 s
    assert {name: group.indexes for name, group in classes.items()} == {}


def test_schedule_for_is_reproducible_one_by_one() -> None:
    assert fuzz.schedule_for(1, 17) == fuzz.schedule_for(1, 17)
    assert fuzz.schedule_for(1, 17) != fuzz.schedule_for(2, 17)


def test_the_command_line_reports_and_exits(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fuzz.main(["--schedules", "3", "--seed", "5"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "3 schedules (seed 5): 0 failing, 0 classes\n"
    assert "[3/3]" in captured.err
    assert fuzz.main(["--schedules", "2", "--seed", "5", "--extended"]) == 0
    assert capsys.readouterr().out == "2 schedules (seed 5, extended): 0 failing, 0 classes\n"
    assert fuzz.main(["--schedules", "1", "--seed", "5", "--extended", "--membership"]) == 0
    summary = "1 schedules (seed 5, extended, membership): 0 failing, 0 classes\n"
    assert capsys.readouterr().out == summary

    broken = fuzz.FailureClass("replicas", [7], fuzz.schedule_for(5, 7))

    def one_failure(count: int, seed: int, **_: object) -> dict[str, fuzz.FailureClass]:
        return {"replicas": broken}

    monkeypatch.setattr(fuzz, "fuzz", one_failure)
    monkeypatch.setattr(fuzz, "report", lambda group, budget: "## replicas\n")
    assert fuzz.main(["--schedules", "9"]) == 1
    assert capsys.readouterr().out == "## replicas\n9 schedules (seed 1): 1 failing, 1 classes\n"
