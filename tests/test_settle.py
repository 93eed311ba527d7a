"""Swarm.settle: runs until every service converged and no update is in flight."""

from __future__ import annotations

from itertools import islice

import pytest

from swarmsim import Swarm
from swarmsim.api import Availability, TaskState
from swarmsim.errors import CommandFailed, DockerCLIError, InvalidArgument
from swarmsim.metrics import time_to_converge, update_reports
from swarmsim.settle import SettleResult, container_runs, unsettled
from swarmsim.shell.interpreter import Interpreter
from swarmsim.testing.fuzz import schedule_for


def _swarm() -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=3)
    swarm.images.set("app:1", pull=2.0, start=1.0)
    swarm.images.set("app:2", pull=2.0, start=1.0)
    swarm.images.set("bad:1", exits_after=2.0, exit_code=1)
    return swarm


def test_settle_stops_once_the_service_converged() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 4 --name web app:1", check=True)
    result = swarm.settle(timeout=300)
    converged = time_to_converge(swarm, "web")
    assert result.settled and result.unsettled == () and result.held == ()
    assert converged is not None and converged <= result.time < converge_bound(converged)
    assert swarm.docker("docker service ls").stdout.splitlines()[1].split()[3] == "4/4"
    again = swarm.settle(timeout=300)  # already settled: the clock does not move
    assert again.settled and again.waited == 0 and again.time == result.time


def converge_bound(converged: float) -> float:
    return converged + 1.0 + 1e-9  # one look per virtual second


def test_settle_waits_for_a_rolling_update_to_complete() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 4 --name web app:1", check=True)
    swarm.settle()
    swarm.docker("docker service update -d --update-delay 10s --image app:2 web", check=True)
    result = swarm.settle(timeout=600)
    (report,) = update_reports(swarm, "web")
    assert result.settled and report.final_state == "completed"
    assert report.ended_at is not None and report.ended_at <= result.time < report.ended_at + 1.5
    assert result.waited > 30  # four slots, 10 s apart


def test_a_paused_update_is_held_not_waited_for() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 3 --name web app:1", check=True)
    swarm.settle()
    swarm.docker("docker service update -d --image bad:1 web", check=True)
    result = swarm.settle(timeout=600)
    assert result.settled and result.held == ("web",)
    assert update_reports(swarm, "web")[-1].final_state == "paused"
    assert "held: web" in str(result)


def test_the_timeout_is_reported_with_the_services_still_converging() -> None:
    swarm = _swarm()
    swarm.docker(
        "docker service create -d --replicas 2 --constraint node.labels.zone==mars "
        "--name web app:1",
        check=True,
    )
    result = swarm.settle(timeout=30)
    assert not result and result.unsettled == ("web",)
    assert result.waited == 30 and swarm.now == result.time
    assert str(result).startswith("not settled after 30s")


def test_settle_after_a_node_loss_waits_for_the_replacements() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 6 --name web app:1", check=True)
    swarm.settle()
    swarm.crash_node("worker1")
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 5  # the node is declared down first
    store = swarm.ctx.store
    service = store.service_by_name("web")
    assert service is not None
    tasks = store.tasks_of_service(service.id)
    wanted = [t for t in tasks if t.desired_state.api_name == "running"]
    hosts = {store.nodes[t.node_id].hostname for t in wanted}
    assert "worker1" not in hosts and len(hosts) == 3


def _tasks_on(swarm: Swarm, service: str, hostname: str) -> list[str]:
    store = swarm.ctx.store
    found = store.service_by_name(service)
    assert found is not None
    node = swarm.node(hostname)
    return [t.id for t in store.tasks_of_service(found.id) if t.node_id == node.id and t.runnable]


def test_settle_after_a_drain_waits_for_the_drained_tasks_to_move() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 6 --name web app:1", check=True)
    assert swarm.settle(timeout=300).settled
    assert _tasks_on(swarm, "web", "worker1")  # spread: worker1 holds some
    swarm.docker("docker node update --availability drain worker1", check=True)
    # in this instant every task still runs, worker1's included
    assert unsettled(swarm.ctx.store) == (["web"], [])
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    assert _tasks_on(swarm, "web", "worker1") == []
    assert swarm.docker("docker service ls").stdout.splitlines()[1].split()[3] == "6/6"


