"""A whole scenario built: its parts read in order, each knowing what the earlier ones made."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import load_scenario, parse_scenario
from swarmsim.scenario.build import build_scenario
from swarmsim.scenario.yamlsource import load_yaml


def test_expectations_know_every_machine_the_steps_add() -> None:
    text = (
        "name: x\nseed: 3\ncluster: {managers: 1, workers: 0}\nsteps:\n"
        "  - run: time\n    expect: [{at: 1s, node: {name: w9, state: ready}}]\n"
        "  - fault: {kind: node-add, node: w9}\n"
        "expect: [{within: 1m, node: {name: w9, state: ready}}]\n"
    )
    data, positions = load_yaml("x.yaml", text)
    scenario = build_scenario("x.yaml", data, positions)
    assert (scenario.seed, [m.name for m in scenario.cluster.machines]) == (3, ["manager1"])
    assert [e.label for e in scenario.expectations] == ["expect[0]", "steps[0].expect[0]"]
    assert scenario.steps[1].line == "node add w9"


def test_a_scenario_becomes_interpreter_lines() -> None:
    scenario = parse_scenario(
        "name: demo\n"
        "description: {en: Hello, es: Hola}\n"
        "seed: 9\n"
        "steps:\n"
        "  - run: docker service create --name=web nginx\n"
        "  - sleep: 90\n"
        "  - sleep: 1m30s\n"
        "  - fault: {kind: kill, task: web.1, exit_code: 137}\n"
        "  - fault: {kind: node-add, node: w3, role: manager, cpus: 2, labels: {room: lab 2}}\n"
        "  - fault: {kind: fail, node: w3}\n"
        "  - comment: just words\n",
        "demo.yaml",
    )
    assert [s.line for s in scenario.steps] == [
        "docker service create --name=web nginx",
        "sleep 1m30s",
        "sleep 1m30s",
        "kill web.1 137",
        "node add w3 role=manager cpus=2 'label.room=lab 2'",
        "fail w3",
        "",
    ]
    assert [s.kind for s in scenario.steps][-1] == "comment"
    assert (
        scenario.steps[-1].comment is not None
        and scenario.steps[-1].comment.get("es") == "just words"
    )
    assert (scenario.seed, scenario.description.get("es")) == (9, "Hola")


def test_a_stack_deploy_of_a_file_on_disk_turns_off_service_checks(tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_text("services: {}\n")
    path = tmp_path / "x.yaml"
    path.write_text(
        "name: x\nsteps:\n  - run: docker stack deploy -c s.yml app\n"
        "expect:\n  - {at: 1m, running: {service: app_web, count: 1}}\n"
    )
    scenario = load_scenario(path)
    assert scenario.expectations[0].check.get("service") == "app_web"


def test_a_stack_deploy_of_an_inline_file_names_its_services() -> None:
    head = (
        "name: x\nfiles:\n  s.yml: |\n    services:\n      web: {image: nginx}\n"
        "steps:\n  - run: docker stack deploy -d -c s.yml --prune app\n"
    )
    scenario = parse_scenario(
        head + "expect:\n  - {at: 1m, running: {service: app_web, count: 1}}\n"
    )
    assert scenario.expectations[0].check.get("service") == "app_web"
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(
            head + "expect:\n  - {at: 1m, running: {service: web, count: 1}}\n", "x.yaml"
        )
    assert str(raised.value) == (
        "x.yaml:9:33: expect[0].running.service: no step creates a service 'web' "
        "(docker service create --name; services: app_web)"
    )


BLANK = """\
name: blank
cluster:
  machines:
    - manager1
    - {name: esx1, address: 192.168.1.252, udp_ports_taken: [4789], engine_labels: {vm: esx}}
steps:
  - run: docker swarm init --data-path-port=7789
  - run: TOKEN=$(docker swarm join-token -q worker)
  - run: docker swarm join --token $TOKEN 192.168.65.2:2377
    on: esx1
  - run: "@esx1 docker info"
"""


def test_blank_machines_and_steps_on_a_machine() -> None:
    scenario = parse_scenario(BLANK, "blank.yaml")
    assert scenario.cluster.blank
    esx1 = scenario.cluster.machines[1]
    assert (esx1.address, esx1.udp_ports_taken, esx1.labels) == (
        "192.168.1.252",
        (4789,),
        (("vm", "esx"),),
    )
    assert [s.line for s in scenario.steps][1:] == [
        "TOKEN=$(docker swarm join-token -q worker)",
        "@esx1 docker swarm join --token $TOKEN 192.168.65.2:2377",
        "@esx1 docker info",
    ]


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (("    on: esx1", "    on: esx9"), "steps[2].on", "no node 'esx9' (nodes: esx1, manager1)"),
        (
            ('  - run: "@esx1', '  - run: "@esx7'),
            "steps[3].run",
            "no node 'esx7' (nodes: esx1, manager1)",
        ),
        (
            ("    - manager1\n", "    - manager1\n    - manager1\n"),
            "cluster.machines[1]",
            "a second machine named 'manager1'",
        ),
        (
            ("address: 192.168.1.252", "address: 192.168.1"),
            "cluster.machines[1].address",
            "not an IP address: 192.168.1",
        ),
        (
            ("  machines:", "  managers: 2\n  machines:"),
            "cluster.managers",
            "give either machines or managers, not both",
        ),
        (
            ('  - run: "@esx1 docker info"', "  - sleep: 1s\n    on: esx1"),
            "steps[3].on",
            "on names the machine of a run step",
        ),
    ],
)
def test_bad_blank_scenarios_point_at_the_mistake(
    change: tuple[str, str], where: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(BLANK.replace(*change), "blank.yaml")
    assert (raised.value.path, raised.value.message) == (where, message)
