"""``docker swarm init | join-token | update`` and ``docker info`` (sections 7.1, 8.10)."""

from __future__ import annotations

import re

import pytest

from swarmsim.swarm import Swarm

TOKEN = re.compile(r"SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}")


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_init_on_a_formed_swarm(swarm: Swarm) -> None:
    assert run(swarm, "docker swarm init --advertise-addr=192.168.1.252") == (
        "",
        'Error response from daemon: This node is already part of a swarm. Use "docker swarm '
        'leave" to leave this swarm and join another one.\n',
        1,
    )
    out, err, code = run(swarm, "docker swarm init --data-path-port=7789 --availability sleepy")
    assert (out, code) == ("", 1)
    assert err == 'invalid availability "sleepy", only active, pause and drain are supported\n'


def test_join_token_formats(swarm: Swarm) -> None:
    worker = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    manager = swarm.docker("docker swarm join-token -q manager").stdout.strip()
    assert TOKEN.fullmatch(worker) and TOKEN.fullmatch(manager)
    assert worker[:60] == manager[:60] and worker != manager  # same CA digest, other secret
    assert run(swarm, "docker swarm join-token worker") == (
        "To add a worker to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {worker} 192.168.65.2:2377\n\n",
        "",
        0,
    )
    assert run(swarm, "docker swarm join-token manager") == (
        "To add a manager to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {manager} 192.168.65.2:2377\n\n",
        "",
        0,
    )


def test_tokens_are_deterministic_and_do_not_disturb_ids() -> None:
    first, second = Swarm(seed=4), Swarm(seed=4)
    assert first.docker("docker swarm join-token -q worker").stdout == (
        second.docker("docker swarm join-token -q worker").stdout
    )
    assert first.ctx.ids.new() == second.ctx.ids.new()
    assert Swarm(seed=5).docker("docker swarm join-token -q worker").stdout != (
        first.docker("docker swarm join-token -q worker").stdout
    )


def test_rotate(swarm: Swarm) -> None:
    before = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    manager = swarm.docker("docker swarm join-token -q manager").stdout.strip()
    out, err, code = run(swarm, "docker swarm join-token --rotate worker")
    after = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    assert after != before and after[:60] == before[:60]
    assert (out, err, code) == (
        "Successfully rotated worker join token.\n\n"
        "To add a worker to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {after} 192.168.65.2:2377\n\n",
        "",
        0,
    )
    assert swarm.docker("docker swarm join-token -q manager").stdout.strip() == manager
    rotated = swarm.docker("docker swarm join-token -q --rotate manager").stdout.strip()
    assert rotated != manager and TOKEN.fullmatch(rotated)


def test_join_token_errors(swarm: Swarm) -> None:
    assert run(swarm, "docker swarm join-token boss") == ("", "unknown role boss\n", 1)
    assert run(swarm, "docker swarm join-token") == (
        "",
        "docker: 'docker swarm join-token' requires 1 argument\n",
        1,
    )


def test_update(swarm: Swarm) -> None:
    assert run(swarm, "docker swarm update --task-history-limit 2") == ("Swarm updated.\n", "", 0)
    assert swarm.ctx.settings.task_history_limit == 2
    assert run(swarm, "docker swarm update --dispatcher-heartbeat 10s") == (
        "Swarm updated.\n",
        "",
        0,
    )
    assert swarm.ctx.settings.heartbeat_period == 10.0
    assert swarm.ctx.settings.task_history_limit == 2
    info = swarm.docker("docker info").stdout
    assert "   Task History Retention Limit: 2\n" in info
    assert "   Heartbeat Period: 10 seconds\n" in info


def test_update_errors_change_nothing(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker swarm update --task-history-limit x")
    assert (out, code) == ("", 125)
    assert err.startswith(
        'invalid argument "x" for "--task-history-limit" flag: strconv.ParseInt: parsing "x": '
        "invalid syntax\n"
    )
    assert run(swarm, "docker swarm update --dispatcher-heartbeat 0s") == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = heartbeat period "
        "must be greater than 0\n",
        1,
    )
    assert swarm.ctx.settings.heartbeat_period == 5.0


def test_update_without_flags_prints_help(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker swarm update")
    assert (err, code) == ("", 0)
    assert out.startswith(
        "\nUsage:  docker swarm update [OPTIONS]\n\nUpdate the swarm\n\nOptions:\n"
    )
    assert "      --task-history-limit int          Task history retention limit\n" in out


def test_system_info_swarm_block(swarm: Swarm) -> None:
    manager = swarm.node("manager1")
    out, err, code = run(swarm, "docker system info")
    assert (err, code) == ("", 0)
    assert out == swarm.docker("docker info").stdout
    cluster = re.search(r"  ClusterID: ([0-9a-z]{25})\n", out)
    assert cluster is not None
    block = out[out.index(" Swarm: active\n") : out.index(" Runtimes:")]
    assert block == (
        " Swarm: active\n"
        f"  NodeID: {manager.id}\n"
        "  Is Manager: true\n"
        f"  ClusterID: {cluster.group(1)}\n"
        "  Managers: 1\n"
        "  Nodes: 3\n"
        "  Default Address Pool: 10.0.0.0/8  \n"
        "  SubnetSize: 24\n"
        "  Data Path Port: 4789\n"
        "  Orchestration:\n"
        "   Task History Retention Limit: 5\n"
        "  Raft:\n"
        "   Snapshot Interval: 10000\n"
        "   Number of Old Snapshots to Retain: 0\n"
        "   Heartbeat Tick: 1\n"
        "   Election Tick: 10\n"
        "  Dispatcher:\n"
        "   Heartbeat Period: 5 seconds\n"
        "  CA Configuration:\n"
        "   Expiry Duration: 3 months\n"
        "   Force Rotate: 0\n"
        "  Autolock Managers: false\n"
        "  Root Rotation In Progress: false\n"
        "  Node Address: 192.168.65.2\n"
        "  Manager Addresses:\n"
        "   192.168.65.2:2377\n"
    )
    assert out.startswith("Client:\n Version:    28.2.2\n Context:    default\n")
    assert out.endswith(" Live Restore Enabled: false\n\n")


def test_info_counts_containers_and_reports_no_leader() -> None:
    swarm = Swarm(seed=2, managers=3, workers=0)
    assert " Containers: 0\n  Running: 0\n" in swarm.docker("docker info").stdout
    swarm.crash_node("manager2")
    swarm.crash_node("manager3")
    swarm.advance(30)
    out = swarm.docker("docker info").stdout
    assert "  Is Manager: true\n" in out
    assert "  Error: rpc error: code = Unknown desc = The swarm does not have a leader." in out
    assert "ClusterID" not in out
