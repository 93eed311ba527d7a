"""Composed-fault schedules that once left the swarm unsettled, replayed as shell lines.

Each test is a reproducer of issue 14 (``swarmsim shell --seed 1 --managers M
--workers W`` with these lines) and checks that the swarm settles as the
mechanism it exercises says, with the exact tasks, states and update status.
"""

from __future__ import annotations

from collections import Counter

from swarmsim.api.enums import TaskState, UpdateState
from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm


def replay(managers: int, workers: int, script: str) -> Swarm:
    swarm = Swarm(seed=1, managers=managers, workers=workers)
    shell = Shell(swarm)
    for line in script.strip().splitlines():
        result = shell.execute(line.strip())
        assert result.ok, (line, result.stderr)
    return swarm


def wanted_by_slot(swarm: Swarm, name: str) -> Counter[int]:
    """How many tasks the manager wants running in each slot of a service."""
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    tasks = swarm.ctx.store.tasks_of_service(service.id)
    return Counter(t.slot for t in tasks if t.desired_state <= TaskState.RUNNING)


def running_images(swarm: Swarm, name: str) -> list[tuple[int, str]]:
    service = swarm.ctx.store.service_by_name(name)
    assert service is not None
    return sorted(
        (t.slot, t.spec.container.image)
        for t in swarm.ctx.store.tasks_of_service(service.id)
        if t.state == TaskState.RUNNING and t.desired_state == TaskState.RUNNING
    )


def test_a_restart_and_a_start_first_update_never_fill_one_slot_twice() -> None:
    """Reproducer 1: the old release fails while a start-first update replaces it."""
    swarm = replay(
        1,
        0,
        """
        image bad:1 exits_after=1s exit_code=1
        docker service create -d --name s0 --replicas 2 nginx:1
        docker service update -d --image bad:1 s0
        sleep 10s
        docker service update -d --image nginx:2 --update-order start-first s0
        sleep 500ms
        docker service scale -d s0=2
        sleep 10m
        """,
    )
    assert wanted_by_slot(swarm, "s0") == {1: 1, 2: 1}
    assert running_images(swarm, "s0") == [(1, "nginx:2"), (2, "nginx:2")]
    listing = swarm.docker("docker service ls").stdout.splitlines()[1].split()
    assert listing[2:5] == ["replicated", "2/2", "nginx:2"]


def test_a_pending_task_made_current_by_a_rollback_is_scheduled_again() -> None:
    """Reproducer 2: the rollback restores the pending task's spec version."""
    swarm = replay(
        1,
        1,
        """
        image bad:1 pull_error=true
        docker service create -d --name web --replicas 3 --reserve-memory 5G --update-failure-action rollback --update-monitor 1s --rollback-monitor 1s nginx
        sleep 10s
        docker service update -d --image bad:1 web
        sleep 1m
        node add worker2
        sleep 5m
        """,  # noqa: E501
    )
    service = swarm.ctx.store.service_by_name("web")
    assert service is not None and service.update_status is not None
    assert service.update_status.state == UpdateState.ROLLBACK_COMPLETED
    assert service.spec_version == 0  # the rollback restored the original version
    hosts = {
        swarm.node(t.node_id).hostname
        for t in swarm.ctx.store.tasks_of_service(service.id)
        if t.state == TaskState.RUNNING
    }
    assert hosts == {"manager1", "worker1", "worker2"}
    assert running_images(swarm, "web") == [(1, "nginx"), (2, "nginx"), (3, "nginx")]


def test_a_no_op_update_during_a_rollout_resumes_it_with_a_status() -> None:
    """Reproducer 3: a node dies mid-update, then an update that changes nothing."""
    swarm = replay(
        1,
        2,
        """
        docker service create -d --name s0 --replicas 4 nginx:1
        sleep 10s
        docker service update -d --image nginx:2 s0
        fail worker1
        sleep 3s
        docker service update -d --replicas 4 s0
        sleep 2m
        recover worker1
        sleep 10m
        """,
    )
    assert running_images(swarm, "s0") == [(n, "nginx:2") for n in (1, 2, 3, 4)]
    service = swarm.ctx.store.service_by_name("s0")
    assert service is not None and service.update_status is not None
    assert (service.update_status.state, service.update_status.started_at) == (
        UpdateState.COMPLETED,
        13.0,
    )


