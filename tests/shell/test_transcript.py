"""Transcripts and scripts: stamped or not, the same lines as the shell."""

from __future__ import annotations

import io

from swarmsim.shell.interpreter import Interpreter, LineResult
from swarmsim.shell.transcript import ScriptResult, Tee, Transcript, clock_stamp, run_script
from swarmsim.swarm import Swarm


def test_clock_stamps_never_round_up() -> None:
    assert [clock_stamp(t) for t in (0, 59.99, 3599.95, 36000)] == [
        "0:00:00.0",
        "0:00:59.9",
        "0:59:59.9",
        "10:00:00.0",
    ]


def test_stamped_transcript_leaves_output_alone() -> None:
    out = io.StringIO()
    transcript = Transcript(out, stamped=True)
    transcript.text("# hi", 1.5)
    transcript.text("", 1.5)
    transcript.command("docker x", 61, LineResult("a  b\n", "oops\n", ok=False))
    transcript.note("PASS x", 62)
    assert (
        out.getvalue()
        == "[0:00:01.5] # hi\n\n[0:01:01.0] $ docker x\na  b\noops\n[0:01:02.0] PASS x\n"
    )


def test_tee_writes_everywhere() -> None:
    a, b = io.StringIO(), io.StringIO()
    assert Tee(a, None, b).write("x") == 1
    assert a.getvalue() == b.getvalue() == "x"


def test_run_script_matches_the_shell_and_reports_failures() -> None:
    swarm = Swarm(seed=0)
    result = run_script(swarm, "# c\ndocker node rm ghost\nsleep 5s\nexit\nsleep 1h\n")
    assert result.exit_code == 1 and result.failed == ("docker node rm ghost",)
    assert swarm.now == 5  # exit stops the script
    assert result.transcript.startswith("# c\n$ docker node rm ghost\nError response from daemon")
    assert repr(result) == (
        "<ScriptResult exit_code=1 (1 failed: ['docker node rm ghost']), 5 lines>"
    )
    assert str(result) == result.transcript
    assert ScriptResult("<x>", 0)._repr_html_() == "<pre>&lt;x&gt;</pre>"
    interpreter = Interpreter(swarm)
    assert [r.detail for r in swarm.trace if r.kind == "command"][:2] == [
        "# c",
        "docker node rm ghost",
    ]
    assert interpreter.host == "manager1"
