"""``docker network create | ls | rm | inspect`` as seen from a swarm manager.

Mirrors ``cli: cli/command/network/`` (``create.go``, ``list.go``,
``remove.go``, ``inspect.go``, ``formatter.go``): ``create`` prints the new
network's ID, ``ls`` prints ``NETWORK ID`` (12 characters), ``NAME``,
``DRIVER`` and ``SCOPE`` sorted by name in natural order, ``rm`` prints each
removed argument and reports failures one per line.  A manager lists its
node-local networks (``bridge``, ``docker_gwbridge``, ``host``, ``none``) next
to the swarm's ``ingress`` and overlay networks.

Differences
-----------
Node-local networks are bookkeeping only (no containers attach to them) and
their 64-hex IDs come from the simulation's ``local-networks`` random stream.
Only the first ``--subnet`` is used; ``--opt``, ``--ipv6``, ``--ip-range`` and
IPAM options are not simulated.  Removing ``ingress`` asks for confirmation as
docker does and the simulated answer is always "no".  ``network inspect``
prints a shortened JSON document (no ``Containers`` or ``Peers`` details);
its ``--format`` takes the templates of :mod:`swarmsim.cli.docker.inspect`, and
``ls --format`` those of :mod:`swarmsim.cli.docker.formatter`.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from swarmsim.api.objects import Network
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.formatter import choose_format, format_rows, labels_text
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, inspect_refs
from swarmsim.cli.docker.system import (
    FILTER_FLAG,
    Command,
    natural_key,
    parse_filters,
)
from swarmsim.cli.docker.timefmt import go_time, rfc3339nano
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import Struct
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import check_filter_names, require_leader
from swarmsim.manager.controlapi.network import (
    check_network_name,
    create_network,
    get_network,
    list_networks,
    remove_network,
    validate_ipam,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine as Swarm

__all__ = ["LocalNetwork", "local_networks", "network_json"]

INGRESS_WARNING = (
    "WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm "
    "run the same docker engine version. Otherwise, removal may not be effective and "
    "functionality of newly create ingress networks will be impaired.\n"
    "Are you sure you want to continue?"
)
_NETWORK_FILTERS = ("driver", "id", "label", "name", "scope", "type")


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


_LOCAL: WeakKeyDictionary[Swarm, dict[str, LocalNetwork]] = WeakKeyDictionary()


def _hex_id(swarm: Swarm) -> str:
    return f"{swarm.ctx.sim.rng('local-networks').getrandbits(256):064x}"


def local_networks(swarm: Swarm) -> dict[str, LocalNetwork]:
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


# ---------------------------------------------------------------------------- commands

_CREATE = Command(
    "docker network create",
    "create [OPTIONS] NETWORK",
    "Create a network",
    (
        FlagSpec("driver", "d", FlagKind.STRING, "bridge", "Driver to manage the Network"),
        FlagSpec("attachable", None, FlagKind.BOOL, help="Enable manual container attachment"),
        FlagSpec("internal", None, FlagKind.BOOL, help="Restrict external access to the network"),
        FlagSpec("label", None, FlagKind.ARRAY, help="Set metadata on a network"),
        FlagSpec("opt", "o", FlagKind.ARRAY, help="Set driver specific options", value_name="map"),
        FlagSpec("scope", None, FlagKind.STRING, help="Control the network's scope"),
        FlagSpec(
            "subnet",
            None,
            FlagKind.LIST,
            help="Subnet in CIDR format that represents a network segment",
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
_INSPECT = Command(
    "docker network inspect",
    "inspect [OPTIONS] NETWORK [NETWORK...]",
    "Display detailed information on one or more networks",
    (INSPECT_FORMAT_FLAG,),
    min_args=1,
)


def _subnet_arg(value: str) -> str:
    """The CLI's ``parsePrefixOrAddr``: a CIDR, or a bare address as a one-address subnet."""
    if "/" in value:
        return value
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise DockerCLIError(
            f"invalid address: ParseAddr({go_quote(value)}): unable to parse IP"
        ) from None
    return f"{value}/{address.max_prefixlen}"


