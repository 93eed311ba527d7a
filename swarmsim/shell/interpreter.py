"""The one interpreter of lines: docker commands, shell words and faults.

The ``swarmsim shell``, a text lesson (``swarmsim run lesson.txt``), a
scenario's steps and :func:`~swarmsim.shell.transcript.run_script`
all hand their lines to an :class:`Interpreter`.  It understands::

    docker ...                      a docker command on the current machine (``$(docker ...)``,
                                    ``| grep`` and ``printf|echo ... | docker ...`` work)
    @NAME LINE / @NAME              run LINE on machine NAME / make NAME the current machine
    NAME=VALUE                      set a shell variable (``$NAME``, ``${NAME}`` expand later)
    echo [-n] WORD...               print the words
    sleep DURATION                  advance virtual time (10s, 1m30s, 2.5)
    time                            print the virtual clock
    fail NODE / recover NODE        the node's machine stops / boots again
    disconnect NODE / reconnect NODE  the node's links are cut / heal
    partition A,B / C,D / heal      split the machines into groups that cannot talk / rejoin
    kill TASK|SERVICE.SLOT [CODE]   the task's container exits with CODE (default 1)
    image IMAGE key=value...        set how an image behaves (pull=1m exit_code=1 ...)
    node add NAME [role=manager] [label.k=v] [cpus=N] [memory=8G] [rack=R] [zone=Z]  join a node
    export NAME=VALUE / unset NAME  set / drop a variable of the docker CLI's environment
    traffic start|stop ... / autoscale ...  request loads and the autoscaler
                                    (swarmsim.shell.trafficwords)
    help, exit

Every line it runs is recorded in the trace
(:meth:`~swarmsim.trace.Trace.command`) at the virtual time it started, as a
``docker`` command, a ``fault`` or a ``shell`` word, with the machine it ran on
(for a fault, the node it hits) and its exit code.  The parsers it uses, of
durations and settings (:func:`~swarmsim.cli.shellargs.shell_duration`,
:func:`~swarmsim.cli.shellargs.image_settings`,
:func:`~swarmsim.cli.shellargs.node_settings`) and of a line's shape
(:mod:`swarmsim.shell.syntax`), are the ones the scenario loader uses to check
a file before running it.

This module has no swarmkit counterpart: it stands in for the terminal of the
class notes.

Differences
-----------
Only a tiny part of a POSIX shell is understood; how a line is cut into words
and how ``$NAME``, ``${NAME}`` and ``$(...)`` expand is
:mod:`swarmsim.shell.syntax`.  A command substitution runs a single command,
unrecorded.  Of pipes, only a final ``| grep [-i] [-v] PATTERN`` (GNU grep's
basic regular expressions, :mod:`swarmsim.cli.grep`) and ``printf ...`` or
``echo ...`` piped into a docker command (its standard input, as in
``printf 'pw' | docker secret create db_pw -``; the trace records such a line
with the piped data hidden) are run.  ``export`` and ``unset`` change the
environment compose files are interpolated from
(:func:`~swarmsim.cli.docker.stack.stack_environment`).  ``NAME=VALUE`` sets a
shell variable, which is not exported unless it already was (as in sh);
``$NAME`` expands to a shell or exported variable (empty when unset).
``@NAME`` at the start of a line stands for the terminal of machine NAME (its
docker CLI talks to that machine's engine).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from swarmsim.api.enums import NodeRole, TaskState
from swarmsim.cli.docker import run_argv
from swarmsim.cli.docker.stack import stack_environment
from swarmsim.cli.docker.timefmt import go_time
from swarmsim.cli.grep import compile_pattern
from swarmsim.cli.shellargs import ShellError, image_settings, node_settings, sleep_seconds
from swarmsim.cli.shellwords import split_command_line
from swarmsim.errors import SwarmSimError
from swarmsim.golang import go_parse_int
from swarmsim.shell.syntax import (
    FAULT_WORDS,
    NODE_FAULTS,
    environment_assignment,
    expand,
    is_assignment,
    machine_prefix,
    partition_groups,
    pipe_input,
)
from swarmsim.shell.trafficwords import autoscale_word, traffic_word
from swarmsim.units import format_duration

if TYPE_CHECKING:
    from swarmsim.api.objects import Task
    from swarmsim.swarm import Swarm

__all__ = [
    "SHELL_HELP",
    "Interpreter",
    "LineResult",
]

_UNDECODABLE = re.compile("[\ud800-\udfff]")  # lone surrogates: bytes that were not UTF-8

SHELL_HELP = """\
Shell words:
  docker ...                        run a docker command on the current machine
                                    ($(docker ...) and a final | grep PATTERN work)
  @NAME LINE                        run LINE on machine NAME (@NAME alone: switch to it)
  NAME=VALUE                        set a shell variable; $NAME or ${NAME} expands it
  echo [-n] WORD...                 print the words (echo $TOKEN)
  sleep DURATION                    advance virtual time (10s, 1m30s, 2.5)
  time                              print the virtual clock
  fail NODE                         the node's machine stops (containers die)
  recover NODE                      the node boots again and rejoins
  disconnect NODE                   the node loses its network (containers keep running)
  reconnect NODE                    the node's network comes back
  partition A,B / C,D               split the machines into groups that cannot talk
                                    (machines named in no group form one more group)
  heal                              end the partition
  kill TASK|SERVICE.SLOT [CODE]     the task's container exits with CODE (default 1)
  image IMAGE key=value...          set how an image behaves, keys: pull, create, start,
                                    stop, exits_after, exit_code, healthy_after,
                                    never_healthy, unhealthy_after, pull_error,
                                    fail_at_start, crash_rate (start=lognormal(2s,0.5),
                                    crash_rate=1/h, exit_code=choice(1,137))
  node add NAME [role=manager] [label.KEY=VALUE] [cpus=N] [memory=SIZE] [rack=R] [zone=Z]
                                    join a new node to the swarm
  export NAME=VALUE                 set a variable for compose files (${NAME} in
                                    docker stack deploy); export alone lists them
  unset NAME...                     drop variables
  traffic start NAME TARGET rate=N [from=NODE|SERVICE] [network=NET] [window=1s]
                                    send N requests/s to :PORT (the routing mesh) or
                                    SERVICE:PORT (an overlay); traffic stop NAME
  autoscale SERVICE target=N [min=1] [max=10] [window=5m]
                                    scale on requests per task (HPA-like, not swarmkit);
                                    autoscale off SERVICE
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


