"""Values of ``service create/update`` flags (opts.go, swarmopts/port.go) and port display."""

from __future__ import annotations

import pytest

from swarmsim.api import PortConfig, PublishMode
from swarmsim.cli.docker.service_format import format_ports
from swarmsim.cli.docker.service_opts import (
    CREATE_FLAGS,
    UPDATE_FLAGS,
    parse_args_value,
    parse_network_flag,
    parse_placement_pref,
)
from swarmsim.portspec import parse_port_flag

HOST = PublishMode.HOST


@pytest.mark.parametrize(
    ("value", "ports"),
    [
        ("80", [PortConfig(80)]),
        ("8080:80", [PortConfig(80, 8080)]),
        ("8080:80/UDP", [PortConfig(80, 8080, "udp")]),
        ("53:53/sctp", [PortConfig(53, 53, "sctp")]),
        ("8080-8081:80", [PortConfig(80, 8080), PortConfig(80, 8081)]),
        ("80-81:90-91", [PortConfig(90, 80), PortConfig(91, 81)]),
        ("80-81", [PortConfig(80), PortConfig(81)]),
        ("published=8080,target=80", [PortConfig(80, 8080)]),
        ("target=80,published=8080,protocol=udp,mode=host", [PortConfig(80, 8080, "udp", HOST)]),
        ("TARGET=80,MODE=HOST", [PortConfig(80, 0, "tcp", HOST)]),
    ],
)
def test_publish_values(value: str, ports: list[PortConfig]) -> None:
    assert parse_port_flag(value) == ports


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("80:80/ftp", "invalid proto: ftp"),
        ("80:", "invalid proto: "),
        ("x:80", "invalid hostPort: x"),
        ("80:x", "invalid containerPort: x"),
        ("70000:80", "invalid hostPort: 70000"),
        ("80-81:90-92", "invalid ranges specified for container and host Ports: 90-92 and 80-81"),
        ("1.2.3.4:80:80", "hostip is not supported"),
        ("nohost:80:80", "invalid IP address: nohost"),
        ("published=80", "missing mandatory field 'target'"),
        ("target=x", "invalid target port (x): value must be an integer: invalid syntax"),
        (
            "target=80,published=99999",
            "invalid published port (99999): value must be an integer: value out of range",
        ),
        ("target=80,protocol=ftp", "invalid protocol value 'ftp'"),
        (
            "target=80,mode=global",
            "invalid publish mode value (global): must be either 'ingress' or 'host'",
        ),
        ("target=80,colour=red", "invalid field key: colour"),
        ("target=80,oops", "invalid field: oops"),
    ],
)
def test_publish_errors(value: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_port_flag(value)
    assert str(error.value) == message


def test_placement_network_and_args_values() -> None:
    assert parse_placement_pref("spread=node.labels.zone") == "node.labels.zone"
    for bad, message in (
        ("spread", 'placement preference must be of the format "<strategy>=<arg>"'),
        ("=x", 'placement preference must be of the format "<strategy>=<arg>"'),
        ("pack=x", "unsupported placement preference pack (only spread is supported)"),
    ):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_placement_pref(bad)
    assert parse_network_flag("front") == "front"
    assert parse_network_flag("name=front,alias=web") == "front"
    with pytest.raises(ValueError, match="network name/id is not specified"):
        parse_network_flag("alias=web")
    with pytest.raises(ValueError, match="invalid field key colour"):
        parse_network_flag("name=x,colour=red")
    assert parse_args_value("sh -c 'echo hi'") == ("sh", "-c", "echo hi")
    with pytest.raises(ValueError, match="EOF found when expecting closing quote"):
        parse_args_value("sh -c 'echo")


def test_flag_tables_have_docker_shorthands() -> None:
    create = {spec.name: spec.shorthand for spec in CREATE_FLAGS}
    update = {spec.name: spec.shorthand for spec in UPDATE_FLAGS}
    assert {k: create[k] for k in ("detach", "quiet", "env", "label", "publish")} == {
        "detach": "d",
        "quiet": "q",
        "env": "e",
        "label": "l",
        "publish": "p",
    }
    assert "env-add" in update and "env" not in update and "publish" not in update
    assert "name" not in update and "mode" not in update and "image" not in create


@pytest.mark.parametrize(
    ("ports", "text"),
    [
        ((), ""),
        ((PortConfig(80, 8080),), "*:8080->80/tcp"),
        ((PortConfig(80, 80), PortConfig(80, 81)), "*:80-81->80/tcp"),
        (
            (PortConfig(80, 80), PortConfig(81, 81), PortConfig(80, 82)),
            "*:80-81->80-81/tcp, *:82->80/tcp",
        ),
        ((PortConfig(8090, 80, "udp"),), "*:80->8090/udp"),
        ((PortConfig(53, 53, "udp"), PortConfig(80, 80)), "*:80->80/tcp, *:53->53/udp"),
        ((PortConfig(80, 8080, "tcp", HOST), PortConfig(90, 9090)), "*:9090->90/tcp"),
        ((PortConfig(81, 8081), PortConfig(80, 8080)), "*:8080-8081->80-81/tcp"),
    ],
)
def test_ls_ports(ports: tuple[PortConfig, ...], text: str) -> None:
    assert format_ports(ports) == text
