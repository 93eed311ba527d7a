"""Text lessons: the lines of a class, one command per line, run like a scenario.

A lesson (``lesson.txt``) is what ``swarmsim shell`` reads from a pipe:
``docker ...`` lines, shell words, ``#`` comments and blank lines.
:func:`load_lesson` checks it before anything runs -- every line splits like
a shell line and starts with a word the interpreter knows -- so ``swarmsim
run lesson.txt`` refuses a broken lesson with one ``FILE:LINE:COL`` line as
it does a broken scenario.  The lesson becomes a
:class:`~swarmsim.scenario.model.Scenario` (kind ``lesson``) on the shell's
swarm (``manager1``, ``worker1``, ``worker2``) whose steps are its lines:
``run`` steps, and ``text`` steps printed as they are.  A comment
``# machines: manager1, worker1, worker2`` before the first command starts the
lesson from those blank machines instead (no swarm yet: the lesson runs
``docker swarm init`` and ``join`` itself).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from swarmsim.cli.shellargs import ShellError
from swarmsim.errors import ScenarioError
from swarmsim.scenario.model import Cluster, Machine, Scenario, Step
from swarmsim.shell.syntax import (
    SHELL_WORDS,
    is_assignment,
    is_comment,
    logical_lines,
    machine_prefix,
    static_words,
)

__all__ = ["SHELL_CLUSTER", "load_lesson", "parse_lesson", "read_source"]

_MACHINES = re.compile(r"#\s*machines:\s*([A-Za-z0-9][A-Za-z0-9_., -]*)")  # a blank start
SHELL_CLUSTER = Cluster(
    (Machine("manager1", "manager"), Machine("worker1"), Machine("worker2"))
)  # what ``swarmsim shell`` starts with


def parse_lesson(text: str, file: str = "<lesson>") -> Scenario:
    """Check a lesson's lines and make them a scenario.

    Examples
    --------
    >>> [(s.kind, s.line) for s in parse_lesson("# hi\\ndocker node ls\\n").steps]
    [('text', '# hi'), ('run', 'docker node ls')]
    >>> parse_lesson("docker node ls\\ndocekr ps\\n", "l.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    swarmsim.errors.ScenarioError: l.txt:2:1: lesson: unknown command 'docekr'; did you mean...
    """
    steps: list[Step] = []
    cluster = SHELL_CLUSTER
    number = 1
    for line in logical_lines(text.splitlines(True)):
        start = number
        number += line.count("\n") + 1
        match = _MACHINES.fullmatch(line.strip())
        if match is not None and not any(step.kind == "run" for step in steps):
            names = match.group(1).replace(",", " ").split()
            cluster = Cluster(tuple(Machine(name) for name in names), blank=True)
        if is_comment(line):
            steps.append(Step("text", line, f"line {start}"))
            continue
        machine, command = machine_prefix(line)
        if machine and machine not in cluster.names:
            names = ", ".join(sorted(cluster.names))
            message = f"no machine {machine!r} (machines: {names})"
            raise ScenarioError(file, start, 1, "lesson", message)
        try:
            words = static_words(command)
        except (ValueError, ShellError) as error:
            raise ScenarioError(file, start, 1, "lesson", str(error)) from None
        if words and words[0] not in SHELL_WORDS and not is_assignment(words):
            close = difflib.get_close_matches(words[0], sorted(SHELL_WORDS), n=1)
            hint = (
                f"; did you mean {close[0]!r}?" if close else " (a docker command or a shell word)"
            )
            col = len(line) - len(line.lstrip()) + 1
            message = f"unknown command {words[0]!r}{hint}"
            raise ScenarioError(file, start, col, "lesson", message)
        steps.append(Step("run", line, f"line {start}"))
    _check_image_lines(steps, file)
    name = Path(file).stem
    return Scenario(name, file, cluster=cluster, steps=tuple(steps), kind="lesson")


def _check_image_lines(steps: list[Step], file: str) -> None:
    """Refuse a bad ``image`` line before anything runs, at the column of the bad value."""
    from swarmsim.cli.shellargs import SettingError, image_settings

    for step in steps:
        words = static_words(machine_prefix(step.line)[1]) if step.kind == "run" else []
        if words[:1] != ["image"]:
            continue
        try:
            image_settings(words[2:])
        except SettingError as error:
            line = step.line
            word = words[2 + error.index]
            at = line.find(word)  # a quoted word is not found: point at the line instead
            col = at + 1 + error.offset if at >= 0 else len(line) - len(line.lstrip()) + 1
            number = int(step.label.removeprefix("line "))
            raise ScenarioError(file, number, col, "image", str(error)) from None


def read_source(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of a scenario or lesson file, or one ``FILE:LINE:COL`` error."""
    name = os.fspath(path)
    try:
        return Path(path).read_bytes().decode("utf-8")
    except OSError as error:
        raise ScenarioError(name, 1, 1, "(file)", f"cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise ScenarioError(name, line, 1, "(file)", "not UTF-8 text") from None


def load_lesson(path: str | os.PathLike[str]) -> Scenario:
    """Read and check a lesson file (see :func:`parse_lesson`)."""
    return parse_lesson(read_source(path), os.fspath(path))
