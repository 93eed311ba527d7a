"""``docker swarm init | join | leave`` from blank machines, and each machine's own engine."""

from __future__ import annotations

import re

import pytest

from swarmsim.api.enums import Availability, NodeRole, NodeStatus
from swarmsim.swarm import Swarm

INIT = re.compile(
    r"Swarm initialized: current node \((?P<id>[0-9a-z]{25})\) is now a manager\.\n\n"
    r"To add a worker to this swarm, run the following command:\n\n"
    r"    docker swarm join --token (?P<token>SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}) "
    r"(?P<addr>[0-9.]+:2377)\n\n"
    r"To add a manager to this swarm, run 'docker swarm join-token manager' and follow "
    r"the instructions\.\n"
)
NOT_IN_A_SWARM = (
    'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or '
    '"docker swarm join" to connect this node to swarm and try again.\n'
)
NOT_A_MANAGER = (
    "Error response from daemon: This node is not a swarm manager. Worker nodes can't be used "
    "to view or modify cluster state. Please run this command on a manager node or promote "
    "the current node to a manager.\n"
)
ALREADY = (
    'Error response from daemon: This node is already part of a swarm. Use "docker swarm '
    'leave" to leave this swarm and join another one.\n'
)


@pytest.fixture
def blank() -> Swarm:
    return Swarm(seed=5, machines=["manager1", "manager2", "worker1", "worker2"])


def init(swarm: Swarm, flags: str = "") -> re.Match[str]:
    result = swarm.docker(f"docker swarm init {flags}")
    assert result.exit_code == 0, result.stderr
    match = INIT.fullmatch(result.stdout)
    assert match is not None, result.stdout
    return match


def join(swarm: Swarm, machine: str, role: str = "worker") -> str:
    token = swarm.docker(f"docker swarm join-token -q {role}", on="manager1").stdout.strip()
    return swarm.docker(f"docker swarm join --token {token} 192.168.65.2", on=machine).output


def test_a_blank_machine_is_in_no_swarm(blank: Swarm) -> None:
    info = blank.docker("docker system info").stdout
    assert " Swarm: inactive\n Runtimes:" in info
    assert " Name: worker1\n" in blank.docker("docker info", on="worker1").stdout
    for line in ("docker node ls", "docker service ls", "docker swarm join-token worker"):
        assert (blank.docker(line).output, blank.docker(line).exit_code) == (NOT_IN_A_SWARM, 1)
    assert blank.docker("docker swarm leave").output == (
        "Error response from daemon: This node is not part of a swarm\n"
    )
    assert not blank.ctx.store.nodes and not blank.ctx.store.networks


def test_init_prints_the_join_command_and_makes_a_leader(blank: Swarm) -> None:
    match = init(blank, "--advertise-addr=192.168.1.252 --data-path-port=7789")
    node = blank.node("manager1")
    assert match["id"] == node.id and match["addr"] == "192.168.1.252:2377"
    assert match["token"] == blank.docker("docker swarm join-token -q worker").stdout.strip()
    assert node.role == NodeRole.MANAGER and blank.raft.leader == node.id
    assert blank.ctx.settings.data_path_port == 7789
    (ingress,) = blank.ctx.store.networks.values()  # init creates the ingress network
    assert (ingress.name, ingress.ingress) == ("ingress", True)
    info = blank.docker("docker info").stdout
    assert "  Data Path Port: 7789\n" in info and "  Node Address: 192.168.1.252\n" in info
    assert blank.docker("docker swarm init").output == ALREADY


def test_init_flags_set_the_cluster(blank: Swarm) -> None:
    init(
        blank,
        "--default-addr-pool 10.20.0.0/16 --default-addr-pool 10.30.0.0/16 "
        "--default-addr-pool-mask-length 26 --task-history-limit 2 --dispatcher-heartbeat 10s "
        "--availability drain --advertise-addr eth0",
    )
    settings = blank.ctx.settings
    assert settings.default_addr_pool == ("10.20.0.0/16", "10.30.0.0/16")
    assert settings.default_addr_pool_mask_length == 26
    assert (settings.task_history_limit, settings.heartbeat_period) == (2, 10.0)
    node = blank.node("manager1")
    assert node.availability == Availability.DRAIN and node.addr == "192.168.65.2"
    info = blank.docker("docker info").stdout
    assert "  Default Address Pool: 10.20.0.0/16  10.30.0.0/16  \n  SubnetSize: 26\n" in info


