"""Run the code blocks of the guides, so that none of them can rot.

At every build, the fenced blocks of the guide pages (``docs/install.md``,
``docs/guides/*.md``) are run:

* ``pycon`` blocks are doctests (the standard :mod:`doctest` parser, with
  ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``) and ``python`` blocks are run as
  they are; the Python blocks of one page share their names, in order, as the
  cells of a notebook do;
* in ``console`` blocks every ``$ swarmsim ...`` line runs in-process, in a
  scratch folder where ``scenarios/`` and ``notebooks/`` are the project's
  (so ``--plot`` and ``--trace`` outputs land there), with ``< FILE`` as its
  standard input (an empty one without it) and ``*`` patterns expanded as a
  shell does.  The lines that follow it, up to
  the next ``$``, are its expected output (``...`` matches anything); without
  them the command must exit 0.  ``--speed`` is dropped: it only paces the
  wall clock, the output is the same.  Other lines (``make``, ``pip``, ``python3
  -m venv``) are not run.

A failure is a build warning, hence an error under ``make docs``.
"""

from __future__ import annotations

import contextlib
import doctest
import glob
import io
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

Warn = Callable[[str], None]

_FENCE = re.compile(r"^(`{3,})(\w+)\s*$")
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocks(text: str) -> Iterator[tuple[int, str, str]]:
    """(line number, info string, body) of every fenced block of a Markdown text."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match:
            fence, info, start = match.group(1), match.group(2), i + 1
            j = start
            while j < len(lines) and lines[j].strip() != fence:
                j += 1
            yield start, info, "\n".join(lines[start:j]) + "\n"
            i = j + 1
        else:
            i += 1


def _matches(expected: str, got: str) -> bool:
    checker = doctest.OutputChecker()
    return checker.check_output(expected.rstrip() + "\n", got.rstrip() + "\n", _FLAGS)


def _swarmsim(argv: list[str], stdin: str) -> tuple[int, str]:
    from swarmsim.console.main import main

    out = io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = main(argv)
    finally:
        sys.stdin = saved
    return status, out.getvalue()


def _console(where: str, body: str, warn: Warn) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    for command, expected in commands:
        words = shlex.split(command, comments=True)
        if not words or words[0] != "swarmsim":
            continue
        stdin = ""
        if "<" in words:
            at = words.index("<")
            stdin = Path(words[at + 1]).read_text(encoding="utf-8")
            words = words[:at] + words[at + 2 :]
        words = [w for word in words for w in (sorted(glob.glob(word)) if "*" in word else [word])]
        if "--speed" in words:
            at = words.index("--speed")
            words = words[:at] + words[at + 2 :]
        status, got = _swarmsim(words[1:], stdin)
        shown = "\n".join(expected)
        if shown.strip():
            if not _matches(shown, got):
                warn(f"{where}: `{command}` printed:\n{got}")
        elif status != 0:
            warn(f"{where}: `{command}` exited {status}:\n{got}")


def check_page(path: Path, repo: Path, warn: Warn) -> None:
    """Run every ``pycon``, ``python`` and ``console`` block of one page."""
    text = path.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    names: dict[str, object] = {"__name__": "__docs__"}
    for line, info, body in blocks(text):
        where = f"{path.relative_to(repo)}:{line}"
        if info == "pycon":
            test = parser.get_doctest(body, names, where, str(path), line)
            out = io.StringIO()
            result = runner.run(test, out=out.write, clear_globs=False)
            if result.failed:
                warn(f"{where}: doctest failed:\n{out.getvalue()}")
        elif info == "python":
            try:
                exec(compile(body, where, "exec"), names)
            except Exception as error:  # a guide's example failing is what we report
                warn(f"{where}: the python block raised {type(error).__name__}: {error}")
        elif info == "console":
            _console(where, body, warn)


def check(repo: Path, pages: list[Path], warn: Warn) -> None:
    """Run the blocks of ``pages`` in a scratch folder holding the project's lessons."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="swarmsim-docs-") as scratch:
        for name in ("scenarios", "notebooks"):
            os.symlink(repo / name, Path(scratch) / name)
        os.chdir(scratch)
        try:
            for page in pages:
                check_page(page, repo, warn)
        finally:
            os.chdir(here)