@pytest.mark.parametrize(("availability", "moves"), [("active", True), ("pause", False)])
def test_settle_after_a_label_change_waits_for_the_constraint_enforcer(
    availability: str, moves: bool
) -> None:
    swarm = _swarm()
    for worker in ("worker2", "worker3"):
        swarm.docker(f"docker node update --label-add zone=a {worker}", check=True)
    swarm.docker(
        "docker service create -d --replicas 4 --constraint node.labels.zone==a --name db app:1",
        check=True,
    )
    assert swarm.settle(timeout=300).settled
    before = _tasks_on(swarm, "db", "worker3")
    assert before
    swarm.docker(f"docker node update --availability {availability} worker3", check=True)
    swarm.docker("docker node update --label-rm zone worker3", check=True)
    result = swarm.settle(timeout=300)
    assert result.settled
    # the enforcer rejects the tasks of an active node; a paused node keeps them
    assert _tasks_on(swarm, "db", "worker3") == ([] if moves else before)
    assert (result.waited > 0) is moves


def _global_hosts(swarm: Swarm, service: str) -> list[str]:
    """Hosts running a task of ``service`` that the managers want running."""
    store = swarm.ctx.store
    found = store.service_by_name(service)
    assert found is not None
    return sorted(
        store.nodes[t.node_id].hostname
        for t in store.tasks_of_service(found.id)
        if t.runnable and t.state == TaskState.RUNNING
    )


def test_settle_waits_for_a_global_service_on_every_node_that_should_run_it() -> None:
    swarm = _swarm()
    swarm.docker("docker node update --label-add zone=a worker3", check=True)
    swarm.docker("docker service create -d --mode global --name mon app:1", check=True)
    swarm.docker(
        "docker service create -d --mode global --constraint node.labels.zone==a --name one app:1",
        check=True,
    )
    # no task exists yet in this instant: nothing runs, nothing fails
    assert unsettled(swarm.ctx.store) == (["mon", "one"], [])
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    assert _global_hosts(swarm, "mon") == ["manager1", "worker1", "worker2", "worker3"]
    assert _global_hosts(swarm, "one") == ["worker3"]

    swarm.docker("docker node update --availability drain worker1", check=True)
    assert swarm.settle(timeout=300).settled
    assert "worker1" not in _global_hosts(swarm, "mon")
    swarm.docker("docker node update --availability active worker1", check=True)
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    assert "worker1" in _global_hosts(swarm, "mon")

    swarm.add_node("worker4")
    swarm.add_node("worker5", availability=Availability.PAUSE)  # gets no new task
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    assert _global_hosts(swarm, "mon") == [
        "manager1",
        "worker1",
        "worker2",
        "worker3",
        "worker4",
    ]


def test_a_paused_node_keeps_its_out_of_date_global_task_and_the_service_settles() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --mode global --name mon app:1", check=True)
    assert swarm.settle(timeout=300).settled
    swarm.docker("docker node update --availability pause worker1", check=True)
    swarm.docker("docker service update -d --image app:2 mon", check=True)
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    store = swarm.ctx.store
    service = store.service_by_name("mon")
    assert service is not None
    images = {
        store.nodes[t.node_id].hostname: t.spec.container.image
        for t in store.tasks_of_service(service.id)
        if t.runnable
    }
    # the global orchestrator left worker1's task alone (global.go, reconcileServices)
    assert images == {
        "manager1": "app:2",
        "worker1": "app:1",
        "worker2": "app:2",
        "worker3": "app:2",
    }


def test_settle_after_a_kill_waits_for_the_replacement() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 3 --name web app:1", check=True)
    assert swarm.settle(timeout=300).settled
    victim = sorted(t.id for t in swarm.ctx.store.tasks.values())[0]
    assert swarm.kill_task(victim)
    # the exit is queued for this instant and its report is on its way: the
    # store still says running
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 5  # the restart delay
    store = swarm.ctx.store
    assert store.tasks[victim].state == TaskState.FAILED
    assert len([t for t in store.tasks.values() if t.state == TaskState.RUNNING]) == 3


