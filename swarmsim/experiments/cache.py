"""The sweep cache: a directory of small JSON files, one per batch of finished runs.

Each run is keyed by a SHA-256 of the run's identity (module and qualified
name plus a hash of its source, or the scenario file's text hash), the
metrics, the service, its parameters, its seed and the simulator version.
Re-running a sweep reads the files of that run's directory and computes only
the keys it does not find: change one parameter value and only its runs are
made again; change the function, the scenario or swarmsim and every run is.

Format: JSON, written atomically (a temporary file renamed into place), one
file per batch of results: in the standard library, readable by a person,
and exact for the values a row holds (Python writes the shortest text that
reads back to the same float, NaN included), so a cached frame equals a
computed one.  Parquet would need pyarrow, and rows are few and small.

Layout::

    CACHE/<identity hash>/<batch hash>.json
    {"format": "swarmsim-sweep-cache", "version": 1, "rows": {KEY: ROW, ...}}

A file that cannot be read is ignored (its runs are made again).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from swarmsim.errors import InvalidArgument
from swarmsim.experiments.grid import Value

__all__ = ["Cache"]

FORMAT = "swarmsim-sweep-cache"
VERSION = 1


def _hash(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """Rows of finished runs, in ``directory``, for one run identity and version."""

    def __init__(self, directory: str | os.PathLike[str], identity: str, version: str) -> None:
        if not isinstance(directory, str | os.PathLike):
            raise InvalidArgument(f"cache must be a directory name, not {directory!r:.60}")
        self.identity = identity
        self.version = version
        self.folder = Path(directory) / _hash([identity, version])[:24]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InvalidArgument(
                f"cache: cannot make {os.fspath(self.folder)}: {error.strerror}"
            ) from None

    def key(self, params: Mapping[str, Value], seed: int) -> str:
        """The key of one run."""
        return _hash([self.identity, self.version, dict(params), seed])

    def load(self) -> dict[str, dict[str, Value]]:
        """Every row stored for this identity, by key."""
        rows: dict[str, dict[str, Value]] = {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if (
                isinstance(data, dict)
                and data.get("format") == FORMAT
                and data.get("version") == VERSION
            ):
                stored = data.get("rows")
                if isinstance(stored, dict):
                    rows.update(stored)
        return rows

    def store(self, rows: Iterable[tuple[str, dict[str, Value]]]) -> None:
        """Write one batch of (key, row) as one file."""
        batch = dict(rows)
        if not batch:
            return
        data = {"format": FORMAT, "version": VERSION, "rows": batch}
        name = _hash(sorted(batch))[:24] + ".json"
        fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"), allow_nan=True)
        os.replace(temporary, self.folder / name)
