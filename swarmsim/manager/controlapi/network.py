"""Network requests of the control API: look up, list, create and remove swarm networks.

Mirrors ``swarmkit: manager/controlapi/network.go`` (``CreateNetwork``,
``RemoveNetwork``, ``removeIngressNetwork``, ``validateIPAMConfiguration``)
and the daemon code in front of it (``moby: api/server/router/network``
``postNetworkCreate``, ``daemon/cluster/helpers.go`` ``getNetwork``): names
must be unique across swarm and node-local networks, the node-local
predefined names cannot be used, and a network still referenced by a service
or by a task that has not stopped cannot be removed.

Differences
-----------
Only swarm-scoped networks live here; node-local networks (``bridge``,
``host``, ``none``, ``docker_gwbridge`` and user ``bridge`` networks) belong to
the daemon and are kept by the CLI layer, which passes their names in for the
conflict checks.  A network is allocated when it is created
(:meth:`~swarmsim.manager.allocator.Allocator.allocate_network`) rather than
by the allocator's event loop.  Plugin drivers do not exist: every driver but
the built-in ones is refused as a failed plugin lookup.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Network, Service
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.errors import DaemonError
from swarmsim.manager.allocator import Allocator
from swarmsim.manager.controlapi import require_leader, rpc_error, validate_name

__all__ = [
    "BUILTIN_SWARM_DRIVERS",
    "PREDEFINED_NETWORKS",
    "IPAMConfig",
    "check_network_name",
    "create_network",
    "get_network",
    "list_networks",
    "remove_network",
    "validate_ipam",
]

PREDEFINED_NETWORKS = frozenset({"bridge", "host", "none", "default"})
"""Names the daemon reserves (``moby: runconfig`` ``IsPreDefinedNetwork``)."""


def get_network(ctx: Context, ref: str) -> Network:
    """Find a swarm network by full ID, then exact name, then ID prefix.

    Raises
    ------
    DaemonError
        ``network <ref> not found`` or ``network <ref> is ambiguous (<n> matches found)``.
    """
    require_leader(ctx)
    networks = ctx.store.networks
    if ref in networks:
        return networks[ref]
    matches = [n for n in networks.values() if n.name == ref]
    if not matches and ref:
        matches = [n for n in networks.values() if n.id.startswith(ref)]
    if not matches:
        raise DaemonError(f"network {ref} not found")
    if len(matches) > 1:
        raise DaemonError(f"network {ref} is ambiguous ({len(matches)} matches found)")
    return matches[0]


def list_networks(ctx: Context) -> list[Network]:
    """Every swarm network, ingress included, in creation order."""
    require_leader(ctx)
    return list(ctx.store.networks.values())


def check_network_name(ctx: Context, name: str, local_names: Collection[str] = ()) -> None:
    """Refuse a name already taken by a swarm or node-local network, or reserved.

    Raises
    ------
    DaemonError
        ``network with name <name> already exists`` or
        ``operation is not permitted on predefined <name> network `` (sic, trailing space).
    """
    require_leader(ctx)
    if any(n.name == name for n in ctx.store.networks.values()):
        raise DaemonError(f"network with name {name} already exists")
    if name in PREDEFINED_NETWORKS:
        raise DaemonError(f"operation is not permitted on predefined {name} network ")
    if name in local_names:
        raise DaemonError(f"network with name {name} already exists")


def _parse_prefix(text: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface | None:
    """Go's ``netip.ParsePrefix``: ``ADDR/BITS`` with no zone and decimal bits; ``None`` if bad."""
    address, slash, bits = text.rpartition("/")
    if not slash or "%" in address or not bits.isascii() or not bits.isdigit():
        return None
    if len(bits) > 1 and bits.startswith("0"):
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if int(bits) > parsed.max_prefixlen:
        return None
    return ipaddress.ip_interface(f"{parsed}/{int(bits)}")


@dataclass(frozen=True)
class IPAMConfig:
    """One ``--subnet`` with the ``--ip-range``, ``--gateway`` and ``--aux-address`` in it."""

    subnet: str
    ip_range: str = ""
    gateway: str = ""
    aux_addresses: tuple[tuple[str, str], ...] = ()


