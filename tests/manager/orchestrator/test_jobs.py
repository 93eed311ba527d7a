"""Jobs orchestrator (swarmsim.manager.orchestrator.jobs): replicated and global jobs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_helpers import hostname

from swarmsim.api import (
    Availability,
    ContainerSpec,
    Placement,
    RestartCondition,
    RestartPolicy,
    Service,
    ServiceMode,
    ServiceSpec,
    Task,
    TaskSpec,
    TaskState,
)
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.service import (
    create_service,
    remove_service,
    rollback_service,
    service_status,
    update_service,
)
from swarmsim.swarm import Swarm


def _swarm(workers: int = 3) -> Swarm:
    swarm = Swarm(seed=7, managers=1, workers=workers)
    # a job's container does its work in 10 s; the failing one gives up after 3 s
    swarm.images.set("batch:1", pull=0.0, create=0.0, start=0.0, exits_after=10.0, exit_code=0)
    swarm.images.set("bad:1", pull=0.0, create=0.0, start=0.0, exits_after=3.0, exit_code=1)
    swarm.advance(1)
    return swarm


def _job(
    name: str = "job",
    *,
    mode: ServiceMode = ServiceMode.REPLICATED_JOB,
    total: int = 5,
    concurrent: int = 2,
    image: str = "batch:1",
    restart: RestartPolicy | None = None,
    constraints: tuple[str, ...] = (),
) -> ServiceSpec:
    task = TaskSpec(
        ContainerSpec(image),
        restart=restart or RestartPolicy(),
        placement=Placement(constraints=constraints),
    )
    replicated = mode == ServiceMode.REPLICATED_JOB
    return ServiceSpec(
        name,
        task,
        mode=mode,
        replicas=total if replicated else 1,
        max_concurrent=concurrent if replicated else 0,
    )


def _tasks(swarm: Swarm, service: Service) -> list[Task]:
    return sorted(
        swarm.ctx.store.tasks_of_service(service.id), key=lambda t: (t.created_at, t.slot)
    )


def _most_running_at_once(swarm: Swarm, service: Service) -> int:
    """The largest number of the service's tasks RUNNING at one time, from the trace."""
    running: set[str] = set()
    most = 0
    for record in swarm.trace:
        if record.kind != "task" or record.service != service.spec.name:
            continue
        if record.state == "running":
            running.add(record.id)
        else:
            running.discard(record.id)
        most = max(most, len(running))
    return most


def test_replicated_job_runs_its_completions_a_few_at_a_time() -> None:
    swarm = _swarm()
    job = create_service(swarm.ctx, _job(total=5, concurrent=2))
    assert job.job_iteration == 0 and job.last_execution == 1.0
    swarm.advance(40)
    tasks = _tasks(swarm, job)
    assert [t.slot for t in tasks] == [0, 1, 2, 3, 4]
    assert {(t.state, t.desired_state, t.status.message) for t in tasks} == {
        (TaskState.COMPLETE, TaskState.COMPLETE, "finished")
    }
    assert {t.job_iteration for t in tasks} == {0}
    assert _most_running_at_once(swarm, job) == 2
    # two waves of two and a last one: each task created when one before it completed
    created = [round(t.created_at) for t in tasks]
    assert created[:2] == [1, 1] and created[2:4] == [11, 11] and created[4] == 21
    assert service_status(swarm.ctx, job) == (0, 2, 5)


def test_an_update_starts_a_new_execution_and_removes_the_old_ones_running_tasks() -> None:
    swarm = _swarm()
    job = create_service(swarm.ctx, _job(total=4, concurrent=2))
    swarm.advance(15)  # two completed, two running
    update_service(swarm.ctx, "job", job.spec)
    assert job.job_iteration == 1 and job.last_execution == 16.0
    swarm.advance(1)
    # the first execution's two running tasks were marked REMOVE, stopped and reaped
    removed = {r.id for r in swarm.trace if r.service == "job" and r.desired == "remove"}
    assert len(removed) == 2
    old = [t for t in _tasks(swarm, job) if t.job_iteration == 0]
    assert [(t.desired_state, t.state) for t in old] == [
        (TaskState.COMPLETE, TaskState.COMPLETE)
    ] * 2
    swarm.advance(30)
    new = [t for t in _tasks(swarm, job) if t.job_iteration == 1]
    assert sorted(t.slot for t in new) == [0, 1, 2, 3]
    assert all(t.state == TaskState.COMPLETE for t in new)
    # the first execution's completed tasks stay: no history limit for jobs
    assert [t.id for t in _tasks(swarm, job) if t.job_iteration == 0] == [t.id for t in old]
    assert service_status(swarm.ctx, job) == (0, 2, 4)


