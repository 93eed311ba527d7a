"""``docker swarm init | join-token | update`` on the simulated (already formed) swarm.

Mirrors ``cli: cli/command/swarm/init.go``, ``join_token.go``, ``update.go``
and ``opts.go`` for the texts and flags, and ``swarmkit: ca/config.go``
``GenerateJoinToken`` for the token format
``SWMTKN-1-<CA digest, 50 base-36 chars>-<secret, 25 base-36 chars>``.

Differences
-----------
The swarm already exists when the simulator starts, so ``swarm init`` always
fails as it does on a node that is part of a swarm.  The cluster ID, the root
CA digest and the join-token secrets come from the simulation's ``cluster``
random stream (not from ``ctx.ids``, so asking for a token never changes the
IDs of later objects); they are created on first use and kept per swarm.
``swarm update`` changes the task history limit and the dispatcher heartbeat
period; the other flags are accepted and have no simulated effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.system import Command
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.ids import IdGenerator, to_base36
from swarmsim.manager.controlapi import require_leader, rpc_error

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = ["ClusterIdentity", "cluster_identity", "manager_address"]

ALREADY_IN_SWARM = (
    'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm '
    "and join another one."
)


@dataclass
class ClusterIdentity:
    """The cluster ID, root CA digest and join-token secrets of one swarm."""

    ids: IdGenerator
    cluster_id: str
    ca_digest: str
    secrets: dict[str, str] = field(default_factory=dict)

    def token(self, role: str) -> str:
        """The current join token of ``role`` (``worker`` or ``manager``)."""
        if role not in self.secrets:
            self.secrets[role] = self.ids.secret()
        return f"SWMTKN-1-{self.ca_digest}-{self.secrets[role]}"

    def rotate(self, role: str) -> None:
        """Replace the secret of ``role``'s token (``--rotate``)."""
        self.token(role)
        self.secrets[role] = self.ids.secret()


_IDENTITIES: WeakKeyDictionary[Swarm, ClusterIdentity] = WeakKeyDictionary()


def cluster_identity(swarm: Swarm) -> ClusterIdentity:
    """The :class:`ClusterIdentity` of ``swarm`` (created on first use, from the seed)."""
    identity = _IDENTITIES.get(swarm)
    if identity is None:
        rng = swarm.ctx.sim.rng("cluster")
        ids = IdGenerator(rng)
        cluster_id = ids.new()
        ca_digest = to_base36(rng.getrandbits(256), 50)
        identity = ClusterIdentity(ids, cluster_id, ca_digest)
        identity.token("worker")
        identity.token("manager")
        _IDENTITIES[swarm] = identity
    return identity


def manager_address(swarm: Swarm) -> str:
    """The Raft address (``ip:2377``) of the node the CLI talks to."""
    return f"{swarm.ctx.store.nodes[swarm.current_node_id].addr}:2377"


# ------------------------------------------------------------------------------- flags

