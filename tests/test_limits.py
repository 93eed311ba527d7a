"""The simulator's size limits: refused up front, through every entry point, and raisable."""

from __future__ import annotations

import time

import pytest

from swarmsim.api import ContainerSpec, ServiceMode, ServiceSpec, TaskSpec
from swarmsim.console.shell import Shell
from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument
from swarmsim.limits import check_node_count, check_run, task_demand, task_limit_error
from swarmsim.swarm import Swarm

TASK = TaskSpec(ContainerSpec("nginx"))
TASKS_OVER = "tasks is over the simulator's limit of {} (ClusterSettings.max_tasks)"


def _state(swarm: Swarm) -> object:
    store = swarm.ctx.store
    return (
        swarm.now,
        len(swarm.trace),
        sorted((s.id, repr(s.spec), s.spec_version) for s in store.services.values()),
        sorted(n.hostname for n in store.nodes.values()),
        len(store.tasks),
    )


def test_the_defaults_fit_a_class_and_a_benchmark() -> None:
    settings = ClusterSettings()
    assert (settings.max_nodes, settings.max_tasks) == (10_000, 100_000)
    assert settings.max_time == 365 * 24 * 3600


@pytest.mark.parametrize("field", ["max_nodes", "max_tasks"])
@pytest.mark.parametrize("value", [0, -1, 2.5, True, "10"])
def test_limits_must_be_positive_whole_numbers(field: str, value: object) -> None:
    with pytest.raises(InvalidArgument, match=f"cluster setting {field}"):
        ClusterSettings(**{field: value})  # type: ignore[arg-type]


def test_task_demand_counts_replicas_and_one_task_per_node_of_a_global_service() -> None:
    specs = [
        ServiceSpec("a", TASK, replicas=3),
        ServiceSpec("b", TASK, mode=ServiceMode.GLOBAL),
        ServiceSpec("c", TASK, replicas=0),
    ]
    assert task_demand(specs, 7) == 10
    assert task_demand([], 7) == 0


def test_only_growth_past_the_limit_is_refused() -> None:
    settings = ClusterSettings(max_tasks=10)
    assert task_limit_error(settings, 0, 10) is None
    assert task_limit_error(settings, 20, 15) is None  # shrinking while over a lowered limit
    assert task_limit_error(settings, 20, 20) is None
    assert task_limit_error(settings, 5, 11) == "a swarm of 11 " + TASKS_OVER.format(10)


def test_node_and_horizon_checks_name_the_setting() -> None:
    settings = ClusterSettings(max_nodes=2, max_time=60.0)
    check_node_count(settings, 2)
    with pytest.raises(InvalidArgument, match=r"^3 nodes is over .* limit of 2 \(Cluster"):
        check_node_count(settings, 3)
    check_run(settings, 0.0, 60.0, 3)
    with pytest.raises(InvalidArgument, match=r"until t=1m0.5s .* limit of 1m0s \(.*max_time\)"):
        check_run(settings, 0.0, 60.5, 3)
    with pytest.raises(InvalidArgument, match=r"until t=3.6e\+12s "):
        check_run(settings, 0.0, 3.6e12, 3)


def test_one_run_may_cover_a_bounded_number_of_node_seconds() -> None:
    settings = ClusterSettings(max_node_seconds=1000.0)
    check_run(settings, 50.0, 150.0, 10)
    with pytest.raises(
        InvalidArgument,
        match=r"^running 1m40.1s on 10 nodes is over the simulator's limit of 1000 node-seconds "
        r"at a time \(ClusterSettings.max_node_seconds\)$",
    ):
        check_run(settings, 50.0, 150.1, 10)
    swarm = Swarm(seed=1, managers=1, workers=9, settings=settings)
    with pytest.raises(InvalidArgument, match="max_node_seconds"):
        swarm.advance(101)
    assert swarm.now == 0.0
    swarm.advance(100)
    swarm.advance(100)  # a loop of short runs is a choice, not an accident
    assert swarm.now == 200.0


