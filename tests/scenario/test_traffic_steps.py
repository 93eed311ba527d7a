"""Scenario steps that start and stop loads and the autoscaler."""

from __future__ import annotations

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import parse_scenario

HEAD = "name: t\ncluster: {managers: 1, workers: 2}\nsteps:\n"


def test_traffic_and_autoscale_steps_become_shell_lines() -> None:
    scenario = parse_scenario(
        HEAD + "  - traffic: {name: spike, target: ':8080', rate: 40, from: worker1, window: 10s}\n"
        "  - autoscale: {service: web, target: 10, max: 5, window: 2m}\n"
        "  - traffic: {stop: spike}\n"
        "  - autoscale: {service: web, off: true}\n"
        "  - run: traffic start db db:6379 rate=5 from=api\n",
        "t.yaml",
    )
    assert [s.line for s in scenario.steps] == [
        "traffic start spike :8080 rate=40 from=worker1 window=10s",
        "autoscale web target=10 max=5 window=2m",
        "traffic stop spike",
        "autoscale off web",
        "traffic start db db:6379 rate=5 from=api",
    ]


@pytest.mark.parametrize(
    ("step", "message", "where"),
    [
        ("traffic: {name: a, target: ':80'}", "needs rate", "steps[0].traffic"),
        ("traffic: {stop: a, rate: 3}", "either stops a load", "steps[0].traffic"),
        ("traffic: {name: a, target: ':80', rate: 1, window: soon}", "window", "steps[0].traffic"),
        (
            "traffic: {name: a, target: 'web', rate: 1}",
            "a target is :PORT or SERVICE:PORT",
            "steps[0].traffic.target",
        ),
        ("autoscale: {service: web}", "needs target", "steps[0].autoscale"),
    ],
)
def test_bad_traffic_steps_point_at_the_step(step: str, message: str, where: str) -> None:
    with pytest.raises(ScenarioError, match=message) as raised:
        parse_scenario(HEAD + f"  - {step}\n", "t.yaml")
    assert raised.value.path == where
