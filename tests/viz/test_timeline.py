"""Timeline pictures: the task Gantt chart, replicas over time and deterministic files."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from engine_helpers import create, hostname, running, spec, update
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import Collection, LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath

from swarmsim.api import Service, ServiceMode
from swarmsim.swarm import Swarm
from swarmsim.viz import (
    STATE_COLORS,
    UPDATE_COLORS,
    StepSeries,
    node_rows,
    plot_replicas,
    plot_tasks,
    replica_series,
    replicas_over_time,
    save,
    task_bars,
    task_gantt,
)

KILL_AT, DRAIN_AT, CRASH_AT, RECOVER_AT, END = 10.0, 20.0, 30.0, 70.0, 85.0


@dataclass
class Scenario:
    swarm: Swarm
    service: Service
    killed: str  # id of the task whose container exited 1 on worker2
    drained: str  # id of the task stopped by draining worker1
    samples: list[tuple[float, int]]  # (time, running tasks in the store)


def _run_sampled(
    swarm: Swarm, service: Service, until: float, out: list[tuple[float, int]]
) -> None:
    """Advance to ``until``, counting running tasks every 0.25 s before ``until``.

    The instant ``until`` itself is left out: a command issued then changes the
    store at that same virtual instant, after the sample would have been taken.
    """
    while swarm.now < until - 1e-9:
        swarm.advance(min(0.25, until - swarm.now))
        if swarm.now < until - 1e-9:
            out.append((swarm.now, len(running(swarm, service))))


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """3 nodes, web x3; kill a task, drain worker1, crash worker2 then recover it."""
    swarm = Swarm(seed=2, managers=1, workers=2)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    service = create(swarm, spec(image="app:1", replicas=3))
    samples: list[tuple[float, int]] = []
    _run_sampled(swarm, service, KILL_AT, samples)
    (victim,) = [t for t in running(swarm, service) if hostname(swarm, t) == "worker2"]
    assert swarm.kill_task(victim.id, 1)
    _run_sampled(swarm, service, DRAIN_AT, samples)
    (drained,) = [t for t in running(swarm, service) if hostname(swarm, t) == "worker1"]
    assert swarm.docker("docker node update --availability drain worker1").ok
    _run_sampled(swarm, service, CRASH_AT, samples)
    swarm.crash_node("worker2")
    _run_sampled(swarm, service, RECOVER_AT, samples)
    swarm.recover_node("worker2")
    _run_sampled(swarm, service, END, samples)
    return Scenario(swarm, service, victim.id, drained.id, samples)


def _down_time(swarm: Swarm) -> float:
    (down,) = [r.time for r in swarm.trace if r.kind == "node" and r.state == "down"]
    return down


def _collection(ax: Axes, gid: str) -> Collection:
    (found,) = [c for c in ax.collections if c.get_gid() == gid]
    return found


def _line(ax: Axes, label: str) -> Line2D:
    (found,) = [line for line in ax.get_lines() if line.get_label() == label]
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


def _step_value(line: Line2D, time: float) -> float:
    xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    value = 0.0
    for x, y in zip(xs, ys, strict=True):
        if x <= time:
            value = float(y)
    return value


# ------------------------------------------------------------------- models


def test_task_bars_follow_each_task_through_its_states(scenario: Scenario) -> None:
    trace = scenario.swarm.trace
    bars = task_bars(trace, service="web", until=END)
    assert [b.id for b in bars] == list(dict.fromkeys(r.id for r in trace if r.kind == "task"))
    for bar in bars:
        # contiguous segments from creation to the end of the bar
        assert bar.segments[0].start == bar.created
        assert all(a.end == b.start for a, b in zip(bar.segments, bar.segments[1:], strict=False))
        assert bar.segments[-1].end == bar.end == END
        assert bar.node  # every task was scheduled
    by_id = {b.id: b for b in bars}
    killed, drained = by_id[scenario.killed], by_id[scenario.drained]
    assert [s.state for s in killed.segments][-2:] == ["running", "failed"]
    assert killed.segments[-1].start == pytest.approx(KILL_AT, abs=0.5)
    assert drained.state == "shutdown" and drained.terminal
    assert drained.segments[-2].stopping  # asked to stop while still running
    assert drained.label.startswith("web.")
    # tasks that were running on worker2 when it crashed: stale running, then shutdown on return
    stale = [
        b
        for b in bars
        if any(s.stopping and s.start == _down_time(scenario.swarm) for s in b.segments)
    ]
    assert stale
    for bar in stale:
        assert bar.state == "shutdown"
        assert bar.segments[-1].start >= RECOVER_AT


def test_node_rows_record_drain_down_and_return(scenario: Scenario) -> None:
    rows = {row.hostname: row for row in node_rows(scenario.swarm.trace, until=END)}
    assert list(rows) == ["manager1", "worker1", "worker2"]
    assert rows["worker1"].drained == [(DRAIN_AT, END)]
    down = _down_time(scenario.swarm)
    assert CRASH_AT + 5 < down < CRASH_AT + 20  # heartbeat failure detection
    assert rows["worker2"].went_down == [down]
    (back,) = rows["worker2"].came_back
    assert back >= RECOVER_AT
    assert rows["worker2"].down == [(down, back)]
    assert rows["manager1"].down == rows["manager1"].drained == []


def test_running_series_matches_the_store_at_every_sample(scenario: Scenario) -> None:
    series = replica_series(scenario.swarm.trace, "web")
    for time, count in scenario.samples:
        assert series.running.at(time) == count, time
    down = _down_time(scenario.swarm)
    assert series.running.at(KILL_AT - 0.1) == 3
    assert series.running.at(KILL_AT + 0.5) == 2  # the failed task's replacement waits 5 s
    assert series.running.at(DRAIN_AT - 0.1) == 3  # before the drain
    assert series.running.at(down - 1e-6) == 3  # stale, the crash is not yet detected
    assert series.running.at(down) == 2  # right after the crash is detected
    assert series.running.at(down + 10) == 3  # replaced on manager1
    assert series.running.at(END) == 3
    assert (series.target.times, series.target.values) == ([0.0], [3])
    assert series.desired_running.at(down) == 2  # the replacement waits for the restart delay
    assert series.desired_running.at(down + 10) == 3
    assert not series.updates and list(series.by_version) == [0]
    assert not series.global_mode


# ------------------------------------------------------------------ gantt


def test_gantt_has_one_row_per_node_and_one_bar_per_task(scenario: Scenario) -> None:
    swarm = scenario.swarm
    ax = plot_tasks(swarm, service="web")
    assert isinstance(ax.figure, Figure)
    assert isinstance(ax.figure.canvas, FigureCanvasAgg)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["manager1", "worker1", "worker2"]
    task_ids = {r.id for r in swarm.trace if r.kind == "task"}
    assert len(_collection(ax, "tasks").get_paths()) == len(task_ids) == 6
    bars = task_bars(swarm.trace, service="web", until=END)
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
    assert x0 == pytest.approx(KILL_AT, abs=0.5)
    worker2 = ax.get_yticks()[2]
    assert abs((y0 + y1) / 2 - worker2) < 2
    # slot labels in the bars that are long enough
    texts = {t.get_text() for t in ax.texts}
    assert {"web.1", "web.2", "web.3"} <= texts


def test_gantt_marks_node_down_up_and_drained_spans(scenario: Scenario) -> None:
    ax = plot_tasks(scenario.swarm)
    down = _down_time(scenario.swarm)
    assert _markers(ax, "marker:down") == [down]
    (back,) = _markers(ax, "marker:up")
    assert back >= RECOVER_AT
    (drained,) = _collection(ax, "node:drained").get_paths()
    x0, x1, y0, y1 = _span(drained)
    assert (x0, x1) == (DRAIN_AT, END)
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
    ax = task_gantt(scenario.swarm.trace, until=DRAIN_AT + 5)
    assert ax.get_xlim()[1] < DRAIN_AT + 6
    assert _markers(ax, "marker:down") == []
    assert len(_collection(ax, "state:failed").get_paths()) == 1
    # node ids fall back to the hostnames of the node records; a mapping overrides them
    assert [t.get_text() for t in ax.get_yticklabels()] == ["manager1", "worker1", "worker2"]
    node_id = scenario.swarm.node("worker1").id
    ax = task_gantt(scenario.swarm.trace, node_names={node_id: "w1"})
    assert [t.get_text() for t in ax.get_yticklabels()][1] == "w1"


# --------------------------------------------------------------- replicas


def test_replicas_plot_lines_match_the_series(scenario: Scenario) -> None:
    ax = plot_replicas(scenario.swarm, "web")
    down = _down_time(scenario.swarm)
    line = _line(ax, "running")
    assert _step_value(line, DRAIN_AT - 0.1) == 3
    assert _step_value(line, down) == 2
    assert _step_value(line, down + 10) == 3
    assert _step_value(_line(ax, "replicas (spec)"), END) == 3
    assert _line(ax, "desired running").get_drawstyle() == "steps-post"
    assert not [c for c in ax.collections if str(c.get_gid()).startswith("version:")]


def test_rolling_update_shows_versions_and_the_update_band() -> None:
    swarm = Swarm(seed=4, managers=1, workers=2)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    swarm.images.set("app:2", pull=1.0, create=0.0, start=0.5, stop=0.2)
    service = create(swarm, spec(image="app:1", replicas=3))
    swarm.advance(10)
    task = replace(service.spec.task, container=replace(service.spec.task.container, image="app:2"))
    update(swarm, service, task=task)
    swarm.advance(30)
    series = replica_series(swarm.trace, "web")
    old, new = series.by_version[0], series.by_version[1]
    assert old.at(9.9) == 3 and old.at(40) == 0
    assert new.at(9.9) == 0 and new.at(40) == 3
    assert old.values == [3, 2, 1, 0]  # one task at a time
    assert new.values == [1, 2, 3]
    for t in series.running.times:
        assert old.at(t) + new.at(t) == series.running.at(t)
    (band,) = series.updates
    assert band.state == "updating" and band.start == 10.0
    completed = [r.time for r in swarm.trace if r.kind == "service" and r.state == "completed"]
    assert band.end == completed[0]

    ax = replicas_over_time(swarm.trace, "web")
    (patch,) = [p for p in ax.patches if p.get_gid() == "update:updating"]
    assert patch.get_facecolor()[:3] == to_rgba(UPDATE_COLORS["updating"][0])[:3]
    assert {c.get_gid() for c in ax.collections} >= {"version:0", "version:1"}
    legend = ax.get_legend()
    assert legend is not None
    names = [t.get_text() for t in legend.get_texts()]
    assert {"running v0", "running v1", "updating"} <= set(names)
    assert "updating" in {t.get_text().strip() for t in ax.texts}


def test_global_service_has_no_replica_target_line() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    create(swarm, spec(image="nginx:1", mode=ServiceMode.GLOBAL))
    swarm.advance(20)
    series = replica_series(swarm.trace, "web")
    assert series.global_mode and series.running.at(20) == 3
    ax = replicas_over_time(swarm.trace, "web")
    assert "replicas (spec)" not in [line.get_label() for line in ax.get_lines()]
    gantt = task_gantt(swarm.trace)
    assert {t.get_text() for t in gantt.texts} == {"web"}


def test_unknown_service_is_an_error(scenario: Scenario) -> None:
    with pytest.raises(ValueError, match="no record of service 'api'"):
        replicas_over_time(scenario.swarm.trace, "api")


def test_step_series_merges_instants_and_equal_values() -> None:
    steps = StepSeries()
    for time, value in [(0.0, 0), (1.0, 2), (1.0, 3), (2.0, 3), (3.0, 1), (3.0, 3)]:
        steps.set(time, value)
    assert (steps.times, steps.values) == ([0.0, 1.0], [0, 3])
    assert steps.at(-1) == 0 and steps.at(1.0) == 3 and steps.maximum() == 3


# ------------------------------------------------------------------ files


def test_same_trace_gives_byte_identical_files(scenario: Scenario, tmp_path: Path) -> None:
    for suffix in ("png", "svg"):
        first = save(plot_tasks(scenario.swarm), tmp_path / f"a.{suffix}")
        second = save(plot_tasks(scenario.swarm), tmp_path / f"b.{suffix}")
        assert first.is_file() and first.stat().st_size > 1000
        assert first.read_bytes() == second.read_bytes()
    assert (tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in (tmp_path / "a.png").read_bytes()
    svg = (tmp_path / "a.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    # a figure with both pictures, saved from the figure itself
    fig = Figure(figsize=(10, 7), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    plot_tasks(scenario.swarm, "web", ax=top)
    plot_replicas(scenario.swarm, "web", ax=bottom)
    assert top.get_xlabel() == "" and bottom.get_xlabel() == "virtual time (s)"
    one = save(fig, tmp_path / "both1.png").read_bytes()
    assert one == save(fig, tmp_path / "both2.png").read_bytes()
    other = save(task_gantt(scenario.swarm.trace, until=40), tmp_path / "c.png")
    assert other.read_bytes() != (tmp_path / "a.png").read_bytes()


def test_save_refuses_unknown_formats(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        save(plot_tasks(scenario.swarm), tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()
