"""Published-port values: ``--publish`` / compose ``ports`` strings into port configs.

Mirrors ``cli: opts/swarmopts/port.go`` (``PortOpt.Set``: the long ``key=value`` syntax)
and ``go-connections: nat/nat.go`` (``ParsePortSpec``, ``ParsePortRange``) as the
docker CLI uses them for ``docker service create --publish`` and as the compose
loader uses them for a service's short-syntax ``ports``.  Every error is a
:class:`ValueError` carrying docker's text.

Differences
-----------
A host IP in the short syntax is parsed and then refused (``hostip is not
supported``), as the CLI does for services.
"""

from __future__ import annotations

import ipaddress
import re

from swarmsim.api.enums import PublishMode
from swarmsim.api.specs import PortConfig
from swarmsim.csvrecord import read_csv_record

__all__ = ["LONG_SYNTAX", "parse_port_flag", "port_range"]


def _parse_uint16(text: str) -> int:
    """``strconv.ParseUint(text, 10, 16)``; ValueError carries the bare reason."""
    if not text or not text.isascii() or not text.isdigit():
        raise ValueError("invalid syntax")
    value = int(text)
    if value > 0xFFFF:
        raise ValueError("value out of range")
    return value


def port_range(text: str) -> tuple[int, int]:
    """go-connections ``ParsePortRange`` (``8000`` or ``8000-8010``); ValueError if invalid."""
    parts = text.split("-")
    start = _parse_uint16(parts[0])
    end = _parse_uint16(parts[1]) if len(parts) > 1 else start
    if end < start:
        raise ValueError("invalid range specified for port: " + text)
    return start, end


LONG_SYNTAX = re.compile(r"\w+=\w+(,\w+=\w+)*", re.ASCII)
"""A value in the long ``key=value,...`` syntax (``--publish``, ``--network``)."""


def _parse_long_port(value: str) -> PortConfig:
    protocol, mode, target, published = "tcp", PublishMode.INGRESS, 0, 0
    for field in read_csv_record(value):
        key, found, val = field.lower().partition("=")
        if not found or not key:
            raise ValueError(f"invalid field: {field}")
        if key == "protocol":
            if val not in ("tcp", "udp", "sctp"):
                raise ValueError(f"invalid protocol value '{val}'")
            protocol = val
        elif key == "mode":
            if val not in ("ingress", "host"):
                raise ValueError(
                    f"invalid publish mode value ({val}): must be either 'ingress' or 'host'"
                )
            mode = PublishMode.INGRESS if val == "ingress" else PublishMode.HOST
        elif key in ("target", "published"):
            try:
                number = _parse_uint16(val)
            except ValueError as error:
                what = "target" if key == "target" else "published"
                raise ValueError(
                    f"invalid {what} port ({val}): value must be an integer: {error}"
                ) from None
            target, published = (number, published) if key == "target" else (target, number)
        else:
            raise ValueError(f"invalid field key: {key}")
    if not target:
        raise ValueError("missing mandatory field 'target'")
    return PortConfig(target, published, protocol, mode)


def parse_port_flag(value: str) -> list[PortConfig]:
    """Ports of one ``--publish`` value (``PortOpt.Set``): long or short syntax.

    Examples
    --------
    >>> parse_port_flag("8080:80/udp")
    [PortConfig(target_port=80, published_port=8080, protocol='udp', publish_mode=<PublishMode.INGRESS: 0>)]
    >>> parse_port_flag("published=8080,target=80,mode=host")[0].publish_mode.api_name
    'host'
    """  # noqa: E501
    if LONG_SYNTAX.search(value):
        return [_parse_long_port(value)]
    parts = value.split(":")
    ip, host, container = ":".join(parts[:-2]), "".join(parts[-2:-1]), parts[-1]
    port, slash, proto = container.partition("/")
    proto = "" if not port else (proto.lower() if slash and proto else "tcp")
    if proto not in ("tcp", "udp", "sctp"):
        raise ValueError("invalid proto: " + proto)
    if ip:
        try:
            ipaddress.ip_address(ip[1:-1] if ip.startswith("[") and ip.endswith("]") else ip)
        except ValueError:
            raise ValueError("invalid IP address: " + ip) from None
    try:
        start, end = port_range(port)
    except ValueError:
        raise ValueError("invalid containerPort: " + port) from None
    host_start = host_end = 0
    if host:
        try:
            host_start, host_end = port_range(host)
        except ValueError:
            raise ValueError("invalid hostPort: " + host) from None
        if end - start != host_end - host_start and end != start:
            raise ValueError(
                f"invalid ranges specified for container and host Ports: {port} and {host}"
            )
    if ip:
        raise ValueError("hostip is not supported")
    if end == start and host_end != host_start:
        return [PortConfig(start, p, proto) for p in range(host_start, host_end + 1)]
    return [
        PortConfig(number, host_start + i if host else 0, proto)
        for i, number in enumerate(range(start, end + 1))
    ]
