"""Redraw the pictures of the README and docs/plots.md from three lessons of the library.

    .venv/bin/python docs/img/make_pictures.py      # from the repository root

Each picture is the ``--plot`` of a lesson in ``scenarios/`` (the same as
``swarmsim run scenarios/02-drain.yaml --plot docs/img/drain.png``).
"""

from __future__ import annotations

from pathlib import Path

from swarmsim.scenario import Runner, load_scenario
from swarmsim.viz import save_animation, save_lesson_plot

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).parent
LESSONS = {
    "drain": "02-drain.yaml",
    "update-paused": "06-update-paused-resumed.yaml",
    "node-loss": "09-worker-loss.yaml",
}

for name, lesson in LESSONS.items():
    trace = Runner(load_scenario(ROOT / "scenarios" / lesson)).run().trace
    save_lesson_plot(trace, OUT / f"{name}.png")
    if name == "update-paused":
        save_lesson_plot(trace, OUT / f"{name}.es.png", lang="es")
        save_animation(trace, OUT / f"{name}.gif", max_frames=40)
