"""The task controller's state machine and health-check timing."""

from __future__ import annotations

import math

import pytest
from engine_helpers import create, spec, tasks

from swarmsim.agent.executor import exit_error, health_times, unhealthy_at
from swarmsim.api import ContainerSpec, HealthConfig, TaskState
from swarmsim.swarm import Swarm


def test_health_times_first_probe_after_interval() -> None:
    health = HealthConfig(("CMD", "true"), interval=5.0)
    assert health_times(health, 0.0, False) == (5.0, None)
    assert health_times(health, 5.0, False) == (5.0, None)
    assert health_times(health, 5.5, False) == (10.0, None)


def test_unhealthy_counts_only_after_start_period() -> None:
    health = HealthConfig(("CMD", "true"), interval=2.0, retries=3, start_period=5.0)
    # within the start period probes follow the 5 s start interval (moby 28): the probe at 5
    # is no longer within it and counts, then 7 and 9
    assert unhealthy_at(health, 0.0) == 9.0
    assert health_times(health, 0.0, True) == (None, 9.0)
    quick = HealthConfig(
        ("CMD", "true"), interval=2.0, retries=3, start_period=5.0, start_interval=1.0
    )
    # probes at 1, 2, 3, 4 fall inside the start period; 5, 7, 9 count
    assert unhealthy_at(quick, 0.0) == 9.0
    assert health_times(quick, 2.5, False) == (3.0, None)


def test_start_interval_applies_only_while_starting_within_the_start_period() -> None:
    health = HealthConfig(("CMD", "true"), interval=10.0, start_period=30.0, start_interval=2.0)
    # healthy during the start period: the first probe after the app is up, on the 2 s grid
    assert health_times(health, 7.0, False) == (8.0, None)
    # once healthy, probes follow the interval: 18, 28, 38 fail from 15 on
    assert unhealthy_at(health, 15.0, healthy_at=8.0) == 38.0
    # healthy after the start period: the probe grid moved to the interval at 30
    assert health_times(health, 31.0, False) == (40.0, None)


def test_exit_error_text() -> None:
    assert exit_error(1) == "task: non-zero exit (1)"


def _only(swarm: Swarm, name: str = "web") -> list[object]:
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    return list(tasks(swarm, service))


def test_task_walks_the_states_with_image_timings() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=3.0, create=0.5, start=1.0)
    service = create(swarm, spec(image="app:1", replicas=1))
    seen: list[tuple[float, str]] = []
    swarm.trace.subscribe(
        lambda r: seen.append((round(r.time, 3), r.state)) if r.kind == "task" else None
    )
    swarm.advance(10)
    (task,) = tasks(swarm, service)
    assert task.state == TaskState.RUNNING
    # scheduled after the 50 ms debounce, delivered after 1 ms, started after
    # pull + create + start = 4.5 s; the agent's timestamp is kept
    assert task.status.timestamp == pytest.approx(0.05 + 0.001 + 4.5)
    states = [state for _, state in seen]
    assert states[:3] == ["new", "pending", "assigned"]
    assert states[-1] == "running"
    assert "preparing" in states and "starting" in states


def test_cached_image_skips_the_pull() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=3.0, create=0.5, start=1.0)
    create(swarm, spec(image="app:1", replicas=1))
    swarm.advance(10)
    create(swarm, spec(name="other", image="app:1", replicas=1))
    start = swarm.now
    swarm.advance(10)
    other = swarm.ctx.store.service_by_name("other")
    assert other is not None
    (task,) = tasks(swarm, other)
    assert task.status.timestamp - start == pytest.approx(0.05 + 0.001 + 1.5)


def test_pull_error_rejects_the_task() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("ghost:1", pull_error=True)
    service = create(swarm, spec(image="ghost:1", replicas=1))
    swarm.advance(1)
    task, replacement = tasks(swarm, service)
    assert task.state == TaskState.REJECTED
    assert task.status.err == "No such image: ghost:1"
    # the restart supervisor already prepared a replacement, waiting for its delay
    assert replacement.desired_state == TaskState.READY


def test_health_check_keeps_the_task_starting_until_healthy() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=0.0, create=0.0, start=0.0, healthy_after=12.0)
    base = spec(image="app:1", replicas=1)
    health = HealthConfig(("CMD", "check"), interval=5.0)
    task_spec = base.task
    from dataclasses import replace

    container: ContainerSpec = replace(task_spec.container, healthcheck=health)
    service = create(swarm, replace(base, task=replace(task_spec, container=container)))
    swarm.advance(10)
    (task,) = tasks(swarm, service)
    assert task.state == TaskState.STARTING
    swarm.advance(10)
    assert task.state == TaskState.RUNNING
    # healthy at the third probe (15 s after start)
    assert task.status.timestamp == pytest.approx(0.051 + 15.0)


def test_never_healthy_fails_with_unhealthy_container() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=0.0, create=0.0, start=0.0, never_healthy=True)
    base = spec(image="app:1", replicas=1)
    from dataclasses import replace

    health = HealthConfig(("CMD", "check"), interval=1.0, retries=3)
    container = replace(base.task.container, healthcheck=health)
    service = create(swarm, replace(base, task=replace(base.task, container=container)))
    swarm.advance(3.5)
    first = tasks(swarm, service)[0]
    assert first.state == TaskState.FAILED
    assert first.status.err == "unhealthy container"


def test_image_profiles_refuse_negative_times_and_unknown_fields() -> None:
    from swarmsim.agent.images import ImageModel
    from swarmsim.errors import InvalidArgument

    model = ImageModel()
    with pytest.raises(InvalidArgument, match="pull cannot be negative"):
        model.set("x:1", pull=-1.0)
    with pytest.raises(InvalidArgument, match="unknown image profile field"):
        model.set("x:1", colour="red")
    assert model.profile("x:1") == model.default


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": "x"}, 'start: time: invalid duration "x"'),
        ({"start": [1]}, "start must be a number of seconds"),
        ({"start": "gamma(1s)"}, "unknown distribution 'gamma'"),
        ({"fail_at_start": 1.5}, "fail_at_start must be from 0 to 1"),
        ({"crash_rate": -1.0}, "crash_rate must be a rate"),
        ({"stop": math.inf}, "stop cannot be negative or infinite"),
        ({"exits_after": math.nan}, "exits_after cannot be negative or infinite"),
        ({"exit_code": "a"}, "exit code 'a' is not an integer"),
        ({"exit_code": "choice(1,300)"}, "exit code '300' is not an integer"),
        ({"exit_code": 1.5}, "exit_code must be an integer"),
        ({"pull_error": "yes"}, "pull_error must be True or False"),
        ({"healthy_after": None}, "healthy_after must be a number of seconds"),
    ],
)
def test_image_profiles_refuse_values_of_the_wrong_type(
    changes: dict[str, object], message: str
) -> None:
    from swarmsim.agent.images import ImageModel
    from swarmsim.errors import InvalidArgument

    model = ImageModel()
    with pytest.raises(InvalidArgument, match=message):
        model.set("x:1", **changes)
    assert model.profile("x:1") == model.default
    model.set("x:1", exits_after=None, exit_code=3, pull_error=True)
    assert model.profile("x:1").exit_code == 3