@pytest.mark.parametrize(
    ("flags", "error", "code"),
    [
        ("--data-path-port 80", "Datapath port number is not in valid range (1024-49151) : 80", 1),
        (
            "--data-path-port 49152",
            "Datapath port number is not in valid range (1024-49151) : 49152",
            1,
        ),
        (
            "--data-path-port 4294967296",
            'invalid argument "4294967296" for "--data-path-port" '
            'flag: strconv.ParseUint: parsing "4294967296": value out of range',
            125,
        ),
        (
            "--default-addr-pool 10.0.0.0/8 --default-addr-pool-mask-length 30",
            "subnet size is out of range: 30",
            1,
        ),
        (
            "--default-addr-pool 10.0.0.0/16 --default-addr-pool-mask-length 8",
            'invalid CIDR: "10.0.0.0/16". Subnet size is too small for pool: 8',
            1,
        ),
        (
            "--default-addr-pool 10.0.0/33",
            'invalid argument "10.0.0/33" for '
            '"--default-addr-pool" flag: invalid CIDR address: 10.0.0/33',
            125,
        ),
        (
            "--advertise-addr wlan0",
            "advertise address must be a non-zero IP address or network "
            "interface (with optional port number)",
            1,
        ),
        (
            "--advertise-addr 0.0.0.0",
            "advertise address must be a non-zero IP address or "
            "network interface (with optional port number)",
            1,
        ),
        (
            "--listen-addr wlan0:2377",
            "listen address must be an IP address or network interface (with optional port number)",
            1,
        ),
        (
            "--data-path-addr 10.0.0.1:4789",
            "data path address must be a non-zero IP address or "
            "network interface (without a port number)",
            1,
        ),
        (
            "--availability sleepy",
            'invalid availability "sleepy", only active, pause and drain are supported',
            1,
        ),
    ],
)
def test_bad_init_flags_change_nothing(blank: Swarm, flags: str, error: str, code: int) -> None:
    result = blank.docker(f"docker swarm init {flags}")
    daemon = "Error response from daemon: " if code == 1 and "availability" not in flags else ""
    assert (result.stdout, result.stderr, result.exit_code) == ("", f"{daemon}{error}\n", code)
    assert not blank.ctx.store.nodes and blank.ctx.settings.data_path_port == 4789
    assert "Swarm: inactive" in blank.docker("docker info").stdout


def test_joins_as_worker_and_as_manager(blank: Swarm) -> None:
    init(blank)
    assert join(blank, "worker1") == "This node joined a swarm as a worker.\n"
    assert join(blank, "manager2", "manager") == "This node joined a swarm as a manager.\n"
    assert blank.node("manager2").role == NodeRole.MANAGER
    assert list(blank.raft.members) == [blank.node("manager1").id, blank.node("manager2").id]
    assert join(blank, "worker1") == ALREADY
    blank.advance(5)
    table = blank.docker("docker node ls", on="manager2").stdout.splitlines()
    current = [row for row in table if " * " in row]
    assert len(current) == 1 and "manager2" in current[0] and "Reachable" in current[0]
    assert blank.docker("docker node ls", on="worker1").output == NOT_A_MANAGER
    info = blank.docker("docker info", on="worker1").stdout
    assert "  Is Manager: false\n  Node Address: 192.168.65.4\n  Manager Addresses:\n" in info
    assert "   192.168.65.2:2377\n   192.168.65.3:2377\n" in info


