"""``--env-file``: docker's ``KEY=VALUE`` files, read where the CLI reads its files.

Mirrors ``cli: pkg/kvfile/kvfile.go`` (``Parse``: one variable per line,
leading blanks dropped, blank and ``#`` lines skipped, a UTF-8 byte-order
mark dropped from the first line, a bare ``KEY`` taken from the CLI's
environment when it is set there and left out otherwise) and
``opts/parse.go`` (``ReadKVEnvStrings``: the files' variables, then those of
``--env``).  Files are read through the CLI's workspace
(:func:`~swarmsim.cli.docker.stack.stack_workspace`), as ``docker stack
deploy`` reads its compose files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from swarmsim.errors import DockerCLIError

__all__ = ["read_env_files"]

_BOM = b"\xef\xbb\xbf"


def _variables(name: str, data: bytes, env: Mapping[str, str]) -> list[str]:
    variables = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.removesuffix(b"\r")  # bufio.ScanLines drops a final \r
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            listed = " ".join(str(byte) for byte in raw)
            raise DockerCLIError(
                f"invalid env file ({name}): invalid utf8 bytes at line {number}: [{listed}]"
            ) from None
        if number == 1:
            text = text.removeprefix(_BOM.decode("utf-8"))
        line = text.lstrip()
        if not line or line.startswith("#"):
            continue
        key, found, _ = line.partition("=")
        if not key:
            raise DockerCLIError(f"invalid env file ({name}): no variable name on line '{line}'")
        if " " in key or "\t" in key:
            raise DockerCLIError(
                f"invalid env file ({name}): variable '{key}' contains whitespaces"
            )
        if found:
            variables.append(line)
        elif line in env:
            variables.append(f"{key}={env[line]}")
    return variables


def read_env_files(
    names: Iterable[str], read: Callable[[str], bytes], env: Mapping[str, str]
) -> list[str]:
    """The variables of the ``--env-file`` files, in order.

    Raises
    ------
    DockerCLIError
        ``open FILE: no such file or directory`` and ``invalid env file (FILE): ...``.
    """
    variables: list[str] = []
    for name in names:
        try:
            data = read(name)
        except OSError as error:
            reason = error.strerror.lower() if error.strerror else str(error)
            raise DockerCLIError(f"open {name}: {reason}") from None
        variables += _variables(name, data, env)
    return variables
