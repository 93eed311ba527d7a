"""``docker node ...`` against a simulated swarm: exact output (8.1, 8.3, 8.6) and errors (6.4)."""

from __future__ import annotations

import json

import pytest
from engine_helpers import create, spec

from swarmsim.api import Availability, NodeRole, TaskState
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=0, managers=1, workers=2)


def ids(swarm: Swarm) -> tuple[str, str, str]:
    return (swarm.node("manager1").id, swarm.node("worker1").id, swarm.node("worker2").id)


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_node_ls_golden(swarm: Swarm) -> None:
    m1, w1, w2 = ids(swarm)
    assert run(swarm, "docker node ls") == (
        "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   "
        "ENGINE VERSION\n"
        f"{m1} *   manager1   Ready     Active         Leader           28.2.2\n"
        f"{w1}     worker1    Ready     Active                          28.2.2\n"
        f"{w2}     worker2    Ready     Active                          28.2.2\n",
        "",
        0,
    )
    assert run(swarm, "docker node ls -q") == (f"{m1}\n{w1}\n{w2}\n", "", 0)
    assert run(swarm, "docker node list --filter role=worker -q") == (f"{w1}\n{w2}\n", "", 0)


def test_node_ls_natural_sort_and_status_columns() -> None:
    swarm = Swarm(seed=1, managers=3, workers=0)
    for name in ("node-10", "node-2", "node-1"):
        swarm.add_node(name)
    swarm.advance(1)
    swarm.crash_node("manager3")
    swarm.advance(30)
    lines = swarm.docker("docker node ls").stdout.splitlines()
    assert [line.split()[2 if "*" in line else 1] for line in lines[1:]] == [
        "manager1",
        "manager2",
        "manager3",
        "node-1",
        "node-2",
        "node-10",
    ]
    manager3 = swarm.node("manager3")
    row = next(line for line in lines if line.startswith(manager3.id))
    assert row == f"{manager3.id}     manager3   Down      Active         Unreachable      28.2.2"


def test_drain_moves_tasks(swarm: Swarm) -> None:
    service = create(swarm, spec("redis", "redis:3.0.6", replicas=3))
    swarm.advance(30)
    worker1 = swarm.node("worker1")
    assert run(swarm, "docker node update --availability drain worker1") == ("worker1\n", "", 0)
    assert worker1.availability == Availability.DRAIN
    assert "Drain" in swarm.docker("docker node ls").stdout.splitlines()[2]
    swarm.advance(60)
    tasks = list(swarm.ctx.store.tasks_of_service(service.id))
    running = [t for t in tasks if t.state == TaskState.RUNNING]
    assert len(running) == 3
    assert all(t.node_id != worker1.id for t in running)
    table = swarm.docker("docker node ps worker1").stdout.splitlines()
    assert table[0].split() == [
        "ID", "NAME", "IMAGE", "NODE", "DESIRED", "STATE", "CURRENT", "STATE", "ERROR", "PORTS"
    ]  # fmt: skip
    assert all(" Shutdown " in row and "worker1" in row for row in table[1:])
    running_only = swarm.docker("docker node ps --filter desired-state=Running worker1")
    assert running_only.stdout.splitlines()[1:] == []


def test_node_ps_several_nodes_and_errors(swarm: Swarm) -> None:
    create(swarm, spec("web", replicas=3))
    swarm.advance(20)
    m1, w1, w2 = ids(swarm)
    everyone = swarm.docker(f"docker node ps -q {m1} {w1} {w2} worker1").stdout.split()
    assert sorted(everyone) == sorted(swarm.ctx.store.tasks)
    self_only = swarm.docker("docker node ps").stdout.splitlines()
    assert len(self_only) == 2 and " manager1 " in self_only[1]
    out, err, code = run(swarm, "docker node ps worker1 nope")
    assert out.count("\n") == 2
    assert (err, code) == ("Error response from daemon: node nope not found\n", 1)
    assert run(swarm, "docker node ps nope") == (
        "",
        "Error response from daemon: node nope not found\n",
        1,
    )


def test_inspect_pretty_golden(swarm: Swarm) -> None:
    _, w1, _ = ids(swarm)
    swarm.docker("docker node update --label-add zone=east --label-add ssd worker1")
    assert run(swarm, "docker node inspect --pretty worker1") == (
        f"ID:\t\t\t{w1}\n"
        "Labels:\n"
        " - ssd\n"
        " - zone=east\n"
        "Hostname:              \tworker1\n"
        "Joined at:             \t2026-01-01 00:00:00 +0000 utc\n"
        "Status:\n"
        " State:\t\t\tReady\n"
        " Availability:         \tActive\n"
        " Address:\t\t192.168.65.3\n"
        "Platform:\n"
        " Operating System:\tlinux\n"
        " Architecture:\t\tx86_64\n"
        "Resources:\n"
        " CPUs:\t\t\t4\n"
        " Memory:\t\t8GiB\n"
        "Plugins:\n"
        " Log:\t\tawslogs, fluentd, gcplogs, gelf, journald, json-file, local, splunk, syslog\n"
        " Network:\t\tbridge, host, ipvlan, macvlan, null, overlay\n"
        " Volume:\t\tlocal\n"
        "Engine Version:\t\t28.2.2\n",
        "",
        0,
    )


