"""docs/guides/tester.md: every Python block runs, top to bottom, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "tester.md"


def test_the_guide_runs_start_to_finish(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 8
    namespace: dict[str, object] = {"__name__": "tester_guide"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{GUIDE.name} block {number}", "exec")
        exec(code, namespace)
    out = capsys.readouterr().out
    assert "--ranking binpack" in out  # the printed failure is a replayable script
    assert "unbalanced placement" in out
