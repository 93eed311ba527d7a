"""What building a scenario carries from one part of the file to the next.

A :class:`BuildContext` is made for one schema-valid file and handed to the
parts of :mod:`swarmsim.scenario.build` in reading order
(:mod:`~swarmsim.scenario.build_cluster`, :mod:`~swarmsim.scenario.build_steps`,
:mod:`~swarmsim.scenario.build_expectations`).  It holds:

* the file and the positions of its values, so that every refusal is one
  :class:`~swarmsim.errors.ScenarioError` pointing at the value at fault;
* the one way durations are read (a Go duration or a number of seconds, from
  0s to :data:`~swarmsim.cli.shellargs.MAX_SLEEP`);
* the names the parts read so far define -- machines, services, inline
  compose files -- and the checks of a reference to one of them.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

from swarmsim.cli.shellargs import MAX_SLEEP, ShellError, shell_duration
from swarmsim.errors import ScenarioError
from swarmsim.scenario.model import Text
from swarmsim.scenario.yamlsource import Path, Positions, dotted, yaml11_hint
from swarmsim.units import format_duration

__all__ = ["BuildContext", "text_of"]


def text_of(value: Any) -> Text:
    """A text of the file: one string for every language, or ``{en: ..., es: ...}``.

    >>> text_of("hi"), text_of({"en": "hi", "es": "hola"}).get("es")
    (Text(en='hi', es='hi'), 'hola')
    """
    if isinstance(value, str):
        return Text(value, value)
    return Text(value["en"], value.get("es", ""))


class BuildContext:
    """One scenario file being built: where its values stand and the names it defines.

    Parameters
    ----------
    file
        The file's name, as errors print it; compose files named on disk are
        looked for in its folder.
    positions
        The line and column of every value of the file.
    """

    def __init__(self, file: str, positions: Positions) -> None:
        self.file = file
        self.positions = positions
        self.folder = os.path.dirname(os.path.abspath(file))
        self.nodes: set[str] = set()  # machines known by the step being read
        self.all_nodes: set[str] = set()  # every machine, once the steps are read
        self.services: set[str] = set()  # services some step creates
        self.any_stack = False  # a stack deploy reads a file on disk: services unknown
        self.files: set[str] = set()  # inline files written so far
        self.inline: dict[str, str] = {}  # their latest contents

    def error(self, path: Path, message: str, *, key: bool = False) -> ScenarioError:
        """The error to raise for the value (or with ``key``, the key) at ``path``."""
        line, col = self.positions.of(path, key=key)
        return ScenarioError(self.file, line, col, dotted(path), message)

    def seconds(
        self, path: Path, value: Any, parse: Callable[[str], float] = shell_duration
    ) -> float:
        """A duration from the file: a Go duration string or a number of seconds."""
        if isinstance(value, int | float):
            if not (math.isfinite(value) and 0 <= value <= MAX_SLEEP):
                limit = format_duration(MAX_SLEEP)
                raise self.error(path, f"must be a duration from 0s to {limit}, not {value}")
            return float(value)
        try:
            seconds = parse(value)
        except ShellError as error:
            hint = yaml11_hint(value)
            raise self.error(path, f"{error}{f' ({hint})' if hint else ''}") from None
        if not 0 <= seconds <= MAX_SLEEP:  # heartbeats every 5 s: longer would take hours
            limit = format_duration(MAX_SLEEP)
            raise self.error(path, f"must be a duration from 0s to {limit}, not {value}")
        return seconds

    def check_node(self, path: Path, name: str, known: set[str]) -> None:
        """Refuse a machine that is not among ``known``."""
        if name not in known:
            names = ", ".join(sorted(known))
            raise self.error(path, f"no node {name!r} (nodes: {names})")

    def check_service(self, path: Path, name: str, known: set[str]) -> None:
        """Refuse a service no step creates (unless a stack's services are unknown)."""
        if not self.any_stack and name not in known:
            names = ", ".join(sorted(known)) or "none"
            message = (
                f"no step creates a service {name!r} "
                f"(docker service create --name; services: {names})"
            )
            raise self.error(path, message)

    def inline_files(self, data: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """The inline files of the top level or of a step, now known to later steps."""
        self.files.update(os.path.normpath(name) for name in data)
        self.inline.update((os.path.normpath(name), text) for name, text in data.items())
        return tuple(data.items())

    def check_file(self, path: Path, name: str) -> None:
        """A ``-c`` file must be inline (written by then) or on disk beside the scenario."""
        if name == "-" or os.path.normpath(name) in self.files:
            return
        if os.path.isfile(os.path.join(self.folder, name)):
            return
        inline = ", ".join(sorted(self.files)) or "none"
        message = (
            f"no compose file {name!r}: not in files: (written so far: {inline}) "
            f"and not on disk beside the scenario ({self.folder})"
        )
        raise self.error(path, message)