def _hide_piped_data(words: list[str]) -> str:
    """The line to record when data is piped into docker (``printf ... | docker ...``).

    What a ``printf`` or ``echo`` pipes may be a secret: the trace gets the command
    that read it, with the data replaced by ``...``.  ``""`` for any other line.
    """
    if "|" not in words:
        return ""
    cut = words.index("|")
    left, right = words[:cut], words[cut + 1 :]
    if right[:1] != ["docker"] or pipe_input(left) is None:
        return ""
    return f"{left[0]} ... | {shlex.join(right)}"


def _declare(name: str, value: str) -> str:
    """How bash's ``export`` lists a variable: ``declare -x NAME="VALUE"``."""
    escaped = re.sub(r'([\\"$`])', r"\\\1", value)
    return f'declare -x {name}="{escaped}"\n'


def event_of(words: list[str]) -> str:
    """The trace event of a line: ``docker``, ``fault`` or ``shell``."""
    if words[:1] == ["docker"]:
        return "docker"
    return "fault" if words[:1] and words[0] in FAULT_WORDS else "shell"


class Interpreter:
    """Runs lines against one :class:`~swarmsim.swarm.Swarm` and records them.

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> interpreter = Interpreter(Swarm(seed=0, managers=1, workers=1))
    >>> interpreter.execute("sleep 1m").ok, interpreter.execute("time").stdout
    (True, 't=1m0s (2026-01-01 00:01:00 +0000 UTC)\\n')
    >>> [(r.time, r.event, r.detail) for r in interpreter.swarm.trace if r.kind == "command"]
    [(0.0, 'shell', 'sleep 1m'), (60.0, 'shell', 'time')]
    """

    def __init__(self, swarm: Swarm) -> None:
        self.swarm = swarm
        self.variables: dict[str, str] = {}  # shell variables that are not exported
        self._words: dict[str, Callable[[list[str]], str]] = {
            "sleep": self._sleep,
            "time": self._time,
            "fail": self._fault(swarm.crash_node),
            "recover": self._fault(swarm.recover_node),
            "disconnect": self._fault(swarm.disconnect_node),
            "reconnect": self._fault(swarm.reconnect_node),
            "partition": self._partition,
            "heal": self._heal,
            "kill": self._kill,
            "image": self._image,
            "node": self._node,
            "export": self._export,
            "unset": self._unset,
            "echo": lambda args: (pipe_input(["echo", *args]) or b"").decode(),
            "help": lambda args: SHELL_HELP,
            "traffic": lambda args: traffic_word(swarm, args),
            "autoscale": lambda args: autoscale_word(swarm, args),
        }

    @property
    def host(self) -> str:
        """The hostname of the machine the docker CLI talks to."""
        return self.swarm.current_machine

    # ------------------------------------------------------------------ lines
    def execute(self, line: str, *, record: bool = True) -> LineResult:
        """Run one (possibly continued) line; never raises for bad input.

        With ``record`` the line goes into the trace as a command at the
        virtual time it started (an expectation's probe is not recorded).
        """
        start = float(self.swarm.now)
        words, result, machine = self._interpret(line)
        if record and line.strip():
            shown = _hide_piped_data(words) or _UNDECODABLE.sub("\ufffd", line)
            code = 0 if result.ok else 1
            self.swarm.ctx.trace.command(start, event_of(words), machine, shown, code)
        return result

    def _interpret(self, line: str) -> tuple[list[str], LineResult, str]:
        """Run a line: its words, what it printed, the machine it ran on (or hit)."""
        machine = self.host
        undecodable = _UNDECODABLE.search(line)
        if undecodable is not None:
            byte = ord(undecodable.group()) - 0xDC00  # surrogateescape's stand-in
            message = f"invalid UTF-8 byte 0x{byte:02x} at column {undecodable.start() + 1}"
            return [], LineResult(stderr=f"swarmsim: {message}\n", ok=False), machine
        target, line = machine_prefix(line)
        if target:
            try:
                machine = self.swarm.machine(target).hostname
            except SwarmSimError as error:
                return [], LineResult(stderr=f"swarmsim: {error}\n", ok=False), machine
            if not line.strip():
                self.swarm.use(machine)
                return [], LineResult(), machine
        with self.swarm.on(machine):
            errors: list[str] = []  # what command substitutions printed on stderr
            try:
                words = split_command_line(self._expand(line, errors))
            except (ValueError, ShellError) as error:
                errors.append(f"swarmsim: {error}\n")
                return [], LineResult(stderr="".join(errors), ok=False), machine
            machine = self._machine(words) or machine
            result = self._dispatch(words)
            if errors:  # a shell shows them first, as the substitutions ran first
                result = replace(result, stderr="".join(errors) + result.stderr)
            return words, result, machine

    def _machine(self, words: list[str]) -> str:
        """The node a fault hits (``fail worker2``, ``kill web.1``, ``node add w3``), or ``""``."""
        if words[:1] and words[0] in NODE_FAULTS and len(words) == 2:
            return words[1]
        if words[:2] == ["node", "add"] and len(words) > 2:
            return words[2]
        if words[:1] == ["kill"] and len(words) > 1:
            try:
                return self._host(self._find_task(words[1]))
            except SwarmSimError:
                return ""
        return ""

    def _dispatch(self, words: list[str]) -> LineResult:
        if not words:
            return LineResult()
        if words[0] in ("exit", "quit"):
            return LineResult(stop=True)
        if is_assignment(words):
            return self._assign(words)
        if "|" in words:
            cut = words.index("|")
            return self._pipe(words[:cut], words[cut + 1 :])
        return self._run(words)

    def _run(self, words: list[str], stdin: bytes | None = None) -> LineResult:
        handler = self._words.get(words[0])
        if words[0] != "docker" and handler is None:
            return LineResult(
                stderr=f"swarmsim: unknown command: {words[0]} (try 'help')\n", ok=False
            )
        try:
            if handler is None:
                result = run_argv(self.swarm, words[1:], stdin)
                return LineResult(result.stdout, result.stderr, result.ok)
            return LineResult(stdout=handler(words[1:]))
        except SwarmSimError as error:
            return LineResult(stderr=f"{words[0]}: {error}\n", ok=False)
        except Exception as error:  # a simulator bug must not end the session
            return LineResult(stderr=f"swarmsim: internal error: {error!r}\n", ok=False)

    def _pipe(self, left: list[str], right: list[str]) -> LineResult:
        stdin = pipe_input(left)
        if stdin is not None and right[:1] == ["docker"]:
            return self._run(right, stdin)
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

    def _expand(self, line: str, errors: list[str]) -> str:
        """The line with ``$(...)``, ``$NAME`` and ``${NAME}`` replaced by their values.

        What a substitution prints on stderr is appended to ``errors`` (its
        standard output becomes the value).
        """

        def substitute(command: str) -> str:
            inner = self.execute(command, record=False)
            errors.append(inner.stderr)
            return inner.stdout.rstrip("\n")

        return expand(line, self._value, substitute)

    def _value(self, name: str) -> str:
        """A shell variable, else an exported one, else ``""`` (as sh expands an unset one)."""
        if name in self.variables:
            return self.variables[name]
        return stack_environment(self.swarm).get(name, "")

    def _assign(self, words: list[str]) -> LineResult:
        """``NAME=VALUE...``: shell variables; an exported one changes the environment too."""
        env = stack_environment(self.swarm)
        for word in words:
            name, _, value = word.partition("=")
            if name in env:
                env[name] = value
            else:
                self.variables[name] = value
        return LineResult()

    # ------------------------------------------------------------------ words
    def _sleep(self, args: list[str]) -> str:
        if len(args) != 1:
            raise ShellError("usage: sleep DURATION")
        self.swarm.advance(sleep_seconds(args[0]))
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

    def _partition(self, args: list[str]) -> str:
        self.swarm.partition(partition_groups(args))
        return ""

    def _heal(self, args: list[str]) -> str:
        if args:
            raise ShellError("usage: heal")
        self.swarm.heal()
        return ""

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
        self.swarm.images.set(args[0], **image_settings(args[1:]))
        return ""

    def _node(self, args: list[str]) -> str:
        if len(args) < 2 or args[0] != "add":
            raise ShellError("usage: node add NAME [role=manager] [label.KEY=VALUE] ...")
        settings = node_settings(args[2:])
        role = settings.get("role", NodeRole.WORKER)
        self.swarm.add_node(args[1], **settings)
        return f"This node joined a swarm as a {role.api_name}.\n"

    def _export(self, args: list[str]) -> str:
        env = stack_environment(self.swarm)
        if not args or args == ["-p"]:
            return "".join(_declare(name, env[name]) for name in sorted(env))
        assignments = [environment_assignment(word) for word in args]  # all checked first
        for name, value in assignments:
            if value is not None:
                env[name] = value
                self.variables.pop(name, None)
            elif name in self.variables:  # export NAME: a shell variable joins the environment
                env[name] = self.variables.pop(name)
        return ""

    def _unset(self, args: list[str]) -> str:
        names = [environment_assignment(word, "unset")[0] for word in args]
        env = stack_environment(self.swarm)
        for name in names:
            env.pop(name, None)
            self.variables.pop(name, None)
        return ""
