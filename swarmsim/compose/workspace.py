"""Where the docker CLI reads the files a stack names: a folder and files held in memory.

``docker stack deploy -c app.yml`` reads ``app.yml`` relative to the CLI's
working directory, then the files the compose file points to (``env_file``,
the ``file:`` of a config or secret) relative to the compose file's folder.
A :class:`Workspace` answers those reads: a relative path is taken from
:attr:`Workspace.directory` (the process's current directory when it is
empty), and a file that a scenario gives inline (``files:``) is found in
:attr:`Workspace.files` before the disk is looked at.  So a lesson in
``scenarios/`` reads ``app.yml`` beside itself whatever the current directory
is, and a lesson can be one self-contained file.

This module has no docker/cli counterpart: docker reads the real file system
(``os.ReadFile`` in ``cli: cli/command/stack/loader.go``).

Differences
-----------
Files held in memory exist for the simulated CLI only; nothing is written to
disk, and they hide a file of the same path on disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Workspace"]


@dataclass(frozen=True)
class Workspace:
    """A folder for relative paths and the files kept in memory under it.

    Parameters
    ----------
    directory
        The folder relative paths start from (``""``: the process's current
        directory at the time of the read).
    files
        Contents by path relative to ``directory`` (``app.yml``, ``conf/nginx.conf``).

    Examples
    --------
    >>> ws = Workspace("/lessons", {"app.yml": b"services: {}\\n"})
    >>> ws.path("app.yml"), ws.read("/lessons/app.yml")
    ('/lessons/app.yml', b'services: {}\\n')
    >>> ws.read("other.yml")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] No such file or directory: '/lessons/other.yml'
    """

    directory: str = ""
    files: Mapping[str, bytes] = field(default_factory=dict)

    def path(self, name: str) -> str:
        """The absolute, normalized path of ``name`` (relative to :attr:`directory`)."""
        base = os.path.abspath(self.directory or os.curdir)
        return os.path.normpath(os.path.join(base, name))

    def _inline(self) -> dict[str, bytes]:
        return {self.path(name): data for name, data in self.files.items()}

    def exists(self, name: str) -> bool:
        """Whether ``name`` is a file held in memory or a regular file on disk."""
        path = self.path(name)
        return path in self._inline() or os.path.isfile(path)

    def read(self, name: str, limit: int = -1) -> bytes:
        """The contents of ``name``: the inline file, else the file on disk.

        With ``limit`` at most that many bytes are read (docker's ``LimitReader``).

        Raises
        ------
        OSError
            As :func:`open` raises it (``FileNotFoundError``, ``IsADirectoryError``...).
        """
        path = self.path(name)
        inline = self._inline()
        if path in inline:
            return inline[path] if limit < 0 else inline[path][:limit]
        with open(path, "rb") as handle:
            return handle.read(limit)
