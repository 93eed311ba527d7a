"""The experimenter's guide: its Python blocks run, in order, as a reader would run them."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).parents[2] / "docs" / "guides" / "experimenter.md"


def test_every_python_block_of_the_guide_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 7
    namespace: dict[str, object] = {"__name__": "guide"}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "(60, 16)" in printed  # 6 combinations x 10 seeds; 16 columns
    assert printed.count("True") >= 2  # the thread pool and the cache give the same frame


def test_the_guides_scenario_is_the_one_shipped_in_scenarios() -> None:
    shipped = GUIDE.parents[2] / "scenarios" / "experiments" / "update-strategy.yaml"
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert shipped.read_text(encoding="utf-8") in blocks
