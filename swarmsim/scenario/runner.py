"""Replay a scenario in virtual time: steps, expectations, a stamped transcript.

:class:`Runner` builds the swarm of a :class:`~swarmsim.scenario.model.Scenario`
(or takes one), runs its ``image`` lines, then walks the timeline: it lets
virtual time pass until a step's time, prints the step's comment, hands its
line to the :class:`~swarmsim.shell.interpreter.Interpreter` and prints what it
printed.  Expectations wait in a queue ordered by time: an ``at`` check is
made once at its time; a ``within`` check is polled every
:data:`POLL` seconds (or every 1/:data:`MAX_POLLS` of a longer window) from
the start of its window and passes the first time it holds, or fails at its
deadline.  Checks are made between steps, never in the
middle of a command that waits (``docker service create`` without ``-d``).

Before the first step the docker CLI gets the scenario's environment and
nothing else (a transcript never depends on the machine it was made on:
``${VAR}`` in a compose file is only what the file's ``environment:`` or an
``export`` line says) and reads files from the scenario's folder, the inline
``files:`` first; a step's ``files:`` are written before its line runs.

Each verdict is printed where it happened in the transcript
(``[0:02:00.0] PASS expect[0]: redis has 3 running tasks``, or ``FAIL`` with
what was seen), and a last line sums them up.  Same scenario and seed: the
same transcript and trace, byte for byte.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import dataclasses
import heapq
import html
import io
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import Availability, NodeRole
from swarmsim.cli.docker.stack import set_stack_environment, set_stack_workspace
from swarmsim.compose.workspace import Workspace
from swarmsim.scenario.expectations import describe, observe
from swarmsim.scenario.model import Expectation, Scenario
from swarmsim.shell.interpreter import Interpreter
from swarmsim.shell.transcript import Sink, Tee, Transcript, play_line

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm
    from swarmsim.trace import Trace

__all__ = [
    "MAX_POLLS",
    "POLL",
    "Runner",
    "ScenarioResult",
    "Verdict",
    "build_swarm",
    "run_scenario",
]

POLL = 0.1  # seconds between two looks of a ``within`` expectation (the dispatcher's batch)
MAX_POLLS = 1000  # a longer window is looked at every 1/1000 of its length


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of one expectation: when it was decided and what was seen."""

    expectation: Expectation
    passed: bool
    time: float
    seen: str

    def __str__(self) -> str:
        e = self.expectation
        if self.passed:
            return f"PASS {e.label}: {describe(e.check)}"
        return f"FAIL {e.label} ({e.where}): {describe(e.check)}; saw {self.seen}"


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A replayed scenario: its transcript, verdicts and trace.

    ``exit_code`` is 1 when an expectation failed, else 0 (a command that
    fails on purpose does not fail a scenario; it fails a text lesson, as
    in the shell).
    """

    scenario: Scenario
    transcript: str
    verdicts: tuple[Verdict, ...]
    trace: Trace
    failed_lines: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """Whether every expectation held (and, for a lesson, every line ran)."""
        lesson_failed = self.scenario.kind == "lesson" and bool(self.failed_lines)
        return all(v.passed for v in self.verdicts) and not lesson_failed

    @property
    def exit_code(self) -> int:
        """1 when an expectation failed (or a lesson's line), else 0."""
        return 0 if self.passed else 1

    def summary(self) -> str:
        """``drain: 3 expectations, 3 passed`` (or how many failed)."""
        name = self.scenario.name
        if self.scenario.kind == "lesson":
            count = sum(1 for s in self.scenario.steps if s.kind == "run")
            return f"{name}: {count} commands, {len(self.failed_lines)} failed"
        failed = sum(1 for v in self.verdicts if not v.passed)
        count = len(self.verdicts)
        outcome = f"{failed} failed" if failed else f"{count} passed"
        return f"{name}: {count} expectation{'s' * (count != 1)}, {outcome}"

    def __repr__(self) -> str:
        lines = [f"<ScenarioResult {self.summary()}>"]
        lines += [f"  {v}" for v in self.verdicts]
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<li>{'✅' if v.passed else '❌'} {html.escape(str(v))}</li>" for v in self.verdicts
        )
        return f"<p>{html.escape(self.summary())}</p><ul>{rows}</ul>"


def build_swarm(scenario: Scenario, seed: int | None = None) -> Swarm:
    """A new swarm with the scenario's machines (and its seed unless ``seed`` is given)."""
    from swarmsim.swarm import Swarm

    seed = scenario.seed if seed is None else seed
    if scenario.cluster.blank:
        machines = [
            {
                "name": m.name,
                "cpus": m.cpus,
                "memory": m.memory,
                "engine_labels": dict(m.labels),
                "udp_ports_taken": m.udp_ports_taken,
                "generic_resources": m.generic_resources,
                "rack": m.rack,
                "zone": m.zone,
                **({"address": m.address} if m.address else {}),
            }
            for m in scenario.cluster.machines
        ]
        return Swarm(seed=seed, machines=machines)
    nodes = [
        {
            "hostname": m.name,
            "role": NodeRole[m.role.upper()],
            "labels": dict(m.labels),
            "cpus": m.cpus,
            "memory": m.memory,
            "address": m.address,
            "availability": Availability[m.availability.upper()],
            "rack": m.rack,
            "zone": m.zone,
        }
        for m in scenario.cluster.machines
    ]
    return Swarm(seed=seed, nodes=nodes)


