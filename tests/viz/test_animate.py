"""The animation: frame times, snapshots of the cluster, a frame's content, the GIF."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure
from PIL import Image

from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm
from swarmsim.viz.animate import MAX_CHIPS, MAX_FRAMES, draw_frame, frame_times, save_animation
from swarmsim.viz.commands import command_marks
from swarmsim.viz.snapshots import snapshots
from swarmsim.viz.versions import version_palette


def test_frames_include_every_command_and_are_capped(drain_run: Swarm) -> None:
    records = list(drain_run.trace)
    times = frame_times(records, drain_run.now)
    assert len(times) <= MAX_FRAMES
    assert times[0] == 0.0 and times[-1] == drain_run.now
    assert {m.time for m in command_marks(records)} <= set(times)
    assert len(frame_times(records, drain_run.now, max_frames=10)) <= 10


def test_a_snapshot_shows_the_drained_node_empty(drain_run: Swarm) -> None:
    drained = next(r.time for r in drain_run.trace if r.kind == "node" and r.desired == "drain")
    (before, after) = snapshots(drain_run.trace, [drained - 1.0, drained + 5.0])
    hosts = {m.hostname: m for m in after.machines}
    assert [m.role for m in after.machines] == ["manager", "worker", "worker"]
    assert hosts["worker1"].availability == "drain"
    assert hosts["worker1"].chips == []
    assert len({m.hostname: m for m in before.machines}["worker1"].chips) == 1
    assert sum(len(m.chips) for m in after.machines) == 3
    assert after.command is not None
    assert after.command.line == "docker node update --availability drain worker1"


def test_a_frame_draws_boxes_chips_and_the_caption(loss_run: Swarm) -> None:
    down = next(r.time for r in loss_run.trace if r.kind == "node" and r.state == "down")
    (snap,) = snapshots(loss_run.trace, [down + 1.0])
    fig = Figure(figsize=(9.6, 5.4))
    draw_frame(fig, snap, version_palette(loss_run.trace), lang="es")
    (ax,) = fig.axes
    gids = {str(c.get_gid()): c for c in ax.collections}
    assert len(gids["machines"].get_paths()) == 3
    # worker2 is down: its two tasks are stale, the others run
    assert len(gids["chips:nginx:1.25"].get_paths()) == 4
    assert len(gids["stale:nginx:1.25"].get_paths()) == 2
    hosts = [t.get_text() for t in ax.texts if str(t.get_gid()).startswith("host:")]
    assert hosts == ["manager1", "worker1", "worker2"]
    assert "caído" in [t.get_text() for t in ax.texts]
    (caption,) = [t for t in fig.texts if t.get_gid() == "caption"]
    assert caption.get_text().startswith(f"t = {down + 1.0:.1f} s")
    assert caption.get_text().endswith("[fallo] fail worker2")


def test_the_gif_has_one_frame_per_time_and_is_byte_identical(
    drain_run: Swarm, tmp_path: Path
) -> None:
    save_animation(drain_run.trace, tmp_path / "a.gif", max_frames=12)
    save_animation(drain_run.trace, tmp_path / "b.gif", max_frames=12)
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
    with Image.open(tmp_path / "a.gif") as gif:
        expected = len(frame_times(list(drain_run.trace), drain_run.now, max_frames=12))
        assert gif.n_frames == expected
        assert gif.size == (960, 540)
    with pytest.raises(InvalidArgument, match=r"\.gif"):
        save_animation(drain_run.trace, tmp_path / "a.png")


def test_a_paused_update_is_named_in_the_frame(paused_run: Swarm) -> None:
    paused = next(r.time for r in paused_run.trace if r.state == "paused")
    (before, during, after) = snapshots(paused_run.trace, [10.0, paused + 1.0, paused_run.now])
    assert (before.updates, during.updates, after.updates) == ({}, {"redis": "paused"}, {})
    fig = Figure(figsize=(9.6, 5.4))
    draw_frame(fig, during, version_palette(paused_run.trace))
    (label,) = [t for t in fig.texts if t.get_gid() == "update:redis"]
    assert label.get_text() == "redis: update paused"
    # three machines: big labelled chips, the new version's task still on its way
    chips = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("redis.")]
    assert sorted(chips) == ["redis.1", "redis.2", "redis.3"]


def test_boxes_too_narrow_for_a_name_are_drawn_without_text() -> None:
    """On 400 machines a box is narrower than a hostname: boxes, hatching and
    chips are drawn, no hostname, status or ``+N`` (they would spill over the
    neighbours); down and drained boxes share one hatched collection each."""
    swarm = Swarm(seed=5, managers=1, workers=399)
    swarm.docker("docker service create -d --name web --replicas 5000 app:1", check=True)
    swarm.advance(30)
    swarm.docker("docker node update --availability drain worker7", check=True)
    swarm.crash_node("worker8")
    swarm.crash_node("worker9")
    swarm.advance(30)
    (snap,) = snapshots(swarm.trace, [swarm.now])
    assert max(len(m.chips) for m in snap.machines) > MAX_CHIPS
    fig = Figure(figsize=(9.6, 5.4))
    draw_frame(fig, snap, version_palette(swarm.trace))
    (ax,) = fig.axes
    gids = {str(c.get_gid()): c for c in ax.collections}
    assert len(gids["machines"].get_paths()) == 400
    assert len(gids["hatched:xx"].get_paths()) == 2
    assert len(gids["hatched:\\\\"].get_paths()) == 1
    chips = sum(len(c.get_paths()) for g, c in gids.items() if g.startswith("chips:"))
    assert chips == sum(min(len(m.chips), MAX_CHIPS) for m in snap.machines if not m.down)
    assert [t.get_text() for t in ax.texts] == ["managers", "workers"]
