"""``docker swarm init | join | join-token | leave | update``: membership and cluster settings.

Mirrors ``cli: cli/command/swarm/init.go``, ``join.go``, ``join_token.go``,
``leave.go``, ``update.go`` and ``opts.go`` for the texts and flags, the
daemon's checks of ``moby: daemon/cluster/swarm.go`` (``Init``, ``Join``,
``Leave``), ``listen_addr.go`` (addresses, address pools, the data path
port) and ``errors.go``, and ``swarmkit: ca/config.go`` ``GenerateJoinToken``
/ ``ParseJoinToken`` and ``ca/server.go`` (which token is valid) for the token
format ``SWMTKN-1-<CA digest, 50 base-36 chars>-<secret, 25 base-36 chars>``.

Differences
-----------
A simulation holds one swarm: ``swarm init`` after a swarm was created is
refused with a swarmsim message, and ``--force-new-cluster`` on a manager is
not simulated.  A join that cannot reach a manager (no manager advertises
the address, or the network or the leader is missing) fails after docker's
20 s timeout and goes on in the background, as moby's node runner does
(``docker info``: ``Swarm: pending``; ``swarm leave`` stops it); it
completes the moment the network or a new leader lets it through
(:func:`finish_pending_join`), where moby retries with a growing back-off,
and a token refused then ends it silently.  The cluster ID,
the root CA digest, the join-token secrets and the unlock key come from the
simulation's ``cluster`` random stream (not from ``ctx.ids``, so asking for a
token never changes the IDs of later objects).  ``--listen-addr`` and
``--data-path-addr`` are checked and have no other effect; the Raft port is
2377 whatever ``--advertise-addr`` says.  ``--autolock`` prints an unlock key
but managers never need it.  ``swarm update`` changes the task history limit
and the dispatcher heartbeat period; its other flags are accepted and have no
simulated effect.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import Availability, NodeRole
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.identity import RAFT_PORT, cluster_identity, manager_address
from swarmsim.cli.docker.system import Command
from swarmsim.cli.docker.unsimulated import not_simulated
from swarmsim.cli.flags import FlagKind, FlagSpec, ParsedFlags
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.machine import ALREADY_IN_SWARM, NOT_IN_SWARM, Machine, PendingJoin
from swarmsim.manager.controlapi import require_leader, rpc_error

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["finish_pending_join"]  # and the commands, which register themselves

JOIN_TIMEOUT = 20.0  # moby: daemon/cluster/cluster.go swarmConnectTimeout
JOIN_TIMED_OUT = (
    "Timeout was reached before node joined. The attempt to join the swarm will continue in "
    'the background. Use the "docker info" command to see the current swarm status of your node.'
)
INVALID_TOKEN = "invalid join token"
TOKEN_REFUSED = "A valid join token is necessary to join this cluster"
BAD_LISTEN_ADDR = (
    "listen address must be an IP address or network interface (with optional port number)"
)
BAD_ADVERTISE_ADDR = (
    "advertise address must be a non-zero IP address or network interface "
    "(with optional port number)"
)
BAD_DATA_PATH_ADDR = (
    "data path address must be a non-zero IP address or network interface (without a port number)"
)
_UINT32 = 2**32 - 1
_AVAILABILITIES = {
    "active": Availability.ACTIVE,
    "pause": Availability.PAUSE,
    "drain": Availability.DRAIN,
}


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
_ADDRESS_FLAGS = (  # cli: cli/command/swarm/init.go and join.go
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
)
_INIT = Command(
    "docker swarm init",
    "init [OPTIONS]",
    "Initialize a swarm",
    (
        *_SWARM_FLAGS,
        *_ADDRESS_FLAGS,
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
_JOIN = Command(
    "docker swarm join",
    "join [OPTIONS] HOST:PORT",
    "Join a swarm as a node and/or manager",
    (
        *_ADDRESS_FLAGS,
        FlagSpec("token", None, FlagKind.STRING, help="Token for entry into the swarm"),
        FlagSpec(
            "availability",
            None,
            FlagKind.STRING,
            "active",
            'Availability of the node ("active", "pause", "drain")',
        ),
    ),
    min_args=1,
    max_args=1,
)
_LEAVE = Command(
    "docker swarm leave",
    "leave [OPTIONS]",
    "Leave the swarm",
    (
        FlagSpec(
            "force",
            "f",
            FlagKind.BOOL,
            help="Force this node to leave the swarm, ignoring warnings",
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


def _availability(parsed: ParsedFlags) -> Availability:
    """``--availability``, checked by the CLI as docker's ``runInit``/``runJoin`` do."""
    if "availability" not in parsed.changed:
        return Availability.ACTIVE
    value = parsed.get_str("availability") or ""
    if value.lower() not in _AVAILABILITIES:
        raise DockerCLIError(
            f"invalid availability {go_quote(value)}, only active, pause and drain are supported"
        )
    return _AVAILABILITIES[value.lower()]


