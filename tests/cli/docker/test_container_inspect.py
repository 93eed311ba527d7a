"""``docker container inspect`` on the machine the CLI runs on."""

from __future__ import annotations

import json

import pytest
from container_helpers import cid, machine_with_two_services, slot, task_id

from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return machine_with_two_services()


def test_inspect_prints_the_modelled_fields(swarm: Swarm) -> None:
    job = task_id(swarm, "job")
    full = cid(swarm, "job")
    result = swarm.docker(f"docker container inspect job.1.{job}")
    assert result.exit_code == 0
    (doc,) = json.loads(result.stdout)
    assert doc == {
        "Id": full,
        "Created": "2026-01-01T00:00:00.051Z",
        "Path": "sh",
        "Args": ["-c", "exit 3"],
        "State": {
            "Status": "exited",
            "Running": False,
            "Paused": False,
            "Restarting": False,
            "OOMKilled": False,
            "Dead": False,
            "ExitCode": 3,
            "Error": "",
            "StartedAt": "2026-01-01T00:00:00.051Z",
            "FinishedAt": "2026-01-01T00:00:05.051Z",
        },
        "Image": "bad:1",
        "Name": f"/job.1.{job}",
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "Config": {
            "Hostname": full[:12],
            "User": "",
            "Env": None,
            "Cmd": ["sh", "-c", "exit 3"],
            "Image": "bad:1",
            "WorkingDir": "",
            "Entrypoint": None,
            "Labels": {
                "com.docker.swarm.node.id": swarm.node("manager1").id,
                "com.docker.swarm.service.id": swarm.ctx.store.tasks[job].service_id,
                "com.docker.swarm.service.name": "job",
                "com.docker.swarm.task": "",
                "com.docker.swarm.task.id": job,
                "com.docker.swarm.task.name": f"job.1.{job}",
            },
        },
    }


def test_inspect_by_id_prefix_and_format_then_errors(swarm: Swarm) -> None:
    full = cid(swarm, "job")
    result = swarm.docker(
        f"docker container inspect --format '{{{{.State.Status}}}} {{{{.State.ExitCode}}}}' "
        f"{full[:8]} nosuch"
    )
    assert result.stdout == "exited 3\n"
    assert result.stderr == "Error response from daemon: No such container: nosuch\n"
    assert result.exit_code == 1


def test_inspect_a_container_of_another_machine_is_not_found(swarm: Swarm) -> None:
    web = task_id(swarm, "web", "worker1")
    result = swarm.docker(f"docker container inspect web.{slot(swarm, web)}.{web}")
    assert result.exit_code == 1
    assert result.stdout == "[]\n"
