"""The ``swarmsim shell``: type docker commands against a simulated swarm.

A :class:`Shell` reads lines from a terminal or a pipe.  ``docker ...`` lines
run against the simulated swarm exactly as on ``manager1``; the shell's own
words move virtual time and inject faults.  Piped input (a lesson file)
produces a transcript: every command echoed as ``$ <line>``, then what it
printed (standard output, then standard error), comments and blank lines
copied as they are.

Shell words (see ``docs/shell.md``)::

    docker ...                      a docker command (``$(docker ...)`` and ``| grep`` work)
    sleep DURATION                  advance virtual time (10s, 1m30s, 2.5)
    time                            print the virtual clock
    fail NODE / recover NODE        the node's machine stops / boots again
    disconnect NODE / reconnect NODE  the node's network fails / comes back
    kill TASK|SERVICE.SLOT [CODE]   the task's container exits with CODE (default 1)
    image IMAGE key=value...        set how an image behaves (pull=1m exit_code=1 ...)
    node add NAME [role=manager] [label.k=v] [cpus=N] [memory=8G]   join a new node
    help, exit

This module has no swarmkit counterpart: it stands in for the terminal of the

class notes.

Differences
-----------
Only a tiny part of a POSIX shell is understood: quoting and backslash
continuation lines (:func:`~swarmsim.cli.shellwords.split_command_line`), command
substitution of a single command and a final ``| grep [-i] [-v] PATTERN``
(GNU grep's basic regular expressions, :mod:`swarmsim.cli.grep`).
Environment variables are not expanded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any, TextIO

from swarmsim.agent.images import ImageProfile
from swarmsim.api.enums import NodeRole, TaskState
from swarmsim.api.objects import Task
from swarmsim.cli.docker import run_argv
from swarmsim.cli.docker.timefmt import go_time
from swarmsim.cli.grep import compile_pattern
from swarmsim.cli.shellwords import split_command_line
from swarmsim.errors import SwarmSimError
from swarmsim.golang import go_parse_bool, go_parse_int, go_quote
from swarmsim.swarm import Swarm
from swarmsim.units import format_duration, parse_bytes, parse_duration, parse_nanocpus

MAX_SLEEP = 30 * 24 * 3600.0  # the longest single sleep: 720h (30 days) of virtual time

__all__ = ["SHELL_HELP", "LineResult", "Shell"]

SHELL_HELP = """\
Shell words:
  docker ...                        run a docker command on manager1
                                    ($(docker ...) and a final | grep PATTERN work)
  sleep DURATION                    advance virtual time (10s, 1m30s, 2.5)
  time                              print the virtual clock
  fail NODE                         the node's machine stops (containers die)
  recover NODE                      the node boots again and rejoins
  disconnect NODE                   the node loses its network (containers keep running)
  reconnect NODE                    the node's network comes back
  kill TASK|SERVICE.SLOT [CODE]     the task's container exits with CODE (default 1)
  image IMAGE key=value...          set how an image behaves, keys: pull, create, start,
                                    stop, exits_after, exit_code, healthy_after,
                                    never_healthy, unhealthy_after, pull_error
  node add NAME [role=manager] [label.KEY=VALUE] [cpus=N] [memory=SIZE]
                                    join a new node to the swarm
  help                              this text
  exit                              leave the shell
Lines starting with # are comments; a trailing \\ continues a line.
"""


@dataclass(frozen=True, slots=True)
class LineResult:
    """What one shell line printed and whether it succeeded."""

    stdout: str = ""
    stderr: str = ""
    ok: bool = True
    stop: bool = False


class ShellError(SwarmSimError):
    """A shell word was misused; printed as one line."""


_UNDECODABLE = re.compile("[\ud800-\udfff]")  # lone surrogates: bytes that were not UTF-8
_DURATION_FIELDS = {"pull", "create", "start", "stop", "exits_after", "healthy_after"}
_DURATION_FIELDS |= {"unhealthy_after"}
_BOOL_FIELDS = {"never_healthy", "pull_error"}
_IMAGE_FIELDS = tuple(f.name for f in fields(ImageProfile))


def _duration(text: str) -> float:
    """A Go duration (``1m30s``) or a plain number of seconds (``2.5``), in Go's range."""
    plain = re.fullmatch(r"[0-9]+(\.[0-9]*)?", text) is not None
    try:
        return parse_duration(text + "s" if plain else text)
    except ValueError as error:
        # a plain number can only overflow: name it as typed
        message = f"time: invalid duration {go_quote(text)}" if plain else str(error)
        raise ShellError(message) from None


def _substitutions(line: str) -> Iterator[tuple[int, int]]:
    """Spans of ``$(...)`` outside single quotes (innermost not needed: no nesting)."""
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == "'" and ch != "'":
            i += 1
            continue
        if ch in "'\"":
            quote = "" if quote == ch else (quote or ch)
        elif ch == "\\":
            i += 1
        elif line.startswith("$(", i):
            end = line.find(")", i + 2)
            if end < 0:
                raise ShellError("unterminated command substitution")
            yield i, end + 1
            i = end
        i += 1