def test_the_default_bounds_a_sleep_of_a_large_swarm() -> None:
    settings = ClusterSettings()
    check_run(settings, 0.0, 365 * 24 * 3600.0, 3)  # a year of a small class swarm
    check_run(settings, 0.0, 3600.0, 10_000)  # an hour of the largest swarm
    with pytest.raises(InvalidArgument, match="on 10000 nodes"):
        check_run(settings, 0.0, 720 * 3600.0, 10_000)


def test_a_swarm_of_ten_million_nodes_is_refused_at_once() -> None:
    start = time.perf_counter()
    with pytest.raises(InvalidArgument, match="10000001 nodes is over"):
        Swarm(workers=10**7)
    assert time.perf_counter() - start < 0.5


def test_raising_the_node_limit_from_python() -> None:
    with pytest.raises(InvalidArgument, match="4 nodes is over"):
        Swarm(managers=1, workers=3, settings=ClusterSettings(max_nodes=3))
    swarm = Swarm(managers=1, workers=3, settings=ClusterSettings(max_nodes=5))
    swarm.add_node("worker4")
    before = _state(swarm)
    with pytest.raises(InvalidArgument, match="6 nodes is over the simulator's limit of 5"):
        swarm.add_node("worker5")
    assert _state(swarm) == before
    swarm.ctx.settings.max_nodes = 6
    swarm.add_node("worker5")


def test_shell_node_add_past_the_limit_is_one_line() -> None:
    shell = Shell(Swarm(workers=1, settings=ClusterSettings(max_nodes=2)))
    result = shell.execute("node add worker2")
    assert not result.ok
    assert result.stderr == (
        "node: 3 nodes is over the simulator's limit of 2 (ClusterSettings.max_nodes)\n"
    )


def test_time_past_the_horizon_is_refused_and_the_clock_stays() -> None:
    swarm = Swarm(seed=1, settings=ClusterSettings(max_time=3600.0))
    swarm.advance(3000)
    calls = (lambda: swarm.advance(3.6e12), lambda: swarm.run(3601), lambda: swarm.advance(601))
    for call in calls:
        with pytest.raises(InvalidArgument, match="max_time"):
            call()
        assert swarm.now == 3000
    swarm.run(3600)
    assert swarm.now == 3600
    shell = Shell(swarm)
    assert shell.execute("sleep 1s").stderr == (
        "sleep: running until t=1h0m1s is over the simulator's limit of 1h0m0s "
        "(ClusterSettings.max_time)\n"
    )


def test_following_a_service_stops_at_the_horizon_and_keeps_the_service() -> None:
    swarm = Swarm(seed=1, settings=ClusterSettings(max_time=100.0))
    swarm.advance(99)
    result = swarm.docker("docker service create --name web --replicas 2 nginx")
    assert result.exit_code == 0, result.stderr
    assert "Operation continuing in background." in result.stdout
    assert swarm.now <= 100.0


@pytest.mark.parametrize(
    ("line", "asked"),
    [
        ("docker service create -d --replicas 1000000000 nginx", 1_000_000_001),
        ("docker service create -d --replicas 100000 nginx", 100_001),
        ("docker service update -d --replicas 1000000 web", 1_000_000),
        ("docker service scale -d web=100001", 100_001),
        ("docker service create -d --mode global nginx", 3),  # one task per node
    ],
)
def test_services_past_the_task_limit_are_refused_by_the_daemon(line: str, asked: int) -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web nginx").exit_code == 0
    if "global" in line:
        swarm.ctx.settings.max_tasks = 2
    before = _state(swarm)
    start = time.perf_counter()
    result = swarm.docker(line)
    limit = swarm.ctx.settings.max_tasks
    message = (
        "Error response from daemon: rpc error: code = ResourceExhausted desc = "
        f"a swarm of {asked} " + TASKS_OVER.format(limit) + "\n"
    )
    assert result.exit_code == 1
    assert result.stderr == (f"web: {message}" if "scale" in line else message)
    assert _state(swarm) == before
    swarm.advance(1)
    assert len(swarm.ctx.store.tasks) <= limit
    assert time.perf_counter() - start < 5


