"""The lesson library (``scenarios/NN-topic.yaml``): one lesson per section of the notes.

Every lesson replays to its golden transcript byte for byte, checks every
expectation it declares (and all pass), prints its Spanish comments with
``--lang es``, stays short enough to read in class, and is listed in
``scenarios/README.md``.

Regenerate the golden files after an intended behaviour change with
``SWARMSIM_UPDATE_GOLDEN=1 make pytest`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from swarmsim.scenario import Runner, load_scenario, parse_scenario
from swarmsim.scenario.model import Scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
LESSONS = sorted(SCENARIOS.glob("[0-9][0-9]-*.yaml"))
IDS = [p.stem for p in LESSONS]


def _load(path: Path, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    monkeypatch.chdir(ROOT)  # a failed verdict names the file as given
    return load_scenario(f"scenarios/{path.name}")


def _declared_expectations(scenario: Scenario) -> int:
    return len(scenario.expect) + sum(len(step.expect) for step in scenario.steps)


def test_the_library_numbers_the_sections_in_order() -> None:
    assert len(LESSONS) >= 10
    numbers = [int(p.name[:2]) for p in LESSONS]
    assert numbers == list(range(1, len(LESSONS) + 1))
    for path in LESSONS:
        assert path.with_suffix(".golden").is_file(), f"{path.name} has no golden transcript"


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_lesson_replays_to_its_golden_transcript_and_every_expectation_passes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _load(path, monkeypatch)
    result = Runner(scenario).run()
    golden = path.with_suffix(".golden")
    if os.environ.get("SWARMSIM_UPDATE_GOLDEN"):
        golden.write_text(result.transcript)
    assert result.transcript == golden.read_text()
    assert scenario.name == path.stem
    declared = _declared_expectations(scenario)
    assert declared >= 5
    assert len(result.verdicts) == declared  # every expectation was checked
    assert [str(v) for v in result.verdicts if not v.passed] == []
    assert result.exit_code == 0
    assert result.transcript.endswith(f"{declared} expectations, {declared} passed\n")


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_lesson_is_bilingual_and_short(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text()
    assert re.match(r"# Lesson \d+: .+\n", text), "a comment header names the lesson"
    assert "\n# Teaches: " in text
    scenario = _load(path, monkeypatch)
    assert 10 <= len(scenario.steps) <= 25
    assert scenario.description.en and scenario.description.es
    comments = [s.comment for s in scenario.steps if s.comment is not None]
    assert len(comments) >= len(scenario.steps) // 2
    for comment in comments:
        assert comment.es and comment.es != comment.en, comment
    spanish = Runner(scenario, lang="es").run().transcript
    assert spanish.startswith(f"# {scenario.name}: {scenario.description.es}\n")
    for comment in comments:
        assert f"] # {comment.es}\n" in spanish
        assert f"] # {comment.en}\n" not in spanish


def test_the_index_lists_every_lesson_and_nothing_is_still_to_come() -> None:
    index = (SCENARIOS / "README.md").read_text()
    rows = [line for line in index.splitlines() if line.startswith("| ")]
    for path in [*LESSONS, SCENARIOS / "class-notes.txt"]:
        assert sum(f"[`{path.name}`]({path.name})" in row for row in rows) == 1, path.name
    assert not [row for row in rows if "(coming)" in row]
    (notes,) = [row for row in rows if "class-notes.txt" in row]
    assert "docker swarm init" in notes and "docker network create -d overlay" in notes
    stacks = [row for row in rows if "docker stack deploy" in row and "(coming)" not in row]
    assert len(stacks) == 1 and "11-stack-deploy.yaml" in stacks[0]
    assert any("docker stack rm" in row and "12-stack-update-rm.yaml" in row for row in rows)


def test_a_lesson_replays_identically(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = _load(SCENARIOS / "10-manager-quorum.yaml", monkeypatch)
    first, second = Runner(scenario).run(), Runner(scenario).run()
    assert first.transcript == second.transcript
    assert first.trace.dump() == second.trace.dump()


def test_a_wrong_lesson_expectation_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lessons' checks can fail: nothing moving back after a drain is really checked."""
    text = (SCENARIOS / "02-drain.yaml").read_text()
    wrong = text.replace(
        "counts: {manager1: 4, worker1: 0, worker2: 1}}\n      - at: 0s\n        output",
        "counts: {manager1: 3, worker1: 1, worker2: 1}}\n      - at: 0s\n        output",
    )
    assert wrong != text
    path = tmp_path / "02-drain.yaml"
    path.write_text(wrong)
    result = Runner(load_scenario(path)).run()
    failed = [str(v) for v in result.verdicts if not v.passed]
    rows = wrong.splitlines()
    line = next(n for n, row in enumerate(rows, 1) if "manager1: 3, worker1: 1" in row) - 1
    assert failed == [
        f"FAIL steps[12].expect[0] ({path}:{line}:9): running tasks of redis per node: "
        "manager1=3, worker1=1, worker2=1; saw manager1=4, worker1=0, worker2=1"
    ]
    assert result.exit_code == 1


@pytest.mark.parametrize("path", LESSONS, ids=IDS)
def test_a_changed_count_in_any_lesson_fails_that_expectation_only(path: Path) -> None:
    text = path.read_text()
    match = re.search(r"count: (\d+)\}", text)
    assert match, "every lesson checks a count"
    wrong = text[: match.start(1)] + str(int(match[1]) + 1) + text[match.end(1) :]
    result = Runner(parse_scenario(wrong, path.name)).run()
    failed = [v for v in result.verdicts if not v.passed]
    assert len(failed) == 1 and result.exit_code == 1
    line = text.count("\n", 0, match.start()) + 1  # the check's line; the item starts above
    assert failed[0].expectation.where.split(":")[1] in {str(line), str(line - 1)}
    assert "saw" in str(failed[0])