def _address_error(
    address: str, subnet: ipaddress.IPv4Network | ipaddress.IPv6Network, given: str
) -> str:
    """``validateAddress``: why ``address`` cannot be used in ``subnet`` (``""`` if it can)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "invalid address"
    if parsed.version != subnet.version:
        return f"parent subnet is an IPv{subnet.version} block"
    if parsed not in subnet:
        return f"parent subnet {given} doesn't contain this address"
    return ""


def _range_errors(
    ip_range: str, subnet: ipaddress.IPv4Network | ipaddress.IPv6Network, given: str
) -> list[str]:
    """``validateIPRange``."""
    prefix = _parse_prefix(ip_range)
    if prefix is None:
        return [f"invalid ip-range {ip_range}: invalid CIDR block notation"]
    if prefix.version != subnet.version:
        return [f"invalid ip-range {ip_range}: parent subnet is an IPv{subnet.version} block"]
    errors = []
    if prefix.network.prefixlen < subnet.prefixlen:
        errors.append(
            f"invalid ip-range {ip_range}: CIDR block is bigger than its parent subnet {given}"
        )
    if prefix.ip != prefix.network.network_address:
        errors.append(f"invalid ip-range {prefix.with_prefixlen}: it should be {prefix.network}")
    if not subnet.overlaps(prefix.network):
        errors.append(
            f"invalid ip-range {ip_range}: parent subnet {given} doesn't contain ip-range"
        )
    return errors


def validate_ipam(configs: Sequence[IPAMConfig]) -> None:
    """Check the IPAM configuration as the daemon does before any network is made.

    Mirrors ``moby: api/types/network/ipam.go`` ``ValidateIPAM``, which the daemon
    runs for node-local and swarm networks alike: every subnet must parse as a
    prefix and have no host bits, its range, gateway and auxiliary addresses
    must lie in it; the errors are joined under one heading.  IPv6 subnets are
    skipped (IPv6 is not enabled).

    Raises
    ------
    DaemonError
        ``invalid network config:`` then ``invalid subnet 10.0.0.0/99: invalid CIDR
        block notation`` (docker prints this on two lines).
    """
    errors = []
    for config in configs:
        prefix = _parse_prefix(config.subnet)
        if prefix is None:
            errors.append(f"invalid subnet {config.subnet}: invalid CIDR block notation")
            continue
        if prefix.version == 6:
            continue
        given = prefix.with_prefixlen
        if prefix.ip != prefix.network.network_address:
            errors.append(f"invalid subnet {given}: it should be {prefix.network}")
        if config.ip_range:
            errors += _range_errors(config.ip_range, prefix.network, given)
        if config.gateway:
            why = _address_error(config.gateway, prefix.network, given)
            if why:
                errors.append(f"invalid gateway {config.gateway}: {why}")
        for name, address in config.aux_addresses:
            why = _address_error(address, prefix.network, given)
            if why:
                errors.append(f"invalid auxiliary address {name}: {why}")
    if len(errors) == 1:
        raise DaemonError(f"invalid network config:\n{errors[0]}")
    if errors:
        raise DaemonError("invalid network config:\n* " + "\n* ".join(errors))


BUILTIN_SWARM_DRIVERS = frozenset({"overlay", "macvlan", "bridge", "ipvlan", "host"})
"""Drivers a swarm network may use (``moby: libnetwork/cnmallocator`` ``initializers``)."""
PREDEFINED_LABEL = "com.docker.swarm.predefined"


def _validate_ipam(subnet: str | None, gateway: str | None, ip_range: str | None) -> None:
    """``validateIPAMConfiguration``: the subnet parses, and holds the range and gateway."""
    if not subnet:
        return
    bad = rpc_error("InvalidArgument", f"ipam configuration: invalid subnet {subnet}")
    if "/" not in subnet:
        raise bad
    try:
        net = ipaddress.ip_network(subnet, strict=False)
    except ValueError:
        raise bad from None
    if ip_range:
        try:
            first = ipaddress.ip_network(ip_range, strict=False).network_address
        except ValueError:
            raise rpc_error(
                "InvalidArgument", f"ipam configuration: invalid range {ip_range}"
            ) from None
        if first not in net:
            raise rpc_error(
                "InvalidArgument",
                f"ipam configuration: subnet {subnet} does not contain range {ip_range}",
            )
    if gateway:
        try:
            address = ipaddress.ip_address(gateway)
        except ValueError:
            raise rpc_error(
                "InvalidArgument", f"ipam configuration: invalid gateway {gateway}"
            ) from None
        if address not in net:
            raise rpc_error(
                "InvalidArgument",
                f"ipam configuration: subnet {subnet} does not contain gateway {gateway}",
            )


def create_network(
    ctx: Context,
    allocator: Allocator,
    name: str,
    *,
    driver: str = "overlay",
    attachable: bool = False,
    ingress: bool = False,
    internal: bool = False,
    subnet: str | None = None,
    gateway: str | None = None,
    ip_range: str | None = None,
    options: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    local_names: Collection[str] = (),
) -> Network:
    """Create and allocate a swarm-scoped network (``docker network create -d overlay``).

    Mirrors ``CreateNetwork`` and ``validateNetworkSpec``: attachable ingress,
    reserved labels, names, drivers and the IPAM configuration are checked in
    swarmkit's order, then a second ingress network is refused.  The network is
    allocated at once (:meth:`Allocator.allocate_network`); one whose subnet
    overlaps another network's is created unallocated, as in swarmkit.

    Raises
    ------
    DaemonError
        Name conflicts (:func:`check_network_name`), swarmkit's validation
        errors (``ingress network cannot be attachable``, ``error during lookup of
        plugin <driver>``, ``ipam configuration: ...``), ``ingress network (<id>)
        is already present``.
    """
    check_network_name(ctx, name, local_names)
    if attachable and ingress:
        raise rpc_error("InvalidArgument", "ingress network cannot be attachable")
    validate_name(name)
    if labels and PREDEFINED_LABEL in labels:
        raise rpc_error(
            "PermissionDenied",
            f"label {PREDEFINED_LABEL} is for internally created predefined networks "
            "and cannot be applied by users",
        )
    if ingress and driver != "overlay":
        raise rpc_error(
            "Unimplemented", "only overlay driver is currently supported for ingress network"
        )
    if driver not in BUILTIN_SWARM_DRIVERS:
        raise rpc_error("InvalidArgument", f"error during lookup of plugin {driver}")
    _validate_ipam(subnet, gateway, ip_range)
    if ingress:
        present = next((n for n in ctx.store.networks.values() if n.ingress), None)
        if present is not None:
            raise rpc_error("AlreadyExists", f"ingress network ({present.id}) is already present")
    network = Network(
        ctx.ids.new(),
        name,
        driver=driver,
        subnet=subnet or "",
        gateway=gateway or "",
        ip_range=ip_range or "",
        ingress=ingress,
        attachable=attachable,
        internal=internal,
        options=make_labels(options or {}),
        labels=make_labels(labels or {}),
        created_at=ctx.now,
    )
    allocator.allocate_network(network)
    ctx.store.create_network(network)
    return network


def _needs_ingress(service: Service) -> bool:
    """Whether a service publishes a port through the routing mesh."""
    ports = service.published_ports or service.spec.endpoint.ports
    return any(p.publish_mode == PublishMode.INGRESS for p in ports)


def remove_network(ctx: Context, ref: str) -> Network:
    """Delete a swarm network that nothing uses any more (``docker network rm``).

    Raises
    ------
    DaemonError
        Unknown network; ``network <id> is in use by service <service id>``;
        ``network <id> is in use by task <task id>``; for ingress,
        ``ingress network cannot be removed because service <id> depends on it``.
    """
    network = get_network(ctx, ref)
    store = ctx.store
    if network.ingress:
        for service in store.services.values():
            if _needs_ingress(service):
                why = f"because service {service.id} depends on it"
                raise rpc_error("FailedPrecondition", f"ingress network cannot be removed {why}")
    else:
        for service in store.services.values():
            if network.id in service.spec.task.networks:
                raise rpc_error(
                    "FailedPrecondition",
                    f"network {network.id} is in use by service {service.id}",
                )
        for task in store.tasks.values():
            if (
                network.id in task.spec.networks
                and task.desired_state <= TaskState.RUNNING
                and task.state <= TaskState.RUNNING
            ):
                raise rpc_error(
                    "FailedPrecondition", f"network {network.id} is in use by task {task.id}"
                )
    store.delete_network(network.id)
    return network