def test_rollback_also_starts_a_new_execution() -> None:
    swarm = _swarm()
    job = create_service(swarm.ctx, _job(total=1, concurrent=1))
    update_service(swarm.ctx, "job", replace(job.spec, replicas=2, max_concurrent=2))
    rollback_service(swarm.ctx, "job")
    assert job.job_iteration == 2 and job.spec.replicas == 1


def test_a_completed_task_is_not_restarted_even_with_condition_any() -> None:
    swarm = _swarm()
    job = create_service(
        swarm.ctx, _job(total=1, concurrent=1, restart=RestartPolicy(RestartCondition.ANY))
    )
    swarm.advance(60)
    assert [t.state for t in _tasks(swarm, job)] == [TaskState.COMPLETE]


def test_failed_tasks_restart_until_the_policy_gives_up() -> None:
    swarm = _swarm()
    policy = RestartPolicy(RestartCondition.ON_FAILURE, delay=5.0, max_attempts=2)
    job = create_service(swarm.ctx, _job(total=2, concurrent=2, image="bad:1", restart=policy))
    swarm.advance(120)
    tasks = _tasks(swarm, job)
    # each slot: the first task and two restarts, all failed and shut down
    assert sorted(t.slot for t in tasks) == [0, 0, 0, 1, 1, 1]
    assert {(t.desired_state, t.state) for t in tasks} == {(TaskState.SHUTDOWN, TaskState.FAILED)}
    assert service_status(swarm.ctx, job) == (0, 2, 0)
    assert not swarm.settle(timeout=30)


def test_a_replacement_that_fails_before_its_start_is_not_restarted_into_a_new_execution() -> None:
    """Found by the fuzzer (seed 2034, extended, #190): two tasks under way in slot 0.

    The replacement of a rejected task is itself rejected while its delayed
    start waits; the restart supervisor queues its restart behind that start.
    Meanwhile an update starts a new execution.  When the start comes, the task
    is wanted COMPLETE, so swarmkit's ``waitRestart`` leaves it (it compares with
    RUNNING), and the jobs orchestrator does not restart a task of an earlier
    execution: only the new execution's task runs in slot 0.
    """
    swarm = Swarm(seed=976, managers=1, workers=0)
    swarm.images.set("gone:1", pull_error=True)
    swarm.docker("docker service create -d --name j0 --mode replicated-job job:1", check=True)
    swarm.docker("docker service update -d --image gone:1 j0", check=True)
    swarm.advance(1)
    swarm.docker("docker service update -d --image bad:1 j0", check=True)
    swarm.advance(30)
    job = swarm.ctx.store.service_by_name("j0")
    assert job is not None and job.job_iteration == 2
    current = [t for t in _tasks(swarm, job) if t.job_iteration == 2]
    assert [(t.slot, t.desired_state) for t in current] == [(0, TaskState.COMPLETE)]


def test_global_job_runs_once_on_every_active_ready_node_that_fits() -> None:
    swarm = _swarm(workers=3)
    worker3 = swarm.node("worker3")
    worker3.availability = Availability.DRAIN
    swarm.ctx.store.update_node(worker3)
    job = create_service(
        swarm.ctx,
        _job("gjob", mode=ServiceMode.GLOBAL_JOB, constraints=("node.role==worker",)),
    )
    swarm.advance(20)
    tasks = _tasks(swarm, job)
    assert sorted(hostname(swarm, t) for t in tasks) == ["worker1", "worker2"]
    assert {(t.slot, t.state, t.desired_state) for t in tasks} == {
        (0, TaskState.COMPLETE, TaskState.COMPLETE)
    }
    assert service_status(swarm.ctx, job) == (0, 0, 2)


