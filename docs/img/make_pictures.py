"""Redraw the example pictures of docs/plots.md (run from the repository root).

    PYTHONPATH=. python docs/img/make_pictures.py

The three lessons are the ones the picture tests play (tests/viz/lessons.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, "tests")

from viz.lessons import DRAIN, NODE_LOSS, UPDATE_PAUSED, lesson  # noqa: E402

from swarmsim.viz import save_animation, save_lesson_plot  # noqa: E402

OUT = Path(__file__).parent

for name, script in (("drain", DRAIN), ("update-paused", UPDATE_PAUSED), ("node-loss", NODE_LOSS)):
    swarm = lesson(script)
    save_lesson_plot(swarm.trace, OUT / f"{name}.png")
    if name == "update-paused":
        save_lesson_plot(swarm.trace, OUT / f"{name}.es.png", lang="es")
        save_animation(swarm.trace, OUT / f"{name}.gif", max_frames=40)
