"""Real docker commands that swarmsim does not simulate, and the one message they print.

A word that docker knows but the simulator does not model (``docker run``,
``docker build``, ``docker volume ls``...) is refused with
:func:`not_simulated` — ``docker run: not simulated by swarmsim`` on standard
error, exit status 1 — so a class script typed against a real engine tells
"not modelled" apart from a typo, which keeps docker's own ``docker: unknown
command: docker xyz`` text (``cli: cli/cobra.go``).

A command that some module registers (:func:`swarmsim.cli.docker.command`)
always wins over this table: it lists what is missing, not what exists.

This has no docker/cli counterpart; the names come from docker's command tree
(``cli: cli/command/commands/commands.go``).
"""

from __future__ import annotations

from swarmsim.errors import DockerCLIError

__all__ = ["NOT_SIMULATED", "not_simulated", "not_simulated_path"]

_TOP = (
    "attach build builder buildx checkpoint commit compose context cp create diff events exec"
    " export history image images import inspect kill load login logout logs manifest pause"
    " plugin port pull push rename restart rm rmi run save search start stats stop tag top trust"
    " unpause update version volume wait"
)
_CONTAINER = (
    "attach commit cp create diff exec export kill logs pause port prune rename restart rm run"
    " start stats stop top unpause update wait"
)
NOT_SIMULATED: frozenset[tuple[str, ...]] = frozenset(
    {(word,) for word in _TOP.split()}
    | {("container", word) for word in _CONTAINER.split()}
    | {("swarm", word) for word in ("ca", "unlock", "unlock-key")}
    | {("system", word) for word in ("df", "events", "prune", "dial-stdio")}
    | {("network", word) for word in ("connect", "disconnect")}
)
"""Command paths docker has and swarmsim does not model (one word: the whole group)."""


def not_simulated_path(words: list[str]) -> tuple[str, ...] | None:
    """The path of ``words`` (a command line's leading non-flag words) in the table, if any.

    Examples
    --------
    >>> not_simulated_path(["volume", "ls"])
    ('volume',)
    >>> not_simulated_path(["container", "exec"])
    ('container', 'exec')
    >>> not_simulated_path(["container", "frob"]) is None
    True
    """
    for size in (1, 2):
        path = tuple(words[:size])
        if len(path) == size and path in NOT_SIMULATED:
            return path
    return None


def not_simulated(path: tuple[str, ...]) -> DockerCLIError:
    """The error of a real docker command swarmsim does not simulate (exit status 1).

    Examples
    --------
    >>> str(not_simulated(("swarm", "ca")))
    'docker swarm ca: not simulated by swarmsim'
    """
    return DockerCLIError(f"docker {' '.join(path)}: not simulated by swarmsim", 1)
