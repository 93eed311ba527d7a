"""The lesson picture: bars, version colours, command markers, languages, 100 nodes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from viz.lessons import NODE_LOSS, play

from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm
from swarmsim.trace import Trace, load
from swarmsim.viz import task_bars
from swarmsim.viz.commands import command_marks
from swarmsim.viz.lesson import lesson_figure, save_lesson_plot
from swarmsim.viz.versions import VERSION_COLORS


def _axes(fig: Figure, gid: str) -> Axes:
    (found,) = [ax for ax in fig.axes if ax.get_gid() == gid]
    return found


def _collection(ax: Axes, gid: str) -> Collection:
    (found,) = [c for c in ax.collections if c.get_gid() == gid]
    return found


def _xs(ax: Axes, prefix: str) -> list[float]:
    """x of the vertical lines whose gid starts with ``prefix``, in drawing order."""
    return [
        float(np.asarray(line.get_xdata())[0])
        for line in ax.get_lines()
        if str(line.get_gid()).startswith(prefix)
    ]


def test_drain_picture_has_a_bar_per_task_and_markers_at_the_commands(drain_run: Swarm) -> None:
    fig = lesson_figure(drain_run.trace)
    assert [ax.get_gid() for ax in fig.axes] == ["timeline", "replicas:redis", "commands"]
    timeline = _axes(fig, "timeline")
    assert [t.get_text() for t in timeline.get_yticklabels()] == ["manager1", "worker1", "worker2"]
    bars = task_bars(drain_run.trace, until=drain_run.now)
    assert len(_collection(timeline, "tasks").get_paths()) == len(bars) == 4
    running = sum(s.state == "running" for b in bars for s in b.segments)
    assert (
        len(_collection(timeline, "version:redis:3.0.6").get_paths()) == running == 5
    )  # one split where drain asks to stop
    # the time axis reaches the end of the run (the last sleep), not the last change
    assert timeline.get_xlim()[1] >= drain_run.now
    marks = command_marks(drain_run.trace)
    assert [m.line.split()[1:4] for m in marks] == [
        ["service", "create", "--replicas"],
        ["node", "update", "--availability"],
        ["node", "update", "--availability"],
    ]  # the read-only 'docker service ps' is not marked
    times = [m.time for m in marks]
    for gid in ("timeline", "replicas:redis"):
        assert _xs(_axes(fig, gid), "command:") == times
    drained = next(r.time for r in drain_run.trace if r.kind == "node" and r.desired == "drain")
    assert times[1] == drained
    key = next(t for t in _axes(fig, "commands").texts if t.get_gid() == "command-key")
    assert "docker node update --availability drain worker1" in key.get_text()


def test_versions_are_coloured_by_image_and_a_rollback_returns_to_the_old_colour(
    paused_run: Swarm,
) -> None:
    fig = lesson_figure(paused_run.trace)
    timeline = _axes(fig, "timeline")
    old = _collection(timeline, "version:redis:3.0.6")
    new = _collection(timeline, "version:redis:3.0.7")
    assert to_hex(old.get_facecolor()[0]) == VERSION_COLORS[0].lower()
    assert to_hex(new.get_facecolor()[0]) == VERSION_COLORS[1].lower()
    # the tasks of every spec version holding redis:3.0.6 (the first one and the one the
    # rollback restores) share one colour
    images = {r.spec_version: r.desired for r in paused_run.trace if r.kind == "service"}
    bars = task_bars(paused_run.trace)
    old_bars = [b for b in bars if images[b.spec_version] == "redis:3.0.6"]
    old_running = sum(s.state == "running" for b in old_bars for s in b.segments)
    assert len(old.get_paths()) == old_running
    # the rollback's replacement of slot 2 runs redis:3.0.6 again, after the update began
    update = next(r.time for r in paused_run.trace if r.state == "updating")
    assert any(b.slot == 2 and b.created > update for b in old_bars)
    assert len(_collection(timeline, "state:failed").get_paths()) >= 3
    # the replica panel stacks the same two images in the same colours
    panel = _axes(fig, "replicas:redis")
    areas = {str(c.get_gid()): to_hex(c.get_facecolor()[0]) for c in panel.collections}
    assert areas["image:redis:3.0.6"] == VERSION_COLORS[0].lower()
    assert areas["image:redis:3.0.7"] == VERSION_COLORS[1].lower()
    labels = [t.get_text() for t in panel.get_legend().get_texts()]
    assert {"running redis:3.0.6", "running redis:3.0.7", "update paused"} <= set(labels)


def test_spanish_labels(paused_run: Swarm) -> None:
    fig = lesson_figure(paused_run.trace, lang="es")
    timeline = _axes(fig, "timeline")
    assert timeline.get_title() == "Tareas por nodo"
    legend = [t.get_text() for t in timeline.get_legend().get_texts()]
    assert "fallida" in legend
    panel = _axes(fig, "replicas:redis")
    assert panel.get_title() == "Tareas en ejecución de redis"
    assert panel.get_xlabel() == "tiempo virtual (s)"
    assert "en ejecución" in [t.get_text() for t in panel.get_legend().get_texts()]
    with pytest.raises(InvalidArgument, match="unknown language 'fr'"):
        lesson_figure(paused_run.trace, lang="fr")


def test_a_figure_displays_inline_and_saves_byte_identical(loss_run: Swarm, tmp_path: Path) -> None:
    fig = lesson_figure(loss_run.trace)
    png = fig._repr_png_()  # type: ignore[attr-defined]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    save_lesson_plot(loss_run.trace, tmp_path / "a.png")
    again = play(Swarm(seed=1, managers=1, workers=2), NODE_LOSS)
    save_lesson_plot(again.trace, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    # a saved and loaded trace draws the same picture
    loss_run.trace.save(tmp_path / "run.jsonl")
    save_lesson_plot(load(tmp_path / "run.jsonl"), tmp_path / "c.png")
    assert (tmp_path / "c.png").read_bytes() == (tmp_path / "a.png").read_bytes()


def test_fault_markers_and_node_loss(loss_run: Swarm) -> None:
    fig = lesson_figure(loss_run.trace)
    timeline = _axes(fig, "timeline")
    faults = [m for m in command_marks(loss_run.trace) if m.event == "fault"]
    assert [m.line for m in faults] == ["fail worker2", "recover worker2"]
    assert set(_xs(timeline, "command:")) >= {m.time for m in faults}
    labels = {t.get_text() for t in timeline.texts}
    assert {"1", "2", "3"} <= {str(a.get_text()) for a in timeline.texts} | labels
    assert len(_collection(timeline, "node:down").get_paths()) == 1


def test_a_hundred_nodes_are_drawn_as_lanes_of_node_groups(tmp_path: Path) -> None:
    swarm = Swarm(seed=3, managers=3, workers=97)
    play(swarm, "docker service create -d --replicas 150 --name web nginx:1\nsleep 20s\n")
    play(swarm, "fail worker5\nsleep 30s\n")
    fig = lesson_figure(swarm.trace)
    save_lesson_plot(swarm.trace, tmp_path / "big.png")
    lanes = _axes(fig, "lanes")
    ticks = [t.get_text() for t in lanes.get_yticklabels()]
    assert len(ticks) <= 16
    assert ticks[0] == "manager1 … manager3 (3)"
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in ticks) == 100
    gids = {str(c.get_gid()) for c in lanes.collections}
    assert "lane:manager1 … manager3:web:nginx:1" in gids
    (down,) = [g for g in gids if g.endswith(":down")]
    assert down.startswith("lane:worker1 … ")
    # no per-task labels at this size: only the numbers of the command markers
    assert [t.get_text() for t in lanes.texts] == ["1", "2"]


def test_an_empty_trace_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="empty"):
        lesson_figure(Trace())


def test_a_trace_and_its_records_draw_the_same_replica_panels() -> None:
    """From a Trace, each replica panel reads its service's records only
    (Trace.of_service); from a list of the same records, every record: the
    panels' lines are the same."""
    swarm = Swarm(seed=6, managers=1, workers=3)
    for name, replicas in (("web", 4), ("api", 3), ("db", 1)):
        swarm.docker(f"docker service create -d --name {name} --replicas {replicas} app:1")
    swarm.advance(10)
    swarm.docker("docker service update -d --update-delay 3s --image app:2 web")
    swarm.advance(4)
    swarm.crash_node("worker2")
    swarm.advance(20)
    swarm.docker("docker service scale -d api=6")
    swarm.advance(15)
    panels = []
    for source in (swarm.trace, list(swarm.trace)):
        fig = lesson_figure(source, until=swarm.now)
        panels.append(
            {
                name: [(line.get_label(), line.get_xydata().tolist()) for line in ax.lines]
                for name in ("web", "api", "db")
                for ax in [_axes(fig, f"replicas:{name}")]
            }
        )
    assert panels[0] == panels[1]
    assert all(len(lines) >= 2 for lines in panels[0].values())
