"""``docker network create``'s IPAM flags grouped as the CLI sends them.

Mirrors ``cli: cli/command/network/create.go`` (``createIPAMConfig``,
``subnetMatches``): every ``--ip-range`` and ``--gateway`` needs a subnet,
subnets must not overlap, and each range, gateway and ``--aux-address`` goes
under the subnet holding it (one range and one gateway per subnet).  The
errors are the CLI's own, printed before any request reaches the daemon; a
single subnet is not parsed here (the daemon's ``ValidateIPAM`` judges it).

Differences
-----------
Subnets keep the order they were given (docker's map makes it random).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from swarmsim.errors import DockerCLIError
from swarmsim.manager.controlapi.network import IPAMConfig

__all__ = ["ipam_configs"]


def _go_parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Go's ``net.ParseCIDR`` (host bits allowed); ``ValueError`` with Go's text."""
    address, slash, bits = text.partition("/")
    try:
        parsed = ipaddress.ip_address(address)
        if not slash or "%" in address or not bits.isascii() or not bits.isdigit():
            raise ValueError
        if int(bits) > parsed.max_prefixlen:
            raise ValueError
        return ipaddress.ip_network(f"{parsed}/{int(bits)}", strict=False)
    except ValueError:
        raise ValueError(f"invalid CIDR address: {text}") from None


def _subnet_matches(subnet: str, data: str) -> bool:
    """The CLI's ``subnetMatches``: whether ``data`` (address or CIDR) lies in ``subnet``."""
    try:
        net = _go_parse_cidr(subnet)
    except ValueError as error:
        raise DockerCLIError(f"invalid subnet: {error}") from None
    if "/" in data:
        try:
            _go_parse_cidr(data)
        except ValueError as error:
            raise DockerCLIError(str(error)) from None
        address: Any = ipaddress.ip_address(data.partition("/")[0])
    else:
        try:
            address = ipaddress.ip_address(data)
        except ValueError:
            return False
    return address.version == net.version and address in net


def ipam_configs(
    subnets: list[str], ranges: list[str], gateways: list[str], aux: list[tuple[str, str]]
) -> list[IPAMConfig]:
    """``createIPAMConfig``: group ranges, gateways and aux addresses under their subnet."""
    if len(subnets) < len(ranges) or len(subnets) < len(gateways):
        raise DockerCLIError("every ip-range or gateway must have a corresponding subnet")
    configs: dict[str, IPAMConfig] = {}
    for subnet in subnets:
        for known in configs:
            if _subnet_matches(subnet, known) or _subnet_matches(known, subnet):
                raise DockerCLIError("multiple overlapping subnet configuration is not supported")
        configs[subnet] = IPAMConfig(subnet)
    for ip_range in ranges:
        try:
            _go_parse_cidr(ip_range)
        except ValueError as error:
            raise DockerCLIError(str(error)) from None
        _assign(configs, ip_range, "ip_range", "ranges ({}, {}) on", "range {}")
    for gateway in gateways:
        _assign(configs, gateway, "gateway", "gateways ({}, {}) for", "gateway {}")
    for name, address in aux:
        matched = False
        for subnet in subnets:
            if _subnet_matches(subnet, address):
                entries = (*configs[subnet].aux_addresses, (name, address))
                configs[subnet] = replace(configs[subnet], aux_addresses=entries)
                matched = True
        if not matched:
            raise DockerCLIError(f"no matching subnet for aux-address {address}")
    return list(configs.values())


def _assign(configs: dict[str, IPAMConfig], value: str, field: str, many: str, what: str) -> None:
    """Put an ``--ip-range`` or ``--gateway`` under every subnet holding it (one each)."""
    matched = False
    for subnet, config in configs.items():
        if not _subnet_matches(subnet, value):
            continue
        held = getattr(config, field)
        if held:
            raise DockerCLIError(
                f"cannot configure multiple {many.format(value, held)} the same subnet ({subnet})"
            )
        if field == "gateway":
            configs[subnet] = replace(config, gateway=value)
        else:
            configs[subnet] = replace(config, ip_range=value)
        matched = True
    if not matched:
        raise DockerCLIError(f"no matching subnet for {what.format(value)}")
