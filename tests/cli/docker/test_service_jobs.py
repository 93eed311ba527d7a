"""Jobs on the CLI: ``--mode replicated-job|global-job``, ``--max-concurrent``, and how
``create | update | scale | ls | ps | inspect`` and the progress output treat them.

Behaviour: docs/behaviour.md#jobs; the texts follow docker/cli v28.2.2
(``cli/command/service/opts.go``, ``update.go``, ``scale.go``, ``formatter.go``,
``progress/progress.go``).
"""

from __future__ import annotations

import json

import pytest

from swarmsim.api import ContainerSpec, ServiceMode, TaskSpec, TaskState, TaskStatus
from swarmsim.api.objects import Service, Task
from swarmsim.api.specs import RestartPolicy, UpdateConfig
from swarmsim.cli.docker.progress import Screen, _GlobalJob, _ReplicatedJob
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.humanize import human_duration
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm

FULL = "[" + "=" * 50 + ">] "
EMPTY = "[>" + " " * 50 + "] "
COMPLETE = f"complete  {FULL}"
RUNNING_JOB = "running   [" + "=" * 45 + ">" + " " * 5 + "] "  # 9 of 10
UPDATE_CONFIG_REFUSED = (
    "Error response from daemon: rpc error: code = InvalidArgument desc = "
    "Jobs may not have an update config\n"
)


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=2)
    swarm.images.set("job:1", exits_after=10.0)  # runs 10 s, then exits 0
    swarm.images.set("bad:1", exits_after=3.0, exit_code=1)
    return swarm


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def snapshot(swarm: Swarm) -> object:
    store = swarm.ctx.store
    return (
        swarm.now,
        len(store.tasks),
        sorted(
            (s.id, repr(s.spec), s.spec_version, s.job_iteration) for s in store.services.values()
        ),
    )


def node_ids(swarm: Swarm) -> list[str]:
    """Node IDs in the order the progress output lists global tasks."""
    return list(swarm.ctx.store.nodes)


# ------------------------------------------------------------------------------ create


@pytest.mark.parametrize(
    ("args", "mode", "replicas", "max_concurrent"),
    [
        ("--mode replicated-job", ServiceMode.REPLICATED_JOB, 1, 1),
        ("--mode replicated-job --replicas 5", ServiceMode.REPLICATED_JOB, 5, 5),
        # the daemon makes a missing TotalCompletions the MaxConcurrent
        ("--mode replicated-job --max-concurrent 3", ServiceMode.REPLICATED_JOB, 3, 3),
        ("--mode replicated-job --replicas 5 --max-concurrent 2", ServiceMode.REPLICATED_JOB, 5, 2),
        ("--mode replicated-job --replicas 0", ServiceMode.REPLICATED_JOB, 0, 0),
        ("--mode replicated-job --max-concurrent 0", ServiceMode.REPLICATED_JOB, 0, 0),
        ("--mode global-job", ServiceMode.GLOBAL_JOB, 1, 0),
        ("--mode global-job --replicas-max-per-node 0", ServiceMode.GLOBAL_JOB, 1, 0),
        ("--mode replicated --replicas 4", ServiceMode.REPLICATED, 4, 0),
        ("--mode global", ServiceMode.GLOBAL, 1, 0),
    ],
)
def test_create_mode_replicas_and_max_concurrent(
    swarm: Swarm, args: str, mode: ServiceMode, replicas: int, max_concurrent: int
) -> None:
    out, err, code = run(swarm, f"docker service create -d --name j {args} job:1")
    service = get_service(swarm.ctx, "j")
    assert (out, err, code) == (f"{service.id}\n", "", 0)
    spec = service.spec
    assert (spec.mode, spec.replicas, spec.max_concurrent) == (mode, replicas, max_concurrent)
    # no job-specific defaults: the daemon's restart policy, no update config sent
    assert (spec.task.restart, spec.update, spec.rollback) == (
        RestartPolicy(),
        UpdateConfig(),
        UpdateConfig(),
    )
    assert service.job_iteration == (0 if mode.is_job else None)


def test_a_replicated_job_takes_a_maximum_per_node(swarm: Swarm) -> None:
    run(
        swarm, "docker service create -d --name j --mode replicated-job --replicas-max-per-node 2 x"
    )
    assert get_service(swarm.ctx, "j").spec.task.placement.max_replicas == 2


