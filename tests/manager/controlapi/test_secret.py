"""Secret requests of the control API (swarmkit ``controlapi/secret.go``).

Behaviour: docs/behaviour.md#secrets-and-configs.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from engine_helpers import create, spec

from swarmsim.api import ContainerSpec
from swarmsim.api.specs import FileTarget, SecretReference, SecretSpec
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.secret import (
    create_secret,
    get_secret,
    list_secrets,
    remove_secret,
    update_secret,
)
from swarmsim.swarm import Swarm

BAD_NAME = (
    "rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] "
    "characters allowed, and the start and end character must be [a-zA-Z0-9]"
)


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=3, managers=1, workers=1)


def test_create_get_list(swarm: Swarm) -> None:
    secret = create_secret(swarm.ctx, SecretSpec("db_pw", b"pw", (("env", "dev"),)))
    other = create_secret(swarm.ctx, SecretSpec("api.key", b"k"))
    assert len(secret.id) == 25 and secret.spec.data == b"pw"
    assert get_secret(swarm.ctx, "db_pw") is secret
    assert get_secret(swarm.ctx, secret.id) is secret
    assert get_secret(swarm.ctx, secret.id[:5]) is secret
    assert list_secrets(swarm.ctx) == [secret, other]
    assert list_secrets(swarm.ctx, {"label": ["env=dev"]}) == [secret]
    assert list_secrets(swarm.ctx, {"label": ["env=prod"]}) == []
    assert list_secrets(swarm.ctx, {"name": ["api"], "names": ["db_pw"]}) == [secret, other]
    assert list_secrets(swarm.ctx, {"id": [other.id[:4]]}) == [other]


@pytest.mark.parametrize(
    ("name", "data", "driver", "message"),
    [
        ("", b"x", "", "rpc error: code = InvalidArgument desc = name must be provided"),
        ("-x", b"x", "", BAD_NAME),
        ("x_", b"x", "", BAD_NAME),
        ("a" * 65, b"x", "", BAD_NAME),
        ("a/b", b"x", "", BAD_NAME),
        (
            "x",
            b"",
            "",
            "rpc error: code = InvalidArgument desc = secret data must be larger than 0 "
            "and less than 512000 bytes",
        ),
        (
            "x",
            b"x" * 512000,
            "",
            "rpc error: code = InvalidArgument desc = secret data must be larger than 0 "
            "and less than 512000 bytes",
        ),
        ("x", b"", "vault", 'rpc error: code = Unknown desc = plugin "vault" not found'),
        ("db_pw", b"x", "", "rpc error: code = AlreadyExists desc = secret db_pw already exists"),
    ],
)
def test_create_refusals_change_nothing(
    swarm: Swarm, name: str, data: bytes, driver: str, message: str
) -> None:
    create_secret(swarm.ctx, SecretSpec("db_pw", b"pw"))
    with pytest.raises(DaemonError) as info:
        create_secret(swarm.ctx, SecretSpec(name, data, driver=driver))
    assert str(info.value) == message
    assert [s.spec.name for s in swarm.ctx.store.secrets.values()] == ["db_pw"]


def test_largest_secret_and_longest_name_are_accepted(swarm: Swarm) -> None:
    secret = create_secret(swarm.ctx, SecretSpec("a" * 64, b"x" * 511999))
    assert swarm.ctx.store.secret_by_name("a" * 64) is secret


def test_lookup_errors(swarm: Swarm) -> None:
    with pytest.raises(DaemonError, match=r"^secret nope not found$"):
        get_secret(swarm.ctx, "nope")
    ids = [create_secret(swarm.ctx, SecretSpec(f"s{i}", b"x")).id for i in range(40)]
    prefix = next(p for p in {i[:1] for i in ids} if sum(i.startswith(p) for i in ids) > 1)
    count = sum(i.startswith(prefix) for i in ids)
    with pytest.raises(DaemonError) as info:
        get_secret(swarm.ctx, prefix)
    assert str(info.value) == f"secret {prefix} is ambiguous ({count} matches found)"


def test_remove_refused_while_services_use_it(swarm: Swarm) -> None:
    secret = create_secret(swarm.ctx, SecretSpec("db_pw", b"pw"))
    ref = SecretReference(secret.id, "db_pw", FileTarget("db_pw"))
    base = spec("web")
    container = replace(base.task.container, secrets=(ref,))
    assert isinstance(container, ContainerSpec)
    users = [
        create(swarm, replace(base, name=name, task=replace(base.task, container=container)))
        for name in ("web", "api")
    ]
    names = ", ".join(s.spec.name for s in sorted(users, key=lambda s: s.id))
    with pytest.raises(DaemonError) as info:
        remove_secret(swarm.ctx, "db_pw")
    assert str(info.value) == (
        "rpc error: code = InvalidArgument desc = secret 'db_pw' is in use by the following "
        f"services: {names}"
    )
    swarm.ctx.store.delete_service(users[0].id)
    with pytest.raises(DaemonError, match=f"following service: {users[1].spec.name}$"):
        remove_secret(swarm.ctx, secret.id)
    swarm.ctx.store.delete_service(users[1].id)
    assert remove_secret(swarm.ctx, secret.id[:6]) is secret
    assert swarm.ctx.store.secrets == {}


def test_filters_are_checked(swarm: Swarm) -> None:
    with pytest.raises(DaemonError, match=r"^invalid filter 'driver'$"):
        list_secrets(swarm.ctx, {"driver": ["x"]})


def test_update_changes_only_labels(swarm: Swarm) -> None:
    created = create_secret(swarm.ctx, SecretSpec("app_secret", b"data"))
    swarm.advance(5)
    updated = update_secret(swarm.ctx, "app_secret", SecretSpec("app_secret", labels=(("k", "v"),)))
    assert updated is created
    assert (updated.spec.data, updated.spec.labels, updated.updated_at) == (
        b"data",
        (("k", "v"),),
        5.0,
    )
    for changed in (SecretSpec("app_secret", b"other"), SecretSpec("renamed", b"data")):
        with pytest.raises(DaemonError) as error:
            update_secret(swarm.ctx, created.id, changed)
        assert str(error.value) == (
            "rpc error: code = InvalidArgument desc = only updates to Labels are allowed"
        )
    assert created.spec.labels == (("k", "v"),)
