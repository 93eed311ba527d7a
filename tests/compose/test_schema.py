"""docker's compose schemas and its choice of the most specific error."""

from __future__ import annotations

from typing import Any

import pytest

from swarmsim.compose.schema import SUPPORTED_VERSIONS, SchemaError, compose_version, validate


def _error(config: dict[str, Any], version: str = "3.13") -> SchemaError:
    with pytest.raises(SchemaError) as info:
        validate(config, version)
    return info.value


def test_every_schema_loads_and_accepts_a_minimal_file() -> None:
    assert SUPPORTED_VERSIONS[0] == "3.0" and SUPPORTED_VERSIONS[-1] == "3.13"
    for version in SUPPORTED_VERSIONS:
        validate({"version": version, "services": {"web": {"image": "nginx"}}}, version)


def test_versions() -> None:
    assert compose_version({}) == "3.13"
    assert compose_version({"version": "3"}) == "3.13"
    assert compose_version({"version": 3.8}) == "3.8"
    assert str(_error({}, "2.4")) == "unsupported Compose file version: 2.4"
    assert str(_error({"version": 3.8}, "3.8")) == "version must be a string"


@pytest.mark.parametrize(
    ("service", "message", "path"),
    [
        ({"image": 3}, "services.web.image must be a string", ("services", "web", "image")),
        (
            {"image": "x", "deploy": {"replicas": "2"}},
            "services.web.deploy.replicas must be a integer",
            ("services", "web", "deploy", "replicas"),
        ),
        (
            {"image": "x", "environment": {"A": [1]}},
            "services.web.environment.A must be a string, number or null",
            ("services", "web", "environment", "A"),
        ),
        (
            {"image": "x", "bogus": 1},
            "services.web Additional property bogus is not allowed",
            ("services", "web", "bogus"),
        ),
        (
            {"image": "x", "ports": ["1:2:3:4"]},
            "services.web.ports.0 Does not match format 'ports'",
            ("services", "web", "ports", 0),
        ),
        (
            {"image": "x", "healthcheck": {"interval": "5"}},
            "services.web.healthcheck.interval Does not match format 'duration'",
            ("services", "web", "healthcheck", "interval"),
        ),
    ],
)
def test_most_specific_error(service: dict[str, Any], message: str, path: tuple[Any, ...]) -> None:
    error = _error({"services": {"web": service}})
    assert (str(error), error.path) == (message, path)


def test_keys_follow_the_version_that_introduced_them() -> None:
    rollback: dict[str, Any] = {
        "services": {"web": {"image": "x", "deploy": {"rollback_config": {}}}}
    }
    validate({"version": "3.7", **rollback}, "3.7")
    assert str(_error({"version": "3.6", **rollback}, "3.6")) == (
        "services.web.deploy Additional property rollback_config is not allowed"
    )