def test_join_refusals_change_nothing(blank: Swarm) -> None:
    init(blank)
    token = blank.docker("docker swarm join-token -q worker").stdout.strip()
    cases = [
        (f"--token {token[:-1]} 192.168.65.2", "invalid join token"),
        (
            f"--token {token[:-1]}0 192.168.65.2:2377",
            "rpc error: code = InvalidArgument desc = A valid join token is necessary to join "
            "this cluster",
        ),
        (
            "192.168.65.2",
            "rpc error: code = InvalidArgument desc = A valid join token is "
            "necessary to join this cluster",
        ),
        (
            f"--token SWMTKN-1-{'1' * 50}-{token[-25:]} 192.168.65.2",
            f"remote CA does not match fingerprint. Expected: {int('1' * 50, 36):064x}",
        ),
    ]
    for args, error in cases:
        result = blank.docker(f"docker swarm join {args}", on="worker1")
        assert (result.stderr, result.exit_code) == (f"Error response from daemon: {error}\n", 1)
    assert blank.now == 0 and len(blank.ctx.store.nodes) == 1


TIMEOUT = (
    "Error response from daemon: Timeout was reached before node joined. The attempt to "
    'join the swarm will continue in the background. Use the "docker info" command to '
    "see the current swarm status of your node.\n"
)
PENDING = (
    " Swarm: pending\n  NodeID: \n  Is Manager: false\n  Node Address: 192.168.65.4\n"
    "  Manager Addresses:\n   {remote}\n Runtimes:"
)


def test_a_join_to_no_manager_times_out_after_20s_and_keeps_trying(blank: Swarm) -> None:
    init(blank)
    token = blank.docker("docker swarm join-token -q worker").stdout.strip()
    joining = f"docker swarm join --token {token} 192.168.65.9"
    assert blank.docker(joining, on="worker1").output == TIMEOUT
    assert blank.now == 20.0 and len(blank.ctx.store.nodes) == 1
    info = blank.docker("docker info", on="worker1").stdout
    assert PENDING.format(remote="192.168.65.9:2377") in info
    assert blank.docker(joining, on="worker1").output == ALREADY  # its node runner exists
    assert blank.docker("docker swarm init", on="worker1").output == ALREADY
    assert blank.docker("docker node ls", on="worker1").output == NOT_A_MANAGER
    blank.advance(600)  # nobody answers at .9
    assert len(blank.ctx.store.nodes) == 1
    assert blank.docker("docker swarm leave", on="worker1").output == "Node left the swarm.\n"
    assert " Swarm: inactive\n" in blank.docker("docker info", on="worker1").stdout
    assert blank.docker("docker swarm leave", on="worker1").output == (
        "Error response from daemon: This node is not part of a swarm\n"
    )


def test_a_join_cut_off_by_a_partition_completes_once_healed(blank: Swarm) -> None:
    init(blank)
    token = blank.docker("docker swarm join-token -q worker").stdout.strip()
    blank.partition([["manager1"], ["worker1", "worker2"]])
    joining = f"docker swarm join --token {token} 192.168.65.2"
    assert blank.docker(joining, on="worker1").output == TIMEOUT
    assert len(blank.ctx.store.nodes) == 1
    info = blank.docker("docker info", on="worker1").stdout
    assert PENDING.format(remote="192.168.65.2:2377") in info
    blank.heal()  # the background join gets through at once
    assert blank.node("worker1").status == NodeStatus.READY
    assert blank.machine("worker1").pending_join is None
    assert " Swarm: active\n" in blank.docker("docker info", on="worker1").stdout
    blank.advance(30)
    assert blank.node("worker1").status == NodeStatus.READY


def test_a_join_waiting_for_a_leader_completes_once_one_is_elected(blank: Swarm) -> None:
    init(blank)
    manager_token = blank.docker("docker swarm join-token -q manager").stdout.strip()
    worker_token = blank.docker("docker swarm join-token -q worker").stdout.strip()
    assert blank.docker(f"docker swarm join --token {manager_token} 192.168.65.2", on="manager2").ok
    blank.crash_node("manager2")  # two managers, one down: no quorum, no leader
    blank.advance(30)
    assert blank.raft.leader is None
    joining = f"docker swarm join --token {worker_token} 192.168.65.2"
    assert blank.docker(joining, on="worker1").output == TIMEOUT
    blank.recover_node("manager2")  # the network is whole again, the election takes a while
    assert blank.machine("worker1").pending_join is not None
    blank.advance(30)
    assert blank.raft.leader is not None and blank.machine("worker1").pending_join is None
    assert blank.node("worker1").status == NodeStatus.READY


