"""The CLI's grouping of ``docker network create``'s IPAM flags (``createIPAMConfig``)."""

from __future__ import annotations

import pytest

from swarmsim.cli.docker.network_ipam import ipam_configs
from swarmsim.errors import DockerCLIError
from swarmsim.manager.controlapi.network import IPAMConfig


def test_ranges_gateways_and_aux_addresses_go_under_their_subnet() -> None:
    configs = ipam_configs(
        ["10.1.0.0/16", "10.2.0.0/16"],
        ["10.2.5.0/24"],
        ["10.2.0.254", "10.1.0.254"],
        [("router", "10.1.0.9"), ("dns", "10.1.0.10")],
    )
    assert configs == [
        IPAMConfig("10.1.0.0/16", "", "10.1.0.254", (("router", "10.1.0.9"), ("dns", "10.1.0.10"))),
        IPAMConfig("10.2.0.0/16", "10.2.5.0/24", "10.2.0.254"),
    ]


def test_a_single_subnet_is_left_to_the_daemon() -> None:
    assert ipam_configs(["not-a-subnet"], [], [], []) == [IPAMConfig("not-a-subnet")]


def test_multiple_ranges_on_one_subnet() -> None:
    with pytest.raises(DockerCLIError) as raised:
        ipam_configs(["10.1.0.0/16", "10.3.0.0/16"], ["10.1.1.0/24", "10.1.2.0/24"], [], [])
    assert str(raised.value) == (
        "cannot configure multiple ranges (10.1.2.0/24, 10.1.1.0/24) on the same subnet "
        "(10.1.0.0/16)"
    )
