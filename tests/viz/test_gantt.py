"""The task Gantt chart: rows, bars, colours, node shading and markers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from gc_helpers import collections_during
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection, LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath

from swarmsim.swarm import Swarm
from swarmsim.viz import STATE_COLORS, plot_tasks, task_bars, task_gantt
from swarmsim.viz.animate import animation_frames
from swarmsim.viz.lesson import lesson_figure
from swarmsim.viz.style import rect, rects

if TYPE_CHECKING:
    from tests.viz.conftest import Scenario


def _collection(ax: Axes, gid: str) -> Collection:
    (found,) = [c for c in ax.collections if c.get_gid() == gid]
    return found


def _markers(ax: Axes, gid: str) -> list[float]:
    """The x of each vertical marker line in the line collection ``gid``."""
    coll = _collection(ax, gid)
    assert isinstance(coll, LineCollection)
    xs = []
    for segment in coll.get_segments():
        (x0, _), (x1, _) = np.asarray(segment)
        assert x0 == x1  # vertical
        xs.append(float(x0))
    return xs


def _span(path: MplPath) -> tuple[float, float, float, float]:
    """x min, x max, y min and y max of a drawn rectangle."""
    xy = np.asarray(path.vertices)
    return (
        float(xy[:, 0].min()),
        float(xy[:, 0].max()),
        float(xy[:, 1].min()),
        float(xy[:, 1].max()),
    )


def test_gantt_has_one_row_per_node_and_one_bar_per_task(scenario: Scenario) -> None:
    swarm = scenario.swarm
    ax = plot_tasks(swarm, service="web")
    assert isinstance(ax.figure, Figure)
    assert isinstance(ax.figure.canvas, FigureCanvasAgg)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["manager1", "worker1", "worker2"]
    task_ids = {r.id for r in swarm.trace if r.kind == "task"}
    assert len(_collection(ax, "tasks").get_paths()) == len(task_ids) == 6
    bars = task_bars(swarm.trace, service="web", until=scenario.end)
    for group in ("failed", "shutdown", "running"):
        coll = _collection(ax, f"state:{group}")
        expected = sum(s.state == group for b in bars for s in b.segments)
        assert len(coll.get_paths()) == expected > 0
        assert tuple(np.asarray(coll.get_facecolor())[0]) == to_rgba(STATE_COLORS[group])
    assert to_rgba(STATE_COLORS["failed"])[0] > 0.8  # red
    r, g, b, _ = to_rgba(STATE_COLORS["shutdown"])
    assert r == g == b  # grey
    # the failed cap sits on worker2's row, at the kill time
    (failed,) = _collection(ax, "state:failed").get_paths()
    x0, _, y0, y1 = _span(failed)
    assert x0 == pytest.approx(scenario.kill_at, abs=0.5)
    worker2 = ax.get_yticks()[2]
    assert abs((y0 + y1) / 2 - worker2) < 2
    # slot labels in the bars that are long enough
    texts = {t.get_text() for t in ax.texts}
    assert {"web.1", "web.2", "web.3"} <= texts


def test_gantt_marks_node_down_up_and_drained_spans(scenario: Scenario) -> None:
    ax = plot_tasks(scenario.swarm)
    down = scenario.down
    assert _markers(ax, "marker:down") == [down]
    (back,) = _markers(ax, "marker:up")
    assert back >= scenario.recover_at
    (drained,) = _collection(ax, "node:drained").get_paths()
    x0, x1, y0, y1 = _span(drained)
    assert (x0, x1) == (scenario.drain_at, scenario.end)
    worker1 = ax.get_yticks()[1]
    assert y0 < worker1 < y1  # on worker1's row
    (shaded,) = _collection(ax, "node:down").get_paths()
    assert _span(shaded)[:2] == (down, back)
    legend = ax.get_legend()
    assert legend is not None
    names = [t.get_text() for t in legend.get_texts()]
    for name in ("running", "failed", "shutdown", "node drained", "node went down"):
        assert name in names


def test_gantt_until_cuts_the_picture(scenario: Scenario) -> None:
    ax = task_gantt(scenario.swarm.trace, until=scenario.drain_at + 5)
    assert ax.get_xlim()[1] < scenario.drain_at + 6
    assert _markers(ax, "marker:down") == []
    assert len(_collection(ax, "state:failed").get_paths()) == 1
    # node ids fall back to the hostnames of the node records; a mapping overrides them
    assert [t.get_text() for t in ax.get_yticklabels()] == ["manager1", "worker1", "worker2"]
    node_id = scenario.swarm.node("worker1").id
    ax = task_gantt(scenario.swarm.trace, node_names={node_id: "w1"})
    assert [t.get_text() for t in ax.get_yticklabels()][1] == "w1"


def test_global_tasks_are_labelled_with_the_service_name(global_swarm: Swarm) -> None:
    gantt = task_gantt(global_swarm.trace)
    assert {t.get_text() for t in gantt.texts} == {"web"}


def test_rows_too_thin_for_their_names_name_only_rows_a_line_apart() -> None:
    """On 300 nodes a row is thinner than a line of text: the names would pile
    up, so only rows a label's height apart are named, the first at the top;
    every row still gets its separator, drawn as one artist."""
    swarm = Swarm(seed=2, managers=1, workers=299)
    swarm.docker("docker service create -d --name web --replicas 300 app:1", check=True)
    swarm.advance(20)
    ax = plot_tasks(swarm, service="web")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "manager1" and 10 < len(labels) < 100
    ticks = ax.get_yticks()
    shown = ax.transData.transform([(0.0, y) for y in ticks])[:, 1]
    font = ax.get_yticklabels()[0].get_fontsize() * ax.figure.dpi / 72
    assert min(abs(np.diff(shown))) >= 1.2 * font  # no two names overlap
    assert all(label.startswith("worker") for label in labels[1:])
    rules = _collection(ax, "rows")
    assert isinstance(rules, LineCollection) and len(rules.get_segments()) == 299
    assert not [line for line in ax.lines if line.get_color() == "#bbbbbb"]


def test_rows_as_tall_as_a_name_are_all_named_and_ruled(scenario: Scenario) -> None:
    ax = plot_tasks(scenario.swarm, service="web")
    rules = _collection(ax, "rows")
    assert isinstance(rules, LineCollection)
    tops = sorted(float(np.asarray(segment)[0, 1]) for segment in rules.get_segments())
    ticks = list(ax.get_yticks())
    assert len(tops) == len(ticks) - 1
    assert all(a < top < b for a, top, b in zip(ticks, tops, ticks[1:], strict=False))


def test_rectangles_as_one_array_make_the_paths_of_a_list() -> None:
    """The charts hand PolyCollection an array of rectangles (one template path):
    the paths are those a list of corners makes, closed, in order."""
    corners = [rect(0.0, 1.5, 0.0, 0.7), rect(2.0, 3.0, 1.0, 1.72), rect(-1.0, 0.0, 5.0, 6.0)]
    listed = PolyCollection(corners).get_paths()
    stacked = PolyCollection(rects(corners)).get_paths()
    assert len(stacked) == 3
    for a, b in zip(listed, stacked, strict=True):
        assert np.array_equal(a.vertices, b.vertices)
        assert np.array_equal(a.codes, b.codes)
    assert PolyCollection(rects([])).get_paths() == []


def test_drawing_a_large_run_runs_no_garbage_collection() -> None:
    """An object or more per task: the young collections they would set off
    scan the swarm alive beside the chart (with 95,000 tasks, half the time of
    the task chart)."""
    swarm = Swarm(seed=3, managers=1, workers=49)
    swarm.docker("docker service create -d --name web --replicas 2000 app:1", check=True)
    swarm.advance(20)
    swarm.docker("docker service update -d --update-parallelism 0 --image app:2 web", check=True)
    swarm.advance(40)
    assert collections_during(lambda: [[i] for i in range(20_000)]) > 0  # the probe works
    assert collections_during(lambda: plot_tasks(swarm)) == 0
    assert collections_during(lambda: lesson_figure(swarm.trace)) == 0
    assert collections_during(lambda: animation_frames(swarm.trace, max_frames=3)) == 0
