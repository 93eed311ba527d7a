"""The one error hierarchy of swarmsim: bad input never ends in a traceback."""

from __future__ import annotations


class SwarmSimError(Exception):
    """Base class of every error swarmsim reports to a user."""


class InvalidArgument(SwarmSimError, ValueError):
    """A value given to the Python API or a command is not acceptable.

    It is also a :class:`ValueError`, so code written against the usual
    Python convention for bad values catches it too.
    """


class DockerCLIError(SwarmSimError):
    """A ``docker ...`` command failed; ``str(error)`` is docker's message.

    Parameters
    ----------
    message
        The text docker prints (one line).
    exit_code
        docker's exit status: 125 for usage errors, 1 for daemon errors.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ScenarioError(SwarmSimError):
    """A scenario or compose file is wrong at ``file:line:col`` under ``path``."""

    def __init__(self, file: str, line: int, col: int, path: str, message: str) -> None:
        super().__init__(f"{file}:{line}:{col}: {path}: {message}")
        self.file = file
        self.line = line
        self.col = col
        self.path = path
        self.message = message


class DaemonError(SwarmSimError):
    """The manager refused a request; docker prints ``Error response from daemon: <msg>``."""


class CommandFailed(DockerCLIError):
    """``swarm.docker(command, check=True)`` exited non-zero; ``str(error)`` is docker's message.

    Parameters
    ----------
    command
        The command line as given.
    stdout, stderr
        What docker printed (``stderr`` holds the message).
    exit_code
        docker's exit status (never 0).

    Examples
    --------
    >>> error = CommandFailed("docker service rm web", "", "Error: No such service: web\\n", 1)
    >>> str(error), error.exit_code
    ('Error: No such service: web', 1)
    """

    def __init__(self, command: str, stdout: str, stderr: str, exit_code: int) -> None:
        message = stderr.strip() or stdout.strip() or f"{command!r} exited {exit_code}"
        super().__init__(message, exit_code)
        self.command = command
        self.stdout = stdout
        self.stderr = stderr
