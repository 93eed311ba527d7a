"""Scenario steps: a timeline of shell lines, checked before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import parse_scenario
from swarmsim.scenario.build_context import BuildContext
from swarmsim.scenario.build_steps import build_steps, check_run_line, deploys_files_on_disk
from swarmsim.scenario.yamlsource import load_yaml


def read(text: str) -> tuple[BuildContext, dict[str, Any]]:
    data, positions = load_yaml("s.yaml", text)
    return BuildContext("s.yaml", positions), data


def test_steps_start_when_the_previous_ones_can_end() -> None:
    context, data = read(
        "steps:\n  - sleep: 1m\n  - {run: sleep 30s, after: 10s}\n  - {comment: here, at: 100}\n"
    )
    context.nodes = {"manager1"}
    steps = [step for step, _ in build_steps(context, data["steps"])]
    assert [(s.kind, s.line, s.at, s.after, s.label) for s in steps] == [
        ("sleep", "sleep 1m", None, 0.0, "steps[0]"),
        ("run", "sleep 30s", None, 10.0, "steps[1]"),
        ("comment", "", 100.0, 0.0, "steps[2]"),
    ]
    context, data = read("steps:\n  - sleep: 1m\n  - {run: time, at: 59s}\n")
    with pytest.raises(ScenarioError, match="time goes backwards: at 59s is before 1m0s"):
        build_steps(context, data["steps"])


# each line: a step, the cluster being m1 -> where the error points: its message
BAD_STEPS = """\
{run: time, sleep: 1s} -> steps[0].sleep: a step does one thing: run or sleep, not both (split it \
in two steps)
{at: 1s} -> steps[0]: a step needs one of run, sleep, fault, traffic, autoscale, comment or files
{run: time, at: 1s, after: 1s} -> steps[0].after: give either at (a time) or after \
(a delay), not both
{sleep: 1s, on: m1} -> steps[0].on: on names the machine of a run step
{run: reboot} -> steps[0].run: unknown command 'reboot' (a docker command or a shell word)
{run: exit} -> steps[0].run: unknown command 'exit' (a docker command or a shell word)
{run: 'echo "open'} -> steps[0].run: unterminated quoted string
{run: export 1A=b} -> steps[0].run: export: `1A=b': not a valid identifier
{run: fail w9} -> steps[0].run: no node 'w9' (nodes: m1)
{fault: {kind: node-add, node: m1}} -> steps[0].fault.node: a node named 'm1' already exists
{traffic: {name: t, rate: 1}} -> steps[0].traffic: a traffic step starting a load needs target
"""


@pytest.mark.parametrize("case", BAD_STEPS.splitlines())
def test_a_bad_step_points_at_the_value(case: str) -> None:
    step, expected = case.split(" -> ")
    context, data = read(f"steps:\n  - {step}\n")
    context.nodes = {"m1"}
    with pytest.raises(ScenarioError) as raised:
        build_steps(context, data["steps"])
    assert f"{raised.value.path}: {raised.value.message}" == expected


def test_a_compose_file_is_inline_or_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "disk.yml").write_text("services: {}\n")
    step = "{files: {inline.yml: 'services: {}'}, run: docker stack deploy -c %s app}"
    data, positions = load_yaml("s.yaml", "steps:\n  - " + step % "inline.yml\n")
    context = BuildContext(str(tmp_path / "s.yaml"), positions)
    assert build_steps(context, data["steps"])[0][0].files == (("inline.yml", "services: {}"),)
    context = BuildContext(str(tmp_path / "s.yaml"), positions)
    assert check_run_line(context, ("r",), "docker stack config -c disk.yml")[1] == 0.0
    with pytest.raises(ScenarioError, match=r"no compose file 'inline\.yml'"):
        check_run_line(context, ("r",), "docker stack deploy -c inline.yml app")


def test_run_lines_give_their_words_and_how_long_they_sleep() -> None:
    context, _ = read("name: x\n")
    context.nodes = {"m1", "w1"}
    assert check_run_line(context, ("r",), "@w1 sleep 1m30s") == (["sleep", "1m30s"], 90.0)
    assert check_run_line(context, ("r",), "T=$(docker swarm join-token -q worker)") == (
        ["T=_"],
        0.0,
    )
    with pytest.raises(ScenarioError, match="an empty command"):
        check_run_line(context, ("r",), "@w1")


def test_a_node_add_fault_makes_its_node_known_to_later_steps() -> None:
    context, data = read(
        "steps:\n  - fault: {kind: node-add, node: w3, labels: {zone: a}}\n"
        "  - fault: {kind: fail, node: w3}\n"
    )
    context.nodes = {"m1"}
    lines = [step.line for step, _ in build_steps(context, data["steps"])]
    assert lines == ["node add w3 label.zone=a", "fail w3"] and context.nodes == {"m1", "w3"}


def test_stack_deploys_of_files_on_disk_are_found_before_reading() -> None:
    steps = [{"run": "docker stack deploy -c s.yml app"}, {"run": "echo 'open"}]
    assert deploys_files_on_disk({"steps": steps})
    assert not deploys_files_on_disk({"steps": steps, "files": {"./s.yml": ""}})
    assert deploys_files_on_disk({"steps": [{"run": "docker stack up -c - app"}]})


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