def test_rotation_invalidates_the_old_token(blank: Swarm) -> None:
    init(blank)
    old = blank.docker("docker swarm join-token -q worker").stdout.strip()
    rotated = blank.docker("docker swarm join-token --rotate worker").stdout
    assert rotated.startswith("Successfully rotated worker join token.\n\n")
    new = blank.docker("docker swarm join-token -q worker").stdout.strip()
    assert new != old and new in rotated
    refused = blank.docker(f"docker swarm join --token {old} 192.168.65.2", on="worker1")
    assert "A valid join token is necessary" in refused.stderr
    assert blank.docker(f"docker swarm join --token {new} 192.168.65.2", on="worker1").ok


def test_leave(blank: Swarm) -> None:
    init(blank)
    join(blank, "worker1")
    lone = blank.docker("docker swarm leave")
    assert lone.stderr == (
        "Error response from daemon: You are attempting to leave the swarm on a node that is "
        "participating as a manager. Removing the last manager erases all current state of the "
        "swarm. Use `--force` to ignore this message. \n"
    )
    assert blank.docker("docker service create -d --replicas 2 --name web nginx").ok
    blank.advance(10)
    worker1 = blank.node("worker1").id
    assert blank.docker("docker swarm leave", on="worker1").output == "Node left the swarm.\n"
    assert not blank.agents[worker1].controllers  # its containers are removed
    assert "Swarm: inactive" in blank.docker("docker info", on="worker1").stdout
    blank.advance(30)
    assert blank.node(worker1).status == NodeStatus.DOWN  # listed, down, until node rm
    assert join(blank, "worker1") == "This node joined a swarm as a worker.\n"
    assert blank.node("worker1").id != worker1  # a rejoin is a new node


def test_a_manager_leaving_warns_about_quorum(blank: Swarm) -> None:
    init(blank)
    join(blank, "manager2", "manager")
    warning = blank.docker("docker swarm leave", on="manager2").stderr
    assert warning == (
        "Error response from daemon: You are attempting to leave the swarm on a node that is "
        "participating as a manager. Removing this node leaves 1 managers out of 2. Without a "
        "Raft quorum your swarm will be inaccessible. The only way to restore a swarm that has "
        "lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to "
        "suppress this message.\n"
    )
    assert blank.docker("docker swarm leave --force", on="manager2").ok
    assert blank.raft.manager_status(blank.node("manager2").id) == "Unreachable"


def test_after_the_leader_fails_the_class_moves_to_another_manager(blank: Swarm) -> None:
    init(blank)
    join(blank, "manager2", "manager")
    join(blank, "worker1", "manager")  # a third manager keeps the quorum
    blank.crash_node("manager1")
    cannot = (
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
        "Is the docker daemon running?\n"
    )
    assert blank.docker("docker node ls").output == cannot
    blank.advance(30)
    table = blank.docker("docker node ls", on="manager2")
    assert table.ok and "Leader" in table.stdout
    blank.use("manager2")
    assert blank.docker("docker service create -d --name web nginx").ok


def test_one_swarm_per_simulation(blank: Swarm) -> None:
    init(blank)
    result = blank.docker("docker swarm init", on="worker2")
    assert result.stderr.startswith("Error response from daemon: swarmsim: this simulation")
    assert len(blank.ctx.store.nodes) == 1


def test_autolock_prints_an_unlock_key(blank: Swarm) -> None:
    out = blank.docker("docker swarm init --autolock").stdout
    tail = out.split("and follow the instructions.\n", 1)[1]
    assert re.fullmatch(
        r"To unlock a swarm manager after it restarts, run the `docker swarm unlock`\n"
        r"command and provide the following key:\n\n    SWMKEY-1-[A-Za-z0-9+/]{43}\n\n"
        r"Remember to store this key in a password manager, since without it you\n"
        r"will not be able to restart the manager\.\n",
        tail,
    )
