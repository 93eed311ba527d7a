"""The HPA-like autoscaler: scales up on a spike, down only after its window."""

from __future__ import annotations

import pytest

from swarmsim.errors import InvalidArgument
from swarmsim.metrics import success_rate
from swarmsim.policies import autoscale
from swarmsim.swarm import Swarm


def replicas(swarm: Swarm) -> int:
    return swarm.ctx.store.service_by_name("web").spec.replicas


def spike(with_autoscaler: bool) -> tuple[Swarm, list[tuple[float, int]]]:
    swarm = Swarm(seed=2, managers=1, workers=3)
    swarm.images.set("nginx:1", requests_per_second=12)
    assert swarm.docker("docker service create -d --name web -p 8080:80 nginx:1").ok
    swarm.advance(20)
    if with_autoscaler:
        autoscale(swarm, "web", target=10, max_replicas=6, window=120)
    swarm.traffic(":8080", rate=10, name="base")
    swarm.advance(60)
    seen = [(swarm.now, replicas(swarm))]
    burst = swarm.traffic(":8080", rate=40, name="spike")
    for _ in range(4):
        swarm.advance(30)
        seen.append((swarm.now, replicas(swarm)))
    burst.stop()
    for _ in range(10):
        swarm.advance(30)
        seen.append((swarm.now, replicas(swarm)))
    return swarm, seen


def test_a_spike_scales_up_at_once_and_down_after_the_window() -> None:
    swarm, seen = spike(True)
    counts = [n for _, n in seen]
    assert counts[0] == 1  # 10 req/s on one task is on target: no change
    assert max(counts) == 5  # 50 req/s at 10 per task
    up = next(t for t, n in seen if n == 5)
    assert up - seen[0][0] <= 30  # within two periods of the spike
    stop = seen[4][0]
    down = next(t for t, n in seen if t > stop and n < 5)
    assert down - stop >= 120  # not before the stabilisation window
    assert counts[-1] == 1
    lines = [r.detail for r in swarm.trace if r.kind == "command"]
    assert lines[0] == "docker service scale --detach web=5"
    assert lines[-1] == "docker service scale --detach web=1"


def test_without_it_the_spike_overloads_the_one_task() -> None:
    with_it, _ = spike(True)
    without, seen = spike(False)
    assert {n for _, n in seen} == {1}
    assert success_rate(without) < 0.6 < success_rate(with_it)


def test_bad_settings_are_refused() -> None:
    swarm = Swarm(seed=0, workers=1)
    with pytest.raises(InvalidArgument, match="target must be a positive number"):
        autoscale(swarm, "web", target=0)
    with pytest.raises(InvalidArgument, match="min_replicas 3 is above max_replicas 2"):
        autoscale(swarm, "web", target=5, min_replicas=3, max_replicas=2)


def test_with_no_load_left_it_scales_down_to_the_minimum() -> None:
    swarm = Swarm(seed=2, managers=1, workers=2)
    assert swarm.docker("docker service create -d --name web -p 8080:80 nginx").ok
    swarm.advance(10)
    autoscale(swarm, "web", target=10, min_replicas=2, window=60)
    load = swarm.traffic(":8080", rate=50)
    swarm.advance(40)
    assert replicas(swarm) == 5
    load.stop()
    swarm.advance(50)
    assert replicas(swarm) == 5  # within the window
    swarm.advance(40)
    assert replicas(swarm) == 2
