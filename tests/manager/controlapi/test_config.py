"""Config requests of the control API (swarmkit ``controlapi/config.go``).

Behaviour: docs/behaviour.md#secrets-and-configs.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_helpers import create, spec

from swarmsim.api.specs import ConfigReference, ConfigSpec, FileTarget
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.config import (
    create_config,
    get_config,
    list_configs,
    remove_config,
    update_config,
)
from swarmsim.swarm import Swarm

TOO_BIG = (
    "rpc error: code = InvalidArgument desc = config data must be larger than 0 "
    "and less than 1024000 bytes"
)


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=3, managers=1, workers=1)


def test_create_get_list_remove(swarm: Swarm) -> None:
    config = create_config(swarm.ctx, ConfigSpec("nginx.conf", b"events {}\n"))
    assert get_config(swarm.ctx, "nginx.conf") is config
    assert list_configs(swarm.ctx, {"names": ["nginx"]}) == []
    assert list_configs(swarm.ctx, {"name": ["nginx"]}) == [config]
    assert remove_config(swarm.ctx, config.id) is config
    with pytest.raises(DaemonError, match=r"^config nginx.conf not found$"):
        remove_config(swarm.ctx, "nginx.conf")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x", b"", TOO_BIG),
        ("x", b"x" * 1024000, TOO_BIG),
        ("bad name", b"x", "rpc error: code = InvalidArgument desc = invalid name, only 64"),
        ("app", b"x", "rpc error: code = AlreadyExists desc = config app already exists"),
    ],
)
def test_create_refusals(swarm: Swarm, name: str, data: bytes, message: str) -> None:
    create_config(swarm.ctx, ConfigSpec("app", b"a"))
    with pytest.raises(DaemonError) as info:
        create_config(swarm.ctx, ConfigSpec(name, data))
    assert str(info.value).startswith(message)
    assert len(swarm.ctx.store.configs) == 1


def test_largest_config_is_accepted(swarm: Swarm) -> None:
    assert create_config(swarm.ctx, ConfigSpec("big", b"x" * 1023999)).spec.name == "big"


def test_remove_refused_while_in_use(swarm: Swarm) -> None:
    config = create_config(swarm.ctx, ConfigSpec("app", b"a"))
    base = spec("web")
    ref = ConfigReference(config.id, "app", FileTarget("/app"))
    container = replace(base.task.container, configs=(ref,))
    create(swarm, replace(base, task=replace(base.task, container=container)))
    with pytest.raises(DaemonError) as info:
        remove_config(swarm.ctx, "app")
    assert str(info.value) == (
        "rpc error: code = InvalidArgument desc = config 'app' is in use by the following "
        "service: web"
    )
    assert swarm.ctx.store.configs == {config.id: config}


def test_update_changes_only_labels(swarm: Swarm) -> None:
    created = create_config(swarm.ctx, ConfigSpec("app_config", b"data"))
    swarm.advance(5)
    updated = update_config(swarm.ctx, "app_config", ConfigSpec("app_config", labels=(("k", "v"),)))
    assert updated is created
    assert (updated.spec.data, updated.spec.labels, updated.updated_at) == (
        b"data",
        (("k", "v"),),
        5.0,
    )
    for changed in (ConfigSpec("app_config", b"other"), ConfigSpec("renamed", b"data")):
        with pytest.raises(DaemonError) as error:
            update_config(swarm.ctx, created.id, changed)
        assert str(error.value) == (
            "rpc error: code = InvalidArgument desc = only updates to Labels are allowed"
        )
    assert created.spec.labels == (("k", "v"),)
