"""Replicas over time: the plot draws the series of :func:`swarmsim.metrics.replica_timeline`.

Since the counting moved to :mod:`swarmsim.metrics`, "running" means *available*
(observed running on a node that is not down), as in the update reports.  The
picture used to count tasks observed running *and desired running*; the
assertions whose numbers changed with that say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from update_helpers import NEW, make_swarm, redis, set_image

from swarmsim.api import FailureAction, UpdateConfig
from swarmsim.metrics import replica_timeline, update_reports
from swarmsim.swarm import Swarm
from swarmsim.viz import UPDATE_COLORS, plot_replicas, replicas_over_time

if TYPE_CHECKING:
    from tests.viz.conftest import Scenario


def _line(ax: Axes, label: str) -> Line2D:
    (found,) = [line for line in ax.get_lines() if line.get_label() == label]
    return found


def _step_value(line: Line2D, time: float) -> float:
    xs, ys = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    value = 0.0
    for x, y in zip(xs, ys, strict=True):
        if x <= time:
            value = float(y)
    return value


def _bands(ax: Axes) -> list[str]:
    return [str(p.get_gid()) for p in ax.patches if str(p.get_gid()).startswith("update:")]


def test_running_series_matches_the_store_at_every_sample(scenario: Scenario) -> None:
    series = replica_timeline(scenario.swarm.trace, "web")
    # the samples count available tasks in the store (running, node not down); they
    # used to count tasks running and desired running
    for time, count in scenario.samples:
        assert series.running.at(time) == count, time
    down = scenario.down
    assert series.running.at(scenario.kill_at - 0.1) == 3
    assert series.running.at(scenario.kill_at + 0.5) == 2  # the replacement waits 5 s
    assert series.running.at(scenario.drain_at - 0.1) == 3  # before the drain
    # the drained task is asked to stop at the drain but serves until it has stopped:
    # still available (the old count dropped to 2 at once)
    assert series.running.at(scenario.drain_at) == 3
    assert series.desired_running.at(scenario.drain_at) == 2
    assert series.running.at(down - 1e-6) == 3  # stale, the crash is not yet detected
    assert series.running.at(down) == 2  # right after the crash is detected
    assert series.running.at(down + 10) == 3  # replaced on manager1
    # worker2's stale task, asked to stop while its node was down, runs on the returned
    # node until its shutdown is reported: briefly 4 available (the old count stayed 3)
    (back,) = [r.time for r in scenario.swarm.trace if r.kind == "node" and r.time > down]
    assert series.running.at(back) == 4
    assert series.running.at(scenario.end) == 3
    assert (series.replicas.times, series.replicas.values) == ([0.0], [3])
    assert series.desired_running.at(down) == 2  # the replacement waits for the restart delay
    assert series.desired_running.at(down + 10) == 3
    assert not series.updates and list(series.by_version) == [0]
    assert not series.global_mode


def test_replicas_plot_lines_match_the_series(scenario: Scenario) -> None:
    ax = plot_replicas(scenario.swarm, "web")
    down = scenario.down
    line = _line(ax, "running")
    assert _step_value(line, scenario.drain_at - 0.1) == 3
    assert _step_value(line, down) == 2
    assert _step_value(line, down + 10) == 3
    assert _step_value(_line(ax, "replicas (spec)"), scenario.end) == 3
    assert _line(ax, "desired running").get_drawstyle() == "steps-post"
    assert not [c for c in ax.collections if str(c.get_gid()).startswith("version:")]
    # every line is a metrics series, drawn to the end of the picture
    series = replica_timeline(scenario.swarm.trace, "web", until=scenario.end)
    for label, steps in (
        ("running", series.running),
        ("desired running", series.desired_running),
        ("replicas (spec)", series.replicas),
    ):
        drawn = _line(ax, label)
        assert drawn.get_drawstyle() == "steps-post"
        assert list(drawn.get_xdata()) == [*steps.times, scenario.end]
        assert list(drawn.get_ydata()) == [*steps.values, steps.values[-1]]


def test_rolling_update_shows_versions_and_the_update_band(rolling_update: Swarm) -> None:
    swarm = rolling_update
    series = replica_timeline(swarm.trace, "web")
    old, new = series.by_version[0], series.by_version[1]
    assert old.at(9.9) == 3 and old.at(40) == 0
    assert new.at(9.9) == 0 and new.at(40) == 3
    assert old.values == [3, 2, 1, 0]  # one task at a time
    assert new.values == [1, 2, 3]
    # stop-first: an old task counts until it has stopped, after the update began at 10
    # (it used to leave the count at 10.0, when it was asked to stop)
    assert 10.0 < old.times[1] < new.times[0]
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


def test_a_rollback_gets_its_own_band_and_the_reports_minimum_shows() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    service = redis(swarm, update_config=UpdateConfig(failure_action=FailureAction.ROLLBACK))
    set_image(swarm, service, NEW)
    swarm.advance(60)
    series = replica_timeline(swarm.trace, "redis")
    assert [span.state for span in series.updates] == ["updating", "rollback_started"]
    assert all(span.state in UPDATE_COLORS for span in series.updates)
    ax = replicas_over_time(swarm.trace, "redis")
    assert _bands(ax) == ["update:updating", "update:rollback_started"]
    legend = ax.get_legend()
    assert legend is not None
    assert "rolling back" in [t.get_text() for t in legend.get_texts()]
    # the plot's lowest point during the update is the report's min_running
    (report,) = update_reports(swarm.trace)
    assert report.ended_at is not None
    line = _line(ax, "running")
    during = [
        y
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
        if report.started_at <= x <= report.ended_at
    ]
    before = _step_value(line, report.started_at)
    assert min([before, *during]) == report.min_running


def test_global_service_has_no_replica_target_line(global_swarm: Swarm) -> None:
    series = replica_timeline(global_swarm.trace, "web")
    assert series.global_mode and series.running.at(20) == 3
    ax = replicas_over_time(global_swarm.trace, "web")
    assert "replicas (spec)" not in [line.get_label() for line in ax.get_lines()]


def test_unknown_service_is_an_error(scenario: Scenario) -> None:
    with pytest.raises(ValueError, match="no record of service 'api'"):
        replicas_over_time(scenario.swarm.trace, "api")
