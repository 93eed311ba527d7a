"""``docker service logs``: what the image model says each task's container printed."""

from __future__ import annotations

import pytest

from swarmsim.cli.docker.logs import FOLLOW_SECONDS, rfc3339nano_fixed
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    """``web`` (2 replicas, one per machine): each container prints two lines at start."""
    swarm = Swarm(seed=5, managers=1, workers=1)
    swarm.images.set("web:1", logs=["booting", "ready"], pull=1.0, create=0.0, start=0.5)
    swarm.images.set("web:2", logs=["v2 ready"], pull=1.0, create=0.0, start=0.5)
    assert swarm.docker("docker service create --name web --replicas 2 -d web:1").ok
    swarm.advance(20)
    return swarm


def _slots(swarm: Swarm, service: str = "web") -> dict[int, tuple[str, str]]:
    """Slot -> (task id, node hostname) of the service's running tasks."""
    store = swarm.ctx.store
    return {
        t.slot: (t.id, store.nodes[t.node_id].hostname)
        for t in store.tasks.values()
        if t.service_name == service and t.runnable
    }


def test_each_line_has_docker_prefix(swarm: Swarm) -> None:
    (id1, node1), (id2, node2) = _slots(swarm)[1], _slots(swarm)[2]
    result = swarm.docker("docker service logs web")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"web.1.{id1[:12]}@{node1}    | booting\n"
        f"web.1.{id1[:12]}@{node1}    | ready\n"
        f"web.2.{id2[:12]}@{node2}    | booting\n"
        f"web.2.{id2[:12]}@{node2}    | ready\n"
    )


def test_timestamps_tail_and_prefix_options(swarm: Swarm) -> None:
    (id1, node1), (id2, node2) = _slots(swarm)[1], _slots(swarm)[2]
    task = swarm.ctx.store.tasks[id1]
    started = rfc3339nano_fixed(task.status.timestamp)
    assert started == "2026-01-01T00:00:01.551000000Z"
    result = swarm.docker("docker service logs -t --tail 1 web")
    assert result.stdout == (
        f"{started} web.1.{id1[:12]}@{node1}    | ready\n"
        f"{started} web.2.{id2[:12]}@{node2}    | ready\n"
    )
    assert swarm.docker("docker service logs -n 0 web").stdout == ""
    assert swarm.docker("docker service logs --raw --tail 1 web").stdout == "ready\nready\n"
    no_ids = swarm.docker("docker service logs --no-task-ids --tail 1 web").stdout
    assert no_ids == f"web.1@{node1}    | ready\nweb.2@{node2}    | ready\n"
    full = swarm.docker("docker service logs --no-trunc --tail 1 web").stdout
    assert full.splitlines()[0] == f"web.1.{id1}@{node1}    | ready"
    ids = swarm.docker("docker service logs --no-resolve --tail 1 web").stdout
    service_id, node_id = task.service_id, task.node_id
    assert ids.splitlines()[0] == f"{service_id}.1.{id1[:12]}@{node_id}    | ready"


def test_a_task_target_shows_that_task_only(swarm: Swarm) -> None:
    id2, node2 = _slots(swarm)[2]
    for ref in (id2, id2[:10]):
        result = swarm.docker(f"docker service logs {ref}")
        assert result.stdout == (
            f"web.2.{id2[:12]}@{node2}    | booting\nweb.2.{id2[:12]}@{node2}    | ready\n"
        )


def test_prefix_is_padded_to_the_replica_count() -> None:
    swarm = Swarm(seed=5, managers=1, workers=0)
    swarm.images.set("web:1", logs=["ready"])
    assert swarm.docker("docker service create --name web --replicas 10 -d web:1").ok
    swarm.advance(20)
    lines = swarm.docker("docker service logs --no-task-ids web").stdout.splitlines()
    assert lines[0] == "web.1@manager1     | ready"
    assert lines[-1] == "web.10@manager1    | ready"


def test_an_image_without_log_lines_prints_nothing() -> None:
    swarm = Swarm(seed=5, managers=1, workers=0)
    assert swarm.docker("docker service create --name quiet -d redis:7").ok
    swarm.advance(20)
    result = swarm.docker("docker service logs quiet")
    assert (result.stdout, result.stderr, result.exit_code) == ("", "", 0)


def test_old_containers_keep_their_lines_until_removed(swarm: Swarm) -> None:
    assert swarm.docker("docker service update -d --image web:2 web").ok
    swarm.advance(60)
    lines = swarm.docker("docker service logs --raw web").stdout.splitlines()
    assert sorted(lines) == ["booting", "booting", "ready", "ready", "v2 ready", "v2 ready"]
    assert swarm.docker("docker service rm web").ok
    swarm.advance(5)
    assert "no such task or service: web" in swarm.docker("docker service logs web").stderr


def test_follow_prints_what_exists_then_watches_a_bounded_time(swarm: Swarm) -> None:
    assert swarm.docker("docker service update -d --image web:2 web").ok
    before = swarm.now
    result = swarm.docker("docker service logs -f --raw web")
    assert swarm.now == pytest.approx(before + FOLLOW_SECONDS)
    assert result.stdout == "booting\nready\nbooting\nready\nv2 ready\nv2 ready\n"
    assert result.exit_code == 0


@pytest.mark.parametrize(
    ("line", "code", "error"),
    [
        ("docker service logs nosuch", 1, "no such task or service: nosuch"),
        (
            "docker service logs --tail x web",
            1,
            'Error response from daemon: tail value must be a positive integer or "all": '
            'strconv.Atoi: parsing "x": invalid syntax',
        ),
        (
            "docker service logs --tail -1 web",
            1,
            "Error response from daemon: negative tail values not supported",
        ),
        ("docker service logs", 1, "docker: 'docker service logs' requires 1 argument"),
        ("docker service logs a b", 1, "docker: 'docker service logs' requires 1 argument"),
        (
            "docker service logs --since 5m web",
            1,
            "docker service logs --since: not simulated by swarmsim",
        ),
        ("docker service logs --bogus web", 125, "unknown flag: --bogus"),
    ],
)
def test_bad_input(swarm: Swarm, line: str, code: int, error: str) -> None:
    before = swarm.now
    result = swarm.docker(line)
    assert (result.stdout, result.stderr, result.exit_code) == ("", error + "\n", code)
    assert swarm.now == before


def test_logs_need_a_manager(swarm: Swarm) -> None:
    swarm.current_node_id = swarm.node("worker1").id
    result = swarm.docker("docker service logs web")
    assert result.exit_code == 1
    assert "This node is not a swarm manager." in result.stderr
