"""The console script: swarmsim run, validate and shell --from, and their options."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from swarmsim.console.main import main
from swarmsim.trace import load

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DRAIN = str(Path(__file__).resolve().parents[1] / "scenario" / "examples" / "drain.yaml")


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert call(capsys, "validate", DRAIN) == (
        0,
        f"{DRAIN}: ok (10 steps, 7 expectations)\n",
        "",
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsteps:\n  - sleep: soon\n")
    code, out, err = call(capsys, "validate", DRAIN, str(bad), str(tmp_path / "gone.txt"))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f'{bad}:3:12: steps[0].sleep: time: invalid duration "soon"',
        f"{tmp_path / 'gone.txt'}:1:1: (file): cannot read: No such file or directory",
    ]


def test_run_a_lesson_with_a_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "run", str(SCENARIOS / "class-notes.txt"), "--seed", "7")
    golden = (SCENARIOS / "class-notes.golden").read_text()
    assert code == 0
    unstamped = "".join(
        line.split("] ", 1)[1] if line.startswith("[") else line
        for line in out.splitlines(True)[:-1]
    )
    assert unstamped == golden  # the shell's transcript, stamped with virtual time
    assert out.endswith("class-notes: 35 commands, 0 failed\n")


def test_output_options_are_checked_before_running(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", DRAIN, "--plot", str(tmp_path / "x.jpg")])
    assert exited.value.code == 2
    assert "must end in .png, .svg, .pdf" in capsys.readouterr().err
    code, out, err = call(capsys, "run", DRAIN, DRAIN, "--trace", str(tmp_path / "t.jsonl"))
    assert (code, out, err) == (2, "", "swarmsim: --trace, --plot and --animate take one FILE\n")
    code, out, err = call(capsys, "run", DRAIN, "--trace", str(tmp_path / "no" / "t.jsonl"))
    assert (code, out) == (2, "") and "--trace: no directory for" in err
    with pytest.raises(SystemExit):
        main(["run", DRAIN, "--speed", "fast"])
    assert "invalid speed 'fast'" in capsys.readouterr().err


def test_trace_plot_and_animation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trace, picture, animation = tmp_path / "run.jsonl", tmp_path / "run.svg", tmp_path / "run.gif"
    code, _, err = call(
        capsys,
        "run",
        "--quiet",
        DRAIN,
        "--trace",
        str(trace),
        "--plot",
        str(picture),
        "--animate",
        str(animation),
        "--lang",
        "es",
    )
    assert (code, err) == (0, "")
    lines = [r.detail for r in load(trace) if r.kind == "command" and r.event == "docker"]
    assert lines[:2] == [
        "docker node ls",
        "docker service create --replicas 3 --name redis --update-delay 10s redis:3.0.6",
    ]
    assert picture.read_text().startswith("<?xml") and "<svg" in picture.read_text()
    assert animation.read_bytes()[:6] == b"GIF89a"


def test_shell_writes_its_trace_at_the_end(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("# hello\nsleep 1m\nfail worker1\n"))
    code, _, _ = call(capsys, "shell", "--trace", str(tmp_path / "s.jsonl"))
    assert code == 0
    commands = [
        (r.time, r.event, r.node, r.detail)
        for r in load(tmp_path / "s.jsonl")
        if r.kind == "command"
    ]
    assert commands == [
        (0.0, "comment", "", "# hello"),
        (0.0, "shell", "manager1", "sleep 1m"),
        (60.0, "fault", "worker1", "fail worker1"),
    ]


def test_shell_from_a_scenario_continues_from_its_state(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("docker service ls | grep redis\ntime\n"))
    code, out, err = call(capsys, "shell", "--from", DRAIN, "--lang", "es")
    assert (code, err) == (0, "")
    head, _, tail = out.partition("drain: 7 expectations, 7 passed\n")
    assert "# Eliminamos la disponibilidad de worker1." in head
    assert tail.startswith("$ docker service ls | grep redis\n") and " 3/3 " in tail
    assert tail.endswith("$ time\nt=3m30s (2026-01-01 00:03:30 +0000 UTC)\n")
    code, _, err = call(capsys, "shell", "--from", DRAIN, "--workers", "3")
    assert (code, err) == (2, "swarmsim: --from takes the cluster from FILE\n")
    code, _, err = call(capsys, "shell", "--from", "missing.yaml")
    assert (code, err) == (2, "missing.yaml:1:1: (file): cannot read: No such file or directory\n")


def test_shell_speed_shows_the_clock_in_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []
    lines = iter(["sleep 1s", "exit"])

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("sys.stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    monkeypatch.setattr("swarmsim.console.pacing.time.sleep", lambda seconds: None)
    assert main(["shell", "--speed", "100x"]) == 0
    assert prompts == ["[0:00:00.0] manager1$ ", "[0:00:01.0] manager1$ "]
