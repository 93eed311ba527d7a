"""``docker ps`` / ``docker container ls | inspect`` on the machine the CLI runs on."""

from __future__ import annotations

import json

import pytest
from container_helpers import cid, machine_with_two_services, slot, task_id

from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return machine_with_two_services()


_PS_HEADER = (
    "CONTAINER ID   IMAGE          COMMAND   CREATED              STATUS              "
    "PORTS                                     NAMES\n"
)


def test_ps_lists_the_running_containers_of_this_machine_only(swarm: Swarm) -> None:
    web = task_id(swarm, "web")
    result = swarm.docker("docker ps")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == _PS_HEADER + (
        f'{cid(swarm, "web")[:12]}   nginx:alpine   ""        About a minute ago   '
        "Up About a minute   0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   "
        f"web.{slot(swarm, web)}.{web}\n"
    )
    assert swarm.docker("docker container ls").stdout == result.stdout
    assert swarm.docker("docker container list").stdout == result.stdout
    assert swarm.docker("docker container ps").stdout == result.stdout


def test_ps_all_adds_stopped_containers_newest_first(swarm: Swarm) -> None:
    web, job = task_id(swarm, "web"), task_id(swarm, "job")
    result = swarm.docker("docker ps -a --no-trunc")
    assert result.stdout == (
        "CONTAINER ID                                                       IMAGE          "
        "COMMAND          CREATED              STATUS                          "
        "PORTS                                     NAMES\n"
        f'{cid(swarm, "web")}   nginx:alpine   ""               About a minute ago   '
        "Up About a minute               0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   "
        f"web.{slot(swarm, web)}.{web}\n"
        f'{cid(swarm, "job")}   bad:1          "sh -c exit 3"   About a minute ago   '
        "Exited (3) About a minute ago                                             "
        f"job.1.{job}\n"
    )


def test_ps_on_another_machine_lists_that_machine(swarm: Swarm) -> None:
    swarm.current_node_id = swarm.node("worker1").id
    web = task_id(swarm, "web", "worker1")
    result = swarm.docker("docker ps -a --format '{{.Names}} {{.Status}}'")
    assert result.stdout == f"web.{slot(swarm, web)}.{web} Up About a minute\n"


def test_ps_of_a_failed_machine_cannot_connect(swarm: Swarm) -> None:
    swarm.crash_node("manager1")
    result = swarm.docker("docker ps")
    assert result.exit_code == 1
    assert result.stderr.startswith("Cannot connect to the Docker daemon")


@pytest.mark.parametrize(
    ("flags", "services"),
    [
        ("-a -f status=exited", ["job"]),
        ("-f status=exited", ["job"]),  # a status filter shows every state
        ("-f status=running -f status=exited", ["web", "job"]),
        ("-a -f exited=3", ["job"]),
        ("-a -f exited=0", []),
        ("-a -f name=^/job", ["job"]),
        ("-a -f name=web", ["web"]),
        ("-a -f label=com.docker.swarm.service.name=web", ["web"]),
        ("-a -f label=com.docker.swarm.task", ["web", "job"]),
        ("-a -f label=nope", []),
        ("-a -f is-task=true", ["web", "job"]),
        ("-a -f is-task=false", []),
        ("-n 1", ["web"]),
        ("-l", ["web"]),
        ("-n 5", ["web", "job"]),  # a limit shows every state
    ],
)
def test_ps_filters_and_limits(swarm: Swarm, flags: str, services: list[str]) -> None:
    result = swarm.docker(
        f"docker ps {flags} --format '{{{{.Label \"com.docker.swarm.service.name\"}}}}'"
    )
    assert result.exit_code == 0
    assert result.stdout.split() == services


def test_ps_id_filter_is_a_regular_expression_as_in_the_daemon(swarm: Swarm) -> None:
    full = cid(swarm, "job")
    result = swarm.docker(f"docker ps -a -q --no-trunc -f id=^{full[:6]}")
    assert result.stdout == f"{full}\n"


def test_ps_quiet_ignores_a_custom_format_with_docker_warning(swarm: Swarm) -> None:
    result = swarm.docker("docker ps -q --format '{{.Names}}'")
    assert result.stdout == f"{cid(swarm, 'web')[:12]}\n"
    assert result.stderr == (
        "WARNING: Ignoring custom format, because both --format and --quiet are set.\n"
    )


def test_ps_size_table_and_custom_table(swarm: Swarm) -> None:
    sized = swarm.docker("docker ps -s").stdout.splitlines()
    assert sized[0].endswith("NAMES                             SIZE")
    assert sized[1].endswith("   0B")
    web = task_id(swarm, "web")
    table = swarm.docker("docker ps --format 'table {{.Names}}\\t{{.State}}'")
    assert table.stdout == (
        f"NAMES                             STATE\nweb.{slot(swarm, web)}.{web}   running\n"
    )


def test_ps_json_has_docker_keys(swarm: Swarm) -> None:
    web = task_id(swarm, "web")
    row = json.loads(swarm.docker("docker ps --format json").stdout)
    assert row == {
        "Command": '""',
        "CreatedAt": "2026-01-01 00:00:02 +0000 UTC",
        "HealthStatus": "",
        "ID": cid(swarm, "web")[:12],
        "Image": "nginx:alpine",
        "Labels": (
            f"com.docker.swarm.node.id={swarm.node('manager1').id},"
            f"com.docker.swarm.service.id={swarm.ctx.store.tasks[web].service_id},"
            "com.docker.swarm.service.name=web,"
            f"com.docker.swarm.task.id={web},"
            f"com.docker.swarm.task.name=web.{slot(swarm, web)}.{web},"
            "com.docker.swarm.task="
        ),
        "LocalVolumes": "0",
        "Mounts": "",
        "Names": f"web.{slot(swarm, web)}.{web}",
        "Networks": "",
        "Platform": None,
        "Ports": "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
        "RunningFor": "About a minute ago",
        "Size": "0B",
        "State": "running",
        "Status": "Up About a minute",
    }