def test_global_job_ignores_a_new_node_until_its_next_reconcile() -> None:
    swarm = _swarm(workers=1)
    job = create_service(swarm.ctx, _job("gjob", mode=ServiceMode.GLOBAL_JOB))
    swarm.advance(20)
    swarm.add_node("worker2")
    swarm.advance(20)
    # the jobs orchestrator watches no node (swarmkit's handleEvent)
    assert sorted(hostname(swarm, t) for t in _tasks(swarm, job)) == ["manager1", "worker1"]
    update_service(swarm.ctx, "gjob", job.spec)
    swarm.advance(20)
    current = [t for t in _tasks(swarm, job) if t.job_iteration == 1]
    assert sorted(hostname(swarm, t) for t in current) == ["manager1", "worker1", "worker2"]
    # the first execution's completed tasks are marked for removal and reaped
    assert all(t.job_iteration == 1 for t in _tasks(swarm, job))


def test_global_job_max_attempts_do_not_stop_its_restarts() -> None:
    """swarmkit records a global job's restarts by node and looks them up without it."""
    swarm = _swarm(workers=1)
    policy = RestartPolicy(RestartCondition.ON_FAILURE, delay=1.0, max_attempts=1)
    job = create_service(
        swarm.ctx,
        _job(
            "gjob",
            mode=ServiceMode.GLOBAL_JOB,
            image="bad:1",
            restart=policy,
            constraints=("node.role==worker",),
        ),
    )
    swarm.advance(60)
    failed = [t for t in _tasks(swarm, job) if t.state == TaskState.FAILED]
    assert len(failed) > 5


def test_removing_a_job_removes_its_tasks() -> None:
    swarm = _swarm()
    job = create_service(swarm.ctx, _job(total=4, concurrent=2))
    swarm.advance(15)
    remove_service(swarm.ctx, "job")
    swarm.advance(10)
    assert list(swarm.ctx.store.tasks_of_service(job.id)) == []


def test_a_new_leader_carries_the_job_on() -> None:
    swarm = Swarm(seed=7, managers=3, workers=2)
    swarm.images.set("batch:1", pull=0.0, create=0.0, start=0.0, exits_after=10.0, exit_code=0)
    swarm.advance(1)
    job = create_service(swarm.ctx, _job(total=4, concurrent=2))
    swarm.advance(5)
    swarm.crash_node("manager1")
    result = swarm.settle(timeout=120)
    assert result, result
    done = [t for t in _tasks(swarm, job) if t.state == TaskState.COMPLETE]
    assert sorted(t.slot for t in done) == [0, 1, 2, 3]


def test_settle_waits_for_the_job_to_complete() -> None:
    swarm = _swarm()
    create_service(swarm.ctx, _job(total=5, concurrent=2))
    result = swarm.settle(timeout=120)
    # the last task starts at 21 s and completes 10 s later; settle looks every second
    assert result and result.time == 32.0, result


def test_a_rolled_back_job_settles_though_its_status_stays_rollback_started() -> None:
    swarm = _swarm()
    job = create_service(swarm.ctx, _job(total=2, concurrent=2))
    update_service(swarm.ctx, "job", replace(job.spec, replicas=3))
    rollback_service(swarm.ctx, "job")
    result = swarm.settle(timeout=60)
    assert result, result
    assert job.update_status is not None and job.update_status.state.name == "ROLLBACK_STARTED"
    current = [t for t in _tasks(swarm, job) if t.job_iteration == 2]
    assert [t.state for t in current] == [TaskState.COMPLETE] * 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_concurrent": -1}, "Maximum concurrent jobs must not be negative"),
        ({"replicas": -1}, "Total completed jobs must not be negative"),
    ],
)
def test_negative_job_counts_are_refused(changes: dict[str, int], message: str) -> None:
    swarm = _swarm()
    with pytest.raises(DaemonError, match=message):
        create_service(swarm.ctx, replace(_job(), **changes))  # type: ignore[arg-type]
    assert not swarm.ctx.store.services
