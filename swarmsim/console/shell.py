"""The ``swarmsim shell``: type docker commands against a simulated swarm.

A :class:`Shell` reads lines from a terminal or a pipe and hands each one to
the :class:`~swarmsim.shell.interpreter.Interpreter` (docker commands, shell
words, faults; see ``docs/shell.md``).  Piped input (a lesson file) produces a
transcript (:mod:`swarmsim.shell.transcript`): every command echoed as
``$ <line>``, then what it printed (standard output, then standard error),
comments and blank lines copied as they are.

On a terminal the prompt names the machine the CLI talks to
(``manager1$ ``); with ``clock=True`` it starts with the virtual clock
(``[0:01:30.0] manager1$ ``), which ``--speed`` turns on.

This module has no swarmkit counterpart: it stands in for the terminal of the
class notes.
"""

from __future__ import annotations

from typing import TextIO

from swarmsim.shell.interpreter import SHELL_HELP, Interpreter, LineResult
from swarmsim.shell.syntax import continues, is_comment
from swarmsim.shell.transcript import Transcript, clock_stamp, run_lines
from swarmsim.swarm import Swarm

__all__ = ["SHELL_HELP", "LineResult", "Shell"]


class Shell:
    """Reads shell lines for one :class:`~swarmsim.swarm.Swarm`.

    Examples
    --------
    >>> shell = Shell(Swarm(seed=0, managers=1, workers=1))
    >>> shell.execute("sleep 1m").ok, shell.execute("time").stdout
    (True, 't=1m0s (2026-01-01 00:01:00 +0000 UTC)\\n')
    """

    def __init__(self, swarm: Swarm, *, clock: bool = False) -> None:
        self.swarm = swarm
        self.interpreter = Interpreter(swarm)
        self.clock = clock

    def execute(self, line: str) -> LineResult:
        """Run one (possibly continued) line; never raises for bad input."""
        return self.interpreter.execute(line)

    # ---------------------------------------------------------------- session
    def run(
        self, source: TextIO, out: TextIO, err: TextIO, *, interactive: bool, stamped: bool = False
    ) -> int:
        """Read lines until end of input or ``exit``; return 1 if any line failed.

        In transcript mode (``interactive=False``) everything goes to ``out``:
        comments and blank lines as they are, every command as ``$ <line>``
        followed by its output (``stamped``: behind its virtual time).
        Interactively, lines are read with :func:`input` behind a
        ``manager1$`` prompt and errors go to ``err``.
        """
        if not interactive:
            transcript = Transcript(out, stamped=stamped)
            return run_lines(self.interpreter, source, transcript).exit_code
        failed = False
        pending = ""
        while True:
            raw = self._read("> " if pending else self._prompt())
            if raw is None:
                break
            line = pending + raw.rstrip("\n")
            if continues(line):
                pending = line + "\n"
                continue
            pending = ""
            if is_comment(line):
                continue
            result = self.execute(line)
            out.write(result.stdout)
            err.write(result.stderr)
            failed = failed or not result.ok
            if result.stop:
                break
        return 1 if failed else 0

    def _prompt(self) -> str:
        host = self.interpreter.host or "swarmsim"
        return f"[{clock_stamp(self.swarm.now)}] {host}$ " if self.clock else f"{host}$ "

    @staticmethod
    def _read(prompt: str) -> str | None:
        """The next line typed at the terminal, or ``None`` at end of input."""
        try:
            return input(prompt)
        except EOFError:
            return None
