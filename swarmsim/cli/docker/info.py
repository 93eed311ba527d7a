"""``docker info`` / ``docker system info``: the daemon's summary, as text or through ``--format``.

Mirrors ``cli: cli/command/system/info.go``: ``prettyPrintInfo``,
``prettyPrintServerInfo`` and ``printSwarmInfo`` print the value of
:mod:`swarmsim.cli.docker.info_value` as text (its warnings on standard
error), and ``formatInfo`` runs a ``--format`` template over the same value
(``json`` is ``{{json .}}``; a template that does not parse exits with 64),
so the text and a template never disagree.  A machine that is down gets the
client's section, the daemon's error and ``errors pretty printing info``.

Differences
-----------
The text leaves out the lines docker prints for facts the simulator does not
model (``Kernel Version``, ``Init Binary``, ``Security Options``...).  A
template that fails while it runs loses what it had written (docker keeps
it, then prints the error).  With ``--format`` on a machine that is down the
command prints the connection error and exits 1, as other commands do;
docker would run the template over an empty value.  A nil pointer
(``{{.Swarm.Cluster.ID}}`` on a worker) gives Go's error naming its type,
but any field name is taken as one of that type's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from swarmsim.cli.docker import CANNOT_CONNECT, Output, command
from swarmsim.cli.docker.info_value import client_info, info_value
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, parse_template
from swarmsim.cli.docker.system import Command
from swarmsim.cli.gotemplate import Struct, TemplateError
from swarmsim.cli.humanize import human_duration
from swarmsim.errors import DockerCLIError
from swarmsim.units import format_bytes_binary

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["info", "system_info"]

_INFO = Command(
    "docker info",
    "info [OPTIONS]",
    "Display system-wide information",
    flags=(INSPECT_FORMAT_FLAG,),
    max_args=0,
    alias_line="docker system info, docker info",
)
_SYSTEM_INFO = replace(_INFO, path="docker system info")
# ------------------------------------------------------------------ the text


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _swarm_lines(swarm: Struct) -> list[str]:
    """``printSwarmInfo``: the ``Swarm:`` section."""
    info = swarm.fields
    state = info["LocalNodeState"]
    lines = [f" Swarm: {state}"]
    if state in ("inactive", "locked"):
        return lines
    lines.append(f"  NodeID: {info['NodeID']}")
    if info["Error"]:
        lines.append(f"  Error: {info['Error']}")
    manager = info["ControlAvailable"]
    lines.append(f"  Is Manager: {_bool(manager)}")
    cluster = info["Cluster"]
    if isinstance(cluster, Struct) and manager and not info["Error"] and state != "error":
        facts = cluster.fields
        spec = facts["Spec"].fields
        pools = "".join(f"{pool}  " for pool in facts["DefaultAddrPool"])
        lines += [f"  ClusterID: {facts['ID']}", f"  Managers: {info['Managers']}"]
        lines += [f"  Nodes: {info['Nodes']}", f"  Default Address Pool: {pools}"]
        lines.append(f"  SubnetSize: {facts['SubnetSize']}")
        if facts["DataPathPort"]:
            lines.append(f"  Data Path Port: {facts['DataPathPort']}")
        raft = spec["Raft"].fields
        ca = spec["CAConfig"].fields
        history = spec["Orchestration"].fields["TaskHistoryRetentionLimit"]
        heartbeat = spec["Dispatcher"].fields["HeartbeatPeriod"].json_value / 1e9
        autolock = spec["EncryptionConfig"].fields["AutoLockManagers"]
        lines += [
            "  Orchestration:",
            f"   Task History Retention Limit: {history}",
            "  Raft:",
            f"   Snapshot Interval: {raft['SnapshotInterval']}",
            f"   Number of Old Snapshots to Retain: {raft['KeepOldSnapshots']}",
            f"   Heartbeat Tick: {raft['HeartbeatTick']}",
            f"   Election Tick: {raft['ElectionTick']}",
            "  Dispatcher:",
            f"   Heartbeat Period: {human_duration(heartbeat)}",
            "  CA Configuration:",
            f"   Expiry Duration: {human_duration(ca['NodeCertExpiry'].json_value / 1e9)}",
            f"   Force Rotate: {ca['ForceRotate']}",
            f"  Autolock Managers: {_bool(autolock)}",
            f"  Root Rotation In Progress: {_bool(facts['RootRotationInProgress'])}",
        ]
    lines.append(f"  Node Address: {info['NodeAddr']}")
    remotes = info["RemoteManagers"]
    if remotes:
        lines.append("  Manager Addresses:")
        lines += [f"   {addr}" for addr in sorted(peer.fields["Addr"] for peer in remotes)]
    return lines


def _client_lines(client_value: Struct) -> list[str]:
    """``prettyPrintInfo`` up to the ``Server:`` heading: the client's section."""
    client = client_value.fields
    return [
        "Client:",
        f" Version:    {client['Version']}",
        f" Context:    {client['Context']}",
        f" Debug Mode: {_bool(client['Debug'])}",
        "",
        "Server:",
    ]