def _uint32(command: Command, parsed: ParsedFlags, name: str) -> int:
    """A ``Uint32Var`` flag (the parser reads 64 bits): pflag's range error past 2**32 - 1."""
    value = parsed.get_int(name) or 0
    if value > _UINT32:
        raw = str(value)
        raise command.flag_error(
            f"invalid argument {go_quote(raw)} for {go_quote('--' + name)} flag: "
            f"strconv.ParseUint: parsing {go_quote(raw)}: value out of range"
        )
    return value


def _pools(command: Command, values: list[str]) -> tuple[str, ...]:
    """``--default-addr-pool`` values as networks (pflag's ``ipNetSlice``)."""
    pools = []
    for value in values:
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise command.flag_error(
                f'invalid argument {go_quote(value)} for "--default-addr-pool" flag: '
                f"invalid CIDR address: {value.strip()}"
            ) from None
        pools.append(str(network))
    return tuple(pools)


def _split_host_port(value: str) -> tuple[str, str] | None:
    """Go's ``net.SplitHostPort`` for ``host:port`` and ``[v6]:port``; ``None`` without a port."""
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        return (host, rest[1:]) if bracket and rest.startswith(":") else None
    host, colon, port = value.rpartition(":")
    return (host, port) if colon and ":" not in host else None


def _ip_of(machine: Machine, value: str, *, unspecified_ok: bool) -> str | None:
    """moby's ``resolveInputIPAddr``: the interface's address or the IP itself."""
    address = machine.resolve(value)
    if address is None or (not unspecified_ok and ipaddress.ip_address(address).is_unspecified):
        return None
    return address


def _check_listen_addr(machine: Machine, value: str) -> None:
    split = _split_host_port(value if ":" in value else f"{value}:{RAFT_PORT}")
    if split is None:
        raise DaemonError(f"could not parse listen address {value}")
    if _ip_of(machine, split[0], unspecified_ok=True) is None:
        raise DaemonError(BAD_LISTEN_ADDR)


def _advertised(machine: Machine, value: str) -> str:
    """The address a node advertises: ``--advertise-addr`` or the machine's own."""
    if not value:
        return machine.address
    split = _split_host_port(value)
    address = _ip_of(machine, split[0] if split else value, unspecified_ok=False)
    if address is None:
        raise DaemonError(BAD_ADVERTISE_ADDR)
    return address


def _check_data_path_addr(machine: Machine, value: str) -> None:
    if value and _ip_of(machine, value, unspecified_ok=False) is None:
        raise DaemonError(BAD_DATA_PATH_ADDR)