class Shell:
    """Runs shell lines against one :class:`~swarmsim.swarm.Swarm`.

    Examples
    --------
    >>> shell = Shell(Swarm(seed=0, managers=1, workers=1))
    >>> shell.execute("sleep 1m").ok, shell.execute("time").stdout
    (True, 't=1m0s (2026-01-01 00:01:00 +0000 UTC)\\n')
    """

    def __init__(self, swarm: Swarm) -> None:
        self.swarm = swarm
        self._words: dict[str, Callable[[list[str]], str]] = {
            "sleep": self._sleep,
            "time": self._time,
            "fail": self._fault(swarm.crash_node),
            "recover": self._fault(swarm.recover_node),
            "disconnect": self._fault(swarm.disconnect_node),
            "reconnect": self._fault(swarm.reconnect_node),
            "kill": self._kill,
            "image": self._image,
            "node": self._node,
            "help": lambda args: SHELL_HELP,
        }

    # ------------------------------------------------------------------ lines
    def execute(self, line: str) -> LineResult:
        """Run one (possibly continued) line; never raises for bad input."""
        undecodable = _UNDECODABLE.search(line)
        if undecodable is not None:
            byte = ord(undecodable.group()) - 0xDC00  # surrogateescape's stand-in
            position = undecodable.start() + 1
            message = f"swarmsim: invalid UTF-8 byte 0x{byte:02x} at column {position}\n"
            return LineResult(stderr=message, ok=False)
        try:
            words = split_command_line(self._substitute(line))
        except (ValueError, ShellError) as error:
            return LineResult(stderr=f"swarmsim: {error}\n", ok=False)
        if not words:
            return LineResult()
        if words[0] in ("exit", "quit"):
            return LineResult(stop=True)
        if "|" in words:
            cut = words.index("|")
            return self._pipe(words[:cut], words[cut + 1 :])
        return self._run(words)

    def _run(self, words: list[str]) -> LineResult:
        handler = self._words.get(words[0])
        if words[0] != "docker" and handler is None:
            return LineResult(
                stderr=f"swarmsim: unknown command: {words[0]} (try 'help')\n", ok=False
            )
        try:
            if handler is None:
                result = run_argv(self.swarm, words[1:])
                return LineResult(result.stdout, result.stderr, result.ok)
            return LineResult(stdout=handler(words[1:]))
        except SwarmSimError as error:
            return LineResult(stderr=f"{words[0]}: {error}\n", ok=False)
        except Exception as error:  # a simulator bug must not end the session
            return LineResult(stderr=f"swarmsim: internal error: {error!r}\n", ok=False)

    def _pipe(self, left: list[str], right: list[str]) -> LineResult:
        options = [w for w in right[1:] if w.startswith("-")]
        rest = [w for w in right[1:] if not w.startswith("-")]
        if right[:1] != ["grep"] or len(rest) != 1 or set(options) - {"-i", "-v"} or not left:
            message = "swarmsim: only '| grep [-i] [-v] PATTERN' is supported\n"
            return LineResult(stderr=message, ok=False)
        first = self._run(left)
        try:
            pattern = compile_pattern(rest[0], ignore_case="-i" in options)
        except ValueError as error:
            # the output went into the pipe; grep only complains
            return LineResult(stderr=f"{first.stderr}grep: {error}\n", ok=False)
        invert = "-v" in options
        kept = [x for x in first.stdout.splitlines(True) if bool(pattern.search(x)) != invert]
        return LineResult("".join(kept), first.stderr, bool(kept))

    def _substitute(self, line: str) -> str:
        spans = list(_substitutions(line))
        for start, end in reversed(spans):
            inner = self.execute(line[start + 2 : end - 1])
            line = line[:start] + inner.stdout.rstrip("\n") + line[end:]
        return line

    # ------------------------------------------------------------------ words
    def _sleep(self, args: list[str]) -> str:
        if len(args) != 1:
            raise ShellError("usage: sleep DURATION")
        seconds = _duration(args[0])
        if seconds < 0:
            raise ShellError(f"invalid time interval '{args[0]}'")
        if seconds > MAX_SLEEP:
            # every node heartbeats every 5 s: centuries of virtual time would take hours
            raise ShellError(f"at most {format_duration(MAX_SLEEP)} at a time")
        self.swarm.advance(seconds)
        return ""

    def _time(self, args: list[str]) -> str:
        now = self.swarm.now
        return f"t={format_duration(now)} ({go_time(now)})\n"

    def _fault(self, action: Callable[[str], None]) -> Callable[[list[str]], str]:
        def run(args: list[str]) -> str:
            if len(args) != 1:
                raise ShellError("usage: fail|recover|disconnect|reconnect NODE")
            action(args[0])
            return ""

        return run

    def _find_task(self, ref: str) -> Task:
        store = self.swarm.ctx.store
        if ref in store.tasks:
            return store.tasks[ref]
        service_name, _, slot = ref.rpartition(".")
        service = store.service_by_name(service_name) if service_name else None
        if service is not None:
            candidates = [
                t
                for t in store.tasks_of_service(service.id)
                if (str(t.slot) == slot if t.slot else slot in (t.node_id, self._host(t)))
                and t.desired_state <= TaskState.RUNNING
            ]
        else:
            candidates = [t for t in store.tasks.values() if t.id.startswith(ref)]
        if len(candidates) > 1:
            running = [t for t in candidates if t.state == TaskState.RUNNING]
            candidates = running or candidates
        if len(candidates) != 1:
            found = "no" if not candidates else "more than one"
            raise ShellError(f"{found} task matches {ref}")
        return candidates[0]

    def _host(self, task: Task) -> str:
        node = self.swarm.ctx.store.nodes.get(task.node_id)
        return node.hostname if node else ""

    def _kill(self, args: list[str]) -> str:
        if len(args) not in (1, 2):
            raise ShellError("usage: kill TASK|SERVICE.SLOT [EXIT_CODE]")
        try:
            code = go_parse_int(args[1]) if len(args) == 2 else 1
        except ValueError as error:
            raise ShellError(str(error)) from None
        task = self._find_task(args[0])
        if not self.swarm.kill_task(task.id, code):
            raise ShellError(f"task {task.id} is not running")
        return ""

    def _image(self, args: list[str]) -> str:
        if len(args) < 2:
            raise ShellError("usage: image IMAGE key=value...")
        changes: dict[str, Any] = {}
        for item in args[1:]:
            key, sep, value = item.partition("=")
            if not sep or key not in _IMAGE_FIELDS:
                raise ShellError(f"bad setting {item!r}; keys: {', '.join(_IMAGE_FIELDS)}")
            try:
                if key in _DURATION_FIELDS:
                    changes[key] = _duration(value)
                elif key in _BOOL_FIELDS:
                    changes[key] = go_parse_bool(value)
                else:
                    changes[key] = go_parse_int(value)
            except ValueError as error:
                raise ShellError(f"{key}: {error}") from None
        self.swarm.images.set(args[0], **changes)
        return ""

    def _node(self, args: list[str]) -> str:
        if len(args) < 2 or args[0] != "add":
            raise ShellError("usage: node add NAME [role=manager] [label.KEY=VALUE] ...")
        role = NodeRole.WORKER
        labels: dict[str, str] = {}
        extra: dict[str, float] = {}
        for item in args[2:]:
            key, sep, value = item.partition("=")
            if key == "role" and value in ("worker", "manager"):
                role = NodeRole[value.upper()]
            elif key.startswith("label.") and sep:
                labels[key[len("label.") :]] = value
            elif key in ("cpus", "memory") and sep:
                try:
                    extra[key] = (
                        parse_nanocpus(value) / 1e9 if key == "cpus" else parse_bytes(value)
                    )
                except ValueError as error:
                    raise ShellError(f"{key}: {error}") from None
            else:
                raise ShellError(f"bad setting {item!r}")
        self.swarm.add_node(
            args[1],
            role=role,
            labels=labels,
            cpus=extra.get("cpus", 4),
            memory=int(extra.get("memory", 8 * 1024**3)),
        )
        return f"This node joined a swarm as a {role.api_name}.\n"

    # ---------------------------------------------------------------- session
    def run(self, source: TextIO, out: TextIO, err: TextIO, *, interactive: bool) -> int:
        """Read lines until end of input or ``exit``; return 1 if any line failed.

        In transcript mode (``interactive=False``) everything goes to ``out``:
        comments and blank lines as they are, every command as ``$ <line>``
        followed by its output.  Interactively, lines are read with
        :func:`input` behind a ``manager1$`` prompt and errors go to ``err``.
        """
        failed = False
        pending = ""
        while True:
            raw = self._read(source, interactive, "> " if pending else self._prompt())
            if raw is None:
                break
            line = pending + raw.rstrip("\n")
            if re.search(r"(?<!\\)(\\\\)*\\$", line):
                pending = line + "\n"
                continue
            pending = ""
            if not line.strip() or line.lstrip().startswith("#"):
                if not interactive:
                    out.write(line + "\n")
                continue
            if not interactive:
                out.write(f"$ {line}\n")
            result = self.execute(line)
            out.write(result.stdout)
            (err if interactive else out).write(result.stderr)
            failed = failed or not result.ok
            if result.stop:
                break
        return 1 if failed else 0

    def _prompt(self) -> str:
        node = self.swarm.ctx.store.nodes.get(self.swarm.current_node_id)
        return f"{node.hostname if node else 'swarmsim'}$ "

    @staticmethod
    def _read(source: TextIO, interactive: bool, prompt: str) -> str | None:
        """The next line, or ``None`` at end of input."""
        if not interactive:
            return source.readline() or None
        try:
            return input(prompt)
        except EOFError:
            return None