CREATE_ERRORS = [
    # ToServiceMode checks each mode's flags in its own order
    (
        "--mode global --replicas 2 --replicas-max-per-node 2 --max-concurrent 2",
        "replicas can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode global --replicas-max-per-node 2 --max-concurrent 2",
        "replicas-max-per-node can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode global --replicas-max-per-node 0 --max-concurrent 2",
        "max-concurrent can only be used with replicated-job mode",
    ),
    ("--max-concurrent 2", "max-concurrent can only be used with replicated-job mode"),
    (
        "--mode replicated --max-concurrent 0",
        "max-concurrent can only be used with replicated-job mode",
    ),
    (
        "--mode global-job --replicas 2 --max-concurrent 2 --replicas-max-per-node 1",
        "replicas-max-per-node can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode global-job --replicas 2 --max-concurrent 2",
        "max-concurrent can only be used with replicated-job mode",
    ),
    (
        "--mode global-job --replicas 2",
        "replicas can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode global-job --replicas 0",
        "replicas can only be used with replicated or replicated-job mode",
    ),
    (
        "--mode Replicated-Job --max-concurrent 2",
        "Unknown mode: Replicated-Job, only replicated and global supported",
    ),
    # then any update or rollback flag: docker would send a config
    (
        "--mode replicated-job --update-parallelism 2",
        "update and rollback configuration is not supported for jobs",
    ),
    (
        "--mode replicated-job --update-monitor 0s",
        "update and rollback configuration is not supported for jobs",
    ),
    (
        "--mode global-job --rollback-order start-first",
        "update and rollback configuration is not supported for jobs",
    ),
    (
        "--mode global-job --rollback-max-failure-ratio 0",
        "update and rollback configuration is not supported for jobs",
    ),
    # a CLI-side error comes before the daemon's conversion
    (
        "--mode replicated-job --update-failure-action explode",
        "update and rollback configuration is not supported for jobs",
    ),
    (
        "--mode global-job --replicas 1 --update-delay 1s",
        "replicas can only be used with replicated or replicated-job mode",
    ),
]


@pytest.mark.parametrize(("args", "error"), CREATE_ERRORS)
def test_create_errors_change_nothing(swarm: Swarm, args: str, error: str) -> None:
    before = snapshot(swarm)
    assert run(swarm, f"docker service create {args} job:1") == ("", error + "\n", 1)
    assert snapshot(swarm) == before


def test_max_concurrent_is_an_unsigned_integer(swarm: Swarm) -> None:
    assert run(swarm, "docker service create --mode replicated-job --max-concurrent -1 x") == (
        "",
        'invalid argument "-1" for "--max-concurrent" flag: strconv.ParseUint: parsing "-1": '
        "invalid syntax\n",
        125,
    )
    assert not swarm.ctx.store.services


@pytest.mark.parametrize("command", ["create", "update"])
def test_help_lists_max_concurrent_as_docker_does(swarm: Swarm, command: str) -> None:
    out, err, code = run(swarm, f"docker service {command} --help")
    assert (err, code) == ("", 0)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if "--max-concurrent" in line)
    column = " " * 43
    assert lines[start - 1].lstrip().startswith("--log-opt list ")
    assert lines[start : start + 3] == [
        "      --max-concurrent uint                Number of job tasks to run",
        f"{column}concurrently (default equal to",
        f"{column}--replicas)",
    ]
    assert "(not simulated)" not in "".join(lines[start : start + 3])


# ------------------------------------------------------------------------------ update


