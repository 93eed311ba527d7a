"""The machines and images of a scenario at time 0."""

from __future__ import annotations

from typing import Any

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import parse_scenario
from swarmsim.scenario.build_cluster import build_cluster, build_images
from swarmsim.scenario.build_context import BuildContext
from swarmsim.scenario.yamlsource import load_yaml


def read(text: str) -> tuple[BuildContext, dict[str, Any]]:
    data, positions = load_yaml("c.yaml", text)
    return BuildContext("c.yaml", positions), data


def test_managers_and_workers_share_one_size() -> None:
    context, data = read("cluster: {managers: 2, workers: 1, cpus: '1.5', memory: 1G}\n")
    cluster = build_cluster(context, data["cluster"])
    assert [(m.name, m.role, m.cpus, m.memory) for m in cluster.machines] == [
        ("manager1", "manager", 1.5, 1 << 30),
        ("manager2", "manager", 1.5, 1 << 30),
        ("worker1", "worker", 1.5, 1 << 30),
    ]
    assert context.nodes == {"manager1", "manager2", "worker1"} and not cluster.blank
    context, _ = read("name: x\n")
    assert [m.name for m in build_cluster(context, {}).machines] == [
        "manager1",
        "worker1",
        "worker2",
    ]


# each line: a cluster -> where the error points: its message
BAD_CLUSTERS = """\
{nodes: [{name: a}]} -> cluster.nodes: a swarm needs at least one node with role: manager
{nodes: [{name: a, role: manager}, {name: a}]} -> cluster.nodes[1].name: a second node named 'a'
{nodes: [{name: a, role: manager}], cpus: 2} -> cluster.cpus: give either nodes or cpus, not both
{cpus: 0} -> cluster.cpus: must be more than 0, not 0
{memory: lots} -> cluster.memory: invalid size: 'lots'
{machines: [a, a]} -> cluster.machines[1]: a second machine named 'a'
{machines: [{name: a, address: 10.0.0}]} -> cluster.machines[0].address: not an IP address: 10.0.0
"""


@pytest.mark.parametrize("case", BAD_CLUSTERS.splitlines())
def test_bad_clusters_point_at_the_value(case: str) -> None:
    cluster, expected = case.split(" -> ")
    context, data = read(f"cluster: {cluster}\n")
    with pytest.raises(ScenarioError) as raised:
        build_cluster(context, data["cluster"])
    assert f"{raised.value.path}: {raised.value.message}" == expected


def test_nodes_keep_their_labels_place_and_availability() -> None:
    context, data = read(
        "cluster:\n  nodes:\n    - {name: m, role: manager, rack: r1, zone: z}\n"
        "    - {name: w, labels: {disk: ssd}, availability: drain, address: 10.0.0.9}\n"
    )
    manager, worker = build_cluster(context, data["cluster"]).machines
    assert (manager.rack, manager.zone, worker.labels) == ("r1", "z", (("disk", "ssd"),))
    assert (worker.availability, worker.address) == ("drain", "10.0.0.9")


def test_images_become_image_lines() -> None:
    context, data = read("images:\n  web:1: {pull: 90, never_healthy: true, exit_code: 3}\n")
    assert build_images(context, data["images"]) == (
        "image web:1 pull=1m30s never_healthy=true exit_code=3",
    )
    context, data = read("images:\n  web:1: {pull: 'on'}\n")
    with pytest.raises(ScenarioError) as raised:
        build_images(context, data["images"])
    assert raised.value.path == 'images["web:1"].pull'
    assert "YAML 1.1" in raised.value.message


def test_image_logs_become_one_shell_word_per_line() -> None:
    scenario = parse_scenario(
        "name: x\nimages:\n  web:1: {logs: ['listening on :80', ready]}\nsteps: []\n"
    )
    assert scenario.images == ("image web:1 'logs=listening on :80' logs=ready",)
