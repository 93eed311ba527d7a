"""``--secret`` / ``--config`` on services and rotation (opts/swarmopts, parse.go, update.go)."""

from __future__ import annotations

import json

import pytest
from engine_helpers import running

from swarmsim.api.specs import FileTarget, SecretReference
from swarmsim.cli.docker import run_command_line
from swarmsim.cli.docker.service_refs import parse_reference_flag
from swarmsim.manager.controlapi.service import get_service
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=4, managers=1, workers=2)
    for name, data in (("db_pw", b"pw1"), ("db_pw_v2", b"pw2")):
        assert run(swarm, f"docker secret create {name} -", data)[2] == 0
    assert run(swarm, "docker config create app -", b"conf")[2] == 0
    return swarm


def run(swarm: Swarm, line: str, stdin: bytes | None = None) -> tuple[str, str, int]:
    result = run_command_line(swarm, line, stdin)
    return result.stdout, result.stderr, result.exit_code


def create_web(swarm: Swarm) -> None:
    line = (
        "docker service create -d --name web --replicas 2 --secret db_pw "
        "--secret source=db_pw,target=copy,uid=33,gid=33,mode=0400 "
        "--config src=app,target=/etc/app.conf nginx"
    )
    assert run(swarm, line)[1:] == ("", 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("db", ("db", FileTarget("db"))),
        ("source=db", ("db", FileTarget("db"))),
        ("SRC=db,Target=x,uid=1,gid=2,mode=0o600", ("db", FileTarget("x", "1", "2", 0o600))),
        ("src=db,mode=0x1ff", ("db", FileTarget("db", mode=0o777))),
    ],
)
def test_flag_values(value: str, expected: tuple[str, FileTarget]) -> None:
    assert parse_reference_flag("secret", value) == expected


def test_create_references_and_shows_them(swarm: Swarm) -> None:
    create_web(swarm)
    web = get_service(swarm.ctx, "web")
    db_pw = swarm.ctx.store.secret_by_name("db_pw")
    assert db_pw is not None
    assert web.spec.task.container.secrets == (
        SecretReference(db_pw.id, "db_pw", FileTarget("db_pw")),
        SecretReference(db_pw.id, "db_pw", FileTarget("copy", "33", "33", 0o400)),
    )
    out, _, _ = run(swarm, "docker service inspect web")
    container = json.loads(out)[0]["Spec"]["TaskTemplate"]["ContainerSpec"]
    assert list(container)[-3:] == ["Secrets", "Configs", "Isolation"]
    assert container["Configs"] == [
        {
            "File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 292},
            "ConfigID": swarm.ctx.store.configs[web.spec.task.container.configs[0].config_id].id,
            "ConfigName": "app",
        }
    ]
    out, _, _ = run(swarm, "docker service inspect --pretty web")
    assert (
        " Init:\t\tfalse\n"
        "Configs:\n"
        " Target:\t/etc/app.conf\n"
        "  Source:\tapp\n"
        "Secrets:\n"
        " Target:\tdb_pw\n"
        "  Source:\tdb_pw\n"
        " Target:\tcopy\n"
        "  Source:\tdb_pw\n"
        "Resources:\n"
    ) in out


@pytest.mark.parametrize(
    ("flags", "message", "code"),
    [
        ("--secret nope", "secret not found: nope", 1),
        ("--config nope", "config not found: nope", 1),
        (
            "--secret db_pw --secret source=db_pw_v2,target=db_pw",
            "duplicate secret target for db_pw_v2 not allowed",
            1,
        ),
        (
            "--secret foo=bar",
            'invalid argument "foo=bar" for "--secret" flag: invalid field in secret request: foo',
            125,
        ),
        (
            "--config src=app,bad",
            'invalid argument "src=app,bad" for "--config" flag: invalid field \'bad\' must be '
            "a key=value pair",
            125,
        ),
        (
            "--secret src=db_pw,mode=rw",
            'invalid argument "src=db_pw,mode=rw" for "--secret" flag: invalid mode specified: '
            'strconv.ParseUint: parsing "rw": invalid syntax',
            125,
        ),
        (
            "--secret target=x",
            'invalid argument "target=x" for "--secret" flag: source is required',
            125,
        ),
    ],
)
def test_create_refusals_create_nothing(swarm: Swarm, flags: str, message: str, code: int) -> None:
    assert run(swarm, f"docker service create -d --name web {flags} nginx") == (
        "",
        message + "\n",
        code,
    )
    assert swarm.ctx.store.services == {}


def test_rotation_rolls_the_service_then_the_old_secret_can_go(swarm: Swarm) -> None:
    create_web(swarm)
    swarm.advance(30)
    web = get_service(swarm.ctx, "web")
    before = {t.id for t in running(swarm, web)}
    assert len(before) == 2
    assert run(swarm, "docker secret rm db_pw") == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = secret 'db_pw' "
        "is in use by the following service: web\n",
        1,
    )
    line = (
        "docker service update -d --secret-rm db_pw --secret-add source=db_pw_v2,target=db_pw web"
    )
    assert run(swarm, line) == ("web\n", "", 0)
    assert [(r.secret_name, r.target.name) for r in web.spec.task.container.secrets] == [
        ("db_pw_v2", "db_pw")
    ]
    swarm.advance(60)
    after = running(swarm, web)
    assert len(after) == 2 and not before & {t.id for t in after}
    assert all(t.spec.container.secrets == web.spec.task.container.secrets for t in after)
    assert run(swarm, "docker secret rm db_pw") == ("db_pw\n", "", 0)


def test_update_refusals_change_nothing(swarm: Swarm) -> None:
    create_web(swarm)
    web = get_service(swarm.ctx, "web")
    spec = web.spec
    assert run(swarm, "docker service update -d --secret-add source=db_pw_v2,target=copy web") == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = secret references "
        "'db_pw' and 'db_pw_v2' have a conflicting target: 'copy'\n",
        1,
    )
    assert run(swarm, "docker service update -d --config-add nope web") == (
        "",
        "config not found: nope\n",
        1,
    )
    assert web.spec is spec and web.spec_version == 0


def test_config_rm_and_add(swarm: Swarm) -> None:
    create_web(swarm)
    web = get_service(swarm.ctx, "web")
    assert run(swarm, "docker service update -d --config-rm app web")[2] == 0
    assert web.spec.task.container.configs == ()
    assert run(swarm, "docker config rm app") == ("app\n", "", 0)
