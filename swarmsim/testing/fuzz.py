"""The long fault-schedule fuzzer: ``python -m swarmsim.testing.fuzz``.

Runs ``--schedules N`` random schedules (:func:`~swarmsim.testing.generate.random_schedule`,
schedule ``i`` drawn from ``random.Random(seed * 1_000_003 + i)`` so any one
of them can be replayed alone with ``--first i --schedules 1``), checks every
invariant (:func:`~swarmsim.testing.schedules.run_schedule`), groups the
failing ones by the invariant broken first, shrinks one schedule per group
(:func:`~swarmsim.testing.shrink.shrink`) and prints it as a pasteable
``swarmsim shell`` script with the violations.  Progress goes to standard
error.  Exit status 1 if any schedule failed.  ``--extended`` draws the
generator's extended schedules (partitions, node labels and roles,
constraints, node removals, host ports: :data:`~swarmsim.testing.generate.EXTENDED`);
``--membership`` adds machines leaving and joining the swarm again
(:data:`~swarmsim.testing.generate.MEMBERSHIP`), alone or with ``--extended``.

``make fuzz FUZZ_SCHEDULES=10000 FUZZ_SEED=1`` runs it (``FUZZ_FLAGS=--extended``
for the extended ones, ``FUZZ_FLAGS="--extended --membership"`` for both).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TextIO

from swarmsim.testing.generate import random_schedule
from swarmsim.testing.schedules import Outcome, Schedule, run_schedule
from swarmsim.testing.shrink import shrink

__all__ = ["SEE", "FailureClass", "fuzz", "main", "schedule_for"]

SEE = ("sleep 10m", "docker service ls")
"""Lines added to a reported script: settle as the fuzzer did, then look."""


def schedule_for(
    seed: int, index: int, *, extended: bool = False, membership: bool = False
) -> Schedule:
    """Schedule number ``index`` of the run seeded ``seed`` (``extended``, ``membership``:
    with the generator's :data:`~swarmsim.testing.generate.EXTENDED`,
    :data:`~swarmsim.testing.generate.MEMBERSHIP` lines)."""
    return random_schedule(
        random.Random(seed * 1_000_003 + index), extended=extended, membership=membership
    )


@dataclass
class FailureClass:
    """Failing schedules that broke the same invariant first."""

    invariant: str
    indexes: list[int] = field(default_factory=list)
    first: Schedule | None = None
    outcome: Outcome | None = None


def _primary(outcome: Outcome) -> str:
    return outcome.violations[0].invariant


def fuzz(
    count: int,
    seed: int,
    *,
    first: int = 0,
    progress: TextIO | None = None,
    every: int = 500,
    extended: bool = False,
    membership: bool = False,
) -> dict[str, FailureClass]:
    """Run ``count`` schedules from index ``first``; the failures by invariant."""
    classes: dict[str, FailureClass] = {}
    started = time.perf_counter()  # only for the progress line, never in results
    for n, index in enumerate(range(first, first + count), start=1):
        schedule = schedule_for(seed, index, extended=extended, membership=membership)
        outcome = run_schedule(schedule)
        if not outcome.ok:
            group = classes.setdefault(_primary(outcome), FailureClass(_primary(outcome)))
            group.indexes.append(index)
            if group.first is None or len(schedule.steps) < len(group.first.steps):
                group.first, group.outcome = schedule, outcome
        if n % 100 == 0:
            gc.collect()  # dropped swarms are cyclic garbage
        if progress is not None and (n % every == 0 or n == count):
            rate = n / max(time.perf_counter() - started, 1e-9)
            failing = sum(len(c.indexes) for c in classes.values())
            progress.write(
                f"[{n}/{count}] {rate:.1f} schedules/s, {failing} failing, {len(classes)} classes\n"
            )
            progress.flush()
    return classes


def report(group: FailureClass, *, budget: int) -> str:
    """Shrink the group's smallest schedule; markdown with the script and its violations."""
    assert group.first is not None
    small, outcome = shrink(group.first, group.invariant, budget=budget)
    steps = len(small.steps)
    where = "while settling" if outcome.step >= steps else f"after line {outcome.step + 1}"
    lines = [
        f"## {group.invariant}: {len(group.indexes)} schedules "
        f"({', '.join(f'#{i}' for i in group.indexes[:8])})\n\n",
        "```sh\n" + replace(small, steps=small.steps + SEE).to_script() + "```\n\n",
        f"Violations ({where}):\n\n",
        *(f"- {v}\n" for v in outcome.violations),
        "\n",
    ]
    return "".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m swarmsim.testing.fuzz", description=__doc__)
    parser.add_argument("--schedules", type=int, default=10_000, help="how many schedules")
    parser.add_argument("--seed", type=int, default=1, help="seed of the run")
    parser.add_argument("--first", type=int, default=0, help="index of the first schedule")
    parser.add_argument("--shrink-budget", type=int, default=300, help="runs per shrink")
    parser.add_argument("--findings", help="also append the shrunk reproducers to this file")
    parser.add_argument(
        "--extended",
        action="store_true",
        help="add partitions, node labels and roles, constraints, node removals, host ports",
    )
    parser.add_argument(
        "--membership",
        action="store_true",
        help="add machines leaving the swarm and joining it again, and left nodes removed",
    )
    args = parser.parse_args(argv)
    classes = fuzz(
        args.schedules,
        args.seed,
        first=args.first,
        progress=sys.stderr,
        extended=args.extended,
        membership=args.membership,
    )
    ordered = sorted(classes.values(), key=lambda c: (-len(c.indexes), c.invariant))
    for group in ordered:
        text = report(group, budget=args.shrink_budget)
        sys.stdout.write(text)
        sys.stdout.flush()
        if args.findings:
            with open(args.findings, "a", encoding="utf-8") as findings:
                findings.write(text)
    failing = sum(len(c.indexes) for c in ordered)
    summary = f"{failing} failing, {len(ordered)} classes"
    kind = "".join(
        f", {name}"
        for name, on in (("extended", args.extended), ("membership", args.membership))
        if on
    )
    print(f"{args.schedules} schedules (seed {args.seed}{kind}): {summary}")
    return 1 if ordered else 0


if __name__ == "__main__":
    raise SystemExit(main())
