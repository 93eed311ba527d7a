"""Convergence progress of create/update/scale/rollback in virtual time.

Behaviour: docs/behaviour.md#convergence-progress.
"""

from __future__ import annotations

import pytest

from swarmsim.api import ContainerSpec, TaskSpec, TaskState, TaskStatus
from swarmsim.api.objects import Task
from swarmsim.cli.docker.progress import PROGRESS_TIMEOUT, Screen, _Replicated
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm

FULL = "[" + "=" * 50 + ">] "
DONE = f"running   {FULL}"


def test_screen_lines_are_rewritten_in_place_and_end_with_a_space() -> None:
    screen = Screen()
    screen.action("overall progress", "0 out of 2 tasks")
    screen.action("1/2", " ")
    screen.action("2/2", " ")
    screen.bar("1/2", TaskState.PREPARING)
    screen.bar("2/2", TaskState.NEW)
    screen.action("overall progress", "1 out of 2 tasks")
    assert screen.render() == (
        "overall progress: 1 out of 2 tasks \n"
        "1/2: preparing [" + "=" * 33 + ">" + " " * 17 + "] \n"
        "2/2: new       [=====>" + " " * 45 + "] \n"
    )
    screen.message("rollback", "rollback completed")
    screen.action("1/2", "again")
    assert screen.render().splitlines()[3:] == ["rollback: rollback completed", "1/2: again "]


@pytest.mark.parametrize(
    ("state", "filled"),
    [
        (TaskState.NEW, 5),
        (TaskState.PENDING, 16),
        (TaskState.ASSIGNED, 22),
        (TaskState.ACCEPTED, 27),
        (TaskState.READY, 38),
        (TaskState.STARTING, 44),
        (TaskState.RUNNING, 50),
    ],
)
def test_bar_lengths(state: TaskState, filled: int) -> None:
    screen = Screen()
    screen.bar("1/1", state)
    line = screen.render().rstrip("\n")
    assert line.endswith("[" + "=" * filled + ">" + " " * (50 - filled) + "] ")
    assert line.startswith(f"1/1: {state.api_name:<9} [")


def _task(slot: int, state: TaskState, desired: TaskState = TaskState.RUNNING, **kw: str) -> Task:
    return Task(
        id=f"t{slot}{state.value}",
        service_id="s",
        service_name="web",
        slot=slot,
        spec=TaskSpec(ContainerSpec("nginx")),
        spec_version=0,
        desired_state=desired,
        node_id=kw.get("node", "n1"),
        status=TaskStatus(state, 0.0, err=kw.get("err", "")),
    )


def test_replicated_updater_renumbers_slots_and_keeps_lines_once_done() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.docker("docker service create -d --replicas 3 --name web nginx")
    service = get_service(swarm.ctx, "web")
    screen = Screen()
    updater = _Replicated(screen)
    tasks = [
        _task(7, TaskState.RUNNING),
        _task(5, TaskState.PREPARING),
        _task(5, TaskState.FAILED, TaskState.SHUTDOWN),  # loses to the lower desired state
        _task(9, TaskState.RUNNING, node="gone"),  # on a node that is down
    ]
    assert not updater.update(service, tasks, {"n1"}, rollback=False)
    assert screen.render() == (
        "overall progress: 1 out of 3 tasks \n"
        "1/3: preparing [" + "=" * 33 + ">" + " " * 17 + "] \n"
        f"2/3: {DONE}\n"
        "3/3:   \n"
    )
    error = "no suitable node (" + "x" * 80 + ")"
    tasks = [
        _task(5, TaskState.RUNNING),
        _task(7, TaskState.RUNNING),
        _task(9, TaskState.PENDING, err=error),
    ]
    assert not updater.update(service, tasks, {"n1"}, rollback=True)
    assert (
        screen.render().splitlines()[0]
        == "overall progress: rolling back update: 2 out of 3 tasks "
    )
    assert screen.render().splitlines()[3] == f"3/3: {error[:74]}… "
    tasks[2] = _task(9, TaskState.RUNNING)
    assert updater.update(service, tasks, {"n1"}, rollback=False)
    converged = screen.render()
    assert converged == (
        "overall progress: 3 out of 3 tasks \n" + "".join(f"{i}/3: {DONE}\n" for i in (1, 2, 3))
    )
    tasks[0] = _task(5, TaskState.STARTING)
    assert not updater.update(service, tasks, {"n1"}, rollback=False)
    assert screen.render() != converged  # a task fell out of convergence: lines update again


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_create_follows_until_verified() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    out, err, code = run(
        swarm, "docker service create --replicas 3 --name redis --update-delay 10s redis:3.0.6"
    )
    service = get_service(swarm.ctx, "redis")
    assert (out, err, code) == (
        f"{service.id}\n"
        "overall progress: 3 out of 3 tasks \n"
        f"1/3: {DONE}\n"
        f"2/3: {DONE}\n"
        f"3/3: {DONE}\n"
        f"verify: Service {service.id} converged \n",
        "",
        0,
    )
    started = max(t.status.timestamp for t in swarm.ctx.store.tasks_of_service(service.id))
    # the first poll that sees 3 running tasks, plus the 5 s monitor period
    assert started + 5.0 <= swarm.now <= started + 5.0 + 0.2 + 1e-9


