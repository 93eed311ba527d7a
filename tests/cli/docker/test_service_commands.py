"""``docker service ls | ps | inspect | scale | rm``: the class-notes flow and exact output."""

from __future__ import annotations

import json

import pytest

from swarmsim.api import TaskState
from swarmsim.cli.humanize import human_duration
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm

DONE = "running   [" + "=" * 50 + ">] "


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def ago(swarm: Swarm, timestamp: float) -> str:
    return human_duration(swarm.now - timestamp).lower() + " ago"


def test_class_notes_flow() -> None:
    """docker service create / ps / inspect --pretty / scale / rm, as in the class notes."""
    swarm = Swarm(seed=1, managers=1, workers=2)
    out, err, code = run(
        swarm, "docker service create --replicas 3 --name redis --update-delay 10s redis:3.0.6"
    )
    redis = get_service(swarm.ctx, "redis")
    assert (out, err, code) == (
        f"{redis.id}\n"
        "overall progress: 3 out of 3 tasks \n"
        f"1/3: {DONE}\n2/3: {DONE}\n3/3: {DONE}\n"
        f"verify: Service {redis.id} converged \n",
        "",
        0,
    )
    swarm.advance(20)
    tasks = sorted(swarm.ctx.store.tasks_of_service(redis.id), key=lambda t: t.slot)
    nodes = [swarm.ctx.store.nodes[t.node_id].hostname for t in tasks]
    assert sorted(nodes) == ["manager1", "worker1", "worker2"]  # spread: one per node
    states = [f"Running {ago(swarm, t.status.timestamp)}" for t in tasks]
    width = max(len(state) for state in states) + 3
    rows = "".join(
        f"{t.id[:12]}   redis.{t.slot}   redis:3.0.6   {node:<8}   Running         "
        f"{state:<{width}}{'':<10}\n"
        for t, node, state in zip(tasks, nodes, states, strict=True)
    )
    assert run(swarm, "docker service ps redis") == (
        "ID             NAME      IMAGE         NODE       DESIRED STATE   "
        f"{'CURRENT STATE':<{width}}ERROR     PORTS\n" + rows,
        "",
        0,
    )
    assert run(swarm, "docker service inspect --pretty redis") == (
        "\n"
        f"ID:\t\t{redis.id}\n"
        "Name:\t\tredis\n"
        "Service Mode:\tReplicated\n"
        " Replicas:\t3\n"
        "Placement:\n"
        "UpdateConfig:\n"
        " Parallelism:\t1\n"
        " Delay:\t\t10s\n"
        " On failure:\tpause\n"
        " Monitoring Period: 5s\n"
        " Max failure ratio: 0\n"
        " Update order:      stop-first\n"
        "RollbackConfig:\n"
        " Parallelism:\t1\n"
        " On failure:\tpause\n"
        " Monitoring Period: 5s\n"
        " Max failure ratio: 0\n"
        " Rollback order:    stop-first\n"
        "ContainerSpec:\n"
        " Image:\t\tredis:3.0.6\n"
        " Init:\t\tfalse\n"
        "Resources:\n"
        "Endpoint Mode:\tvip\n"
        "\n",
        "",
        0,
    )
    out, err, code = run(swarm, "docker service scale redis=5")
    assert (out, err, code) == (
        "redis scaled to 5\n"
        "overall progress: 5 out of 5 tasks \n"
        + "".join(f"{i}/5: {DONE}\n" for i in range(1, 6))
        + "verify: Service redis converged \n",
        "",
        0,
    )
    assert run(swarm, "docker service ls") == (
        "ID             NAME      MODE         REPLICAS   IMAGE         PORTS\n"
        f"{redis.id[:12]}   redis     replicated   5/5        redis:3.0.6   \n",
        "",
        0,
    )
    assert run(swarm, "docker service rm redis") == ("redis\n", "", 0)
    assert not swarm.ctx.store.services
    swarm.advance(30)
    assert not swarm.ctx.store.tasks


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=2)
    for line in (
        "docker service create -d --name web-10 --replicas 2 -p 8080:80 -p 8081:81 nginx:1.25",
        "docker service create -d --name web-2 --replicas-max-per-node 1 nginx@sha256:" + "a" * 64,
        "docker service create -d --name mon --mode global -l tier=ops busybox:latest",
    ):
        assert run(swarm, line)[2] == 0, line
    swarm.advance(60)
    return swarm


