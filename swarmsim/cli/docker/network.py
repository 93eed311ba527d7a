"""``docker network create | ls | rm | prune`` as seen from a swarm manager.

Mirrors ``cli: cli/command/network/`` (``create.go``, ``list.go``,
``remove.go``, ``prune.go``, ``formatter.go``) and the daemon
behind it (``moby: api/server/router/network/network_routes.go``,
``daemon/network.go``, ``daemon/prune.go``, ``daemon/network/filter.go``,
``daemon/cluster/convert/network.go``, ``libnetwork/controller.go``):

* ``create`` groups ``--subnet``/``--ip-range``/``--gateway``/
  ``--aux-address`` as the CLI does (:mod:`swarmsim.cli.docker.network_ipam`), the daemon checks
  the name, the IPAM configuration (``ValidateIPAM``) and the driver's scope,
  and ``overlay`` networks (or any built-in driver with ``--scope swarm``) go to
  the swarm (:mod:`swarmsim.manager.controlapi.network`); the new ID is printed;
* ``ls`` prints ``NETWORK ID`` (12 characters), ``NAME``, ``DRIVER`` and
  ``SCOPE`` sorted by name in natural order; a manager lists its node-local
  networks (``bridge``, ``docker_gwbridge``, ``host``, ``none``) next to the
  swarm's ``ingress`` and overlay networks;
* ``inspect`` is :mod:`swarmsim.cli.docker.network_inspect`;
* ``rm`` prints each removed argument and reports failures one per line;
  removing ``ingress`` asks for confirmation;
* ``prune`` asks for confirmation unless ``-f``, then removes every custom
  network nothing uses (never ``ingress``) and lists their names under
  ``Deleted Networks:``.

Confirmations read the standard input a shell pipe gives the command
(``echo y | docker network prune``); with none the answer is "no", as an empty
line at the real prompt, and the command does nothing (exit 0).

Differences
-----------
Node-local networks are bookkeeping only (no containers attach to them) and
their 64-hex IDs come from the simulation's ``local-networks`` random stream.
``--ipv6``, ``--config-only``, ``--config-from`` and IPAM driver options are
not simulated.  ``prune --filter until=``
takes a duration or a Unix timestamp (RFC 3339 dates are refused with the
daemon's generic message).  ``--format`` takes the templates of
:mod:`swarmsim.cli.docker.inspect` and :mod:`swarmsim.cli.docker.formatter`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from swarmsim.api.enums import NodeRole, TaskState
from swarmsim.api.objects import Network, Task
from swarmsim.cli.docker import NOT_A_MANAGER, Output, command
from swarmsim.cli.docker.formatter import choose_format, format_rows, labels_text
from swarmsim.cli.docker.network_ipam import ipam_configs
from swarmsim.cli.docker.service_opts import validate_values
from swarmsim.cli.docker.system import (
    FILTER_FLAG,
    Command,
    natural_key,
    parse_filters,
)
from swarmsim.cli.docker.timefmt import EPOCH, go_time
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import Struct
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import check_filter_names, rpc_error
from swarmsim.manager.controlapi.network import (
    PREDEFINED_NETWORKS,
    create_network,
    get_network,
    list_networks,
    remove_network,
    validate_ipam,
)
from swarmsim.units import parse_duration

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "LocalNetwork",
    "attached_here",
    "attached_tasks",
    "find_network",
    "local_networks",
]

NOT_IN_A_SWARM = (  # moby: daemon/network.go createNetwork
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
    "connect this node to swarm and try again."
)
INGRESS_WARNING = (
    "WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm "
    "run the same docker engine version. Otherwise, removal may not be effective and "
    "functionality of newly create ingress networks will be impaired.\n"
    "Are you sure you want to continue?"
)
PRUNE_WARNING = (
    "WARNING! This will remove all custom networks not used by at least one container.\n"
    "Are you sure you want to continue?"
)
_NETWORK_FILTERS = ("dangling", "driver", "id", "label", "name", "scope", "type")
_PRUNE_FILTERS = ("label", "label!", "until")
_LOCAL_DRIVERS = ("bridge", "host", "ipvlan", "macvlan", "null", "overlay")
_SINGLETON_DRIVERS = ("host", "null")


@dataclass
class LocalNetwork:
    """A node-local network of the host the CLI talks to."""

    id: str
    name: str
    driver: str
    subnet: str = ""
    gateway: str = ""
    internal: bool = False
    attachable: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    created_at: float = 0.0
    predefined: bool = False
    options: tuple[tuple[str, str], ...] = ()
    ip_range: str = ""


_LOCAL: WeakKeyDictionary[Engine, dict[str, LocalNetwork]] = WeakKeyDictionary()


def _hex_id(swarm: Engine) -> str:
    return f"{swarm.ctx.sim.rng('local-networks').getrandbits(256):064x}"


def local_networks(swarm: Engine) -> dict[str, LocalNetwork]:
    """The node-local networks by name, the predefined ones created on first use."""
    table = _LOCAL.get(swarm)
    if table is None:
        table = {}
        for name, driver, subnet in (
            ("bridge", "bridge", "172.17.0.0/16"),
            ("docker_gwbridge", "bridge", "172.18.0.0/16"),
            ("host", "host", ""),
            ("none", "null", ""),
        ):
            gateway = subnet.replace(".0.0/16", ".0.1") if subnet else ""
            table[name] = LocalNetwork(_hex_id(swarm), name, driver, subnet, gateway)
            table[name].predefined = name != "docker_gwbridge"
        _LOCAL[swarm] = table
    return table


def _confirm(out: Output, message: str) -> bool:
    """``prompt.Confirm``: print ``message [y/N] `` and read one answer from standard input.

    Without piped input the answer is the empty line a user would type: no.
    """
    out.write(f"{message} [y/N] ")
    lines = (out.stdin or b"").decode("utf-8", "replace").splitlines()
    answer = lines[0].strip() if lines else ""
    if not lines:
        out.write("\n")  # the user's Enter, echoed by the terminal
    return answer.lower() == "y"


# ---------------------------------------------------------------------------- commands

_CREATE = Command(
    "docker network create",
    "create [OPTIONS] NETWORK",
    "Create a network",
    (
        FlagSpec("driver", "d", FlagKind.STRING, "bridge", "Driver to manage the Network"),
        FlagSpec("opt", "o", FlagKind.ARRAY, help="Set driver specific options", value_name="map"),
        FlagSpec(
            "label", None, FlagKind.ARRAY, help="Set metadata on a network", value_name="list"
        ),
        FlagSpec("internal", None, FlagKind.BOOL, help="Restrict external access to the network"),
        FlagSpec(
            "ipv4", None, FlagKind.BOOL, True, help="Enable or disable IPv4 address assignment"
        ),
        FlagSpec("attachable", None, FlagKind.BOOL, help="Enable manual container attachment"),
        FlagSpec("ingress", None, FlagKind.BOOL, help="Create swarm routing-mesh network"),
        FlagSpec("scope", None, FlagKind.STRING, help="Control the network's scope"),
        FlagSpec(
            "ipam-driver", None, FlagKind.STRING, "default", help="IP Address Management Driver"
        ),
        FlagSpec(
            "subnet",
            None,
            FlagKind.LIST,
            help="Subnet in CIDR format that represents a network segment",
        ),
        FlagSpec("ip-range", None, FlagKind.LIST, help="Allocate container ip from a sub-range"),
        FlagSpec("gateway", None, FlagKind.LIST, help="IPv4 or IPv6 Gateway for the master subnet"),
        FlagSpec(
            "aux-address",
            None,
            FlagKind.ARRAY,
            help="Auxiliary IPv4 or IPv6 addresses used by Network driver",
            value_name="map",
        ),
    ),
    min_args=1,
    max_args=1,
)
_LS = Command(
    "docker network ls",
    "ls [OPTIONS]",
    "List networks",
    (
        FILTER_FLAG,
        FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template"),
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate the output"),
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display network IDs"),
    ),
    max_args=0,
    aliases=("list",),
)
_RM = Command(
    "docker network rm",
    "rm NETWORK [NETWORK...]",
    "Remove one or more networks",
    (FlagSpec("force", "f", FlagKind.BOOL, help="Do not error if the network does not exist"),),
    min_args=1,
    aliases=("remove",),
)
_PRUNE = Command(
    "docker network prune",
    "prune [OPTIONS]",
    "Remove all unused networks",
    (
        FlagSpec(
            "filter",
            None,
            FlagKind.ARRAY,
            help='Provide filter values (e.g. "until=<timestamp>")',
            value_name="filter",
        ),
        FlagSpec("force", "f", FlagKind.BOOL, help="Do not prompt for confirmation"),
    ),
    max_args=0,
)


def _map_opt(values: list[str]) -> dict[str, str]:
    """docker's ``MapOpts``: ``KEY=VALUE`` or a bare ``KEY`` (empty value), last one wins."""
    return dict(v.partition("=")[::2] for v in values)


