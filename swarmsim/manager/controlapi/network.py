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
Only swarm-scoped ``overlay`` networks live here; node-local networks
(``bridge``, ``host``, ``none``, ``docker_gwbridge`` and user ``bridge``
networks) belong to the daemon and are kept by the CLI layer, which passes
their names in for the conflict checks.  A network is allocated when it is
created: without ``--subnet`` it takes the allocator's next /24 of
10.0.0.0/8; with ``--subnet`` it uses that subnet (no overlap check with other
pools) and its first address as gateway.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping, Sequence

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Network, Service
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.errors import DaemonError
from swarmsim.manager.allocator import Allocator
from swarmsim.manager.controlapi import require_leader, rpc_error

__all__ = [
    "PREDEFINED_NETWORKS",
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


def validate_ipam(subnets: Sequence[str]) -> None:
    """Check ``--subnet`` values as the daemon does before any network is made.

    Mirrors ``moby: api/types/network/ipam.go`` ``ValidateIPAM``, which the daemon
    runs for node-local and swarm networks alike: every subnet must parse as a
    prefix and have no host bits; the errors are joined under one heading.

    Raises
    ------
    DaemonError
        ``invalid network config:`` then ``invalid subnet 10.0.0.0/99: invalid CIDR
        block notation`` (docker prints this on two lines).
    """
    errors = []
    for subnet in subnets:
        prefix = _parse_prefix(subnet)
        if prefix is None:
            errors.append(f"invalid subnet {subnet}: invalid CIDR block notation")
        elif prefix.ip != prefix.network.network_address:
            errors.append(f"invalid subnet {prefix.with_prefixlen}: it should be {prefix.network}")
    if len(errors) == 1:
        raise DaemonError(f"invalid network config:\n{errors[0]}")
    if errors:
        raise DaemonError("invalid network config:\n* " + "\n* ".join(errors))


def _subnet(subnet: str) -> tuple[str, str]:
    """Validate a CIDR (Go's ``net.ParseCIDR``) and return it with its first host address."""
    error = rpc_error("InvalidArgument", f"ipam configuration: invalid subnet {subnet}")
    if "/" not in subnet:
        raise error
    try:
        net = ipaddress.ip_network(subnet, strict=False)
    except ValueError:
        raise error from None
    return subnet, str(net.network_address + 1)


def create_network(
    ctx: Context,
    allocator: Allocator,
    name: str,
    *,
    driver: str = "overlay",
    attachable: bool = False,
    subnet: str | None = None,
    labels: Mapping[str, str] | None = None,
    local_names: Collection[str] = (),
) -> Network:
    """Create and allocate a swarm-scoped network (``docker network create -d overlay``).

    Raises
    ------
    DaemonError
        Name conflicts (:func:`check_network_name`), a driver other than ``overlay``,
        an invalid subnet.
    """
    check_network_name(ctx, name, local_names)
    if driver != "overlay":
        raise rpc_error("InvalidArgument", "invalid driver specified")
    allocation = _subnet(subnet) if subnet else None
    network = Network(
        ctx.ids.new(),
        name,
        driver=driver,
        attachable=attachable,
        labels=make_labels(labels or {}),
        created_at=ctx.now,
    )
    if allocation is None:
        allocator.allocate_network(network)
    else:
        network.subnet, network.gateway = allocation
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