def test_inspect_pretty_manager_and_down_node(swarm: Swarm) -> None:
    text = swarm.docker("docker node inspect --pretty self").stdout
    assert (
        "Manager Status:\n Address:\t\t192.168.65.2:2377\n Raft Status:\t\tReachable\n"
        " Leader:\t\tYes\nPlatform:\n"
    ) in text
    swarm.advance(1)
    swarm.crash_node("worker2")
    swarm.advance(30)
    text = swarm.docker("docker node inspect --pretty worker2").stdout
    assert " State:\t\t\tDown\n Message:              \tHeartbeat failure\n" in text


def test_inspect_json(swarm: Swarm) -> None:
    m1, _, _ = ids(swarm)
    out, err, code = run(swarm, "docker node inspect self")
    assert (err, code) == ("", 0)
    assert out.startswith(f'[\n    {{\n        "ID": "{m1}",\n        "Version": {{\n')
    (node,) = json.loads(out)
    assert list(node) == [
        "ID", "Version", "CreatedAt", "UpdatedAt", "Spec", "Description", "Status", "ManagerStatus"
    ]  # fmt: skip
    assert node["Spec"] == {"Labels": {}, "Role": "manager", "Availability": "active"}
    assert node["Status"] == {"State": "ready", "Addr": "192.168.65.2"}
    assert node["ManagerStatus"] == {
        "Leader": True,
        "Reachability": "reachable",
        "Addr": "192.168.65.2:2377",
    }
    assert node["CreatedAt"] == "2026-01-01T00:00:00Z"
    assert run(swarm, "docker node inspect -f '{{.Description.Hostname}}' worker1 self") == (
        "worker1\nmanager1\n",
        "",
        0,
    )


def test_inspect_unknown_node(swarm: Swarm) -> None:
    assert run(swarm, "docker node inspect nope") == (
        "[]\n",
        "Error response from daemon: node nope not found\n",
        1,
    )
    assert run(swarm, "docker node inspect --pretty worker1 nope") == (
        "",
        "Error response from daemon: node nope not found\n",
        1,
    )


def test_promote_and_demote_messages(swarm: Swarm) -> None:
    m1, w1, _ = ids(swarm)
    assert run(swarm, "docker node promote worker1") == (
        "Node worker1 promoted to a manager in the swarm.\n",
        "",
        0,
    )
    assert swarm.node("worker1").role == NodeRole.MANAGER
    assert "Reachable" in swarm.docker("docker node ls").stdout.splitlines()[2]
    assert run(swarm, "docker node promote manager1") == (
        f"Node {m1} is already a manager.\n",
        "",
        0,
    )
    assert run(swarm, "docker node demote worker1") == (
        "Manager worker1 demoted in the swarm.\n",
        "",
        0,
    )
    assert run(swarm, "docker node demote worker1") == (f"Node {w1} is already a worker.\n", "", 0)


def test_demote_last_manager_fails(swarm: Swarm) -> None:
    assert run(swarm, "docker node demote manager1") == (
        "",
        "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to "
        "demote the last manager of the swarm\n",
        1,
    )
    assert swarm.node("manager1").role == NodeRole.MANAGER


def test_rm(swarm: Swarm) -> None:
    _, _, w2 = ids(swarm)
    assert run(swarm, "docker node rm worker2") == (
        "",
        f"Error response from daemon: rpc error: code = FailedPrecondition desc = node {w2} is "
        "not down and can't be removed\n",
        1,
    )
    assert w2 in swarm.ctx.store.nodes
    swarm.advance(1)
    swarm.crash_node("worker2")
    swarm.advance(30)
    assert run(swarm, "docker node rm worker2 nope") == (
        "worker2\n",
        "Error response from daemon: node nope not found\n",
        1,
    )
    assert w2 not in swarm.ctx.store.nodes
    assert run(swarm, "docker node rm --force worker1") == ("worker1\n", "", 0)


DAEMON = "Error response from daemon: "
UPDATE_USAGE = "\n"  # usage errors are one line: docker's usage block is not printed
LS_USAGE = "\n"
BAD_INPUT = [
    ("update --availabilty drain worker1", "unknown flag: --availabilty" + UPDATE_USAGE, 125),
    ("update --availability", "flag needs an argument: --availability" + UPDATE_USAGE, 125),
    ("update", "docker: 'docker node update' requires 1 argument" + UPDATE_USAGE, 1),
    ("update --availability drain nope", DAEMON + "node nope not found\n", 1),
    ("update --availability sleepy worker1", DAEMON + 'invalid Availability: "sleepy"\n', 1),
    ("update --role boss worker1", DAEMON + 'invalid Role: "boss"\n', 1),
    ("update --label-rm zone worker1", "key zone doesn't exist in node's labels\n", 1),
    (
        "ls --filter role",
        'invalid argument "role" for "-f, --filter" flag: '
        "bad format of filter (expected name=value)" + LS_USAGE,
        125,
    ),
    ("ls --filter colour=red", DAEMON + "invalid filter 'colour'\n", 1),
    ("ls worker1", "docker: 'docker node ls' accepts no arguments" + LS_USAGE, 1),
    (
        "inspect",
        "docker: 'docker node inspect' requires at least 1 argument\n",
        1,
    ),
]