# ------------------------------------------------------------------------ create: the daemon


def _scope_checks(driver: str, scope: str, ingress: bool, ipv4: bool) -> bool:
    """``libnetwork: Controller.NewNetwork``: whether the network goes to the swarm.

    Raises
    ------
    DaemonError
        An unknown driver, a global driver asked to be ``local``, a node-local
        ingress driver, IPv4 disabled on a swarm network.
    """
    if driver not in _LOCAL_DRIVERS:
        raise DaemonError(f"plugin {go_quote(driver)} not found")
    if scope == "local" and driver == "overlay":
        raise DaemonError(f"cannot downgrade network scope for {driver} networks")
    if ingress and driver != "overlay":
        raise DaemonError("Ingress network can only be global scope network")
    to_swarm = driver == "overlay" or scope == "swarm"
    if to_swarm and not ipv4:
        raise DaemonError("IPv4 cannot be disabled in a Swarm scoped network")
    return to_swarm


@command("network", "create")
def network_create(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network create [-d overlay] [--attachable] [--subnet CIDR] ... NAME``."""
    parsed = _CREATE.parse(argv, out)
    if parsed is None:
        return
    validate_values(_CREATE, parsed, _CREATE.flags)
    name = parsed.args[0]
    driver = parsed.get_str("driver") or "bridge"
    aux = list(_map_opt(parsed.get_list("aux-address")).items())
    configs = ipam_configs(
        parsed.get_list("subnet"), parsed.get_list("ip-range"), parsed.get_list("gateway"), aux
    )
    labels = dict(item.partition("=")[::2] for item in parsed.get_list("label"))
    options = _map_opt(parsed.get_list("opt"))
    ingress = parsed.get_bool("ingress")
    local = local_networks(swarm)
    manager = _is_manager(swarm)
    if (
        manager
        and swarm.ctx.leadership.visible
        and any(n.name == name for n in list_networks(swarm.ctx))
    ):
        raise DaemonError(f"network with name {name} already exists")
    if name in PREDEFINED_NETWORKS:
        raise DaemonError(f"operation is not permitted on predefined {name} network ")
    if driver == "overlay" and not manager:
        raise DaemonError(NOT_IN_A_SWARM)
    validate_ipam(configs)
    if name in local:
        raise DaemonError(f"network with name {name} already exists")
    ipam_driver = parsed.get_str("ipam-driver") or "default"
    to_swarm = _scope_checks(
        driver, parsed.get_str("scope") or "", ingress, parsed.get_bool("ipv4")
    )
    if to_swarm and not manager:
        raise DaemonError(
            "Cannot create a multi-host network from a worker node. Please create the network "
            "from a manager node."
            if swarm.current_node_id in swarm.ctx.store.nodes
            else "cannot create a swarm scoped network when swarm is not active"
        )
    first = next(
        (c for c in configs if ipaddress.ip_network(c.subnet, strict=False).version == 4), None
    )
    if to_swarm:
        if ipam_driver != "default":
            raise rpc_error("InvalidArgument", f"error during lookup of plugin {ipam_driver}")
        network = create_network(
            swarm.ctx,
            swarm.allocator,
            name,
            driver=driver,
            attachable=parsed.get_bool("attachable"),
            ingress=ingress,
            internal=parsed.get_bool("internal"),
            subnet=first.subnet if first else None,
            gateway=first.gateway if first else None,
            ip_range=first.ip_range if first else None,
            options=options,
            labels=labels,
            local_names=local.keys(),
        )
        out.line(network.id)
        return
    if ipam_driver != "default":
        raise DaemonError(f"plugin {go_quote(ipam_driver)} not found")
    if driver in _SINGLETON_DRIVERS:
        raise DaemonError(f'only one instance of "{driver}" network is allowed')
    index = sum(1 for n in local.values() if n.driver == "bridge") + 17
    subnet = first.subnet if first else f"172.{index}.0.0/16"
    gateway = (first.gateway if first else "") or str(
        ipaddress.ip_network(subnet, strict=False).network_address + 1
    )
    entry = LocalNetwork(
        _hex_id(swarm),
        name,
        driver,
        subnet,
        gateway,
        internal=parsed.get_bool("internal"),
        attachable=parsed.get_bool("attachable"),
        labels=tuple(sorted(labels.items())),
        created_at=swarm.ctx.now,
        options=tuple(sorted(options.items())),
        ip_range=first.ip_range if first else "",
    )
    local[name] = entry
    out.line(entry.id)


# ------------------------------------------------------------------------------- usage


def attached_tasks(swarm: Engine, network: Network, node_id: str) -> list[Task]:
    """Running tasks of machine ``node_id`` attached to ``network``."""
    return [
        task
        for task in swarm.ctx.store.tasks_on_node(node_id)
        if task.state == TaskState.RUNNING and any(n == network.id for n, _ in task.attachments)
    ]


def attached_here(swarm: Engine, network: Network) -> list[Task]:
    """Running task containers of the CLI's machine attached to ``network``."""
    return attached_tasks(swarm, network, swarm.current_node_id)


def _used_here(swarm: Engine, found: LocalNetwork | Network) -> bool:
    """``filterNetworkByUse``: predefined, or with endpoints on this machine."""
    if isinstance(found, LocalNetwork):
        return found.predefined or found.name == "docker_gwbridge"
    return found.ingress or bool(attached_here(swarm, found))


def _is_manager(swarm: Engine) -> bool:
    """Whether the machine the CLI runs on is a manager of the swarm."""
    node = swarm.ctx.store.nodes.get(swarm.current_node_id)
    return node is not None and node.role == NodeRole.MANAGER


def _swarm_networks(swarm: Engine) -> list[Network]:
    """The swarm networks this machine's daemon lists.

    A manager that reaches the leader lists the cluster's networks; any other
    machine (a worker, a manager cut off from the leader) only those that
    exist on it: ``ingress`` and the networks of its running tasks (the
    daemon ignores the cluster's error).
    """
    if _is_manager(swarm) and swarm.ctx.leadership.visible:
        return list_networks(swarm.ctx)
    if swarm.current_node_id not in swarm.ctx.store.nodes:
        return []
    return [n for n in swarm.ctx.store.networks.values() if n.ingress or attached_here(swarm, n)]


# ------------------------------------------------------------------------------------ ls


def _rows(swarm: Engine) -> list[tuple[str, str, str, str, bool, tuple[tuple[str, str], ...]]]:
    """(id, name, driver, scope, predefined, labels) of every network the manager sees."""
    rows = [
        (n.id, n.name, n.driver, "local", n.predefined, n.labels)
        for n in local_networks(swarm).values()
    ]
    rows += [
        (n.id, n.name, n.driver if n.allocated else "", "swarm", False, n.labels)
        for n in _swarm_networks(swarm)
    ]
    return rows


def _matches(row: tuple[str, str, str, str, bool, Any], filters: dict[str, list[str]]) -> bool:
    net_id, name, driver, scope, predefined, labels = row
    label_map = dict(labels)

    def check(key: str, value: str) -> bool:
        if key == "driver":
            return value == driver
        if key == "scope":
            return value == scope
        if key in ("id", "name"):
            try:
                return re.search(value, net_id if key == "id" else name) is not None
            except re.error:
                return False
        if key == "type":
            return value == ("builtin" if predefined else "custom")
        label, has_value, wanted = value.partition("=")
        return label in label_map and (not has_value or label_map[label] == wanted)

    return all(
        any(check(key, v) for v in values) for key, values in filters.items() if key != "dangling"
    )


def _dangling_filter(filters: dict[str, list[str]]) -> bool | None:
    """The ``dangling`` filter's value (``None`` when absent)."""
    values = filters.get("dangling", [])
    if not values:
        return None
    if len(values) > 1:
        raise DaemonError('got more than one value for filter key "dangling"')
    if values[0] in ("1", "true"):
        return True
    if values[0] in ("0", "false"):
        return False
    raise DaemonError(
        'invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")'
    )


@command("network", "ls")
@command("network", "list")
def network_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network ls [-q] [--no-trunc] [--filter k=v]``."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_LS, parsed.get_list("filter"))
    check_filter_names(filters, _NETWORK_FILTERS)
    dangling = _dangling_filter(filters)
    for value in filters.get("type", ()):
        if value not in ("builtin", "custom"):
            raise DaemonError(f"invalid filter: 'type'='{value}'")
    found: dict[str, LocalNetwork | Network] = {n.id: n for n in local_networks(swarm).values()}
    found.update((n.id, n) for n in _swarm_networks(swarm))
    rows = [r for r in _rows(swarm) if _matches(r, filters)]
    if dangling is not None:
        rows = [r for r in rows if _used_here(swarm, found[r[0]]) != dangling]
    rows.sort(key=lambda r: natural_key(r[1]))
    width = None if parsed.get_bool("no-trunc") else 12
    contexts = (_ls_row(found[r[0]], r[2], r[3], width) for r in rows)
    quiet = parsed.get_bool("quiet")
    fmt = choose_format(parsed.get_str("format") or "", _LS_TABLE, quiet=quiet, raw=_LS_RAW)
    out.write(format_rows(fmt, contexts, _LS_HEADER))


_LS_TABLE = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
_LS_RAW = (
    "network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n",
    "network_id: {{.ID}}",
)
_LS_HEADER = {
    "ID": "NETWORK ID",
    "Name": "NAME",
    "Driver": "DRIVER",
    "Scope": "SCOPE",
    "IPv4": "IPV4",
    "IPv6": "IPV6",
    "Internal": "INTERNAL",
    "Labels": "LABELS",
    "CreatedAt": "CREATED AT",
}


def _ls_row(network: LocalNetwork | Network, driver: str, scope: str, width: int | None) -> Struct:
    """docker's ``networkContext`` of one network."""
    labels = dict(network.labels)
    fields = {
        "ID": network.id[:width],
        "Name": network.name,
        "Driver": driver,
        "Scope": scope,
        "IPv4": "true",
        "IPv6": "false",
        "Internal": "true" if network.internal else "false",
        "Labels": labels_text(network.labels),
        "Label": lambda name: labels.get(name, ""),
        "CreatedAt": go_time(network.created_at),
    }
    return Struct("*network.networkContext", fields)


def find_network(swarm: Engine, ref: str) -> LocalNetwork | Network:
    """A network by ID, name or ID prefix: local ones first, as the daemon does."""
    for entry in local_networks(swarm).values():
        if ref in (entry.id, entry.name):
            return entry
    try:
        if _is_manager(swarm):
            return get_network(swarm.ctx, ref)
        here = _swarm_networks(swarm)
        found = next((n for n in here if ref in (n.id, n.name)), None)
        found = found or next((n for n in here if ref and n.id.startswith(ref)), None)
        if found is None:
            raise DaemonError(f"network {ref} not found")
        return found
    except DaemonError:
        matches = [n for n in local_networks(swarm).values() if n.id.startswith(ref)]
        if ref and len(matches) == 1:
            return matches[0]
        raise


# ------------------------------------------------------------------------------------ rm


@command("network", "rm")
@command("network", "remove")
def network_rm(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network rm NETWORK...``: removed arguments, then one error line each."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    failed = False
    local = local_networks(swarm)
    for ref in parsed.args:
        try:
            found = find_network(swarm, ref)
            if isinstance(found, Network) and not _is_manager(swarm):
                raise DaemonError(NOT_A_MANAGER)
            if isinstance(found, Network) and found.ingress and not _confirm(out, INGRESS_WARNING):
                continue
            if isinstance(found, Network):
                remove_network(swarm.ctx, found.id)
            elif found.predefined:
                raise DaemonError(f"{found.name} is a pre-defined network and cannot be removed")
            elif found.name == "docker_gwbridge":
                raise DaemonError(
                    "error while removing network: network docker_gwbridge id "
                    f"{found.id} has active endpoints"
                )
            else:
                del local[found.name]
        except DaemonError as error:
            if parsed.get_bool("force") and str(error) == f"network {ref} not found":
                continue
            out.error(f"Error response from daemon: {error}")
            failed = True
            continue
        out.line(ref)
    if failed:
        raise DockerCLIError("", 1)  # the errors are printed already


# --------------------------------------------------------------------------------- prune


def _until(values: list[str], now: float) -> float | None:
    """The ``until`` prune filter as a virtual time (``moby: api/types/time`` ``GetTimestamp``)."""
    if not values:
        return None
    if len(values) > 1:
        raise DaemonError("more than one until filter specified")
    value = values[0]
    if value != "0":
        try:
            return now - parse_duration(value)
        except ValueError:
            pass
    try:
        return float(value) - EPOCH.timestamp()
    except ValueError:
        raise DaemonError(f"failed to parse value as time or duration: {go_quote(value)}") from None


def _prunable(
    labels: tuple[tuple[str, str], ...],
    created: float,
    filters: dict[str, list[str]],
    until: float | None,
) -> bool:
    """``label``, ``label!`` and ``until`` of a prune filter."""
    label_map = dict(labels)

    def has(value: str) -> bool:
        key, has_value, wanted = value.partition("=")
        return key in label_map and (not has_value or label_map[key] == wanted)

    if until is not None and not created < until:
        return False
    if not all(has(v) for v in filters.get("label", [])):
        return False
    return not any(has(v) for v in filters.get("label!", []))


@command("network", "prune")
def network_prune(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network prune [-f] [--filter k=v]``: unused custom networks go."""
    parsed = _PRUNE.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_PRUNE, parsed.get_list("filter"))
    if not parsed.get_bool("force") and not _confirm(out, PRUNE_WARNING):
        return  # "network prune has been cancelled": docker prints nothing, exit 0
    check_filter_names(filters, _PRUNE_FILTERS)
    until = _until(filters.get("until", []), swarm.ctx.now)
    deleted: list[str] = []
    visible = _is_manager(swarm) and swarm.ctx.leadership.visible
    swarm_networks = list_networks(swarm.ctx) if visible else []
    for network in swarm_networks:
        if network.ingress or not _prunable(network.labels, network.created_at, filters, until):
            continue
        try:
            remove_network(swarm.ctx, network.id)
        except DaemonError:
            continue  # still in use
        deleted.append(network.name)
    local = local_networks(swarm)
    for entry in list(local.values()):
        if entry.predefined or entry.name == "docker_gwbridge":
            continue
        if _prunable(entry.labels, entry.created_at, filters, until):
            del local[entry.name]
            deleted.append(entry.name)
    if deleted:
        out.write("Deleted Networks:\n" + "".join(f"{name}\n" for name in deleted) + "\n")
