"""Ports of a compose service: the short syntax (``"8080:80/udp"``, ranges) and the long one.

Mirrors ``cli: cli/compose/loader/loader.go`` (``toServicePortConfigs``, which uses
go-connections ``nat.ParsePortSpecs`` and ``swarmopts.ConvertPortToPortConfig``)
and ``cli/compose/convert/service.go`` (``convertEndpointSpec``: ports sorted by
published port, target port, protocol, mode as ``swarm.PortConfig.Compare``).
The short syntax is parsed by :func:`swarmsim.portspec.parse_port_flag`,
the parser of ``docker service create --publish``, after the host IP is taken off.

Differences
-----------
A host IP (``127.0.0.1:8080:80``) is checked and then dropped without docker's
log line ``ignoring IP-address (...) service will listen on '0.0.0.0'``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from swarmsim.api.enums import PublishMode
from swarmsim.api.specs import PortConfig
from swarmsim.portspec import parse_port_flag

__all__ = ["long_port", "parse_port_spec", "sort_ports"]


def parse_port_spec(text: str) -> list[PortConfig]:
    """The ports of one short-syntax entry.

    Raises
    ------
    ValueError
        go-connections' message (``invalid containerPort: x``, ``invalid proto: x`` ...).

    Examples
    --------
    >>> [(p.published_port, p.target_port) for p in parse_port_spec("127.0.0.1:8000-8001:80-81")]
    [(8000, 80), (8001, 81)]
    """
    parts = text.split(":")
    if len(parts) > 2:
        ip = ":".join(parts[:-2])
        bare = ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip
        try:
            ipaddress.ip_address(bare)
        except ValueError:
            raise ValueError("invalid IP address: " + ip) from None
        text = ":".join(parts[-2:])
    if "=" in text:
        raise ValueError("invalid containerPort: " + text.rsplit(":", 1)[-1].split("/")[0])
    return parse_port_flag(text)


def long_port(entry: Mapping[str, Any]) -> PortConfig:
    """A long-syntax port (``target``, ``published``, ``protocol``, ``mode``), as written.

    Missing fields stay empty, as docker sends them (the daemon fills tcp/ingress).
    """
    mode = PublishMode.HOST if entry.get("mode") == "host" else PublishMode.INGRESS
    return PortConfig(
        int(entry.get("target") or 0),
        int(entry.get("published") or 0),
        str(entry.get("protocol") or "tcp"),
        mode,
    )


def sort_ports(ports: Iterable[PortConfig]) -> tuple[PortConfig, ...]:
    """``slices.SortFunc(ports, swarm.PortConfig.Compare)``."""
    return tuple(
        sorted(
            ports,
            key=lambda p: (p.published_port, p.target_port, p.protocol, p.publish_mode.api_name),
        )
    )
