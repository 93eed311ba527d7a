"""The success-rate panel, alone and in the lesson figure."""

from __future__ import annotations

import pytest

from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm
from swarmsim.viz import lesson_figure, success_rate_over_time


def updated(traffic: bool) -> Swarm:
    swarm = Swarm(seed=4, workers=1)
    assert swarm.docker("docker service create -d --name web -p 8080:80 nginx:1").ok
    swarm.advance(10)
    if traffic:
        swarm.traffic(":8080", rate=20, name="site")
    assert swarm.docker("docker service update -d --image nginx:2 web").ok
    swarm.advance(20)
    return swarm


def test_the_panel_dips_during_a_stop_first_update() -> None:
    ax = success_rate_over_time(updated(True).trace)
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "load:site"]
    rates = list(line.get_ydata())
    assert min(rates) == 0.0 and rates[-1] == 100.0
    assert len(ax.get_lines()) == 2  # the line and the crosses of failing windows


def test_the_lesson_figure_gains_the_panel_only_with_traffic() -> None:
    with_traffic = [ax.get_gid() for ax in lesson_figure(updated(True).trace).axes]
    without = [ax.get_gid() for ax in lesson_figure(updated(False).trace).axes]
    assert "requests" in with_traffic and "requests" not in without
    assert with_traffic.index("requests") == with_traffic.index("replicas:web") + 1
    with pytest.raises(InvalidArgument, match="no requests"):
        success_rate_over_time(updated(False).trace)