def test_detach_and_quiet() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    out, _, code = run(swarm, "docker service create -d --name web nginx")
    assert (out.count("\n"), code, swarm.now) == (1, 0, 0.0)
    out, _, code = run(swarm, "docker service create -q --name api nginx")
    assert (out, code) == (get_service(swarm.ctx, "api").id + "\n", 0)
    assert swarm.now > 5.0  # quiet still waits for convergence


def test_update_monitor_sets_the_verification_wait() -> None:
    times = []
    for monitor in ("", "--update-monitor 2s"):
        swarm = Swarm(seed=4, managers=1, workers=2)
        run(swarm, f"docker service create {monitor} --name web nginx")
        times.append(swarm.now)
    assert times[0] - times[1] == pytest.approx(3.0)


def test_paused_update_prints_the_screen_and_fails() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    swarm.images.set("redis:3.0.7", exits_after=3.0, exit_code=1)
    run(swarm, "docker service create -d --replicas 3 --name redis redis:3.0.6")
    swarm.advance(30)
    out, err, code = run(swarm, "docker service update --image redis:3.0.7 redis")
    status = get_service(swarm.ctx, "redis").update_status
    assert status is not None
    assert code == 1
    assert err == f"service update paused: {status.message}\n"
    assert status.message.startswith("update paused due to failure or early termination of task ")
    lines = out.splitlines()
    assert lines[0] == "redis"
    assert lines[1].startswith("overall progress: ")
    assert [line[:4] for line in lines[2:]] == ["1/3:", "2/3:", "3/3:"]


def test_manual_rollback_shows_its_message_first() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    run(swarm, "docker service create -d --replicas 2 --name web nginx:1")
    swarm.advance(20)
    run(swarm, "docker service update -d --image nginx:2 web")
    swarm.advance(60)
    out, err, code = run(swarm, "docker service rollback web")
    assert (out, err, code) == (
        "web\n"
        "rollback: manually requested rollback \n"
        "overall progress: rolling back update: 2 out of 2 tasks \n"
        f"1/2: {DONE}\n"
        f"2/2: {DONE}\n"
        "verify: Service web converged \n",
        "",
        0,
    )


def test_automatic_rollback_is_announced() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    swarm.images.set("redis:3.0.7", exits_after=3.0, exit_code=1)
    run(swarm, "docker service create -d --replicas 3 --name redis redis:3.0.6")
    swarm.advance(30)
    out, err, code = run(
        swarm, "docker service update --update-failure-action rollback --image redis:3.0.7 redis"
    )
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    assert lines[:5] == [
        "redis",
        "overall progress: rolling back update: 3 out of 3 tasks ",
        *(f"{i}/3: {DONE}" for i in (1, 2, 3)),
    ]
    failed = [t.id for t in swarm.ctx.store.tasks.values() if t.state == TaskState.FAILED]
    prefix = "rollback: update rolled back due to failure or early termination of task "
    assert lines[5].startswith(prefix) and lines[5][len(prefix) : -1] in failed
    assert lines[6:] == ["verify: Service redis converged "]


def test_rollback_completed_before_convergence_is_printed_last() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    swarm.images.set("redis:3.0.7", exits_after=3.0, exit_code=1)
    run(swarm, "docker service create -q --replicas 3 --name redis --update-delay 10s redis:3.0.6")
    out, err, code = run(
        swarm, "docker service update --update-failure-action rollback --image redis:3.0.7 redis"
    )
    assert (err, code) == ("", 0)
    assert out == (
        "redis\n"
        "overall progress: rolling back update: 3 out of 3 tasks \n"
        + "".join(f"{i}/3: {DONE}\n" for i in (1, 2, 3))
        + "verify: Service redis converged \n"
        "rollback: rollback completed\n"
    )


def test_global_service_lists_nodes() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    out, _, code = run(swarm, "docker service create --mode global --name mon busybox")
    service = get_service(swarm.ctx, "mon")
    ids = [swarm.node(name).id[:12] for name in ("manager1", "worker1", "worker2")]
    assert (out, code) == (
        f"{service.id}\n"
        "overall progress: 3 out of 3 tasks \n"
        + "".join(f"{node}: {DONE}\n" for node in ids)
        + f"verify: Service {service.id} converged \n",
        0,
    )


def test_scale_to_zero_converges_at_once() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    run(swarm, "docker service create -d --replicas 2 --name web nginx")
    swarm.advance(20)
    start = swarm.now
    out, _, code = run(swarm, "docker service scale web=0")
    assert (out, code) == (
        "web scaled to 0\noverall progress: 0 out of 0 tasks \nverify: Service web converged \n",
        0,
    )
    # the first poll still sees the two tasks wanted running; the next one converges
    assert swarm.now == pytest.approx(start + 5.2)


def test_a_service_that_never_converges_stops_after_an_hour() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    out, err, code = run(
        swarm, "docker service create --replicas 2 --name never --constraint node.labels.x==y nginx"
    )
    service = get_service(swarm.ctx, "never")
    reason = "no suitable node (scheduling constraints not satisfied on 3 nodes)"
    assert (out, err, code) == (
        f"{service.id}\n"
        "overall progress: 0 out of 2 tasks \n"
        f"1/2: {reason} \n"
        f"2/2: {reason} \n"
        "Operation continuing in background.\n"
        f"Use `docker service ps {service.id}` to check progress.\n",
        "",
        0,
    )
    assert swarm.now == pytest.approx(PROGRESS_TIMEOUT)
