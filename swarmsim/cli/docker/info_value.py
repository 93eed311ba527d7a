"""The value ``docker info`` shows: the daemon's ``system.Info`` and the CLI's own facts.

Mirrors ``moby: api/types/system/info.go`` (``Info``) and
``api/types/swarm/swarm.go`` (``Info``, ``ClusterInfo``), filled in as
``moby: daemon/cluster/swarm.go`` ``Info`` does for the swarm part, and the
``dockerInfo`` / ``clientInfo`` values of ``cli: cli/command/system/info.go``.
Each Go struct is a :class:`~swarmsim.cli.gotemplate.Struct` holding its
fields in declaration order for templates and the JSON ``encoding/json``
writes (``omitempty``, renamed and hidden fields), so ``--format`` and
``json`` see what docker's would.

Differences
-----------
Engine facts the simulator does not model are fixed (storage, logging and
cgroup drivers, plugins, runtimes, registries) or Go's zero value (kernel
and operating system, file descriptors, goroutines, security options, the
client's commit, Go version and build time).  There are no certificates:
the cluster's ``TLSInfo`` is empty and its ``Version.Index`` is 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Node
from swarmsim.cli.docker import is_manager
from swarmsim.cli.docker.identity import RAFT_PORT, cluster_identity
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.gotemplate import NIL, NilPointer, Stringer, Struct
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi import require_leader
from swarmsim.units import format_duration_ns

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "API_VERSION",
    "ARCHITECTURE",
    "ENGINE_VERSION",
    "OS_TYPE",
    "TWO_MANAGERS",
    "client_info",
    "info_value",
]

_ENGINE = Node("", "")  # what every simulated engine reports: version, OS, architecture
ENGINE_VERSION, OS_TYPE, ARCHITECTURE = _ENGINE.engine_version, _ENGINE.os, _ENGINE.arch
API_VERSION = "1.50"  # the API version of docker 28.2
_GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}
_CA_EXPIRY_NS = 90 * 24 * 3600 * 10**9
_NETWORK_PLUGINS = ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"]
_LOG_PLUGINS = [
    "awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local", "splunk", "syslog",
]  # fmt: skip
_RUNTIMES = ("io.containerd.runc.v2", "runc")
_INSECURE_REGISTRIES = ["::1/128", "127.0.0.0/8"]
_HUB = "docker.io"
TWO_MANAGERS = (  # moby: daemon/cluster/swarm.go, Info
    "WARNING: Running Swarm in a two-manager configuration. This configuration provides\n"
    "         no fault tolerance, and poses a high risk to lose control over the cluster.\n"
    "         Refer to https://docs.docker.com/engine/swarm/admin_guide/ to configure the\n"
    "         Swarm for fault-tolerance."
)


def _empty(value: Any) -> bool:
    """Whether ``omitempty`` leaves ``value`` out of the JSON (a struct never is)."""
    if isinstance(value, Stringer):  # a duration is an integer, a time a struct
        return value.type_name == "time.Duration" and not value.json_value
    if isinstance(value, Struct):
        return False
    return value is None or isinstance(value, NilPointer) or not value


def _go_struct(
    type_name: str,
    fields: dict[str, Any],
    *,
    omitempty: Collection[str] = (),
    json_names: Mapping[str, str] | None = None,
    hidden: Collection[str] = (),
) -> Struct:
    """A Go struct: ``fields`` in declaration order, and the JSON ``encoding/json`` writes.

    ``omitempty`` fields are left out of the JSON when empty, ``json_names``
    renames fields (``CPUCfsPeriod`` is ``CpuCfsPeriod``), ``hidden`` ones
    (``json:"-"``) never appear.
    """
    names = json_names or {}
    document = {
        names.get(name, name): value
        for name, value in fields.items()
        if name not in hidden and not (name in omitempty and _empty(value))
    }
    return Struct(type_name, fields, document)


def _duration(nanoseconds: int) -> Stringer:
    return Stringer("time.Duration", format_duration_ns(nanoseconds), nanoseconds)


def _time(seconds: float) -> Stringer:
    text = rfc3339nano(seconds)
    shown = text.replace("T", " ", 1).removesuffix("Z") + " +0000 UTC"
    return Stringer("time.Time", shown, text)


_ZERO_TIME = Stringer("time.Time", "0001-01-01 00:00:00 +0000 UTC", "0001-01-01T00:00:00Z")


def _cluster_info(engine: Engine, *, known: bool = True) -> Struct:
    """``swarm.ClusterInfo``: the cluster object a manager reads (no certificates).

    With ``known`` false, Go's zero value: what a manager reports when it cannot
    read the cluster object (no leader).
    """
    settings = engine.ctx.settings
    created = _time(engine.swarm_created_at or 0.0) if known else _ZERO_TIME
    heartbeat_ns = round(settings.heartbeat_period * 1e9) if known else 0
    raft = {
        "SnapshotInterval": 10000 if known else 0,
        "KeepOldSnapshots": 0 if known else NIL,
        "LogEntriesForSlowFollowers": 500 if known else 0,
        "ElectionTick": 10 if known else 0,
        "HeartbeatTick": 1 if known else 0,
    }
    ca = {
        "NodeCertExpiry": _duration(_CA_EXPIRY_NS if known else 0),
        "ExternalCAs": None,
        "SigningCACert": "",
        "SigningCAKey": "",
        "ForceRotate": 0,
    }
    history = settings.task_history_limit if known else NIL
    # pointer fields: left out when nil, written when they point at a zero
    pointers = () if known else ("TaskHistoryRetentionLimit", "KeepOldSnapshots")
    spec = _go_struct(
        "swarm.Spec",
        {
            "Name": "default" if known else "",
            "Labels": {} if known else None,
            "Orchestration": _go_struct(
                "swarm.OrchestrationConfig",
                {"TaskHistoryRetentionLimit": history},
                omitempty=pointers,
            ),
            "Raft": _go_struct(
                "swarm.RaftConfig",
                raft,
                omitempty=("SnapshotInterval", "LogEntriesForSlowFollowers", *pointers),
            ),
            "Dispatcher": _go_struct(
                "swarm.DispatcherConfig",
                {"HeartbeatPeriod": _duration(heartbeat_ns)},
                omitempty=("HeartbeatPeriod",),
            ),
            "CAConfig": _go_struct("swarm.CAConfig", ca, omitempty=tuple(ca)),
            "TaskDefaults": _go_struct(
                "swarm.TaskDefaults", {"LogDriver": NIL}, omitempty=("LogDriver",)
            ),
            "EncryptionConfig": _go_struct("swarm.EncryptionConfig", {"AutoLockManagers": False}),
        },
    )
    tls = {"TrustRoot": "", "CertIssuerSubject": "", "CertIssuerPublicKey": ""}
    return _go_struct(
        "swarm.ClusterInfo",
        {
            "ID": cluster_identity(engine).cluster_id if known else "",
            "Version": _go_struct("swarm.Version", {"Index": 0}),
            "CreatedAt": created,
            "UpdatedAt": created,
            "Spec": spec,
            "TLSInfo": _go_struct("swarm.TLSInfo", tls),
            "RootRotationInProgress": False,
            "DefaultAddrPool": list(settings.default_addr_pool) if known else None,
            "SubnetSize": settings.default_addr_pool_mask_length if known else 0,
            "DataPathPort": settings.data_path_port if known else 0,
        },
    )


def _peer(node_id: str, address: str) -> Struct:
    return _go_struct("swarm.Peer", {"NodeID": node_id, "Addr": address})


def _swarm_info(engine: Engine) -> Struct:
    """``swarm.Info`` of the engine's machine, as the daemon's cluster component reports it."""
    store = engine.ctx.store
    node = store.nodes.get(engine.current_node_id)
    fields: dict[str, Any] = {
        "NodeID": "",
        "NodeAddr": "",
        "LocalNodeState": "inactive",
        "ControlAvailable": False,
        "Error": "",
        "RemoteManagers": None,
        "Nodes": 0,
        "Managers": 0,
        "Cluster": NilPointer("*swarm.ClusterInfo"),
        "Warnings": None,
    }
    if node is None:
        pending = engine.host.pending_join
        if pending is not None:  # a join still dialling: the remote it dials is its one peer
            fields.update(
                LocalNodeState="pending",
                NodeAddr=pending.address,
                RemoteManagers=[_peer("", pending.remote)],
            )
    else:
        managers = sorted(
            (n for n in store.nodes.values() if n.id in engine.raft.members),
            key=lambda n: f"{n.addr}:{RAFT_PORT}",
        )
        fields.update(
            NodeID=node.id,
            NodeAddr=node.addr,
            LocalNodeState="active",
            RemoteManagers=[_peer(n.id, f"{n.addr}:{RAFT_PORT}") for n in managers],
        )
        if is_manager(engine):
            fields["ControlAvailable"] = True
            try:
                require_leader(engine.ctx)
            except DaemonError as error:  # no leader: no cluster object, no node list
                fields.update(Error=str(error), Cluster=_cluster_info(engine, known=False))
            else:
                fields.update(
                    Cluster=_cluster_info(engine), Nodes=len(store.nodes), Managers=len(managers)
                )
                if len(managers) == 2:
                    fields["Warnings"] = [TWO_MANAGERS]
    return _go_struct("swarm.Info", fields, omitempty=("Nodes", "Managers", "Cluster", "Warnings"))


def _daemon_id(engine: Engine) -> str:
    """A stable daemon ID (a UUID) for the engine's machine, derived from the seed.

    A machine in a swarm from the start keeps the ID derived from its first node
    ID, as before machines existed; a blank machine's comes from its hostname.
    """
    key = engine.current_node_id or f"machine:{engine.host.hostname}"
    seed = f"{engine.ctx.sim.seed}:daemon-id:{key}"
    hex32 = hashlib.sha256(seed.encode()).hexdigest()[:32]
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def _generic_resource(kind: str, units: int) -> Struct:
    discrete = _go_struct("swarm.DiscreteGenericResource", {"Kind": kind, "Value": units})
    return _go_struct(
        "swarm.GenericResource",
        {
            "NamedResourceSpec": NilPointer("*swarm.NamedGenericResource"),
            "DiscreteResourceSpec": discrete,
        },
        omitempty=("NamedResourceSpec", "DiscreteResourceSpec"),
    )


def _server_info(engine: Engine) -> dict[str, Any]:
    """The fields of ``system.Info`` for the engine's machine, in declaration order."""
    machine = engine.host
    node_id = engine.current_node_id
    tasks = list(engine.ctx.store.tasks_on_node(node_id)) if node_id else []
    created = [t for t in tasks if TaskState.READY <= t.state <= TaskState.FAILED]
    running = sum(1 for t in created if t.state in (TaskState.STARTING, TaskState.RUNNING))
    agent = engine.agents.get(node_id)
    plugins = _go_struct(
        "system.PluginsInfo",
        {
            "Volume": ["local"],
            "Network": _NETWORK_PLUGINS,
            "Authorization": None,
            "Log": _LOG_PLUGINS,
        },
    )
    index = _go_struct(
        "registry.IndexInfo", {"Name": _HUB, "Mirrors": [], "Secure": True, "Official": True}
    )
    registry = _go_struct(
        "registry.ServiceConfig",
        {
            "InsecureRegistryCIDRs": _INSECURE_REGISTRIES,
            "IndexConfigs": {_HUB: index},
            "Mirrors": [],
        },
    )
    runtimes = {
        name: _go_struct("system.RuntimeWithStatus", {"Path": "runc"}, json_names={"Path": "path"})
        for name in _RUNTIMES
    }
    resources = [_generic_resource(kind, units) for kind, units in machine.generic_resources]
    commit = {"ID": "", "Expected": ""}
    return {
        "ID": _daemon_id(engine),
        "Containers": len(created),
        "ContainersRunning": running,
        "ContainersPaused": 0,
        "ContainersStopped": len(created) - running,
        "Images": len(agent.image_cache) if agent is not None else 0,
        "Driver": "overlay2",
        "DriverStatus": [],
        "SystemStatus": None,
        "Plugins": plugins,
        "MemoryLimit": True,
        "SwapLimit": True,
        "KernelMemory": False,
        "KernelMemoryTCP": False,
        "CPUCfsPeriod": True,
        "CPUCfsQuota": True,
        "CPUShares": True,
        "CPUSet": True,
        "PidsLimit": True,
        "IPv4Forwarding": True,
        "Debug": False,
        "NFd": 0,
        "OomKillDisable": False,
        "NGoroutines": 0,
        "SystemTime": rfc3339nano(engine.now),
        "LoggingDriver": "json-file",
        "CgroupDriver": "systemd",
        "CgroupVersion": "2",
        "NEventsListener": 0,
        "KernelVersion": "",
        "OperatingSystem": "",
        "OSVersion": "",
        "OSType": OS_TYPE,
        "Architecture": ARCHITECTURE,
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": registry,
        "NCPU": int(machine.cpus),
        "MemTotal": machine.memory,
        "GenericResources": resources or None,
        "DockerRootDir": "/var/lib/docker",
        "HTTPProxy": "",
        "HTTPSProxy": "",
        "NoProxy": "",
        "Name": machine.hostname,
        "Labels": [f"{key}={value}" for key, value in machine.engine_labels.items()],
        "ExperimentalBuild": False,
        "ServerVersion": ENGINE_VERSION,
        "Runtimes": runtimes,
        "DefaultRuntime": "runc",
        "Swarm": _swarm_info(engine),
        "LiveRestoreEnabled": False,
        "Isolation": "",
        "InitBinary": "docker-init",
        "ContainerdCommit": _go_struct("system.Commit", dict(commit), omitempty=("Expected",)),
        "RuncCommit": _go_struct("system.Commit", dict(commit), omitempty=("Expected",)),
        "InitCommit": _go_struct("system.Commit", dict(commit), omitempty=("Expected",)),
        "SecurityOptions": None,
        "ProductLicense": "",
        "DefaultAddressPools": None,
        "FirewallBackend": NilPointer("*system.FirewallInfo"),
        "CDISpecDirs": None,
        "Containerd": NilPointer("*system.ContainerdInfo"),
        "Warnings": None,
    }


