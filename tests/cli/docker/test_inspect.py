"""``docker ... inspect --format`` shared by nodes, networks and services."""

from __future__ import annotations

import json

import pytest

from swarmsim.cli.docker.inspect import parse_template, render_template, typed_view
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
    out, _, _ = run(swarm, "docker network inspect --format '{{json .}}' ingress")
    assert json.loads(out)["Name"] == "ingress"


def test_value_that_looks_like_a_template_is_printed() -> None:
    doc = {"A": "{{x}}"}
    assert render_template(parse_template("{{.A}}!"), typed_view(doc, {}), doc) == "{{x}}!"


def test_empty_omitempty_fields_print_their_zero_value(swarm: Swarm) -> None:
    # a Ready node has no Status.Message: docker's typed swarm.Node prints ""
    assert run(swarm, "docker node inspect -f '[{{.Status.Message}}]' worker1") == ("[]\n", "", 0)
    assert run(swarm, "docker node inspect -f '{{.ManagerStatus}}' worker1") == ("<nil>\n", "", 0)
    assert run(swarm, "docker node inspect -f '{{.ManagerStatus.Leader}}' manager1") == (
        "true\n",
        "",
        0,
    )
    assert run(swarm, "docker node inspect -f '{{.Spec.Labels}}|{{.Spec.Labels.x}}' self") == (
        "map[]|<no value>\n",
        "",
        0,
    )
    out = run(swarm, "docker service inspect -f '{{if .UpdateStatus}}u{{else}}none{{end}}' web")
    assert out == ("none\n", "", 0)


def test_templates_with_actions(swarm: Swarm) -> None:
    line = (
        "docker service inspect -f "
        "'{{range $k, $v := .Spec.Labels}}{{$k}}={{upper $v}}{{end}} "
        "{{len .Spec.TaskTemplate.ContainerSpec.Image}} {{.Spec.Mode.Replicated.Replicas}}' web"
    )
    assert run(swarm, line) == ("tier=FRONT 5 1\n", "", 0)


def test_parse_errors_exit_64(swarm: Swarm) -> None:
    assert run(swarm, "docker node inspect -f '{{.ID' self") == (
        "",
        "template parsing error: template: :1: unclosed action\n",
        64,
    )
    assert run(swarm, "docker node inspect -f '{{nope .ID}}' self") == (
        "",
        'template parsing error: template: :1: function "nope" not defined\n',
        64,
    )


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
    # as docker's inspector: the typed object fails, the raw JSON fails, Flush prints "\n"
    assert run(swarm, "docker service inspect -f '{{.Nope}}' web") == (
        "\n",
        'template parsing error: template: :1:2: executing "" at <.Nope>: '
        'map has no entry for key "Nope"\n',
        1,
    )


def test_times_and_durations_print_as_go_types(swarm: Swarm) -> None:
    line = "docker service inspect -f '{{.CreatedAt}}|{{.Spec.UpdateConfig.Monitor}}' web"
    assert run(swarm, line) == ("2026-01-01 00:00:00 +0000 UTC|5s\n", "", 0)
    line = "docker service inspect -f '{{json .Spec.UpdateConfig.Monitor}} {{json .CreatedAt}}' web"
    assert run(swarm, line) == ('5000000000 "2026-01-01T00:00:00Z"\n', "", 0)