@pytest.mark.parametrize(("line", "stderr", "code"), BAD_INPUT)
def test_bad_input_changes_nothing(swarm: Swarm, line: str, stderr: str, code: int) -> None:
    before = [(n.availability, n.role, n.labels) for n in swarm.ctx.store.nodes.values()]
    trace_len = len(swarm.ctx.trace)
    assert run(swarm, f"docker node {line}") == ("", stderr, code)
    assert [(n.availability, n.role, n.labels) for n in swarm.ctx.store.nodes.values()] == before
    assert len(swarm.ctx.trace) == trace_len


def test_help(swarm: Swarm) -> None:
    assert run(swarm, "docker node ls --help") == (
        "\nUsage:  docker node ls [OPTIONS]\n\nList nodes in the swarm\n\n"
        "Aliases:\n  docker node ls, docker node list\n\n"
        "Options:\n"
        "  -f, --filter filter   Filter output based on conditions provided\n"
        "      --format string   Format output using a custom template\n"
        "  -q, --quiet           Only display IDs\n",
        "",
        0,
    )


def test_no_leader() -> None:
    swarm = Swarm(seed=0, managers=3, workers=0)
    swarm.crash_node("manager2")
    swarm.crash_node("manager3")
    swarm.advance(25)  # the leader notices it lost the quorum and steps down
    out, err, code = run(swarm, "docker node ls")
    assert (out, code) == ("", 1)
    assert err.startswith(
        "Error response from daemon: rpc error: code = Unknown desc = "
        "The swarm does not have a leader."
    )


def test_commands_fail_once_the_cli_host_is_a_worker() -> None:
    swarm = Swarm(seed=2, managers=2, workers=1)
    assert swarm.docker("docker node demote manager1").exit_code == 0
    result = swarm.docker("docker node ls")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error response from daemon: This node is not a swarm manager. Worker nodes can't be "
        "used to view or modify cluster state. Please run this command on a manager node or "
        "promote the current node to a manager.\n"
    )


def test_the_cli_host_down_means_no_daemon_to_talk_to() -> None:
    swarm = Swarm(seed=2, managers=3, workers=0)
    swarm.crash_node("manager1")
    result = swarm.docker("docker node ls")
    assert (result.stdout, result.exit_code) == ("", 1)
    assert result.stderr == (
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?\n"
    )
    swarm.advance(25)  # the others elect a leader meanwhile
    swarm.recover_node("manager1")
    swarm.advance(10)
    listing = swarm.docker("docker node ls").stdout
    assert "Leader" in listing and listing.count("Reachable") == 2


def test_inspect_version_counts_the_nodes_committed_changes(swarm: Swarm) -> None:
    """``Version.Index`` counts the node's records (creation, then each change),
    not the other nodes' nor other records naming the node's ID."""
    _, w1, _ = ids(swarm)
    index = "docker node inspect -f '{{.Version.Index}}' worker1"
    before = int(run(swarm, index)[0])
    assert before == sum(1 for r in swarm.trace if r.kind == "node" and r.id == w1) > 0
    run(swarm, "docker node update --availability drain worker1")
    run(swarm, "docker node update --label-add zone=a worker2")
    swarm.crash_node("worker1")
    swarm.advance(30)  # heartbeats missed: down
    after = int(run(swarm, index)[0])
    assert after == sum(1 for r in swarm.trace if r.kind == "node" and r.id == w1) >= before + 2


def test_a_node_promoted_while_cut_off_answers_as_a_worker_until_it_joins(swarm: Swarm) -> None:
    # swarmkit: the role is set at once (manager/role_manager.go); the node's manager,
    # and with it the engine's manager API, starts when it joins Raft (node/node.go)
    swarm.disconnect_node("worker1")
    assert run(swarm, "docker node promote worker1")[0] == (
        "Node worker1 promoted to a manager in the swarm.\n"
    )
    ls = swarm.docker("docker node ls", on="worker1")
    assert ls.exit_code == 1 and ls.stderr.startswith(
        "Error response from daemon: This node is not a swarm manager. Worker nodes can't"
    )
    info = "docker info --format '{{.Swarm.ControlAvailable}}'"
    assert swarm.docker(info, on="worker1").stdout == "false\n"
    row = [line for line in run(swarm, "docker node ls")[0].splitlines() if "worker1" in line]
    assert row[0].split()[2:5] == ["Ready", "Active", "28.2.2"]  # no MANAGER STATUS
    swarm.reconnect_node("worker1")
    assert swarm.docker(info, on="worker1").stdout == "true\n"
    row = [line for line in run(swarm, "docker node ls")[0].splitlines() if "worker1" in line]
    assert row[0].split()[2:6] == ["Ready", "Active", "Reachable", "28.2.2"]