def _text(value: Struct) -> str:
    """``prettyPrintInfo`` of the value (the lines for facts not modelled left out)."""
    info = value.fields
    plugins = info["Plugins"].fields
    lines = [
        *_client_lines(info["ClientInfo"]),
        f" Containers: {info['Containers']}",
        f"  Running: {info['ContainersRunning']}",
        f"  Paused: {info['ContainersPaused']}",
        f"  Stopped: {info['ContainersStopped']}",
        f" Images: {info['Images']}",
        f" Server Version: {info['ServerVersion']}",
        f" Storage Driver: {info['Driver']}",
        f" Logging Driver: {info['LoggingDriver']}",
        f" Cgroup Driver: {info['CgroupDriver']}",
        f" Cgroup Version: {info['CgroupVersion']}",
        " Plugins:",
        f"  Volume: {' '.join(plugins['Volume'])}",
        f"  Network: {' '.join(plugins['Network'])}",
        f"  Log: {' '.join(plugins['Log'])}",
        *_swarm_lines(info["Swarm"]),
        f" Runtimes: {' '.join(info['Runtimes'])}",
        f" Default Runtime: {info['DefaultRuntime']}",
        f" OSType: {info['OSType']}",
        f" Architecture: {info['Architecture']}",
        f" CPUs: {info['NCPU']}",
        f" Total Memory: {format_bytes_binary(info['MemTotal'])}",
        f" Name: {info['Name']}",
        f" ID: {info['ID']}",
        f" Docker Root Dir: {info['DockerRootDir']}",
        f" Debug Mode: {_bool(info['Debug'])}",
    ]
    if info["Labels"]:
        lines += [" Labels:", *(f"  {label}" for label in info["Labels"])]
    lines += [
        f" Experimental: {_bool(info['ExperimentalBuild'])}",
        " Insecure Registries:",
        *(f"  {cidr}" for cidr in info["RegistryConfig"].fields["InsecureRegistryCIDRs"]),
        f" Live Restore Enabled: {_bool(info['LiveRestoreEnabled'])}",
        "",
    ]
    return "\n".join(lines) + "\n"


def _run(command_spec: Command, engine: Engine, argv: list[str], out: Output) -> None:
    parsed = command_spec.parse(argv, out)
    if parsed is None:
        return
    fmt = parsed.get_str("format") or ""
    if not engine.host.up:
        _unreachable(fmt, out)
        return
    if not fmt:
        value = info_value(engine)
        out.write(_text(value))
        for warning in value.fields["Warnings"] or ():
            out.error(warning)  # prettyPrintServerInfo ends with the warnings, on stderr
        return
    template = parse_template("{{json .}}" if fmt == "json" else fmt, 64)
    try:
        text = template.render(info_value(engine))
    except TemplateError as error:
        out.line()  # formatInfo ends the output with a newline, then returns the error
        raise DockerCLIError(str(error)) from None
    out.line(text)


def _unreachable(fmt: str, out: Output) -> None:
    """The machine is down: the client's section, then the daemon's error (``runInfo``)."""
    if fmt:  # docker would run the template over an empty value (see the module doc)
        raise DockerCLIError(CANNOT_CONNECT)
    out.write("\n".join(_client_lines(client_info())) + "\n")
    out.error(f"ERROR: {CANNOT_CONNECT}")
    raise DockerCLIError("errors pretty printing info")


@command("info")
def info(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker info``."""
    _run(_INFO, engine, argv, out)


@command("system", "info")
def system_info(engine: Engine, argv: list[str], out: Output) -> None:
    """``docker system info``."""
    _run(_SYSTEM_INFO, engine, argv, out)
