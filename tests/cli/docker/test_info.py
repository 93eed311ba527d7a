"""``docker info --format``: the value behind the text, through Go templates and JSON."""

from __future__ import annotations

import json
import re

import pytest

from swarmsim.swarm import Swarm

STATE = "docker info --format '{{.Swarm.LocalNodeState}}'"


def fmt(swarm: Swarm, template: str, on: str | None = None) -> str:
    result = swarm.docker(f"docker info --format '{template}'", on=on)
    assert (result.stderr, result.exit_code) == ("", 0)
    return result.stdout


def test_local_node_state_follows_the_machine_through_init_join_and_leave() -> None:
    swarm = Swarm(seed=5, machines=["manager1", "worker1"])
    assert swarm.docker(STATE).stdout == "inactive\n"
    assert swarm.docker("docker swarm init").exit_code == 0
    assert swarm.docker(STATE).stdout == "active\n"
    token = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    swarm.partition([["manager1"], ["worker1"]])
    swarm.docker(f"docker swarm join --token {token} 192.168.65.2", on="worker1")
    assert swarm.docker(STATE, on="worker1").stdout == "pending\n"
    swarm.heal()
    swarm.advance(10)
    assert swarm.docker(STATE, on="worker1").stdout == "active\n"
    assert swarm.docker("docker swarm leave", on="worker1").exit_code == 0
    assert swarm.docker(STATE, on="worker1").stdout == "inactive\n"


def test_the_template_and_the_text_read_the_same_value() -> None:
    swarm = Swarm(seed=1, managers=3, workers=2)
    text = swarm.docker("docker info").stdout
    line = "{{.Swarm.NodeID}} {{.Swarm.Cluster.ID}} {{.Swarm.Managers}} {{.Swarm.Nodes}} {{.NCPU}}"
    node_id, cluster_id, managers, nodes, cpus = fmt(swarm, line).split()
    assert f"  NodeID: {node_id}\n" in text and f"  ClusterID: {cluster_id}\n" in text
    assert (managers, nodes, cpus) == ("3", "5", "4")
    assert f"  Managers: {managers}\n  Nodes: {nodes}\n" in text
    assert fmt(swarm, "{{.Swarm.ControlAvailable}} {{.Name}}") == "true manager1\n"
    assert fmt(swarm, "{{.Swarm.ControlAvailable}} {{.Name}}", on="worker2") == "false worker2\n"
    addresses = fmt(swarm, "{{range .Swarm.RemoteManagers}}{{.Addr}} {{end}}").split()
    assert addresses == ["192.168.65.2:2377", "192.168.65.3:2377", "192.168.65.4:2377"]
    assert all(f"   {address}\n" in text for address in addresses)


def test_json_of_the_swarm_block_has_go_field_order_and_omitempty() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    node = swarm.node("manager1")
    cluster = fmt(swarm, "{{.Swarm.Cluster.ID}}").strip()
    assert fmt(swarm, "{{json .Swarm}}") == (
        f'{{"NodeID":"{node.id}","NodeAddr":"192.168.65.2","LocalNodeState":"active",'
        '"ControlAvailable":true,"Error":"",'
        f'"RemoteManagers":[{{"NodeID":"{node.id}","Addr":"192.168.65.2:2377"}}],'
        f'"Nodes":2,"Managers":1,"Cluster":{{"ID":"{cluster}","Version":{{"Index":0}},'
        '"CreatedAt":"2026-01-01T00:00:00Z","UpdatedAt":"2026-01-01T00:00:00Z",'
        '"Spec":{"Name":"default","Labels":{},"Orchestration":{"TaskHistoryRetentionLimit":5},'
        '"Raft":{"SnapshotInterval":10000,"KeepOldSnapshots":0,"LogEntriesForSlowFollowers":500,'
        '"ElectionTick":10,"HeartbeatTick":1},"Dispatcher":{"HeartbeatPeriod":5000000000},'
        '"CAConfig":{"NodeCertExpiry":7776000000000000},"TaskDefaults":{},'
        '"EncryptionConfig":{"AutoLockManagers":false}},'
        '"TLSInfo":{"TrustRoot":"","CertIssuerSubject":"","CertIssuerPublicKey":""},'
        '"RootRotationInProgress":false,"DefaultAddrPool":["10.0.0.0/8"],"SubnetSize":24,'
        '"DataPathPort":4789}}\n'
    )
    # a worker reads no cluster object: Nodes, Managers and Cluster are left out
    worker = json.loads(fmt(swarm, "{{json .Swarm}}", on="worker1"))
    assert list(worker) == [
        "NodeID", "NodeAddr", "LocalNodeState", "ControlAvailable", "Error", "RemoteManagers",
    ]  # fmt: skip