def test_ls(swarm: Swarm) -> None:
    web10, web2, mon = (get_service(swarm.ctx, n).id for n in ("web-10", "web-2", "mon"))
    image = f"nginx@sha256:{'a' * 64}"
    assert run(swarm, "docker service ls") == (
        f"ID             NAME      MODE         REPLICAS               {'IMAGE':<80}PORTS\n"
        f"{mon[:12]}   mon       global       3/3                    {'busybox:latest':<80}\n"
        f"{web2[:12]}   web-2     replicated   1/1 (max 1 per node)   {image:<80}\n"
        f"{web10[:12]}   web-10    replicated   2/2                    {'nginx:1.25':<80}"
        "*:8080-8081->80-81/tcp\n",
        "",
        0,
    )
    assert run(swarm, "docker service list -q") == (
        f"{mon[:12]}\n{web2[:12]}\n{web10[:12]}\n",
        "",
        0,
    )
    assert run(swarm, "docker service ls -q --filter name=web -f mode=replicated") == (
        f"{web2[:12]}\n{web10[:12]}\n",
        "",
        0,
    )
    assert run(swarm, "docker service ls -q --filter label=tier=ops")[0] == f"{mon[:12]}\n"
    assert run(swarm, f"docker service ls -q --filter id={web10[:5]}")[0] == f"{web10[:12]}\n"


def test_ls_errors(swarm: Swarm) -> None:
    assert run(swarm, "docker service ls --filter colour=red") == (
        "",
        "Error response from daemon: invalid filter 'colour'\n",
        1,
    )
    out, err, code = run(swarm, "docker service ls --filter nonsense")
    assert (out, code) == ("", 125)
    assert err.splitlines()[0] == (
        'invalid argument "nonsense" for "-f, --filter" flag: '
        "bad format of filter (expected name=value)"
    )
    out, err, code = run(swarm, "docker service ls web")
    assert (out, err.splitlines()[0], code) == (
        "",
        "docker: 'docker service ls' accepts no arguments",
        1,
    )


def test_ps_filters_history_and_several_services(swarm: Swarm) -> None:
    run(swarm, "docker service update -d --image nginx:1.26 web-10")
    swarm.advance(60)
    out, err, code = run(swarm, "docker service ps web-10")
    lines = out.splitlines()
    assert (err, code, len(lines)) == ("", 0, 5)
    assert [line.split()[1] for line in lines[1:]] == ["web-10.1", "\\_", "web-10.2", "\\_"]
    assert [line.split()[2 if "\\_" not in line else 3] for line in lines[1:]] == [
        "nginx:1.26",
        "nginx:1.25",
        "nginx:1.26",
        "nginx:1.25",
    ]
    running = run(swarm, "docker service ps -q --filter desired-state=running web-10 web-2")[0]
    ids = {
        t.id
        for t in swarm.ctx.store.tasks.values()
        if t.desired_state == TaskState.RUNNING and t.service_name in ("web-10", "web-2")
    }
    assert set(running.split()) == ids and len(ids) == 3
    shutdown = run(swarm, "docker service ps -q -f desired-state=shutdown web-10")[0]
    assert len(shutdown.split()) == 2
    worker1 = run(swarm, "docker service ps -q --filter node=worker1 mon")[0].split()
    assert [swarm.ctx.store.tasks[t].node_id for t in worker1] == [swarm.node("worker1").id]
    full = run(swarm, "docker service ps --no-trunc web-2")[0]
    assert f"nginx@sha256:{'a' * 64}" in full
    resolved = run(swarm, "docker service ps --no-resolve web-2")[0].splitlines()[1].split()
    assert resolved[1] == get_service(swarm.ctx, "web-2").id + ".1"


def test_ps_errors(swarm: Swarm) -> None:
    assert run(swarm, "docker service ps nothere") == ("", "no such service: nothere\n", 1)
    out, err, code = run(swarm, "docker service ps nothere mon")
    assert (len(out.splitlines()), err, code) == (4, "no such service: nothere\n", 1)
    assert run(swarm, "docker service ps --filter desired-state=sleeping mon") == (
        "",
        "Error response from daemon: Invalid desired-state filter: 'sleeping'\n",
        1,
    )
    assert run(swarm, "docker service ps --filter node=nowhere mon") == (
        "",
        "Error response from daemon: node nowhere not found\n",
        1,
    )


