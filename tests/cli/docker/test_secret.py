"""``docker secret create | ls | inspect | rm`` (``cli: cli/command/secret/``).

Behaviour: docs/behaviour.md#secrets-and-configs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swarmsim.api.objects import Secret
from swarmsim.api.specs import SecretSpec
from swarmsim.cli.docker import run_command_line
from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=2, managers=1, workers=1)


def run(swarm: Swarm, line: str, stdin: bytes | None = None) -> tuple[str, str, int]:
    result = run_command_line(swarm, line, stdin)
    return result.stdout, result.stderr, result.exit_code


def golden_store(swarm: Swarm) -> None:
    """The secrets of docker/cli's ``secret-list-*`` goldens, created 2h and updated 1h ago."""
    swarm.advance(3 * 3600)
    for name, driver in (("1-foo", ""), ("10-foo", "driver"), ("2-foo", "driver")):
        spec = SecretSpec(name, b"x", driver=driver)
        swarm.ctx.store.create_secret(Secret(f"ID-{name}", spec, 3600.0, 2 * 3600.0 - 60))


def test_ls_matches_docker_golden(swarm: Swarm) -> None:
    golden_store(swarm)
    # cli/command/secret/testdata/secret-list-sort.golden
    assert run(swarm, "docker secret ls") == (
        "ID          NAME      DRIVER    CREATED       UPDATED\n"
        "ID-1-foo    1-foo               2 hours ago   About an hour ago\n"
        "ID-2-foo    2-foo     driver    2 hours ago   About an hour ago\n"
        "ID-10-foo   10-foo    driver    2 hours ago   About an hour ago\n",
        "",
        0,
    )
    assert run(swarm, "docker secret ls -q --filter name=1") == ("ID-1-foo\nID-10-foo\n", "", 0)


def test_create_from_stdin_and_file(swarm: Swarm, tmp_path: Path) -> None:
    out, err, code = run(swarm, "docker secret create --label env=dev db_pw -", b"s3cret")
    assert (err, code) == ("", 0)
    secret = swarm.ctx.store.secrets[out.strip()]
    assert (secret.spec.name, secret.spec.data, secret.spec.labels) == (
        "db_pw",
        b"s3cret",
        (("env", "dev"),),
    )
    path = tmp_path / "key"
    path.write_bytes(b"k\n")
    out, _, _ = run(swarm, f"docker secret create api_key {path}")
    assert swarm.ctx.store.secrets[out.strip()].spec.data == b"k\n"


def test_shell_pipes_printf_into_create(swarm: Swarm) -> None:
    shell = Shell(swarm)
    result = shell.execute("printf 'pw' | docker secret create db_pw -")
    assert result.ok, result.stderr
    assert swarm.ctx.store.secret_by_name("db_pw").spec.data == b"pw"  # type: ignore[union-attr]
    assert shell.execute("echo hello | docker secret create greeting -").ok
    assert swarm.ctx.store.secret_by_name("greeting").spec.data == b"hello\n"  # type: ignore[union-attr]


def test_secret_data_is_never_shown(swarm: Swarm) -> None:
    run(swarm, "docker secret create -l a=1 -l b db_pw -", b"TOPSECRET")
    for line in (
        "docker secret inspect db_pw",
        "docker secret inspect --pretty db_pw",
        "docker secret inspect -f '{{json .}}' db_pw",
        "docker secret ls --format json",
    ):
        out, err, code = run(swarm, line)
        assert code == 0 and "TOPSECRET" not in out + err and "VE9QU0VDUkVU" not in out
    assert not any("TOPSECRET" in str(record) for record in swarm.ctx.trace)


def test_inspect_json_pretty_and_format(swarm: Swarm) -> None:
    out, _, _ = run(swarm, "docker secret create -l env=dev -l x db_pw -", b"pw")
    secret_id = out.strip()
    out, err, code = run(swarm, "docker secret inspect db_pw")
    assert (err, code) == ("", 0)
    assert json.loads(out) == [
        {
            "ID": secret_id,
            "Version": {"Index": 1},
            "CreatedAt": "2026-01-01T00:00:00Z",
            "UpdatedAt": "2026-01-01T00:00:00Z",
            "Spec": {"Name": "db_pw", "Labels": {"env": "dev", "x": ""}},
        }
    ]
    # the layout of cli/command/secret/testdata/secret-inspect-pretty.simple.golden
    assert run(swarm, "docker secret inspect --pretty db_pw") == (
        f"ID:              {secret_id}\n"
        "Name:              db_pw\n"
        "Labels:\n"
        " - env=dev\n"
        " - x\n"
        "Driver:            \n"
        "Created at:        2026-01-01 00:00:00 +0000 utc\n"
        "Updated at:        2026-01-01 00:00:00 +0000 utc\n",
        "",
        0,
    )
    # secret-inspect-with-format.{simple,json}-template.golden
    assert run(swarm, "docker secret inspect --format '{{.Spec.Name}}' db_pw") == (
        "db_pw\n",
        "",
        0,
    )
    assert run(swarm, "docker secret inspect --format '{{json .Spec.Labels}}' db_pw") == (
        '{"env":"dev","x":""}\n',
        "",
        0,
    )
    assert run(swarm, "docker secret inspect --format '[{{.Spec.Driver}}]' db_pw") == (
        "[<nil>]\n",
        "",
        0,
    )