def test_update_refuses_an_update_config_on_a_job(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job job:1")
    run(swarm, "docker service create -d --name g --mode global-job job:1")
    before = snapshot(swarm)
    for line in (
        "docker service update --update-parallelism 2 j",
        "docker service update -d --update-order start-first g",
        "docker service update --update-monitor 1s --rollback-delay 1s j",
    ):
        assert run(swarm, line) == ("", UPDATE_CONFIG_REFUSED, 1), line
    # the daemon's conversion of a word it does not know comes first
    assert run(swarm, "docker service update --update-failure-action explode j") == (
        "",
        "Error response from daemon: unrecognized update failure action explode\n",
        1,
    )
    assert snapshot(swarm) == before


def test_update_takes_a_rollback_config_on_a_job(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job job:1")
    assert run(swarm, "docker service update -d --rollback-parallelism 3 j") == ("j\n", "", 0)
    service = get_service(swarm.ctx, "j")
    assert (service.spec.rollback.parallelism, service.job_iteration) == (3, 1)
    out, _, _ = run(swarm, "docker service inspect --format '{{json .Spec.RollbackConfig}}' j")
    assert json.loads(out) == {
        "Parallelism": 3,
        "FailureAction": "pause",
        "Monitor": 5000000000,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    }


def test_update_replicas_and_max_concurrent_of_a_job(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --replicas 4 job:1")
    before = snapshot(swarm)
    # updateReplicas knows replicated services only
    assert run(swarm, "docker service update --replicas 3 j") == (
        "",
        "replicas can only be used with replicated mode\n",
        1,
    )
    assert snapshot(swarm) == before
    # docker's updateService never reads --max-concurrent: the job just runs again
    assert run(swarm, "docker service update -d --max-concurrent 2 j") == ("j\n", "", 0)
    service = get_service(swarm.ctx, "j")
    assert (service.spec.replicas, service.spec.max_concurrent, service.job_iteration) == (4, 4, 1)


# ------------------------------------------------------------------------------- scale


def test_scale_sets_a_replicated_jobs_total_and_refuses_a_global_job(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --max-concurrent 2 job:1")
    run(swarm, "docker service create -d --name g --mode global-job job:1")
    assert run(swarm, "docker service scale -d j=5") == ("j scaled to 5\n", "", 0)
    service = get_service(swarm.ctx, "j")
    assert (service.spec.replicas, service.spec.max_concurrent, service.job_iteration) == (5, 2, 1)
    before = snapshot(swarm)
    assert run(swarm, "docker service scale -d g=2") == (
        "",
        "g: scale can only be used with replicated or replicated-job mode\n",
        1,
    )
    assert snapshot(swarm) == before


def test_scale_follows_the_new_execution(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --replicas 2 job:1")
    swarm.advance(30)
    assert run(swarm, "docker service scale j=3") == (
        "j scaled to 3\n"
        f"job progress: 3 out of 3 complete {FULL}\n"
        "active tasks: 0 out of 0 tasks \n"
        f"1/3: {COMPLETE}\n2/3: {COMPLETE}\n3/3: {COMPLETE}\n"
        "job complete\n",
        "",
        0,
    )


# ---------------------------------------------------------------------------------- ls


def _ls(swarm: Swarm) -> str:
    return swarm.docker("docker service ls --format '{{.Name}}|{{.Mode}}|{{.Replicas}}'").stdout


def test_ls_shows_the_jobs_completions(swarm: Swarm) -> None:
    run(
        swarm,
        "docker service create -d --name j --mode replicated-job --replicas 3 --max-concurrent 2 "
        "--replicas-max-per-node 2 job:1",
    )
    run(swarm, "docker service create -d --name g --mode global-job job:1")
    run(swarm, "docker service create -d --name web --replicas 2 --replicas-max-per-node 1 nginx")
    # no task yet; jobs never show the per-node maximum
    assert _ls(swarm) == (
        "g|global job|0/0 (0/0 completed)\n"
        "j|replicated job|0/2 (0/3 completed)\n"
        "web|replicated|0/2 (max 1 per node)\n"
    )
    swarm.advance(5)  # every job task runs
    assert _ls(swarm) == (
        "g|global job|3/3 (0/3 completed)\n"
        "j|replicated job|2/2 (0/3 completed)\n"
        "web|replicated|2/2 (max 1 per node)\n"
    )
    swarm.advance(10)  # the first ones are done, the third replicated task runs
    assert _ls(swarm).splitlines()[:2] == [
        "g|global job|0/0 (3/3 completed)",
        "j|replicated job|1/2 (2/3 completed)",
    ]
    swarm.advance(15)
    services = {s.spec.name: s for s in swarm.ctx.store.services.values()}
    assert run(swarm, "docker service ls") == (
        "ID             NAME      MODE             REPLICAS               IMAGE     PORTS\n"
        f"{services['g'].id[:12]}   g         global job       0/0 (3/3 completed)    "
        "job:1     \n"
        f"{services['j'].id[:12]}   j         replicated job   0/2 (3/3 completed)    "
        "job:1     \n"
        f"{services['web'].id[:12]}   web       replicated       2/2 (max 1 per node)   "
        "nginx     \n",
        "",
        0,
    )


def test_ls_counts_the_current_execution_only(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --replicas 2 job:1")
    swarm.advance(30)
    assert _ls(swarm) == "j|replicated job|0/2 (2/2 completed)\n"
    run(swarm, "docker service update -d --force j")
    assert _ls(swarm) == "j|replicated job|0/2 (0/2 completed)\n"


@pytest.mark.parametrize(
    ("mode", "names"),
    [
        ("replicated-job", "j\n"),
        ("global-job", "g\n"),
        ("replicated", "web\n"),
        ("global", ""),
        ("replicated job", ""),  # the column's words are not the filter's
    ],
)
def test_ls_filters_on_the_mode(swarm: Swarm, mode: str, names: str) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job job:1")
    run(swarm, "docker service create -d --name g --mode global-job job:1")
    run(swarm, "docker service create -d --name web nginx")
    result = swarm.docker(f"docker service ls --filter 'mode={mode}' --format '{{{{.Name}}}}'")
    assert (result.stdout, result.stderr, result.exit_code) == (names, "", 0)


# ---------------------------------------------------------------------------------- ps


def test_ps_shows_completed_tasks(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --replicas 2 job:1")
    swarm.advance(30)
    tasks = sorted(swarm.ctx.store.tasks_of_service(get_service(swarm.ctx, "j").id), key=str)
    assert [t.state for t in tasks] == [TaskState.COMPLETE] * 2
    assert [t.desired_state for t in tasks] == [TaskState.COMPLETE] * 2
    by_slot = {t.slot: t for t in tasks}
    assert sorted(by_slot) == [0, 1]  # a replicated job's slots start at 0
    first, second = by_slot[0], by_slot[1]
    nodes = swarm.ctx.store.nodes
    rows = []
    # docker names a task of slot 0 after its node
    for name, task in sorted(((f"j.{first.node_id}", first), ("j.1", second))):
        ago = human_duration(swarm.now - task.status.timestamp).lower()
        rows.append((name, nodes[task.node_id].hostname, f"Complete {ago} ago"))
    out, err, code = run(
        swarm,
        "docker service ps --format '{{.Name}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}' j",
    )
    assert (err, code) == ("", 0)
    assert out == "".join(f"{name}|{node}|Complete|{state}\n" for name, node, state in rows)


# ----------------------------------------------------------------------------- inspect


def test_inspect_json_of_a_replicated_job(swarm: Swarm) -> None:
    run(
        swarm,
        "docker service create -d --name j --mode replicated-job --replicas 3 "
        "--max-concurrent 2 job:1",
    )
    swarm.advance(7)
    out, err, code = run(swarm, "docker service inspect j")
    assert (err, code) == ("", 0)
    service = json.loads(out)[0]
    assert service["Spec"]["Mode"] == {"ReplicatedJob": {"MaxConcurrent": 2, "TotalCompletions": 3}}
    # InsertDefaults fills in the configs a job never has
    defaults = {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5000000000,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    }
    assert service["Spec"]["UpdateConfig"] == service["Spec"]["RollbackConfig"] == defaults
    # the first execution's JobIteration.Index is 0, which Go leaves out
    assert service["JobStatus"] == {"JobIteration": {}, "LastExecution": rfc3339nano(0.0)}
    assert list(service) == [
        "ID",
        "Version",
        "CreatedAt",
        "UpdatedAt",
        "Spec",
        "Endpoint",
        "JobStatus",
    ]
    run(swarm, "docker service update -d --force j")
    service = json.loads(run(swarm, "docker service inspect j")[0])[0]
    assert service["JobStatus"] == {"JobIteration": {"Index": 1}, "LastExecution": rfc3339nano(7.0)}
    assert service["PreviousSpec"]["Mode"] == service["Spec"]["Mode"]


def test_inspect_json_of_a_global_job_and_of_a_service(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name g --mode global-job job:1")
    run(swarm, "docker service create -d --name web nginx")
    out, _, _ = run(swarm, "docker service inspect --format '{{json .Spec.Mode}}' g web")
    assert out == '{"GlobalJob":{}}\n{"Replicated":{"Replicas":1}}\n'
    services = json.loads(run(swarm, "docker service inspect g web")[0])
    assert ["JobStatus" in s for s in services] == [True, False]


def test_inspect_pretty_names_no_mode_for_a_job(swarm: Swarm) -> None:
    run(swarm, "docker service create -d --name j --mode replicated-job --replicas 3 job:1")
    service = get_service(swarm.ctx, "j")
    config = (
        " Parallelism:\t1\n On failure:\tpause\n Monitoring Period: 5s\n Max failure ratio: 0\n"
    )
    assert run(swarm, "docker service inspect --pretty j") == (
        "\n"
        f"ID:\t\t{service.id}\n"
        "Name:\t\tj\n"
        "Service Mode:\n"
        "Placement:\n"
        f"UpdateConfig:\n{config} Update order:      stop-first\n"
        f"RollbackConfig:\n{config} Rollback order:    stop-first\n"
        "ContainerSpec:\n"
        " Image:\t\tjob:1\n"
        " Init:\t\tfalse\n"
        "Resources:\n"
        "Endpoint Mode:\tvip\n"
        "\n",
        "",
        0,
    )


# ---------------------------------------------------------------------------- progress


def test_create_follows_a_replicated_job_until_it_is_complete(swarm: Swarm) -> None:
    out, err, code = run(
        swarm,
        "docker service create --name j --mode replicated-job --replicas 3 "
        "--max-concurrent 2 job:1",
    )
    service = get_service(swarm.ctx, "j")
    assert (out, err, code) == (
        f"{service.id}\n"
        f"job progress: 3 out of 3 complete {FULL}\n"
        "active tasks: 0 out of 0 tasks \n"
        f"1/3: {COMPLETE}\n2/3: {COMPLETE}\n3/3: {COMPLETE}\n"
        "job complete\n",
        "",
        0,
    )
    # no verification period: the command ends as the last task completes
    last = max(t.status.timestamp for t in swarm.ctx.store.tasks_of_service(service.id))
    assert last <= swarm.now < last + 0.2 + 1e-9


def test_create_follows_a_global_job_node_by_node(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker service create --name g --mode global-job job:1")
    service = get_service(swarm.ctx, "g")
    # a global job's lines carry the whole node ID
    nodes = "".join(f"{node}: {COMPLETE}\n" for node in node_ids(swarm))
    assert (out, err, code) == (
        f"{service.id}\njob progress: 3 out of 3 complete {FULL}\n{nodes}job complete\n",
        "",
        0,
    )


def test_a_job_that_never_completes_shows_its_running_tasks(swarm: Swarm) -> None:
    out, err, code = run(
        swarm,
        "docker service create --name j --mode replicated-job --replicas 3 "
        "--max-concurrent 2 nginx",
    )
    service = get_service(swarm.ctx, "j")
    assert (out, err, code) == (
        f"{service.id}\n"
        f"job progress: 0 out of 3 complete {EMPTY}\n"
        "active tasks: 2 out of 2 tasks \n"
        f"1/3: {RUNNING_JOB}\n2/3: {RUNNING_JOB}\n"
        "3/3:   \n"  # the slot that never started keeps its blank line
        "Operation continuing in background.\n"
        f"Use `docker service ps {service.id}` to check progress.\n",
        "",
        0,
    )


def test_failed_job_tasks_show_their_error(swarm: Swarm) -> None:
    out, _, code = run(
        swarm,
        "docker service create --name j --mode replicated-job --replicas 2 "
        "--restart-condition none bad:1",
    )
    assert code == 0
    assert out.splitlines()[1:5] == [
        f"job progress: 0 out of 2 complete {EMPTY}",
        "active tasks: 0 out of 2 tasks ",
        "1/2: task: non-zero exit (1) ",
        "2/2: task: non-zero exit (1) ",
    ]


@pytest.mark.parametrize(
    ("concurrent", "active"), [(9, "0 out of 0 tasks"), (10, " 0 out of  0 tasks")]
)
def test_a_big_job_has_no_task_lines_and_pads_its_counts(
    swarm: Swarm, concurrent: int, active: str
) -> None:
    line = (
        f"docker service create --mode replicated-job --replicas 21 --max-concurrent {concurrent}"
    )
    out, _, _ = run(swarm, f"{line} job:1")
    assert out.splitlines()[1:] == [
        f"job progress: 21 out of 21 complete {FULL}",
        f"active tasks: {active} ",
        "job complete",
    ]


def test_quiet_waits_without_printing(swarm: Swarm) -> None:
    out, _, _ = run(swarm, "docker service create -q --name j --mode replicated-job job:1")
    assert out == f"{get_service(swarm.ctx, 'j').id}\n"
    assert [t.state for t in swarm.ctx.store.tasks_of_service(get_service(swarm.ctx, "j").id)] == [
        TaskState.COMPLETE
    ]


# ------------------------------------------------------------------------------ updaters


def _job_task(
    slot: int, state: TaskState, iteration: int | None = 0, node: str = "n1", err: str = ""
) -> Task:
    return Task(
        id=f"t{slot}{node}{state.value}{iteration}",
        service_id="s",
        service_name="j",
        slot=slot,
        spec=TaskSpec(ContainerSpec("job:1")),
        spec_version=0,
        desired_state=TaskState.COMPLETE,
        node_id=node,
        status=TaskStatus(state, 0.0, err=err),
        job_iteration=iteration,
    )


def _job(swarm: Swarm, line: str) -> Service:
    run(swarm, line)
    return next(iter(swarm.ctx.store.services.values()))


def test_replicated_job_updater_keeps_the_lowest_state_of_the_current_execution(
    swarm: Swarm,
) -> None:
    service = _job(
        swarm, "docker service create -d --mode replicated-job --replicas 3 --max-concurrent 2 x"
    )
    screen = Screen()
    updater = _ReplicatedJob(screen, service)
    tasks = [
        _job_task(0, TaskState.COMPLETE),
        _job_task(0, TaskState.FAILED, err="task: non-zero exit (1)"),  # higher state: loses
        _job_task(1, TaskState.STARTING),
        _job_task(1, TaskState.COMPLETE, iteration=None),  # not a job task: ignored
        _job_task(2, TaskState.COMPLETE, iteration=1),  # another execution: ignored
    ]
    assert not updater.update(service, tasks, set(), False)
    assert screen.render() == (
        f"job progress: 1 out of 3 complete [================>{' ' * 34}] \n"
        "active tasks: 1 out of 2 tasks \n"
        f"1/3: {COMPLETE}\n"
        "2/3: starting  [" + "=" * 40 + ">" + " " * 10 + "] \n"
        "3/3:   \n"
    )
    tasks += [_job_task(2, TaskState.COMPLETE), _job_task(1, TaskState.COMPLETE)]
    tasks.remove(tasks[2])
    assert updater.update(service, tasks, set(), False)
    assert screen.render().splitlines()[:2] == [
        f"job progress: 3 out of 3 complete {FULL}",
        "active tasks: 0 out of 0 tasks ",
    ]


def test_replicated_job_updater_reads_a_missing_slot_as_gos_zero_task(swarm: Swarm) -> None:
    service = _job(swarm, "docker service create -d --mode replicated-job --replicas 3 x")
    screen = Screen()
    updater = _ReplicatedJob(screen, service)
    # slots 0 and 2: docker walks its map at 0 and 1, and slot 1 is missing
    tasks = [_job_task(0, TaskState.COMPLETE), _job_task(2, TaskState.RUNNING)]
    assert not updater.update(service, tasks, set(), False)
    assert screen.render() == (
        f"job progress: 1 out of 3 complete [================>{' ' * 34}] \n"
        "active tasks: 1 out of 2 tasks \n"
        f"1/3:           {EMPTY}\n"  # the zero task overwrote slot 0's line
        "2/3:   \n"
        "3/3:   \n"
    )


def test_global_job_updater_waits_then_follows_the_first_nodes(swarm: Swarm) -> None:
    service = _job(swarm, "docker service create -d --mode global-job x")
    screen = Screen()
    updater = _GlobalJob(screen, {"n1": 0, "n2": 1, "n3": 2})
    assert not updater.update(service, [], {"n1"}, False)
    assert screen.render() == "job progress: waiting for tasks \n"
    first = [_job_task(0, TaskState.RUNNING, node="n2"), _job_task(0, TaskState.PENDING, node="n1")]
    assert not updater.update(service, first, {"n1"}, False)
    later = [
        _job_task(0, TaskState.COMPLETE, node="n2"),
        _job_task(0, TaskState.FAILED, node="n1", err="task: non-zero exit (1)"),
        _job_task(0, TaskState.RUNNING, node="n1"),  # lower state wins
        _job_task(0, TaskState.RUNNING, node="n3"),  # a node that came later: ignored
    ]
    assert not updater.update(service, later, {"n1"}, False)
    assert screen.render() == (
        f"job progress: 1 out of 2 complete [=========================>{' ' * 25}] \n"
        f"n1: {RUNNING_JOB}\n"  # in node order
        f"n2: {COMPLETE}\n"
    )
    done = [_job_task(0, TaskState.COMPLETE, node=n) for n in ("n1", "n2")]
    assert updater.update(service, done, {"n1"}, False)


def test_global_job_updater_without_nodes_is_done_at_once(swarm: Swarm) -> None:
    service = _job(swarm, "docker service create -d --mode global-job x")
    screen = Screen()
    assert _GlobalJob(screen, {}).update(service, [], set(), False)
    assert screen.render() == "job progress: 0 out of 0 complete \n"


def test_screen_progress_bars() -> None:
    screen = Screen()
    screen.progress("a", "no total", 3, 0)
    screen.progress("b", "half", 1, 2)
    screen.progress("c", "over", 12, 10)
    screen.bar("d", TaskState.COMPLETE, 10)
    screen.bar("e", None, 10)
    assert screen.render() == (
        "a: no total \n"
        f"b: half [{'=' * 25}>{' ' * 25}] \n"
        f"c: over {FULL}\n"
        f"d: {COMPLETE}\n"
        f"e:           {EMPTY}\n"
    )


def test_inspect_templates_see_the_job_fields_as_docker_types_them(swarm: Swarm) -> None:
    """``JobStatus`` is a pointer (``<nil>`` for a service), its iteration's ``Index`` an
    omitted zero on the first execution, ``LastExecution`` a ``time.Time``."""
    run(swarm, "docker service create -d --name job --mode replicated-job --replicas 3 job:1")
    run(swarm, "docker service create -d --name web nginx")
    cases = {
        "{{.JobStatus.JobIteration.Index}} {{.JobStatus.LastExecution}}": (
            "0 2026-01-01 00:00:00 +0000 UTC\n"
        ),
        "{{.Spec.Mode.ReplicatedJob.TotalCompletions}} {{.Spec.Mode.GlobalJob}}": "3 <nil>\n",
        "{{json .JobStatus}}": '{"JobIteration":{},"LastExecution":"2026-01-01T00:00:00Z"}\n',
    }
    for template, expected in cases.items():
        assert run(swarm, f"docker service inspect -f '{template}' job") == (expected, "", 0)
    assert run(swarm, "docker service inspect -f '{{.JobStatus}}' web") == ("<nil>\n", "", 0)
    run(swarm, "docker service update -d --force job")
    index = "docker service inspect -f '{{.JobStatus.JobIteration.Index}}' job"
    assert run(swarm, index) == ("1\n", "", 0)


def test_updating_a_global_job_without_detach_follows_the_new_execution(swarm: Swarm) -> None:
    """The first look comes after the jobs orchestrator made the execution's tasks."""
    run(swarm, "docker service create -d --name agent --mode global-job job:1")
    swarm.advance(20)
    started = swarm.now
    stdout, stderr, code = run(swarm, "docker service update agent")
    assert (stderr, code) == ("", 0)
    assert stdout.splitlines()[:2] == ["agent", f"job progress: 3 out of 3 complete {FULL}"]
    assert stdout.endswith("job complete\n")
    assert swarm.now - started >= 10  # it waited for the containers' 10 s of work
