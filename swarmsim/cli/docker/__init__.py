"""The ``docker`` command line, as far as swarm mode goes.

``run_command_line(engine, "docker service ls")`` splits the line like a shell,
finds the handler registered for the command path (``service ls``), runs it
and returns a :class:`CommandResult`.  Handlers write to an
:class:`Output` and raise :class:`~swarmsim.errors.DockerCLIError` with
docker's wording; nothing else escapes as a traceback.  A failed command
leaves the swarm unchanged: handlers validate everything before they write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from swarmsim.errors import DaemonError, DockerCLIError, SwarmSimError
from swarmsim.sim import gc_paused

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a ``docker ...`` command printed and its exit code."""

    stdout: str
    stderr: str
    exit_code: int

    @property
    def output(self) -> str:
        """Standard output followed by standard error."""
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        """Whether the command exited 0."""
        return self.exit_code == 0

    def __str__(self) -> str:
        return self.output

    def __repr__(self) -> str:
        """The terminal text under a one-line header (tables stay aligned).

        >>> CommandResult("worker1\\n", "", 0)
        <CommandResult exit_code=0>
        worker1
        """
        return f"<CommandResult exit_code={self.exit_code}>\n{self.output}".rstrip("\n")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(repr(self))}</pre>"


@dataclass
class Output:
    """What a command prints (standard output and error) and the standard input it gets."""

    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    stdin: bytes | None = None  # what a shell pipe feeds the command, if anything

    def write(self, text: str) -> None:
        """Append ``text`` to standard output (add the newline yourself)."""
        self.stdout.append(text)

    def line(self, text: str = "") -> None:
        """Print one line on standard output."""
        self.stdout.append(text + "\n")

    def error(self, text: str) -> None:
        """Print one line on standard error."""
        self.stderr.append(text + "\n")


Handler = Callable[["Engine", list[str], Output], None]
CANNOT_CONNECT = (
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
    "Is the docker daemon running?"
)
REACH_THEMSELVES = frozenset({("info",), ("system", "info")})
"""Commands that say themselves what they make of a daemon they cannot reach."""
MANAGER_ONLY = frozenset({"service", "node", "stack", "secret", "config"})
MANAGER_ONLY_PATHS = frozenset({("swarm", "join-token"), ("swarm", "update")})
NOT_A_MANAGER = (  # moby: daemon/cluster/errors.go, cluster.go errNoManager
    "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster "
    "state. Please run this command on a manager node or promote the current node to a manager."
)
NOT_IN_A_SWARM = (
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
    "connect this node to swarm and try again."
)
COMMANDS: dict[tuple[str, ...], Handler] = {}


def command(*path: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``docker <path...>`` (e.g. ``command("service", "ls")``)."""

    def register(handler: Handler) -> Handler:
        COMMANDS[path] = handler
        return handler

    return register


def _load_commands() -> None:
    # importing the modules registers their handlers
    from swarmsim.cli.docker import (  # noqa: F401
        config,
        container,
        container_inspect,
        info,
        logs,
        network_create,
        network_inspect,
        network_list,
        network_remove,
        node,
        secret,
        service,
        stack,
        swarm,
        system,
    )


def run_argv(engine: Engine, argv: list[str], stdin: bytes | None = None) -> CommandResult:
    """Run ``docker`` with ``argv`` (the words after ``docker``) on ``engine``, with ``stdin``."""
    _load_commands()
    out = Output(stdin=stdin)
    code = 0
    try:
        handler, rest = _resolve(argv)
        # help is the CLI's own; docker info reports an unreachable daemon itself
        if "--help" not in rest and tuple(argv[: len(argv) - len(rest)]) not in REACH_THEMSELVES:
            _require_daemon(engine)
        if "--help" not in rest and (
            argv[0] in MANAGER_ONLY or tuple(argv[:2]) in MANAGER_ONLY_PATHS
        ):
            require_manager(engine)
        # a table of a large swarm makes many short-lived objects: without the pause a
        # full collection (0.3 s with 95,000 tasks) could scan the swarm in the middle
        with gc_paused():
            handler(engine, rest, out)
    except DockerCLIError as error:
        if str(error):
            out.error(str(error))
        code = error.exit_code
    except DaemonError as error:
        out.error(f"Error response from daemon: {error}")
        code = 1
    except SwarmSimError as error:
        out.error(str(error))
        code = 1
    return CommandResult("".join(out.stdout), "".join(out.stderr), code)


def _require_daemon(engine: Engine) -> None:
    """The CLI talks to the engine of its machine: the machine must be running."""
    if not engine.host.up:
        raise DockerCLIError(CANNOT_CONNECT, 1)


def is_manager(engine: Engine) -> bool:
    """Whether the engine of the CLI's machine runs a manager: its node is a Raft member.

    A node promoted while its machine could not reach the leader has the manager
    role but no manager yet (its manager starts when it joins Raft, ``swarmkit:
    node/node.go``): its engine still answers as a worker's.
    """
    node_id = engine.current_node_id
    return bool(node_id) and node_id in engine.ctx.store.nodes and node_id in engine.raft.members


def require_manager(engine: Engine) -> None:
    """Refuse a manager-only request on a worker or outside a swarm (docker's texts)."""
    if not engine.current_node_id or engine.current_node_id not in engine.ctx.store.nodes:
        # a join still dialling has a node runner, not yet a manager (errNoManager)
        raise DaemonError(NOT_A_MANAGER if engine.host.pending_join else NOT_IN_A_SWARM)
    if not is_manager(engine):
        raise DaemonError(NOT_A_MANAGER)


def _resolve(argv: list[str]) -> tuple[Handler, list[str]]:
    from swarmsim.cli.docker.unsimulated import not_simulated, not_simulated_path

    words: list[str] = []
    for word in argv:
        if word.startswith("-"):
            break
        words.append(word)
        if tuple(words) in COMMANDS:
            return COMMANDS[tuple(words)], argv[len(words) :]
    missing = not_simulated_path(words)
    if missing is not None:
        raise not_simulated(missing)
    if not argv:
        raise DockerCLIError("docker: 'docker' requires a command", 1)
    groups = {path[0] for path in COMMANDS}
    if argv[0] not in groups:
        raise DockerCLIError(f"docker: unknown command: docker {argv[0]}", 1)
    if len(words) < 2:
        raise DockerCLIError(f"docker: 'docker {argv[0]}' requires a subcommand", 1)
    raise DockerCLIError(f"docker: unknown command: docker {words[0]} {words[1]}", 1)


def run_command_line(engine: Engine, line: str, stdin: bytes | None = None) -> CommandResult:
    """Split ``line`` like a shell and run it; the first word must be ``docker``."""
    from swarmsim.cli.shellwords import split_command_line

    try:
        words = split_command_line(line)
    except ValueError as error:
        return CommandResult("", f"{error}\n", 2)
    if not words or words[0] != "docker":
        return CommandResult("", f"not a docker command: {line.strip()}\n", 127)
    return run_argv(engine, words[1:], stdin)
