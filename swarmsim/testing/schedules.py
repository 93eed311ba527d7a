"""Fault schedules: shell scripts run against a fresh swarm, checked at every step.

A :class:`Schedule` is a cluster shape, a seed and a list of ``swarmsim
shell`` lines (``docker ...`` commands and the shell's fault words), so a
failing schedule *is* a script a person can paste::

    swarmsim shell --seed 3 --managers 1 --workers 2 <<'EOF'
    docker service create -d --name s0 --replicas 3 nginx:1
    fail worker1
    sleep 20s
    EOF

:func:`run_schedule` runs the lines one by one through
:class:`~swarmsim.shell.interpreter.Interpreter` (the shell's) and checks
:func:`~swarmsim.testing.safety.check_always` after every line; then it lets
the swarm settle for :data:`SETTLE` seconds (checking the same every
:data:`SETTLE_CHECK` seconds) and checks
:func:`~swarmsim.testing.settled.check_settled` and the monotonic trace.  It
stops at the first check that finds violations.  A line that prints
``internal error`` (a simulator exception the shell caught) is a violation too.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from swarmsim.shell.interpreter import Interpreter
from swarmsim.swarm import Swarm
from swarmsim.testing.facts import Violation
from swarmsim.testing.invariants import check_quiescent
from swarmsim.testing.safety import check_always

__all__ = ["SETTLE", "SETTLE_CHECK", "Outcome", "Schedule", "run_schedule"]

SETTLE = 600.0
"""Virtual seconds a schedule is left to settle after its last line (10 minutes).

The longest chain of manager timers the generator can start, with the
faults left as they are: a leader change (election within 10–19 s, reference
6.5) after which nodes get ``6 x 5.5 s`` to re-register before being marked
DOWN (6.3); the restart supervisor's 5 s delay and its 1-minute wait for an
old task that never reports (3.5); then a rolling update and its rollback,
each slot taking at most a stop (10 s grace), a pull (10 s for the slowest
image), a start with its health gate (1 s) and the update delay (1 s), for
at most 10 slots, plus the monitor period (5 s) — about 2 x 230 s.  Ten
minutes covers the sum with room to spare; the reaper (250 ms) and the
dispatcher's batching (100 ms) are noise next to it.
"""

SETTLE_CHECK = 30.0
"""While settling, :func:`check_always` runs every this many virtual seconds."""


@dataclass(frozen=True)
class Schedule:
    """A cluster, a seed and the shell lines to run, in order.

    Examples
    --------
    >>> schedule = Schedule(1, 1, 0, ("docker service create -d --name s0 nginx:1",))
    >>> print(schedule.to_script(), end="")
    swarmsim shell --seed 1 --managers 1 --workers 0 <<'EOF'
    docker service create -d --name s0 nginx:1
    EOF
    """

    seed: int
    managers: int
    workers: int
    steps: tuple[str, ...] = ()

    @property
    def command(self) -> str:
        """The ``swarmsim shell`` command line that starts this schedule's swarm."""
        return (
            f"swarmsim shell --seed {self.seed} --managers {self.managers} --workers {self.workers}"
        )

    def to_script(self) -> str:
        """The schedule as a shell here-document, ready to paste."""
        return "".join(
            [f"{self.command} <<'EOF'\n", *(f"{line}\n" for line in self.steps), "EOF\n"]
        )


@dataclass(frozen=True)
class Outcome:
    """What running a schedule found: the violations and where.

    ``step`` is the index of the line after which they were seen, or
    ``len(steps)`` when they were seen while or after settling.
    """

    violations: tuple[Violation, ...] = ()
    step: int = 0
    transcript: tuple[str, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """Whether every invariant held."""
        return not self.violations

    @property
    def kinds(self) -> frozenset[str]:
        """The names of the broken invariants."""
        return frozenset(v.invariant for v in self.violations)


def run_schedule(schedule: Schedule, *, settle: float = SETTLE) -> Outcome:
    """Run ``schedule`` on a fresh swarm and check the invariants (see the module doc)."""
    swarm = Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers)
    shell = Interpreter(swarm)
    transcript: list[str] = []
    for index, line in enumerate(schedule.steps):
        result = shell.execute(line)
        transcript.append(f"$ {line}\n{result.stdout}{result.stderr}")
        problems = []
        if "internal error" in result.stderr:
            problems.append(Violation("internal-error", f"{line}: {result.stderr.strip()}"))
        problems.extend(check_always(swarm))
        if problems:
            return Outcome(tuple(problems), index, tuple(transcript))
    end = len(schedule.steps)
    elapsed = 0.0
    try:
        while elapsed < settle:
            step = min(SETTLE_CHECK, settle - elapsed)
            swarm.advance(step)
            elapsed += step
            problems = check_always(swarm)
            if problems:
                return Outcome(tuple(problems), end, tuple(transcript))
    except Exception as error:  # a simulator bug while settling
        return Outcome((Violation("internal-error", f"settling: {error!r}"),), end)
    return Outcome(tuple(check_quiescent(swarm)), end, tuple(transcript))
