"""``docker config create | ls | inspect | rm`` (``cli: cli/command/config/``).

Behaviour: docs/behaviour.md#secrets-and-configs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swarmsim.api.objects import Config
from swarmsim.api.specs import ConfigSpec
from swarmsim.cli.docker import run_command_line
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    return Swarm(seed=2, managers=1, workers=1)


def run(swarm: Swarm, line: str, stdin: bytes | None = None) -> tuple[str, str, int]:
    result = run_command_line(swarm, line, stdin)
    return result.stdout, result.stderr, result.exit_code


def test_ls_matches_docker_golden(swarm: Swarm) -> None:
    swarm.advance(3 * 3600)
    for name in ("1-foo", "10-foo", "2-foo"):
        config = Config(f"ID-{name}", ConfigSpec(name, b"x"), 3600.0, 2 * 3600.0 - 60)
        swarm.ctx.store.create_config(config)
    # cli/command/config/testdata/config-list-sort.golden
    assert run(swarm, "docker config ls") == (
        "ID          NAME      CREATED       UPDATED\n"
        "ID-1-foo    1-foo     2 hours ago   About an hour ago\n"
        "ID-2-foo    2-foo     2 hours ago   About an hour ago\n"
        "ID-10-foo   10-foo    2 hours ago   About an hour ago\n",
        "",
        0,
    )


def test_create_inspect_pretty_shows_data(swarm: Swarm, tmp_path: Path) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text("payload here\n")
    out, err, code = run(swarm, f"docker config create -l lbl1=value1 nginx.conf {path}")
    assert (err, code) == ("", 0)
    config_id = out.strip()
    # the layout of cli/command/config/testdata/config-inspect-pretty.simple.golden
    assert run(swarm, "docker config inspect --pretty nginx.conf") == (
        f"ID:\t\t\t{config_id}\n"
        "Name:\t\t\tnginx.conf\n"
        "Labels:\n"
        " - lbl1=value1\n"
        "Created at:            \t2026-01-01 00:00:00 +0000 utc\n"
        "Updated at:            \t2026-01-01 00:00:00 +0000 utc\n"
        "Data:\n"
        "payload here\n\n",
        "",
        0,
    )
    out, _, _ = run(swarm, "docker config inspect nginx.conf")
    assert json.loads(out)[0]["Spec"] == {
        "Name": "nginx.conf",
        "Labels": {"lbl1": "value1"},
        "Data": "cGF5bG9hZCBoZXJlCg==",
    }
    assert run(swarm, "docker config inspect -f '{{json .Spec.Labels}}' nginx.conf") == (
        '{"lbl1":"value1"}\n',
        "",
        0,
    )


def test_create_from_stdin_with_template_driver(swarm: Swarm) -> None:
    out, _, code = run(swarm, "docker config create --template-driver golang app -", b"{{.x}}")
    assert code == 0
    config = swarm.ctx.store.configs[out.strip()]
    assert (config.spec.data, config.spec.template_driver) == (b"{{.x}}", "golang")
    out, _, _ = run(swarm, "docker config inspect -f '{{json .Spec.Templating}}' app")
    assert out == '{"Name":"golang"}\n'


@pytest.mark.parametrize(
    ("line", "stdin", "message", "code"),
    [
        (
            "docker config create x /nonexistent",
            None,
            'error reading content from "/nonexistent": error reading from /nonexistent: '
            "open /nonexistent: no such file or directory",
            1,
        ),
        (
            "docker config create x -",
            None,
            'error reading content from "-": error reading from STDIN: data is empty',
            1,
        ),
        ("docker config create x", None, "docker: 'docker config create' requires 2 arguments", 1),
        (
            "docker config create app -",
            b"y",
            "Error response from daemon: rpc error: code = AlreadyExists desc = config app "
            "already exists",
            1,
        ),
        ("docker config rm nope", None, "Error response from daemon: config nope not found", 1),
    ],
)
def test_bad_input_changes_nothing(
    swarm: Swarm, line: str, stdin: bytes | None, message: str, code: int
) -> None:
    run(swarm, "docker config create app -", b"x")
    before = dict(swarm.ctx.store.configs)
    assert run(swarm, line, stdin) == ("", message + "\n", code)
    assert swarm.ctx.store.configs == before


def test_ls_filters_and_format(swarm: Swarm) -> None:
    run(swarm, "docker config create -l label=label-bar bar -", b"b")
    run(swarm, "docker config create foo -", b"f")
    # config-list-with-format.golden
    assert run(swarm, "docker config ls --format '{{ .Name }} {{ .Labels }}'") == (
        "bar label=label-bar\nfoo \n",
        "",
        0,
    )
    out, _, _ = run(swarm, "docker config ls -f label=label --format '{{.Name}}'")
    assert out == "bar\n"
    assert run(swarm, "docker config rm foo bar") == ("foo\nbar\n", "", 0)