def test_ls_formats(swarm: Swarm) -> None:
    run(swarm, "docker secret create -l label=label-bar bar -", b"b")
    run(swarm, "docker secret create foo -", b"f")
    # secret-list-with-format.golden
    assert run(swarm, "docker secret ls --format '{{ .Name }} {{ .Labels }}'") == (
        "bar label=label-bar\nfoo \n",
        "",
        0,
    )
    assert run(swarm, "docker secret ls --format 'table {{.Name}}\\t{{.Label \"label\"}}'") == (
        "NAME      \nbar       label-bar\nfoo       \n",
        "",
        0,
    )
    out, _, _ = run(swarm, "docker secret ls --format json")
    first = json.loads(out.splitlines()[0])
    assert sorted(first) == ["CreatedAt", "Driver", "ID", "Labels", "Name", "UpdatedAt"]
    assert run(swarm, "docker secret ls --format '{{.Data}}'") == (
        "",
        'template parsing error: template: :1:2: executing "" at <.Data>: '
        "can't evaluate field Data in type *secret.secretContext\n",
        1,
    )


@pytest.mark.parametrize(
    ("line", "stdin", "message", "code"),
    [
        ("docker secret create x", None, "secret file is required", 1),
        ("docker secret create x -", None, "error reading from STDIN: data is empty", 1),
        ("docker secret create x -", b"", "error reading from STDIN: data is empty", 1),
        (
            "docker secret create x /nonexistent/file",
            None,
            "error reading from /nonexistent/file: open /nonexistent/file: "
            "no such file or directory",
            1,
        ),
        (
            "docker secret create -d vault x f",
            None,
            "when using secret driver secret data must be empty",
            1,
        ),
        (
            "docker secret create -d vault x",
            None,
            'Error response from daemon: rpc error: code = Unknown desc = plugin "vault" not found',
            1,
        ),
        (
            "docker secret create 'bad name' -",
            b"x",
            "Error response from daemon: rpc error: code = InvalidArgument desc = invalid name, "
            "only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must "
            "be [a-zA-Z0-9]",
            1,
        ),
        (
            "docker secret create --label =v x -",
            b"x",
            'invalid argument "=v" for "-l, --label" flag: invalid label \'=v\': empty name',
            125,
        ),
        (
            "docker secret create",
            None,
            "docker: 'docker secret create' requires at least 1 and at most 2 arguments",
            1,
        ),
        ("docker secret ls extra", None, "docker: 'docker secret ls' accepts no arguments", 1),
        (
            "docker secret ls -f driver=x",
            None,
            "Error response from daemon: invalid filter 'driver'",
            1,
        ),
        (
            "docker secret ls --format '{{.ID'",
            None,
            "template parsing error: template: :1: unclosed action",
            1,
        ),
        (
            "docker secret inspect --format prettyx db",
            None,
            "cannot supply extra formatting options to the pretty template",
            1,
        ),
    ],
)
def test_bad_input_changes_nothing(
    swarm: Swarm, line: str, stdin: bytes | None, message: str, code: int
) -> None:
    run(swarm, "docker secret create db -", b"pw")
    before = dict(swarm.ctx.store.secrets)
    assert run(swarm, line, stdin) == ("", message + "\n", code)
    assert swarm.ctx.store.secrets == before


def test_too_large_secret_is_refused(swarm: Swarm) -> None:
    assert run(swarm, "docker secret create big -", b"x" * 512000) == (
        "",
        "Error response from daemon: rpc error: code = InvalidArgument desc = secret data "
        "must be larger than 0 and less than 512000 bytes\n",
        1,
    )


def test_rm_and_inspect_errors(swarm: Swarm) -> None:
    run(swarm, "docker secret create a -", b"1")
    assert run(swarm, "docker secret inspect a nope") == (
        run(swarm, "docker secret inspect a")[0],
        "Error response from daemon: secret nope not found\n",
        1,
    )
    assert run(swarm, "docker secret inspect --pretty nope") == (
        "",
        "Error response from daemon: secret nope not found\n",
        1,
    )
    assert run(swarm, "docker secret rm nope a") == (
        "a\n",
        "Error response from daemon: secret nope not found\n",
        1,
    )
    assert swarm.ctx.store.secrets == {}


def test_commands_need_a_manager(swarm: Swarm) -> None:
    swarm.current_node_id = swarm.node("worker1").id
    out, err, code = run(swarm, "docker secret ls")
    assert (out, code) == ("", 1) and "This node is not a swarm manager" in err