def test_format_json_is_the_whole_value_in_go_order() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.docker("docker service create -d --name web --replicas 2 nginx:1")
    swarm.advance(10)
    value = json.loads(fmt(swarm, "json"))
    assert swarm.docker("docker system info --format json").stdout == fmt(swarm, "json")
    keys = list(value)
    assert keys[:5] == [
        "ID",
        "Containers",
        "ContainersRunning",
        "ContainersPaused",
        "ContainersStopped",
    ]
    assert keys[-2:] == ["Warnings", "ClientInfo"]
    assert "CpuCfsPeriod" in keys and "HttpProxy" in keys and "UserName" not in keys
    assert "KernelMemory" not in keys  # omitempty and false
    assert (value["Containers"], value["ContainersRunning"], value["Images"]) == (2, 2, 1)
    assert value["ClientInfo"]["ApiVersion"] == "1.50" and "GitCommit" not in value["ClientInfo"]
    assert value["SystemTime"] == "2026-01-01T00:00:10Z"
    assert value["Swarm"]["Cluster"]["Spec"]["Orchestration"] == {"TaskHistoryRetentionLimit": 5}


def test_no_leader_gives_the_error_and_a_zero_cluster() -> None:
    swarm = Swarm(seed=2, managers=3, workers=0)
    swarm.crash_node("manager2")
    swarm.crash_node("manager3")
    swarm.advance(30)
    error = fmt(swarm, "{{.Swarm.Error}}").strip()
    assert error == "rpc error: code = Unknown desc = The swarm does not have a leader. It's " + (
        "possible that too few managers are online. Make sure more than half of the managers "
        "are online."
    )
    assert f"  Error: {error}\n" in swarm.docker("docker info").stdout
    cluster = json.loads(fmt(swarm, "{{json .Swarm.Cluster}}"))
    assert cluster["ID"] == "" and cluster["CreatedAt"] == "0001-01-01T00:00:00Z"
    assert cluster["Spec"]["Orchestration"] == {} and cluster["DefaultAddrPool"] is None
    assert fmt(swarm, "{{.Swarm.Nodes}} {{.Swarm.Managers}}") == "0 0\n"


def test_engine_labels_and_generic_resources() -> None:
    swarm = Swarm(
        seed=3,
        machines=[
            {"name": "manager1", "engine_labels": {"zone": "a"}, "generic_resources": ["gpu=2"]}
        ],
    )
    assert fmt(swarm, "{{json .Labels}} {{json .GenericResources}}") == (
        '["zone=a"] [{"DiscreteResourceSpec":{"Kind":"gpu","Value":2}}]\n'
    )
    text = swarm.docker("docker info").stdout
    assert " Debug Mode: false\n Labels:\n  zone=a\n Experimental: false\n" in text


@pytest.mark.parametrize(
    ("template", "stdout", "stderr", "code"),
    [
        ("{{.Swarm", "", "template parsing error: template: :1: unclosed action\n", 64),
        (
            "{{.Foo}}",
            "\n",
            'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type '
            "system.dockerInfo\n",
            1,
        ),
    ],
)
def test_template_errors(template: str, stdout: str, stderr: str, code: int) -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    result = swarm.docker(f"docker info --format '{template}'")
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, stderr, code)


def test_a_worker_has_no_cluster_object_go_says_which_pointer_is_nil() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    result = swarm.docker("docker info -f '{{.Swarm.Cluster.ID}}'", on="worker1")
    assert result.stderr == (
        'template: :1:2: executing "" at <.Swarm.Cluster.ID>: nil pointer evaluating '
        "*swarm.ClusterInfo.ID\n"
    )
    assert (result.stdout, result.exit_code) == ("\n", 1)


@pytest.mark.parametrize("command", ["docker info", "docker system info"])
def test_help_lists_dockers_aliases_and_the_format_flag(command: str) -> None:
    out = Swarm(seed=1, managers=1, workers=0).docker(f"{command} --help").stdout
    assert out.startswith(
        f"\nUsage:  {command} [OPTIONS]\n\nDisplay system-wide information\n\n"
        "Aliases:\n  docker system info, docker info\n\nOptions:\n"
    )
    assert re.search(r"\n  -f, --format string +Format output using a custom template", out)


def test_a_machine_that_is_down_prints_the_client_section_and_the_error() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    swarm.crash_node("worker1")
    result = swarm.docker("docker info", on="worker1")
    assert result.stdout == (
        "Client:\n Version:    28.2.2\n Context:    default\n Debug Mode: false\n\nServer:\n"
    )
    assert result.stderr == (
        "ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the "
        "docker daemon running?\nerrors pretty printing info\n"
    )
    assert result.exit_code == 1
    # help is the CLI's own: it needs no daemon
    help_text = swarm.docker("docker node ls --help", on="worker1")
    assert help_text.exit_code == 0 and help_text.stdout.startswith("\nUsage:  docker node ls")


def test_two_managers_give_dockers_warning_on_stderr_and_in_the_value() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker("docker info").stderr == ""
    swarm.docker("docker node promote worker1")
    result = swarm.docker("docker info")
    assert result.exit_code == 0 and result.stdout.endswith(" Live Restore Enabled: false\n\n")
    assert result.stderr == (
        "WARNING: Running Swarm in a two-manager configuration. This configuration provides\n"
        "         no fault tolerance, and poses a high risk to lose control over the cluster.\n"
        "         Refer to https://docs.docker.com/engine/swarm/admin_guide/ to configure the\n"
        "         Swarm for fault-tolerance.\n"
    )
    value = json.loads(fmt(swarm, "json"))
    assert value["Warnings"] == value["Swarm"]["Warnings"] == [result.stderr.rstrip("\n")]
    assert swarm.docker("docker info", on="worker1").stderr == result.stderr  # now a manager
