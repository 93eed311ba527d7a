"""The example scenarios (``tests/scenario/examples/``, and ``scenarios/beyond/``: the
questions beyond the class notes) replay to their goldens; runs are deterministic.  The
lesson library in ``scenarios/`` has its own tests (``test_lesson_library.py``).

Regenerate a golden file after an intended behaviour change with
``SWARMSIM_UPDATE_GOLDEN=1 make pytest`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from swarmsim.console.main import main
from swarmsim.scenario import Runner, load_scenario

SCENARIOS = Path(__file__).resolve().parent / "examples"
LESSONS = Path(__file__).resolve().parents[2] / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))
BEYOND = sorted((LESSONS / "beyond").glob("*.yaml"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("example", EXAMPLES + BEYOND, ids=[p.stem for p in EXAMPLES + BEYOND])
def test_example_matches_its_golden_transcript(
    example: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example.parent.parent)  # the transcript names the file as given
    code, out, err = run(capsys, f"{example.parent.name}/{example.name}")
    golden = example.with_suffix(".golden")
    if os.environ.get("SWARMSIM_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert (code, err) == (0, "")
    assert out == golden.read_text()
    assert "FAIL" not in out and out.endswith(" passed\n")


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3 and BEYOND


def test_same_scenario_and_seed_give_identical_transcript_and_trace() -> None:
    scenario = load_scenario(SCENARIOS / "update-paused.yaml")
    first, second = Runner(scenario).run(), Runner(scenario).run()
    assert first.transcript == second.transcript
    assert first.trace.dump() == second.trace.dump()
    commands = [r for r in first.trace if r.kind == "command"]
    assert [r.event for r in commands[:3]] == ["shell", "comment", "docker"]
    other = Runner(scenario, seed=8).run()
    assert other.trace.dump() != first.trace.dump()  # the seed matters


def test_saved_traces_are_byte_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path in paths:
        assert run(capsys, str(SCENARIOS / "drain.yaml"), "--trace", str(path))[0] == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_a_changed_count_fails_naming_the_expectation_and_what_was_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SCENARIOS / "drain.yaml").read_text()
    changed = text.replace(
        "running: {service: redis, count: 3}", "running: {service: redis, count: 4}"
    )
    assert changed != text
    path = tmp_path / "drain.yaml"
    path.write_text(changed)
    code, out, err = run(capsys, "--quiet", str(path))
    line = next(n for n, row in enumerate(changed.splitlines(), 1) if "count: 4" in row) - 1
    assert (code, err) == (1, "")
    assert (
        f"[0:03:30.0] FAIL expect[0] ({path}:{line}:5): redis has 4 running tasks; saw 3 running\n"
        in out
    )
    assert out.endswith("drain: 7 expectations, 1 failed\n")
    assert "$ docker" not in out  # --quiet: verdicts only


def test_spanish_comments_and_description(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(SCENARIOS / "drain.yaml"), "--lang", "es")
    assert code == 0
    assert out.startswith("# drain: Drenar un nodo mueve sus tareas al resto de nodos")
    assert "[0:00:17.8] # Eliminamos la disponibilidad de worker1.\n" in out
    assert "Take worker1 out of service" not in out


def test_several_files_run_in_turn(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SCENARIOS / "drain.yaml"), str(LESSONS / "class-notes.txt")]
    code, out, _ = run(capsys, "--quiet", *files)
    assert code == 0
    assert out.splitlines()[-2:] == [
        "drain: 7 expectations, 7 passed",
        "class-notes: 35 commands, 0 failed",
    ]
