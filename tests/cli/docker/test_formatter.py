"""``--format`` of list commands (``cli: cli/command/formatter/formatter.go``)."""

from __future__ import annotations

import json

import pytest

from swarmsim.cli.docker.formatter import choose_format, format_rows
from swarmsim.cli.gotemplate import Struct
from swarmsim.errors import DockerCLIError
from swarmsim.swarm import Swarm

HEADER = {"ID": "ID", "Name": "NAME"}
ROWS = [Struct("*x.ctx", {"ID": "1", "Name": "web"}), Struct("*x.ctx", {"ID": "22", "Name": "db"})]


@pytest.fixture(scope="module")
def swarm() -> Swarm:
    swarm = Swarm(seed=6, managers=1, workers=2)
    line = (
        "docker service create -d --name web --replicas 2 -p 8080:80 --label tier=front nginx:1.25"
    )
    assert swarm.docker(line).ok
    assert swarm.docker("docker network create -d overlay --label team=a backend").ok
    swarm.advance(30)
    return swarm


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_format_rows_table_plain_json() -> None:
    assert format_rows("table {{.ID}}\\t{{.Name}}", ROWS, HEADER) == (
        "ID        NAME\n1         web\n22        db\n"
    )
    assert format_rows("table", ROWS, HEADER) == "\n\n\n"  # docker's "table" alone is empty
    assert format_rows("{{.Name}}:{{.ID}}", ROWS, HEADER) == "web:1\ndb:22\n"
    assert format_rows("  {{.Name}}\\n", ROWS, HEADER) == "web\n\ndb\n\n"
    assert format_rows("json", ROWS, HEADER) == '{"ID":"1","Name":"web"}\n{"ID":"22","Name":"db"}\n'
    assert format_rows("table {{.Name}}", [], HEADER) == "NAME\n"
    with pytest.raises(DockerCLIError) as info:
        format_rows("{{.Nope}}", ROWS, HEADER)
    assert str(info.value) == (
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        "can't evaluate field Nope in type *x.ctx"
    )


def test_choose_format() -> None:
    assert choose_format("", "table X") == "table X"
    assert choose_format("table", "table X", quiet=True) == "{{.ID}}"
    assert choose_format("table {{.Name}}", "table X", quiet=True) == "table {{.Name}}"


def test_service_ls_and_ps(swarm: Swarm) -> None:
    assert run(
        swarm, "docker service ls --format '{{.Name}} {{.Mode}} {{.Replicas}} {{.Ports}}'"
    ) == (
        "web replicated 2/2 *:8080->80/tcp\n",
        "",
        0,
    )
    out, _, _ = run(swarm, "docker service ls --format 'table {{.Name}}\\t{{.Image}}'")
    assert out == "NAME      IMAGE\nweb       nginx:1.25\n"
    out, _, _ = run(swarm, "docker service ls --format json")
    assert sorted(json.loads(out)) == ["ID", "Image", "Mode", "Name", "Ports", "Replicas"]
    out, _, _ = run(swarm, "docker service ps --format '{{.Name}} {{.DesiredState}}' web")
    assert sorted(out.splitlines()) == ["web.1 Running", "web.2 Running"]
    out, _, _ = run(swarm, "docker service ps --format 'table {{.Name}}\\t{{.Node}}' web")
    assert out.splitlines()[0] == "NAME      NODE"


def test_node_ls_and_ps(swarm: Swarm) -> None:
    assert run(swarm, "docker node ls --format '{{.Hostname}} {{.Self}} {{.ManagerStatus}}'") == (
        "manager1 true Leader\nworker1 false \nworker2 false \n",
        "",
        0,
    )
    default = run(swarm, "docker node ls")[0]
    assert run(swarm, "docker node ls --format table")[0] == default
    assert default.splitlines()[0].split()[:2] == ["ID", "HOSTNAME"]
    out, _, _ = run(swarm, "docker node ps --format '{{.Name}}' manager1 worker1 worker2")
    assert sorted(out.splitlines()) == ["web.1", "web.2"]


def test_network_ls(swarm: Swarm) -> None:
    out, _, _ = run(
        swarm, "docker network ls --filter driver=overlay --format '{{.Name}} {{.Labels}}'"
    )
    assert out == "backend team=a\ningress \n"
    out, _, _ = run(
        swarm, "docker network ls -f name=backend --format '{{.Label \"team\"}}|{{.Internal}}'"
    )
    assert out == "a|false\n"
    out, _, _ = run(swarm, "docker network ls --no-trunc -f name=backend --format '{{len .ID}}'")
    assert out == "25\n"


@pytest.mark.parametrize(
    "line",
    [
        "docker service ls --format '{{.Nope}}'",
        "docker service ps --format '{{.Nope}}' web",
        "docker node ls --format '{{.Nope}}'",
        "docker network ls --format '{{.Nope}}'",
    ],
)
def test_unknown_field_is_docker_error(swarm: Swarm, line: str) -> None:
    out, err, code = run(swarm, line)
    assert (out, code) == ("", 1)
    assert err.startswith('template parsing error: template: :1:2: executing "" at <.Nope>: ')
    assert err.endswith("can't evaluate field Nope in type " + err.split(" type ")[-1])


def test_raw_formats(swarm: Swarm) -> None:
    web_id = swarm.ctx.store.service_by_name("web").id  # type: ignore[union-attr]
    # the layout of cli/command/service/testdata/service-context-write-raw.golden
    assert run(swarm, "docker service ls --format raw") == (
        f"id: {web_id[:12]}\nname: web\nmode: replicated\nreplicas: 2/2\nimage: nginx:1.25\n"
        "ports: *:8080->80/tcp\n\n",
        "",
        0,
    )
    assert run(swarm, "docker service ls -q --format raw")[0] == f"id: {web_id[:12]}\n"
    out, _, _ = run(swarm, "docker network ls -q -f name=ingress --format raw")
    assert out.startswith("network_id: ") and out.count("\n") == 1
    out, _, _ = run(swarm, "docker node ls --format raw")
    assert out.split("\n\n")[0].splitlines()[1:] == [
        "hostname: manager1",
        "status: Ready",
        "availability: Active",
        "manager_status: Leader",
    ]
    out, _, _ = run(swarm, "docker service ps --format raw web")
    assert out.splitlines()[1:3] == ["name: web.1", "image: nginx:1.25"]
