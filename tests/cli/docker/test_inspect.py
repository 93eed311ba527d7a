"""``docker ... inspect --format`` shared by nodes, networks and services."""

from __future__ import annotations

import json

import pytest

from swarmsim.cli.docker.inspect import render_template
from swarmsim.errors import DockerCLIError
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=0, managers=1, workers=1)
    assert swarm.docker("docker service create -d --name web --label tier=front nginx").ok
    return swarm


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def test_json_of_the_whole_element(swarm: Swarm) -> None:
    out, err, code = run(swarm, "docker node inspect -f '{{json .}}' worker1")
    assert (err, code) == ("", 0)
    assert json.loads(out)["Description"]["Hostname"] == "worker1"
    out, _, _ = run(swarm, "docker network inspect --format '{{.}}' ingress")
    assert json.loads(out)["Name"] == "ingress"


def test_value_that_looks_like_a_template_is_printed() -> None:
    assert render_template("{{.A}}!", {"A": "{{x}}"}) == "{{x}}!"
    with pytest.raises(DockerCLIError, match="unsupported template"):
        render_template("{{range .A}}{{end}}", {"A": []})


def test_service_inspect_format(swarm: Swarm) -> None:
    assert run(swarm, "docker service inspect -f '{{.Spec.Name}} {{json .Spec.Labels}}' web") == (
        'web {"tier":"front"}\n',
        "",
        0,
    )
    assert run(swarm, "docker service inspect --format '{{.Spec.Name}}' web nope") == (
        "web\n",
        "Error: no such service: nope\n",
        1,
    )
    out, err, code = run(swarm, "docker service inspect --format json web")
    assert (err, code) == ("", 0)
    assert json.loads(out)[0]["Spec"]["Name"] == "web"
    assert run(swarm, "docker service inspect -f '{{.Nope}}' web") == (
        "",
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        'map has no entry for key "Nope"\n',
        1,
    )