_SWARM_FLAGS = (
    FlagSpec("task-history-limit", None, FlagKind.INT, 5, "Task history retention limit"),
    FlagSpec(
        "dispatcher-heartbeat",
        None,
        FlagKind.DURATION,
        5.0,
        "Dispatcher heartbeat period (ns|us|ms|s|m|h)",
    ),
    FlagSpec(
        "max-snapshots", None, FlagKind.UINT64, 0, "Number of additional Raft snapshots to retain"
    ),
    FlagSpec(
        "snapshot-interval",
        None,
        FlagKind.UINT64,
        10000,
        "Number of log entries between Raft snapshots",
    ),
    FlagSpec(
        "cert-expiry",
        None,
        FlagKind.DURATION,
        90 * 24 * 3600.0,
        "Validity period for node certificates (ns|us|ms|s|m|h)",
    ),
    FlagSpec(
        "external-ca",
        None,
        FlagKind.ARRAY,
        help="Specifications of one or more certificate signing endpoints",
        value_name="external-ca",
    ),
)
_INIT = Command(
    "docker swarm init",
    "init [OPTIONS]",
    "Initialize a swarm",
    (
        *_SWARM_FLAGS,
        FlagSpec(
            "listen-addr",
            None,
            FlagKind.STRING,
            help='Listen address (format: "<ip|interface>[:port]") (default 0.0.0.0:2377)',
            value_name="node-addr",
        ),
        FlagSpec(
            "advertise-addr",
            None,
            FlagKind.STRING,
            help='Advertised address (format: "<ip|interface>[:port]")',
        ),
        FlagSpec(
            "data-path-addr",
            None,
            FlagKind.STRING,
            help='Address or interface to use for data path traffic (format: "<ip|interface>")',
        ),
        FlagSpec(
            "data-path-port",
            None,
            FlagKind.UINT64,
            help="Port number to use for data path traffic (1024 - 49151). If no value is set "
            "or is set to 0, the default port (4789) is used.",
            value_name="uint32",
        ),
        FlagSpec(
            "force-new-cluster",
            None,
            FlagKind.BOOL,
            help="Force create a new cluster from current state",
        ),
        FlagSpec(
            "autolock",
            None,
            FlagKind.BOOL,
            help="Enable manager autolocking (requiring an unlock key to start a stopped manager)",
        ),
        FlagSpec(
            "availability",
            None,
            FlagKind.STRING,
            "active",
            'Availability of the node ("active", "pause", "drain")',
        ),
        FlagSpec(
            "default-addr-pool",
            None,
            FlagKind.LIST,
            help="default address pool in CIDR format",
            value_name="ipNetSlice",
        ),
        FlagSpec(
            "default-addr-pool-mask-length",
            None,
            FlagKind.UINT64,
            24,
            "default address pool subnet mask length",
            value_name="uint32",
        ),
    ),
    max_args=0,
)
_JOIN_TOKEN = Command(
    "docker swarm join-token",
    "join-token [OPTIONS] (worker|manager)",
    "Manage join tokens",
    (
        FlagSpec("rotate", None, FlagKind.BOOL, help="Rotate join token"),
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display token"),
    ),
    min_args=1,
    max_args=1,
)
_UPDATE = Command(
    "docker swarm update",
    "update [OPTIONS]",
    "Update the swarm",
    (
        FlagSpec(
            "autolock",
            None,
            FlagKind.BOOL,
            help="Change manager autolocking setting (true|false)",
        ),
        *_SWARM_FLAGS,
    ),
    max_args=0,
)


# ---------------------------------------------------------------------------- commands


@command("swarm", "init")
def swarm_init(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker swarm init``: the node is already part of a swarm."""
    parsed = _INIT.parse(argv, out)
    if parsed is None:
        return
    if "availability" in parsed.changed:
        value = parsed.get_str("availability") or ""
        if value.lower() not in ("active", "pause", "drain"):
            raise DockerCLIError(
                f'invalid availability "{value}", only active, pause and drain are supported'
            )
    raise DaemonError(ALREADY_IN_SWARM)


@command("swarm", "join-token")
def swarm_join_token(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker swarm join-token [-q] [--rotate] worker|manager``."""
    parsed = _JOIN_TOKEN.parse(argv, out)
    if parsed is None:
        return
    role = parsed.args[0]
    if role not in ("worker", "manager"):
        raise DockerCLIError(f"unknown role {role}")
    require_leader(swarm.ctx)
    identity = cluster_identity(swarm)
    quiet = parsed.get_bool("quiet")
    if parsed.get_bool("rotate"):
        identity.rotate(role)
        if not quiet:
            out.write(f"Successfully rotated {role} join token.\n\n")
    token = identity.token(role)
    if quiet:
        out.line(token)
        return
    out.write(
        f"To add a {role} to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {token} {manager_address(swarm)}\n\n"
    )


@command("swarm", "update")
def swarm_update(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker swarm update --task-history-limit N --dispatcher-heartbeat D ...``."""
    parsed = _UPDATE.parse(argv, out)
    if parsed is None:
        return
    if not parsed.changed:
        out.write(_UPDATE.help())
        return
    require_leader(swarm.ctx)
    settings = swarm.ctx.settings
    heartbeat = settings.heartbeat_period
    if "dispatcher-heartbeat" in parsed.changed:
        heartbeat = parsed.get_float("dispatcher-heartbeat") or 0.0
        if heartbeat <= 0:
            raise rpc_error("InvalidArgument", "heartbeat period must be greater than 0")
    if "cert-expiry" in parsed.changed and (parsed.get_float("cert-expiry") or 0.0) < 3600:
        raise rpc_error("InvalidArgument", "minimum certificate expiry time is: 1h0m0s")
    if "task-history-limit" in parsed.changed:
        settings.task_history_limit = parsed.get_int("task-history-limit") or 0
    settings.heartbeat_period = heartbeat
    out.line("Swarm updated.")