def test_inspect_json(swarm: Swarm) -> None:
    web = get_service(swarm.ctx, "web-10")
    out, err, code = run(swarm, "docker service inspect web-10")
    assert (err, code) == ("", 0)
    assert out.startswith('[\n    {\n        "ID": "') and out.endswith("\n]\n")
    (data,) = json.loads(out)
    assert (data["ID"], data["Version"], data["CreatedAt"]) == (
        web.id,
        {"Index": 1},
        "2026-01-01T00:00:00Z",
    )
    spec = data["Spec"]
    assert spec["Name"] == "web-10" and spec["Labels"] == {}
    assert spec["Mode"] == {"Replicated": {"Replicas": 2}}
    assert spec["TaskTemplate"]["ContainerSpec"] == {
        "Image": "nginx:1.25",
        "Init": False,
        "StopGracePeriod": 10_000_000_000,
        "DNSConfig": {},
        "Isolation": "default",
    }
    assert spec["TaskTemplate"]["RestartPolicy"] == {
        "Condition": "any",
        "Delay": 5_000_000_000,
        "MaxAttempts": 0,
    }
    assert spec["UpdateConfig"] == {
        "Parallelism": 1,
        "FailureAction": "pause",
        "Monitor": 5_000_000_000,
        "MaxFailureRatio": 0,
        "Order": "stop-first",
    }
    assert '"MaxFailureRatio": 0,' in out
    assert data["Endpoint"]["Ports"][0] == {
        "Protocol": "tcp",
        "TargetPort": 80,
        "PublishedPort": 8080,
        "PublishMode": "ingress",
    }
    assert "PreviousSpec" not in data and "UpdateStatus" not in data
    out, err, code = run(swarm, "docker service inspect web-10 nothere mon")
    assert (len(json.loads(out)), err, code) == (2, "Error: no such service: nothere\n", 1)
    assert run(swarm, "docker service inspect nothere") == (
        "[]\n",
        "Error: no such service: nothere\n",
        1,
    )


def test_inspect_pretty_details(swarm: Swarm) -> None:
    run(swarm, "docker service update -d --image nginx:1.26 --label-add a=b --env-add X=1 web-10")
    swarm.advance(120)
    web = get_service(swarm.ctx, "web-10")
    status = web.update_status
    assert status is not None and status.state.api_name == "completed"
    out = run(swarm, "docker service inspect --pretty web-10")[0]
    assert "Labels:\n a=b\nService Mode:\tReplicated\n Replicas:\t2\nUpdateStatus:\n" in out
    assert " State:\t\tcompleted\n Started:\t2 minutes ago\n Completed:\t" in out
    assert " Message:\tupdate completed\nPlacement:\n" in out
    assert " Image:\t\tnginx:1.26\n Env:\t\tX=1 \n Init:\t\tfalse\n" in out
    assert out.endswith(
        "Endpoint Mode:\tvip\nPorts:\n"
        " PublishedPort = 8080\n  Protocol = tcp\n  TargetPort = 80\n  PublishMode = ingress\n"
        " PublishedPort = 8081\n  Protocol = tcp\n  TargetPort = 81\n  PublishMode = ingress \n\n"
    )
    out = run(swarm, "docker service inspect --pretty web-2")[0]
    assert "Placement:\n Max Replicas Per Node:   1\nUpdateConfig:\n" in out
    both = run(swarm, "docker service inspect --pretty mon web-2")[0]
    assert both.count("\nID:\t\t") == 2 and "Service Mode:\tGlobal\nPlacement:" in both


def test_inspect_errors(swarm: Swarm) -> None:
    assert run(swarm, "docker service inspect --pretty nothere mon") == (
        "",
        "Error: no such service: nothere\n",
        1,
    )
    assert run(swarm, "docker service inspect --pretty --format x mon") == (
        "",
        "--format is incompatible with human friendly format\n",
        1,
    )
    assert run(swarm, "docker service inspect --format prettyx mon") == (
        "",
        "Cannot supply extra formatting options to the pretty template\n",
        1,
    )


def test_scale_and_rm_errors(swarm: Swarm) -> None:
    assert run(swarm, "docker service scale -d web-2=3 mon=2 nothere=1 web-10=x") == (
        "web-2 scaled to 3\n",
        "mon: scale can only be used with replicated or replicated-job mode\n"
        "nothere: Error response from daemon: service nothere not found\n"
        'web-10: invalid replicas value x: strconv.ParseUint: parsing "x": invalid syntax\n',
        1,
    )
    assert get_service(swarm.ctx, "web-2").spec.replicas == 3
    out, err, code = run(swarm, "docker service scale web-2")
    assert (out, err.splitlines()[0], code) == ("", "invalid scale specifier 'web-2'.", 1)
    assert run(swarm, "docker service rm nothere mon") == (
        "mon\n",
        "Error response from daemon: service nothere not found\n",
        1,
    )
    assert run(swarm, "docker service remove web-2") == ("web-2\n", "", 0)
    out, err, code = run(swarm, "docker service rm")
    assert (out, err.splitlines()[0], code) == (
        "",
        "docker: 'docker service rm' requires at least 1 argument",
        1,
    )


def test_rm_prints_removed_arguments_then_the_errors() -> None:
    swarm = Swarm(seed=0, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web nginx").ok
    assert run(swarm, "docker service rm nope web nope2") == (
        "web\n",
        "Error response from daemon: service nope not found\n"
        "Error response from daemon: service nope2 not found\n",
        1,
    )
    assert run(swarm, "docker node rm nope worker1") == (
        "",
        "Error response from daemon: node nope not found\n"
        f"Error response from daemon: rpc error: code = FailedPrecondition desc = node "
        f"{swarm.node('worker1').id} is not down and can't be removed\n",
        1,
    )