def test_a_reconnected_agent_drops_containers_of_deleted_tasks() -> None:
    """Reproducer 4: the scaled-down task is deleted while its node cannot hear it."""
    swarm = replay(
        1,
        1,
        """
        image nginx pull=10s
        docker service create -d --name s0 --replicas 2 --constraint node.role==worker nginx
        sleep 1s
        disconnect worker1
        docker service scale -d s0=1
        docker service update -d --image nginx:2 s0
        sleep 1s
        reconnect worker1
        sleep 5m
        """,
    )
    worker = swarm.agents[swarm.node("worker1").id]
    assert all(task_id in swarm.ctx.store.tasks for task_id in worker.controllers)
    assert running_images(swarm, "s0") == [(1, "nginx:2")]
    assert len(worker.controllers) == 1


def test_a_rollback_to_an_equal_spec_runs_instead_of_hanging_in_rollback_started() -> None:
    """Fuzzer finding: ``scale`` mid-update makes the previous spec the new one."""
    swarm = Swarm(seed=671, managers=1, workers=0)
    shell = Shell(swarm)
    for line in (
        "image bad:pull pull_error=true",
        "docker service create -d --name s0 --replicas 4 nginx:1",
        "sleep 100ms",
        "docker service update -d --update-failure-action rollback --image bad:pull s0",
        "docker service scale -d s0=4",
        "sleep 10m",
    ):
        assert shell.execute(line).ok, line
    service = swarm.ctx.store.service_by_name("s0")
    assert service is not None and service.update_status is not None
    # the rollback ran (to the same bad image) and, failing too, paused
    assert service.update_status.state == UpdateState.ROLLBACK_PAUSED
    assert not swarm.updates.updaters


def test_a_restart_deferred_behind_a_cancelled_delayed_start_still_happens() -> None:
    """Fuzzer finding: the updater reuses a replacement whose node goes down meanwhile."""
    swarm = Swarm(seed=336, managers=1, workers=4)
    shell = Shell(swarm)
    for line in (
        "image bad:pull pull_error=true",
        "docker service create -d --name s0 --replicas 3 --update-failure-action continue bad:pull",
        "docker service update -d --image nginx:3 s0",
        "sleep 100ms",
        "disconnect worker1",
        "docker service update -d --update-order start-first --update-delay 1s --image bad:pull s0",
        "sleep 10m",
    ):
        assert shell.execute(line).ok, line
    down = swarm.node("worker1")
    assert down.status.name == "DOWN"
    stuck = [
        t for t in swarm.ctx.store.tasks_on_node(down.id) if t.desired_state <= TaskState.RUNNING
    ]
    assert stuck == []


def test_a_scaled_down_slot_stuck_on_a_down_node_stays_dead() -> None:
    """Fuzzer finding: restart-condition none kept a removed slot alive; the service
    flapped between two slots forever, one update run after the other."""
    swarm = Swarm(seed=225, managers=1, workers=1)
    shell = Shell(swarm)
    for line in (
        "docker service create -d --name s1 --replicas 3 --constraint node.role==worker "
        "--restart-condition none nginx:2",
        "disconnect worker1",
        "sleep 100ms",
        "node add worker3 cpus=1 memory=4G",
        "docker service scale -d s1=2",
        "docker service update -d --health-cmd true s1",
        "sleep 5m",
    ):
        assert shell.execute(line).ok, line
    settled = swarm.trace.dump()
    swarm.advance(300)
    changes = [r for r in swarm.trace if r.kind in ("task", "service") and r.time > 300]
    assert changes == []  # nothing moves any more
    assert running_images(swarm, "s1") == [(1, "nginx:2"), (2, "nginx:2")]
    assert swarm.trace.dump().startswith(settled)
