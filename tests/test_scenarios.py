"""Every lesson in scenarios/ replays to its golden transcript, byte for byte.

Regenerate a golden file after an intended behaviour change with
``SWARMSIM_UPDATE_GOLDEN=1 make pytest`` and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from swarmsim.console.shell import Shell
from swarmsim.scenario.lesson import parse_lesson
from swarmsim.scenario.runner import build_swarm

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LESSONS = sorted(SCENARIOS.glob("*.txt"))
SEED = 7  # the seed make demo uses


def transcript(lesson: Path) -> tuple[str, int]:
    """The lesson's transcript (standard output and error interleaved) and exit status.

    The lesson starts on its machines (``# machines:``) or the shell's formed swarm.
    """
    swarm = build_swarm(parse_lesson(lesson.read_text(), str(lesson)), seed=SEED)
    stream = io.StringIO()
    with lesson.open() as source:
        code = Shell(swarm).run(source, stream, stream, interactive=False)
    return stream.getvalue(), code


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_matches_its_golden_transcript(lesson: Path) -> None:
    text, code = transcript(lesson)
    golden = lesson.with_suffix(".golden")
    if os.environ.get("SWARMSIM_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert code == 0
    assert text == golden.read_text()


def test_there_is_a_lesson() -> None:
    assert LESSONS
