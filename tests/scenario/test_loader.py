"""Loading scenario files: the schema, the model, and errors as one line."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import load_file, load_scenario, parse_scenario, schema

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_the_schema_is_valid_and_shipped() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["required"] == ["name", "steps"]


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


def test_partition_and_heal_faults_become_shell_lines() -> None:
    scenario = parse_scenario(
        "name: split\n"
        "cluster: {managers: 3, workers: 1}\n"
        "steps:\n"
        "  - fault: {kind: partition, groups: [[manager1, worker1], [manager2, manager3]]}\n"
        "  - run: partition manager1 / manager2\n"
        "  - fault: {kind: heal}\n",
        "split.yaml",
    )
    assert [s.line for s in scenario.steps] == [
        "partition manager1,worker1 / manager2,manager3",
        "partition manager1 / manager2",
        "heal",
    ]


def test_a_partition_naming_an_unknown_machine_points_at_it() -> None:
    text = "name: x\nsteps:\n  - fault: {kind: partition, groups: [[manager1], [worker7]]}\n"
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "x.yaml")
    error = raised.value
    assert (error.line, error.col) == (3, text.split("\n")[2].index("worker7") + 1)
    assert error.path == "steps[0].fault.groups[1][0]"


def test_kill_names_a_service_created_before() -> None:
    with pytest.raises(ScenarioError, match="no step creates a service 'web'"):
        parse_scenario(
            "name: x\nsteps:\n  - fault: {kind: kill, task: web.1}\n"
            "  - run: docker service create --name web nginx\n"
        )


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


def test_files_by_suffix_and_unreadable_files(tmp_path: Path) -> None:
    assert load_file(SCENARIOS / "class-notes.txt").kind == "lesson"
    assert load_file(Path(__file__).resolve().parent / "examples" / "drain.yaml").name == "drain"
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "missing.yaml")
    assert (
        str(raised.value)
        == f"{tmp_path / 'missing.yaml'}:1:1: (file): cannot read: No such file or directory"
    )
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: x\nsteps: []\n# caf\xe9\n")
    with pytest.raises(ScenarioError, match=r"latin.yaml:3:1: \(file\): not UTF-8 text"):
        load_scenario(latin)


def test_image_logs_become_one_shell_word_per_line() -> None:
    scenario = parse_scenario(
        "name: x\nimages:\n  web:1: {logs: ['listening on :80', ready]}\nsteps: []\n"
    )
    assert scenario.images == ("image web:1 'logs=listening on :80' logs=ready",)


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