class Runner:
    """Replays one scenario on one swarm, writing its transcript to ``out``.

    Parameters
    ----------
    scenario
        The checked scenario.
    swarm
        The swarm to run on (default: a new one from the scenario's cluster).
    out
        Where the transcript goes (default: kept in memory only).
    lang
        ``"en"`` or ``"es"``: the language of comments and the description.
    quiet
        Print only the verdicts and the summary.
    """

    def __init__(
        self,
        scenario: Scenario,
        swarm: Swarm | None = None,
        *,
        out: Sink | None = None,
        lang: str = "en",
        quiet: bool = False,
        seed: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.swarm = swarm if swarm is not None else build_swarm(scenario, seed)
        self.interpreter = Interpreter(self.swarm)
        self.lang = lang
        self._buffer = io.StringIO()
        self._transcript = Transcript(Tee(self._buffer, None if quiet else out), stamped=True)
        self._notes = Transcript(Tee(self._buffer, out), stamped=True)
        self._queue: list[tuple[float, int, float | None, Expectation]] = []
        self._steps: dict[int, float] = {}  # poll interval of each within expectation
        self._order = 0
        self._verdicts: list[Verdict] = []
        self._failed: list[str] = []
        self._workspace: Workspace | None = None

    # ------------------------------------------------------------ expectations
    def _expect(self, expectation: Expectation, anchor: float) -> None:
        if expectation.at is not None:
            due, deadline = anchor + expectation.at, None
        else:
            due = anchor + expectation.after
            window = expectation.within or 0.0
            deadline = due + window
            self._steps[self._order] = max(POLL, window / MAX_POLLS)
        heapq.heappush(self._queue, (due, self._order, deadline, expectation))
        self._order += 1

    def _settle(self, until: float) -> None:
        """Let time pass up to ``until``, making every check that falls due."""
        while self._queue and self._queue[0][0] <= until:
            due, order, deadline, expectation = heapq.heappop(self._queue)
            self.swarm.run(due)
            holds, seen = observe(expectation.check, self.interpreter)
            now = self.swarm.now
            if deadline is not None and not holds and now < deadline:
                retry = min(now + self._steps[order], deadline)
                heapq.heappush(self._queue, (retry, order, deadline, expectation))
                continue
            verdict = Verdict(expectation, holds, now, seen)
            self._verdicts.append(verdict)
            self._notes.note(str(verdict), now)
        self.swarm.run(until)

    # -------------------------------------------------------------------- run
    def _comment(self, text: str) -> None:
        now = float(self.swarm.now)
        for line in text.splitlines() or [""]:
            self._transcript.text(f"# {line}".rstrip(), now)
        self.swarm.ctx.trace.command(now, "comment", "", text, 0)

    def _write_files(self, files: tuple[tuple[str, str], ...]) -> None:
        """Make ``files`` visible to the docker CLI beside the scenario (in memory)."""
        if not files and self._workspace is not None:
            return
        folder = os.path.dirname(os.path.abspath(self.scenario.file))
        known = dict(self._workspace.files) if self._workspace is not None else {}
        known.update((name, text.encode()) for name, text in files)
        self._workspace = Workspace(folder, known)
        set_stack_workspace(self.swarm, self._workspace)

    def _play(self, line: str) -> bool:
        """Print or run one line; False once it was ``exit``."""
        result = play_line(self.interpreter, line, self._transcript)
        if not result.ok:
            self._failed.append(line)
        return not result.stop

    def run(self) -> ScenarioResult:
        """Replay the whole timeline and wait for every expectation."""
        scenario = self.scenario
        description = scenario.description.get(self.lang)
        header = f"{scenario.name}: {description}" if description else scenario.name
        if scenario.kind != "lesson":
            self._transcript.out.write(f"# {header}\n")
        for expectation in scenario.expect:
            self._expect(expectation, 0.0)
        set_stack_environment(self.swarm, dict(scenario.environment))
        self._write_files(scenario.files)
        for line in scenario.images:
            self._play(line)
        for step in scenario.steps:
            start = step.at if step.at is not None else self.swarm.now + step.after
            self._settle(max(start, self.swarm.now))
            if step.comment is not None:
                self._comment(step.comment.get(self.lang))
            self._write_files(step.files)
            if (step.line or step.kind == "text") and not self._play(step.line):
                break
            for expectation in step.expect:
                self._expect(expectation, self.swarm.now)
        while self._queue:
            self._settle(self._queue[0][0])
        result = ScenarioResult(
            scenario, "", tuple(self._verdicts), self.swarm.trace, tuple(self._failed)
        )
        self._notes.out.write(result.summary() + "\n")
        return dataclasses.replace(result, transcript=self._buffer.getvalue())


def run_scenario(
    path: str | os.PathLike[str],
    *,
    seed: int | None = None,
    lang: str = "en",
    swarm: Swarm | None = None,
) -> ScenarioResult:
    """Load, check and replay a scenario file on a new swarm (or on ``swarm``).

    ``result.passed``, ``result.summary()`` and ``result.verdicts`` tell how
    it went; ``result.trace`` holds every change and command of the run.
    """
    from swarmsim.scenario.loader import load_scenario

    return Runner(load_scenario(path), swarm, lang=lang, seed=seed).run()