def test_a_global_service_limits_new_nodes_and_a_lowered_limit_still_lets_a_swarm_shrink() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1, settings=ClusterSettings(max_tasks=4))
    assert swarm.docker("docker service create -d --mode global --name g nginx").exit_code == 0
    assert swarm.docker("docker service create -d --name r --replicas 2 nginx").exit_code == 0
    before = _state(swarm)
    with pytest.raises(InvalidArgument, match="a swarm of 5 tasks is over"):
        swarm.add_node("worker2")
    assert _state(swarm) == before
    swarm.ctx.settings.max_tasks = 1
    assert swarm.docker("docker service update -d --image nginx:2 r").exit_code == 0
    assert swarm.docker("docker service scale -d r=1").exit_code == 0
    assert swarm.docker("docker service scale -d r=2").exit_code == 1
    assert swarm.docker("docker service rollback -d r").exit_code == 1  # back to 2 replicas


def test_the_console_script_refuses_a_swarm_past_the_node_limit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from swarmsim.console.main import main

    start = time.perf_counter()
    assert main(["shell", "--workers", "10000000"]) == 1
    assert capsys.readouterr().err == (
        "swarmsim: 10000001 nodes is over the simulator's limit of 10000 "
        "(ClusterSettings.max_nodes)\n"
    )
    assert time.perf_counter() - start < 0.5


def _crash_looping_swarm(settings: ClusterSettings | None = None) -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=1, settings=settings)
    swarm.images.set("bad", exits_after=1.0, exit_code=1)
    command = "docker service create -d --name loop --replicas 2 --restart-delay 0s bad"
    assert swarm.docker(command).exit_code == 0
    return swarm


def test_a_run_stops_once_the_trace_passes_its_limit() -> None:
    swarm = _crash_looping_swarm(ClusterSettings(max_trace_records=500))
    with pytest.raises(
        InvalidArgument,
        match=r"^the trace holds \d+ records, over the simulator's limit of 500 "
        r"\(ClusterSettings.max_trace_records\); the clock stopped at t=10m0s$",
    ):
        swarm.advance(720 * 3600)
    assert swarm.now == 600.0
    stopped = len(swarm.trace)
    with pytest.raises(InvalidArgument, match="the clock stopped at t=10m0s"):
        swarm.advance(1)  # refused up front now
    assert (swarm.now, len(swarm.trace)) == (600.0, stopped)


def test_slices_of_a_run_change_nothing_in_the_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    sliced = _crash_looping_swarm()
    sliced.advance(1500)  # three slices, the last one short
    monkeypatch.setattr("swarmsim.swarm._SLICE", 1e9)
    whole = _crash_looping_swarm()
    whole.advance(1500)
    assert sliced.trace.dump() == whole.trace.dump()
    assert sliced.now == whole.now == 1500.0


@pytest.mark.parametrize(
    ("flag", "name"), [("--update-parallelism", "update"), ("--rollback-parallelism", "rollback")]
)
def test_a_parallelism_past_the_task_limit_is_refused(flag: str, name: str) -> None:
    # the updater starts one worker per unit of parallelism: 10**9 of them filled the memory
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web nginx").exit_code == 0
    before = _state(swarm)
    for line in (
        f"docker service update -d {flag} 1000000000 --image nginx:2 web",
        f"docker service create -d {flag} 100001 nginx",
    ):
        result = swarm.docker(line)
        assert result.stderr == (
            "Error response from daemon: rpc error: code = ResourceExhausted desc = "
            f"{name} parallelism {10**9 if 'update ' in line else 100_001} is over the "
            "simulator's limit of 100000 (ClusterSettings.max_tasks)\n"
        )
        assert _state(swarm) == before
    assert swarm.docker(f"docker service update -d {flag} 100000 web").exit_code == 0
