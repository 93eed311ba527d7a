"""The traffic and autoscale shell words."""

from __future__ import annotations

from swarmsim.metrics import requests_frame
from swarmsim.shell.transcript import run_script
from swarmsim.swarm import Swarm


def test_a_lesson_starts_and_stops_a_load_and_the_autoscaler() -> None:
    swarm = Swarm(seed=0)
    result = run_script(
        swarm,
        "image nginx:1 requests_per_second=5\n"
        "docker service create -d --name web -p 8080:80 nginx:1\n"
        "sleep 10s\n"
        "traffic start web :8080 rate=20 from=worker1\n"
        "autoscale web target=5 max=4\n"
        "traffic\n"
        "sleep 1m\n"
        "traffic stop web\n"
        "autoscale off web\n",
    )
    assert result.exit_code == 0
    assert "<Load web: 20/s to :8080 (running)>" in result.transcript
    frame = requests_frame(swarm)
    assert set(frame["load"]) == {"web"} and frame["sent"].sum() == 20 * 60
    assert frame.iloc[0]["reason"] == "overloaded" and frame.iloc[-1]["failed"] == 0
    assert swarm.ctx.store.service_by_name("web").spec.replicas == 4
    lines = [r.detail for r in swarm.trace if r.kind == "command"]
    assert "docker service scale --detach web=4" in lines


def test_bad_traffic_lines_say_why() -> None:
    swarm = Swarm(seed=0, workers=1)
    result = run_script(
        swarm,
        "traffic start a web rate=1\n"
        "traffic start a :80\n"
        "traffic start a :80 rate=x\n"
        "traffic stop nothing\n"
        "traffic go\n"
        "autoscale web\n"
        "autoscale off web\n",
    )
    errors = result.transcript
    for text in (
        "traffic: a target is :PORT or SERVICE:PORT, not 'web'",
        "traffic: traffic start needs rate=N",
        "traffic: rate: invalid number 'x'",
        "traffic: no load named nothing is running",
        "traffic: usage: traffic start NAME",
        "autoscale: usage: autoscale SERVICE target=N",
        "autoscale: web is not autoscaled",
    ):
        assert text in errors
