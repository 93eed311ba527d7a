"""Transcripts: a script of lines run through the interpreter, as a class reads it.

A transcript echoes every line as ``$ <line>`` followed by what it printed
(standard output, then standard error); comments and blank lines are copied
as they are.  A *stamped* transcript (``swarmsim run``) starts each echoed
line and comment with the virtual time it ran at, ``[0:01:30.0]``; output
lines are never touched, so docker's tables stay byte for byte.

:func:`run_script` runs a text lesson (or any text) through one
:class:`~swarmsim.shell.interpreter.Interpreter`; it is what ``swarmsim shell``
does with piped input and ``swarmsim run lesson.txt``, and what Python code
calls to run shell lines on a swarm.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from swarmsim.shell.interpreter import Interpreter, LineResult
from swarmsim.shell.syntax import is_comment, logical_lines

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = [
    "ScriptResult",
    "Sink",
    "Tee",
    "Transcript",
    "clock_stamp",
    "play_line",
    "run_lines",
    "run_script",
]


class Sink(Protocol):
    """Anything text can be written to (a file, :class:`io.StringIO`, a :class:`Tee`)."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


class Tee:
    """Writes to every sink given (``None`` ones are skipped)."""

    def __init__(self, *sinks: Sink | None) -> None:
        self.sinks = [s for s in sinks if s is not None]

    def write(self, text: str, /) -> int:
        """Write ``text`` to every sink."""
        for sink in self.sinks:
            sink.write(text)
        return len(text)


def clock_stamp(seconds: float) -> str:
    """Virtual time as ``H:MM:SS.t`` (tenths truncated, so a stamp never rounds up).

    >>> clock_stamp(0), clock_stamp(90.25), clock_stamp(3723.99)
    ('0:00:00.0', '0:01:30.2', '1:02:03.9')
    """
    tenths = int(seconds * 10 + 1e-6)
    minutes, tenths_of_minute = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{tenths_of_minute // 10:02d}.{tenths_of_minute % 10}"


class Transcript:
    """Writes the lines of a run and their output to ``out``.

    Parameters
    ----------
    out
        Where the transcript goes.
    stamped
        Start echoed lines and comments with a stamp such as ``[0:01:30.0]``
        and a space.
    """

    def __init__(self, out: Sink, *, stamped: bool = False) -> None:
        self.out = out
        self.stamped = stamped

    def _prefix(self, now: float) -> str:
        return f"[{clock_stamp(now)}] " if self.stamped else ""

    def text(self, line: str, now: float) -> None:
        """A comment or a blank line, copied as it is (a blank line is never stamped)."""
        self.out.write((self._prefix(now) if line.strip() else "") + line + "\n")

    def command(self, line: str, now: float, result: LineResult) -> None:
        """``$ line`` then what it printed."""
        self.out.write(f"{self._prefix(now)}$ {line}\n{result.stdout}{result.stderr}")

    def note(self, line: str, now: float) -> None:
        """A line of the runner's own (an expectation's verdict), stamped like a command."""
        self.out.write(f"{self._prefix(now)}{line}\n")


@dataclass(frozen=True, slots=True)
class ScriptResult:
    """What a script printed, its exit code, and the lines that failed.

    ``exit_code`` is 1 when any line failed, else 0.
    """

    transcript: str
    exit_code: int
    failed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every line succeeded."""
        return self.exit_code == 0

    def __str__(self) -> str:
        return self.transcript

    def __repr__(self) -> str:
        lines = self.transcript.count("\n")
        verdict = "ok" if self.ok else f"{len(self.failed)} failed: {list(self.failed)!r}"
        return f"<ScriptResult exit_code={self.exit_code} ({verdict}), {lines} lines>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.transcript if not cycle else "ScriptResult(...)")

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.transcript)}</pre>"


def run_lines(
    interpreter: Interpreter, lines: Iterable[str], transcript: Transcript
) -> ScriptResult:
    """Run text lines (comments printed, ``\\`` continuations joined) until ``exit``.

    Comments are recorded in the trace as ``comment`` commands.
    """
    failed: list[str] = []
    for line in logical_lines(lines):
        result = play_line(interpreter, line, transcript)
        if not result.ok:
            failed.append(line)
        if result.stop:
            break
    return ScriptResult("", 1 if failed else 0, tuple(failed))


def play_line(interpreter: Interpreter, line: str, transcript: Transcript) -> LineResult:
    """One line of a lesson: a comment or blank line printed, or a command run and printed.

    A comment is recorded in the trace as a ``comment`` command.
    """
    swarm = interpreter.swarm
    now = float(swarm.now)
    if is_comment(line):
        transcript.text(line, now)
        if line.strip():
            swarm.ctx.trace.command(now, "comment", "", line.strip(), 0)
        return LineResult()
    result = interpreter.execute(line)
    transcript.command(line, now, result)
    return result


def run_script(swarm: Swarm, text: str, *, stamped: bool = False) -> ScriptResult:
    """Run ``text`` (a lesson: one line per command) on ``swarm``.

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> result = run_script(Swarm(seed=0), "# wait\\nsleep 1m\\ntime\\n")
    >>> print(result.transcript, end="")
    # wait
    $ sleep 1m
    $ time
    t=1m0s (2026-01-01 00:01:00 +0000 UTC)
    >>> result.exit_code
    0
    """
    import io

    out = io.StringIO()
    result = run_lines(Interpreter(swarm), text.splitlines(True), Transcript(out, stamped=stamped))
    return ScriptResult(out.getvalue(), result.exit_code, result.failed)