@command("swarm", "init")
def swarm_init(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker swarm init``: a new swarm with this machine as its manager."""
    parsed = _INIT.parse(argv, out)
    if parsed is None:
        return
    availability = _availability(parsed)
    port = _uint32(_INIT, parsed, "data-path-port")
    mask = _uint32(_INIT, parsed, "default-addr-pool-mask-length")
    pools = _pools(_INIT, parsed.get_list("default-addr-pool"))
    machine = engine.host
    if machine.engaged:
        if parsed.get_bool("force-new-cluster"):
            raise not_simulated(("swarm", "init", "--force-new-cluster"))
        raise DaemonError(ALREADY_IN_SWARM)
    _check_listen_addr(machine, parsed.get_str("listen-addr") or "0.0.0.0:2377")
    address = _advertised(machine, parsed.get_str("advertise-addr") or "")
    _check_data_path_addr(machine, parsed.get_str("data-path-addr") or "")
    size = mask or 24
    if size > 29:
        raise DaemonError(f"subnet size is out of range: {size}")
    for pool in pools:
        if size < ipaddress.ip_network(pool).prefixlen:
            raise DaemonError(
                f"invalid CIDR: {go_quote(pool)}. Subnet size is too small for pool: {size}"
            )
    if port and not 1024 <= port <= 49151:
        raise DaemonError(f"Datapath port number is not in valid range (1024-49151) : {port}")
    settings: dict[str, Any] = {"data_path_port": port or 4789}
    if pools:
        settings.update(default_addr_pool=pools, default_addr_pool_mask_length=size)
    if "task-history-limit" in parsed.changed:
        settings["task_history_limit"] = parsed.get_int("task-history-limit") or 0
    if "dispatcher-heartbeat" in parsed.changed:
        heartbeat = parsed.get_float("dispatcher-heartbeat") or 0.0
        if heartbeat <= 0:
            raise rpc_error("InvalidArgument", "heartbeat period must be greater than 0")
        settings["heartbeat_period"] = heartbeat
    node = engine.init_swarm(address, availability, settings)
    identity = cluster_identity(engine)
    out.write(f"Swarm initialized: current node ({node.id}) is now a manager.\n\n")
    out.write(
        "To add a worker to this swarm, run the following command:\n\n"
        f"    docker swarm join --token {identity.token('worker')} {manager_address(engine)}\n\n"
    )
    out.line(
        "To add a manager to this swarm, run 'docker swarm join-token manager' "
        "and follow the instructions."
    )
    if parsed.get_bool("autolock"):
        key = identity.unlock_key(engine.ctx.sim.rng("cluster").randbytes(32))
        out.write(
            "To unlock a swarm manager after it restarts, run the `docker swarm unlock`\n"
            f"command and provide the following key:\n\n    {key}\n\n"
            "Remember to store this key in a password manager, since without it you\n"
            "will not be able to restart the manager.\n"
        )


def _token_digest(token: str) -> str | None:
    """The CA digest part of a well-formed join token (``ca.ParseJoinToken``), else ``None``."""
    parts = token.split("-")
    if len(parts) < 4 or parts[0] != "SWMTKN":
        return None
    if parts[1] == "1":
        well_formed = len(parts) == 4
    else:
        well_formed = parts[1] == "2" and len(parts) == 5 and parts[2] in ("0", "1")
    if not well_formed or len(parts[-2]) != 50 or len(parts[-1]) != 25:
        return None
    return parts[-2]


def _fingerprint(digest: str) -> str:
    """The SHA-256 hex a token's base-36 CA digest stands for."""
    try:
        return f"{int(digest, 36):064x}"
    except ValueError:
        return "0" * 64


@command("swarm", "join")
def swarm_join(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker swarm join --token TOKEN HOST[:PORT]``."""
    parsed = _JOIN.parse(argv, out)
    if parsed is None:
        return
    availability = _availability(parsed)
    machine = engine.host
    if machine.engaged:
        raise DaemonError(ALREADY_IN_SWARM)
    _check_listen_addr(machine, parsed.get_str("listen-addr") or "0.0.0.0:2377")
    try:
        address = _advertised(machine, parsed.get_str("advertise-addr") or "")
    except DaemonError:
        address = machine.address  # a join ignores an advertise address it cannot use
    _check_data_path_addr(machine, parsed.get_str("data-path-addr") or "")
    token = parsed.get_str("token") or ""
    digest = _token_digest(token) if token else ""
    if digest is None:
        raise DaemonError(INVALID_TOKEN)
    remote = parsed.args[0]
    if _reachable_manager(engine, remote) is None:
        # moby's node runner goes on dialling: the join completes once it gets
        # through (finish_pending_join), or until docker swarm leave
        machine.pending_join = PendingJoin(_with_port(remote), token, availability, address)
        engine.advance(JOIN_TIMEOUT)
        raise DaemonError(JOIN_TIMED_OUT)
    role = _joined_role(engine, token)
    engine.join_swarm(role, availability, address)
    out.line(f"This node joined a swarm as a {role.api_name}.")


def _joined_role(engine: Engine, token: str) -> NodeRole:
    """The role ``token`` grants in the engine's swarm, checked as the CA checks it."""
    digest = _token_digest(token) if token else ""
    identity = cluster_identity(engine)
    if digest and digest != identity.ca_digest:
        raise DaemonError(f"remote CA does not match fingerprint. Expected: {_fingerprint(digest)}")
    role = identity.role_of(token)
    if role is None:
        raise rpc_error("InvalidArgument", TOKEN_REFUSED)
    return role


def _with_port(remote: str) -> str:
    """``HOST:PORT`` of a join's remote address (the Raft port when none is given)."""
    return remote if _split_host_port(remote) is not None else f"{remote}:{RAFT_PORT}"


def finish_pending_join(engine: Engine) -> None:
    """Complete the engine's machine's join that timed out, if it now gets through
    (it reaches the manager it named and the leader), as if the join had just
    been run there.  A token the swarm refuses ends the attempt (moby's node
    runner stops with that error).  The simulation calls it after every change
    of the network or of leader.
    """
    machine = engine.host
    pending = machine.pending_join
    if pending is None or not machine.up or _reachable_manager(engine, pending.remote) is None:
        return
    machine.pending_join = None
    try:
        role = _joined_role(engine, pending.token)
    except DaemonError:
        return
    engine.join_swarm(role, pending.availability, pending.address)


def _reachable_manager(engine: Engine, remote: str) -> str | None:
    """The node ID of the manager at ``remote`` when it and the leader can be reached."""
    split = _split_host_port(remote)
    host, port = split if split is not None else (remote, str(RAFT_PORT))
    if port != str(RAFT_PORT):
        return None
    manager = engine.manager_at(host)
    leader = engine.raft.leader
    if manager is None or leader is None or not engine.reaches(manager.id):
        return None
    return manager.id if engine.reaches(leader) else None


@command("swarm", "leave")
def swarm_leave(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker swarm leave [--force]``: a manager needs ``--force``."""
    parsed = _LEAVE.parse(argv, out)
    if parsed is None:
        return
    machine = engine.host
    if not machine.in_swarm:
        if machine.pending_join is None:
            raise DaemonError(NOT_IN_SWARM)
        machine.pending_join = None  # the node runner stops dialling
        out.line("Node left the swarm.")
        return
    node_id = engine.current_node_id
    if node_id in engine.raft.members and not parsed.get_bool("force"):
        raise DaemonError(_leave_warning(engine, node_id))
    engine.leave_swarm()
    out.line("Node left the swarm.")


def _leave_warning(engine: Engine, node_id: str) -> str:
    """moby's ``Cluster.Leave`` warning for a manager leaving without ``--force``."""
    message = "You are attempting to leave the swarm on a node that is participating as a manager. "
    raft = engine.raft
    if engine.ctx.leadership.visible:
        reachable = sum(1 for m in raft.members if m in raft.reachable)
        unreachable = len(raft.members) - reachable
        if node_id in raft.reachable and reachable - 2 <= unreachable:
            if reachable == 1 and unreachable == 0:
                return (
                    message + "Removing the last manager erases all current state of the swarm. "
                    "Use `--force` to ignore this message. "
                )
            message += (
                f"Removing this node leaves {reachable - 1} managers out of "
                f"{reachable + unreachable}. Without a Raft quorum your swarm will be "
                "inaccessible. "
            )
    return (
        message + "The only way to restore a swarm that has lost consensus is to reinitialize "
        "it with `--force-new-cluster`. Use `--force` to suppress this message."
    )


@command("swarm", "join-token")
def swarm_join_token(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker swarm join-token [-q] [--rotate] worker|manager``."""
    parsed = _JOIN_TOKEN.parse(argv, out)
    if parsed is None:
        return
    role = parsed.args[0]
    if role not in ("worker", "manager"):
        raise DockerCLIError(f"unknown role {role}")
    require_leader(engine.ctx)
    identity = cluster_identity(engine)
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
        f"    docker swarm join --token {token} {manager_address(engine)}\n\n"
    )


@command("swarm", "update")
def swarm_update(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker swarm update --task-history-limit N --dispatcher-heartbeat D ...``."""
    parsed = _UPDATE.parse(argv, out)
    if parsed is None:
        return
    if not parsed.changed:
        out.write(_UPDATE.help())
        return
    require_leader(engine.ctx)
    settings = engine.ctx.settings
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
