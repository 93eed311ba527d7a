"""Bytes that are not UTF-8 on the shell's input: one error for that line, piped or typed."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm

# a strict UTF-8 locale: where Python itself would raise UnicodeDecodeError on such input
STRICT = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONPATH": os.pathsep.join(sys.path)}
COMMAND = [sys.executable, "-m", "swarmsim.console.main", "shell", "--workers", "0"]


def test_a_line_with_an_undecodable_byte_is_refused_and_nothing_changes() -> None:
    swarm = Swarm(seed=1)
    shell = Shell(swarm)
    line = "docker service create --name caf\udcc3 nginx"
    changes = [r for r in swarm.trace if r.kind != "command"]
    before = (changes, dict(swarm.ctx.store.services))
    result = shell.execute(line)
    assert result == shell.execute(line)
    assert not result.ok
    assert result.stderr == "swarmsim: invalid UTF-8 byte 0xc3 at column 33\n"
    assert ([r for r in swarm.trace if r.kind != "command"], swarm.ctx.store.services) == before
    # the line is in the trace, its bad byte replaced (a trace file stays UTF-8)
    assert [r.detail for r in swarm.trace if r.kind == "command"] == [
        "docker service create --name caf\ufffd nginx"
    ] * 2


def test_piped_bytes_are_echoed_as_they_came_and_the_lesson_goes_on() -> None:
    lesson = b"time\n\xff\xfe docker ps\ncaf\xc3\xa9\ntime\n"
    done = subprocess.run(COMMAND, input=lesson, capture_output=True, env=STRICT, timeout=60)
    assert done.stderr == b""
    assert done.returncode == 1
    clock = b"t=0s (2026-01-01 00:00:00 +0000 UTC)\n"
    assert done.stdout == (
        b"$ time\n" + clock + b"$ \xff\xfe docker ps\n"
        b"swarmsim: invalid UTF-8 byte 0xff at column 1\n"
        b"$ caf\xc3\xa9\n"
        b"swarmsim: unknown command: caf\xc3\xa9 (try 'help')\n"
        b"$ time\n" + clock
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_typed_bytes_get_the_same_error_at_the_prompt() -> None:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes the shell
        os.execve(sys.executable, COMMAND, STRICT)
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 30
        while text not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:  # the child is gone
                    return

    try:
        read_until(b"manager1$ ")
        os.write(fd, b"\xff x\n")
        read_until(b"column 1")
        os.write(fd, b"time\n")
        read_until(b"UTC)")
        os.write(fd, b"exit\n")
        read_until(b"never printed")
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert b"Traceback" not in seen
    assert b"swarmsim: invalid UTF-8 byte 0xff at column 1\r\n" in seen
    assert b"t=0s (2026-01-01 00:00:00 +0000 UTC)" in seen
    assert os.waitstatus_to_exitcode(status) == 1
