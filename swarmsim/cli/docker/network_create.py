"""``docker network create``: the CLI's flags, then the daemon's checks and where it goes.

Mirrors ``cli: cli/command/network/create.go`` and the daemon behind it
(``moby: api/server/router/network/network_routes.go``, ``daemon/network.go``
``createNetwork``, ``daemon/cluster/convert/network.go``,
``libnetwork/controller.go`` ``NewNetwork``): ``--subnet``/``--ip-range``/
``--gateway``/``--aux-address`` are grouped as the CLI does
(:mod:`swarmsim.cli.docker.network_ipam`), the daemon checks the name, the
IPAM configuration (``ValidateIPAM``) and the driver's scope, and ``overlay``
networks (or any built-in driver with ``--scope swarm``) go to the swarm
(:mod:`swarmsim.manager.controlapi.network`); the others become node-local
networks of the machine (:mod:`swarmsim.cli.docker.network`).  The new ID is
printed.

Differences
-----------
``--ipv6``, ``--config-only``, ``--config-from`` and IPAM driver options are
not simulated.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from swarmsim.cli.docker import NOT_IN_A_SWARM, Output, command
from swarmsim.cli.docker.network import (
    LocalNetwork,
    is_manager,
    local_network_id,
    local_networks,
)
from swarmsim.cli.docker.network_ipam import ipam_configs
from swarmsim.cli.docker.service_opts import validate_values
from swarmsim.cli.docker.system import Command
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import rpc_error
from swarmsim.manager.controlapi.network import (
    PREDEFINED_NETWORKS,
    create_network,
    list_networks,
    validate_ipam,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["network_create"]

_LOCAL_DRIVERS = ("bridge", "host", "ipvlan", "macvlan", "null", "overlay")
_SINGLETON_DRIVERS = ("host", "null")

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


def _map_opt(values: list[str]) -> dict[str, str]:
    """docker's ``MapOpts``: ``KEY=VALUE`` or a bare ``KEY`` (empty value), last one wins."""
    return dict(v.partition("=")[::2] for v in values)


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
    manager = is_manager(swarm)
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
        local_network_id(swarm),
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