def test_ps_raw_format(swarm: Swarm) -> None:
    result = swarm.docker("docker ps -a -f exited=3 --format raw")
    job = task_id(swarm, "job")
    assert result.stdout.splitlines()[:6] == [
        f"container_id: {cid(swarm, 'job')[:12]}",
        "image: bad:1",
        'command: "sh -c exit 3"',
        "created_at: 2026-01-01 00:00:00 +0000 UTC",
        "state: exited",
        "status: Exited (3) About a minute ago",
    ]
    assert f"names: job.1.{job}\n" in result.stdout


def test_stopped_container_is_removed_with_itstask_id(swarm: Swarm) -> None:
    assert swarm.docker("docker service rm job").ok
    swarm.advance(5)
    assert swarm.docker("docker ps -a --format '{{.Names}}'").stdout.startswith("web.")
    assert "job" not in swarm.docker("docker ps -a").stdout


def test_a_replaced_task_keeps_its_stopped_container_until_reaped() -> None:
    swarm = Swarm(seed=4, managers=1, workers=0)
    for version in (1, 2, 3, 4):
        swarm.images.set(f"app:{version}", stop=20.0)  # past the 10 s grace period: killed
    assert swarm.docker("docker swarm update --task-history-limit 2").ok
    assert swarm.docker("docker service create --name app -d app:1").ok
    swarm.advance(10)
    for version in (2, 3, 4):
        assert swarm.docker(f"docker service update -d --image app:{version} app").ok
        swarm.advance(30)
    statuses = swarm.docker("docker ps -a --format '{{.Image}} {{.Status}}'").stdout
    # history limit 2: app:1 and app:2 were reaped, and their containers removed
    assert statuses == "app:4 Up 19 seconds\napp:3 Exited (137) 19 seconds ago\n"


@pytest.mark.parametrize(
    ("line", "code", "error"),
    [
        (
            "docker ps -f status=rubbish",
            1,
            "Error response from daemon: invalid filter 'status=rubbish'",
        ),
        ("docker ps -f bogus=1", 1, "Error response from daemon: invalid filter 'bogus'"),
        (
            "docker ps -f exited=x",
            1,
            'Error response from daemon: strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            "docker ps -f is-task=maybe",
            1,
            "Error response from daemon: invalid filter 'is-task=maybe'",
        ),
        (
            "docker ps -f ancestor=nginx",
            1,
            "docker ps --filter ancestor: not simulated by swarmsim",
        ),
        (
            "docker ps -f nameweb",
            125,
            'invalid argument "nameweb" for "-f, --filter" flag: '
            "bad format of filter (expected name=value)",
        ),
        (
            "docker ps --format '{{.ID'",
            1,
            "failed to parse template: template: :1: unclosed action",
        ),
        (
            "docker ps --last x",
            125,
            'invalid argument "x" for "-n, --last" flag: '
            'strconv.ParseInt: parsing "x": invalid syntax',
        ),
        ("docker ps web", 1, "docker: 'docker ps' accepts no arguments"),
        ("docker container ls --bogus", 125, "unknown flag: --bogus"),
        (
            "docker container inspect",
            1,
            "docker: 'docker container inspect' requires at least 1 argument",
        ),
    ],
)
def test_bad_input_gives_docker_errors(swarm: Swarm, line: str, code: int, error: str) -> None:
    result = swarm.docker(line)
    assert (result.stdout, result.stderr, result.exit_code) == ("", error + "\n", code)


def test_a_global_task_container_is_named_by_node() -> None:
    swarm = Swarm(seed=6, managers=1, workers=1)
    swarm.images.set("agent:1", logs=["up"])
    assert swarm.docker("docker service create -d --mode global --name mon agent:1").ok
    swarm.advance(10)
    node = swarm.node("manager1").id
    (task,) = [t for t in swarm.ctx.store.tasks.values() if t.node_id == node]
    names = swarm.docker("docker ps --format '{{.Names}}'").stdout
    assert names == f"mon.{node}.{task.id}\n"
    # docker service logs prints the task's slot, which is 0 for a global task
    logs = swarm.docker(f"docker service logs {task.id}").stdout
    assert logs == f"mon.0.{task.id[:12]}@manager1    | up\n"


def test_a_health_checked_container_shows_its_health() -> None:
    swarm = Swarm(seed=6, managers=1, workers=0)
    swarm.images.set("app:1", healthy_after=12.0, pull=0.0, create=0.0, start=0.0)
    line = "docker service create -d --name app --health-cmd true --health-interval 5s app:1"
    assert swarm.docker(line).ok
    fmt = "docker ps --format '{{.Status}}|{{.HealthStatus}}'"
    swarm.advance(8)
    assert swarm.docker(fmt).stdout == "Up 7 seconds (health: starting)|starting\n"
    swarm.advance(22)
    assert swarm.docker(fmt).stdout == "Up 29 seconds (healthy)|healthy\n"


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("docker ps", "docker ps"),
        ("docker container ls", "docker container ls"),
        ("docker container list", "docker container ls"),
    ],
)
def test_help_shows_dockers_aliases_line(swarm: Swarm, command: str, usage: str) -> None:
    out = swarm.docker(f"{command} --help").stdout
    assert out.startswith(
        f"\nUsage:  {usage} [OPTIONS]\n\nList containers\n\nAliases:\n"
        "  docker container ls, docker container list, docker container ps, docker ps\n"
    )