@command("network", "create")
def network_create(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker network create [-d overlay] [--attachable] [--subnet CIDR] NAME``."""
    parsed = _CREATE.parse(argv, out)
    if parsed is None:
        return
    name = parsed.args[0]
    driver = parsed.get_str("driver") or "bridge"
    subnets = [_subnet_arg(s) for s in parsed.get_list("subnet")]
    validate_ipam(subnets)
    labels = dict(item.partition("=")[::2] for item in parsed.get_list("label"))
    local = local_networks(swarm)
    if driver == "overlay" or parsed.get_str("scope") == "swarm":
        network = create_network(
            swarm.ctx,
            swarm.allocator,
            name,
            driver=driver,
            attachable=parsed.get_bool("attachable"),
            subnet=subnets[0] if subnets else None,
            labels=labels,
            local_names=local.keys(),
        )
        out.line(network.id)
        return
    check_network_name(swarm.ctx, name, local.keys())
    if driver not in ("bridge", "macvlan", "ipvlan"):
        raise DaemonError(f"plugin {go_quote(driver)} not found")
    index = sum(1 for n in local.values() if n.driver == "bridge") + 17
    subnet = subnets[0] if subnets else f"172.{index}.0.0/16"
    gateway = str(ipaddress.ip_network(subnet, strict=False).network_address + 1)
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
    )
    local[name] = entry
    out.line(entry.id)


def _rows(swarm: Swarm) -> list[tuple[str, str, str, str, bool, tuple[tuple[str, str], ...]]]:
    """(id, name, driver, scope, predefined, labels) of every network the manager sees."""
    rows = [
        (n.id, n.name, n.driver, "local", n.predefined, n.labels)
        for n in local_networks(swarm).values()
    ]
    rows += [(n.id, n.name, n.driver, "swarm", False, n.labels) for n in list_networks(swarm.ctx)]
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

    return all(any(check(key, v) for v in values) for key, values in filters.items())


@command("network", "ls")
@command("network", "list")
def network_ls(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker network ls [-q] [--no-trunc] [--filter k=v]``."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_LS, parsed.get_list("filter"))
    check_filter_names(filters, _NETWORK_FILTERS)
    for value in filters.get("type", ()):
        if value not in ("builtin", "custom"):
            raise DaemonError(f"invalid filter: 'type'='{value}'")
    rows = [r for r in _rows(swarm) if _matches(r, filters)]
    rows.sort(key=lambda r: natural_key(r[1]))
    width = None if parsed.get_bool("no-trunc") else 12
    found: dict[str, LocalNetwork | Network] = {n.id: n for n in local_networks(swarm).values()}
    found.update((n.id, n) for n in list_networks(swarm.ctx))
    contexts = (_ls_row(found[r[0]], r[3], width) for r in rows)
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


def _ls_row(network: LocalNetwork | Network, scope: str, width: int | None) -> Struct:
    """docker's ``networkContext`` of one network."""
    labels = dict(network.labels)
    fields = {
        "ID": network.id[:width],
        "Name": network.name,
        "Driver": network.driver,
        "Scope": scope,
        "IPv4": "true",
        "IPv6": "false",
        "Internal": "true" if getattr(network, "internal", False) else "false",
        "Labels": labels_text(network.labels),
        "Label": lambda name: labels.get(name, ""),
        "CreatedAt": go_time(network.created_at),
    }
    return Struct("*network.networkContext", fields)


def _find(swarm: Swarm, ref: str) -> LocalNetwork | Network:
    """A network by ID, name or ID prefix: local ones first, as the daemon does."""
    for entry in local_networks(swarm).values():
        if ref in (entry.id, entry.name):
            return entry
    try:
        return get_network(swarm.ctx, ref)
    except DaemonError:
        matches = [n for n in local_networks(swarm).values() if n.id.startswith(ref)]
        if ref and len(matches) == 1:
            return matches[0]
        raise


@command("network", "rm")
@command("network", "remove")
def network_rm(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker network rm NETWORK...``: removed arguments, then one error line each."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    require_leader(swarm.ctx)
    failed = False
    local = local_networks(swarm)
    for ref in parsed.args:
        try:
            found = _find(swarm, ref)
            if isinstance(found, Network) and found.ingress:
                out.write(f"{INGRESS_WARNING} [y/N] \n")
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


def network_json(swarm: Swarm, found: LocalNetwork | Network) -> dict[str, Any]:
    """The Engine API network resource (shortened) of a local or swarm network."""
    swarm_scope = isinstance(found, Network)
    config = [{"Subnet": found.subnet, "Gateway": found.gateway}] if found.subnet else []
    options: dict[str, str] = {}
    if isinstance(found, Network) and found.subnet.startswith("10.0."):
        vxlan = 4096 + int(found.subnet.split(".")[2])
        options["com.docker.network.driver.overlay.vxlanid_list"] = str(vxlan)
    return {
        "Name": found.name,
        "Id": found.id,
        "Created": rfc3339nano(found.created_at),
        "Scope": "swarm" if swarm_scope else "local",
        "Driver": found.driver,
        "EnableIPv4": True,
        "EnableIPv6": False,
        "IPAM": {"Driver": "default", "Options": None, "Config": config},
        "Internal": getattr(found, "internal", False),
        "Attachable": found.attachable,
        "Ingress": isinstance(found, Network) and found.ingress,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": {},
        "Options": options,
        "Labels": dict(found.labels),
    }


@command("network", "inspect")
def network_inspect(swarm: Swarm, argv: list[str], out: Output) -> None:
    """``docker network inspect NETWORK...``."""
    parsed = _INSPECT.parse(argv, out)
    if parsed is None:
        return
    require_leader(swarm.ctx)
    fmt = parsed.get_str("format") or ""
    inspect_refs(parsed.args, lambda r: network_json(swarm, _find(swarm, r)), fmt, out, "network")