_SERVER_OMITEMPTY = (
    "SystemStatus", "KernelMemory", "KernelMemoryTCP", "CgroupVersion", "ProductLicense",
    "DefaultAddressPools", "FirewallBackend", "Containerd",
)  # fmt: skip
_SERVER_JSON_NAMES = {
    "CPUCfsPeriod": "CpuCfsPeriod",
    "CPUCfsQuota": "CpuCfsQuota",
    "HTTPProxy": "HttpProxy",
    "HTTPSProxy": "HttpsProxy",
}


def client_info() -> Struct:
    """``clientInfo``: the CLI's own facts (its build details are not simulated)."""
    return _go_struct(
        "*system.clientInfo",
        {
            "Debug": False,
            "Platform": NilPointer("*system.platformInfo"),
            "Version": ENGINE_VERSION,
            "APIVersion": API_VERSION,
            "DefaultAPIVersion": API_VERSION,
            "GitCommit": "",
            "GoVersion": "",
            "Os": OS_TYPE,
            "Arch": _GO_ARCH.get(ARCHITECTURE, ARCHITECTURE),
            "BuildTime": "",
            "Context": "default",
            "Plugins": [],
            "Warnings": None,
        },
        omitempty=(
            "Platform",
            "Version",
            "APIVersion",
            "DefaultAPIVersion",
            "GitCommit",
            "GoVersion",
            "Os",
            "Arch",
            "BuildTime",
        ),
        json_names={"APIVersion": "ApiVersion"},
    )


def info_value(engine: Engine) -> Struct:
    """What ``docker info`` shows for the engine's machine: the CLI's ``dockerInfo`` value.

    The daemon's ``system.Info`` fields come first (the struct is embedded),
    then ``ServerErrors``, ``UserName`` (never in the JSON), ``ClientInfo`` and
    ``ClientErrors``.

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> value = info_value(Swarm(seed=1, managers=1, workers=1))
    >>> value.fields["Swarm"].fields["LocalNodeState"], value.fields["NCPU"]
    ('active', 4)
    """
    fields = _server_info(engine)
    fields["Warnings"] = fields["Swarm"].fields["Warnings"]  # the API adds the swarm's
    fields.update(ServerErrors=None, UserName="", ClientInfo=client_info(), ClientErrors=None)
    return _go_struct(
        "system.dockerInfo",
        fields,
        omitempty=(*_SERVER_OMITEMPTY, "ServerErrors", "ClientErrors"),
        json_names=_SERVER_JSON_NAMES,
        hidden=("UserName",),
    )
