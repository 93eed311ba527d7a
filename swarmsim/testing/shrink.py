"""Shrink a failing fault schedule to a short script that still fails the same way.

Delta debugging over the schedule's lines (drop halves, quarters, ... single
lines while the failure persists), then smaller clusters, then fewer options
on each ``docker`` line, then shorter ``sleep`` words.  "The same way" means
the same invariant is broken (:attr:`Outcome.kinds` still contains it).
Every attempt is a fresh deterministic run, so the result is reproducible.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from swarmsim.testing.schedules import Outcome, Schedule, run_schedule

__all__ = ["shrink"]

LADDER = ("100ms", "500ms", "1s", "2s", "5s", "10s", "20s", "1m")
"""Sleep words tried, shortest first."""


class _Budget:
    """Counts runs; stops shrinking once ``limit`` is reached."""

    def __init__(self, invariant: str, limit: int, run: Callable[[Schedule], Outcome]) -> None:
        self.invariant = invariant
        self.left = limit
        self._run = run

    def fails(self, schedule: Schedule) -> Outcome | None:
        if self.left <= 0:
            return None
        self.left -= 1
        outcome = self._run(schedule)
        return outcome if self.invariant in outcome.kinds else None


def shrink(
    schedule: Schedule,
    invariant: str,
    *,
    budget: int = 400,
    run: Callable[[Schedule], Outcome] = run_schedule,
) -> tuple[Schedule, Outcome]:
    """The smallest schedule found that still breaks ``invariant``, and its outcome.

    ``schedule`` must break ``invariant``; at most ``budget`` runs are made.
    """
    tries = _Budget(invariant, budget, run)
    best = run(schedule)
    while True:
        before = schedule
        for simplify in (_drop_lines, _smaller_cluster, _drop_options, _shorter_sleeps):
            schedule, best = simplify(schedule, best, tries)
        if schedule == before or tries.left <= 0:
            return schedule, best


def _drop_lines(schedule: Schedule, best: Outcome, tries: _Budget) -> tuple[Schedule, Outcome]:
    steps = list(schedule.steps)
    chunk = max(1, len(steps) // 2)
    while chunk >= 1:
        start = 0
        while start < len(steps):
            candidate = replace(schedule, steps=tuple(steps[:start] + steps[start + chunk :]))
            outcome = tries.fails(candidate)
            if outcome is not None:
                schedule, best, steps = candidate, outcome, list(candidate.steps)
            else:
                start += chunk
        chunk //= 2
    return schedule, best


def _smaller_cluster(schedule: Schedule, best: Outcome, tries: _Budget) -> tuple[Schedule, Outcome]:
    shapes = [(1, schedule.workers)] if schedule.managers > 1 else []
    shapes += [(schedule.managers, w) for w in range(schedule.workers)]
    for managers, workers in shapes:
        candidate = replace(schedule, managers=managers, workers=workers)
        if candidate.managers > schedule.managers or candidate.workers > schedule.workers:
            continue
        outcome = tries.fails(candidate)
        if outcome is not None:
            schedule, best = candidate, outcome
    return schedule, best


def _options(words: list[str]) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of ``--flag`` or ``--flag value`` groups in a docker line."""
    spans = []
    for i, word in enumerate(words):
        if word.startswith("--") and word not in ("--name",):
            takes_value = i + 1 < len(words) - 1 and not words[i + 1].startswith("-")
            spans.append((i, i + 2 if takes_value else i + 1))
    return spans


def _drop_options(schedule: Schedule, best: Outcome, tries: _Budget) -> tuple[Schedule, Outcome]:
    for index in range(len(schedule.steps)):
        line = schedule.steps[index]
        if not line.startswith("docker "):
            continue
        words = line.split()
        for start, end in reversed(_options(words)):
            shorter = " ".join(words[:start] + words[end:])
            steps = (*schedule.steps[:index], shorter, *schedule.steps[index + 1 :])
            candidate = replace(schedule, steps=steps)
            outcome = tries.fails(candidate)
            if outcome is not None:
                schedule, best, words = candidate, outcome, shorter.split()
    return schedule, best


def _shorter_sleeps(schedule: Schedule, best: Outcome, tries: _Budget) -> tuple[Schedule, Outcome]:
    for index, line in enumerate(schedule.steps):
        if not line.startswith("sleep ") or line.split()[1] not in LADDER:
            continue
        for word in LADDER[: LADDER.index(line.split()[1])]:
            steps = (*schedule.steps[:index], f"sleep {word}", *schedule.steps[index + 1 :])
            candidate = replace(schedule, steps=steps)
            outcome = tries.fails(candidate)
            if outcome is not None:
                schedule, best = candidate, outcome
                break
    return schedule, best