def test_settle_after_a_service_removal_waits_for_its_containers_to_stop() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 3 --name web app:1", check=True)
    swarm.docker("docker service create -d --replicas 2 --name db app:1", check=True)
    assert swarm.settle(timeout=300).settled
    swarm.docker("docker service rm web", check=True)
    # gone from the store's services, its tasks still run: named by the tasks
    assert unsettled(swarm.ctx.store) == (["web"], [])
    result = swarm.settle(timeout=300)
    assert result.settled and result.waited > 0
    running = [
        controller
        for agent in swarm.agents.values()
        for controller in agent.controllers.values()
        if controller.state == TaskState.RUNNING
    ]
    assert sorted(c.task.service_name for c in running) == ["db", "db"]


def test_settle_waits_for_an_updater_still_at_work() -> None:
    # fuzz schedule 89 of seed 1 ends with a rollback; every task has converged
    # while an updater still works, and it writes "update completed" over
    # "rollback completed" 2 s after the last task converged (updater.go)
    schedule = schedule_for(1, 89)
    swarm = Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers)
    shell = Interpreter(swarm)
    for line in schedule.steps:
        shell.execute(line)
    result = swarm.settle(timeout=900)
    assert result.settled
    service = swarm.ctx.store.service_by_name("s0")
    assert service is not None and service.update_status is not None
    status = service.update_status.state.api_name
    seen = len(swarm.trace)
    swarm.advance(600)
    later = [r for r in islice(swarm.trace, seen, None) if r.kind in ("task", "service")]
    assert later == [] and status == "completed"


@pytest.mark.parametrize("first", [0, 20, 40])
def test_once_settled_only_a_new_failure_moves_anything(first: int) -> None:
    """What settle promises, over 20 fault schedules each: once a swarm has settled
    with no update held, the next ten minutes bring no task or service record
    until a container fails or is rejected anew (a crash loop may look converged
    for an instant); task deletions by the reaper are bookkeeping."""
    checked = 0
    for index in range(first, first + 20):
        swarm = _fuzzed_with(1, index)
        result = swarm.settle(timeout=900)
        if not result.settled or result.held:
            continue
        checked += 1
        seen = len(swarm.trace)
        swarm.advance(600)
        later = [
            r
            for r in islice(swarm.trace, seen, None)
            if r.kind in ("task", "service") and r.event != "delete"
        ]
        assert not later or later[0].state in ("failed", "rejected"), (index, later[:3])
    assert checked >= 10


def test_a_stable_window_is_waited_after_convergence() -> None:
    def created() -> Swarm:
        swarm = _swarm()
        swarm.docker("docker service create -d --replicas 4 --name web app:1", check=True)
        return swarm

    instant = created().settle(timeout=300)
    stable = created().settle(timeout=300, stable=5)
    assert instant.settled and instant.since == instant.time
    assert stable.settled and stable.since == instant.time and stable.time == instant.time + 5
    assert (
        str(stable)
        == f"settled at {stable.time:g}s after {stable.waited:g}s, stable since {instant.time:g}s"
    )


def test_a_crash_loop_looks_settled_for_an_instant_but_never_stays_settled() -> None:
    def looping() -> Swarm:
        swarm = _swarm()  # bad:1 exits 2 s after it starts; restarts 5 s later
        swarm.docker("docker service create -d --replicas 2 --name loop bad:1", check=True)
        return swarm

    instant = looping().settle(timeout=120)
    assert instant.settled  # every task runs at that look
    short = looping().settle(timeout=120, stable=1.5)  # shorter than the containers live
    assert short.settled and short.since == instant.time and short.time == instant.time + 1.5
    swarm = looping()
    result = swarm.settle(timeout=120, stable=5)
    assert not result.settled and result.time == 120.0
    failed = [r for r in swarm.trace if r.kind == "task" and r.state == "failed"]
    assert len(failed) >= 2 * 10  # two slots failing about every 8 s
    if result.unsettled:
        assert result.unsettled == ("loop",) and result.since is None
    else:  # the timeout came within a window, never one that lasted
        assert result.since is not None and result.time - result.since < 5
        assert "not yet stable when the timeout passed" in str(result)


def test_the_timeout_can_end_a_stable_window_before_it_is_over() -> None:
    swarm = _swarm()
    swarm.docker("docker service create -d --replicas 4 --name web app:1", check=True)
    result = swarm.settle(timeout=300, stable=500)
    converged = time_to_converge(swarm, "web")
    assert not result.settled and result.unsettled == () and result.time == 300.0
    assert converged is not None and converged <= (result.since or 0) < converge_bound(converged)
    assert str(result) == (
        f"not settled after 300s (converged at {result.since:g}s, "
        "not yet stable when the timeout passed)"
    )


@pytest.mark.parametrize("stable", [-1, float("nan"), float("inf"), "5s"])
def test_bad_stable_windows(stable: object) -> None:
    with pytest.raises(InvalidArgument, match="stable"):
        Swarm(seed=0).settle(10, stable=stable)  # type: ignore[arg-type]


@pytest.mark.parametrize(("timeout", "step"), [(-1, 1.0), (float("nan"), 1.0), (10, 0), ("x", 1)])
def test_bad_settle_arguments(timeout: object, step: object) -> None:
    with pytest.raises(InvalidArgument):
        Swarm(seed=0).settle(timeout, step=step)  # type: ignore[arg-type]


def test_docker_check_raises_docker_message_and_exit_code() -> None:
    swarm = Swarm(seed=0)
    assert swarm.docker("docker service rm web").exit_code == 1  # no check: a result
    with pytest.raises(CommandFailed) as caught:
        swarm.docker("docker service create --replica 2 nginx", check=True)
    error = caught.value
    assert isinstance(error, DockerCLIError)
    assert str(error) == "unknown flag: --replica"
    assert error.exit_code == 125 and error.command.endswith("nginx")
    assert error.stderr.startswith("unknown flag: --replica")


def _settle_reading_every_service(swarm: Swarm, timeout: float) -> SettleResult:
    """Swarm.settle as it was: every service's tasks read at each look."""
    swarm.ctx.sim.finish_instant()
    runs = container_runs(swarm.agents)
    start, deadline, seen = swarm.now, swarm.now + timeout, -1
    moving: list[str] = []
    held: list[str] = []
    while True:
        if len(swarm.trace) != seen:
            seen = len(swarm.trace)
            moving, held = unsettled(swarm.ctx.store, runs, swarm.updates.updaters.__contains__)
            if not moving:
                return SettleResult(True, swarm.now, swarm.now - start, (), tuple(held), swarm.now)
        if swarm.now >= deadline:
            return SettleResult(False, swarm.now, swarm.now - start, tuple(moving), tuple(held))
        swarm.run(min(deadline, swarm.now + 1.0))


def _fuzzed(index: int) -> Swarm:
    return _fuzzed_with(20261207, index)


def _fuzzed_with(seed: int, index: int) -> Swarm:
    """A swarm after the lines of fuzz schedule ``index`` of ``seed``."""
    schedule = schedule_for(seed, index)
    swarm = Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers)
    shell = Interpreter(swarm)
    for line in schedule.steps:
        shell.execute(line)
    return swarm


@pytest.mark.parametrize("index", range(12))
def test_looking_at_one_converging_service_settles_as_reading_every_one(index: int) -> None:
    """While a service found converging still is, settle reads only it: the
    results (settled or not, when, which services converge or are held) are
    those of reading every service at each look, on random fault schedules,
    with timeouts that end inside and after the convergence."""
    for timeout in (3.0, 20.0, 600.0):
        fast, slow = _fuzzed(index), _fuzzed(index)
        assert fast.settle(timeout=timeout) == _settle_reading_every_service(slow, timeout)
        assert fast.trace.dump() == slow.trace.dump()
