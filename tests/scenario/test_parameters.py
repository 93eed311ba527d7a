"""Scenario parameters: defaults, typed placeholders, overrides, file:line:col errors."""

from __future__ import annotations

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import parse_scenario

TEXT = """\
name: p
parameters:
  replicas: 2
  image: app:1
cluster:
  workers: ${replicas}
steps:
  - run: docker service create -d --replicas ${replicas} --name web ${image}
files:
  stack.yml: "image: ${TAG}"
"""


def test_defaults_overrides_and_typed_values() -> None:
    scenario = parse_scenario(TEXT, "p.yaml")
    assert scenario.steps[0].line.endswith("--replicas 2 --name web app:1")
    assert len(scenario.cluster.machines) == 3  # a whole placeholder keeps the number
    assert dict(scenario.files)["stack.yml"] == "image: ${TAG}"  # compose's own variable
    bigger = parse_scenario(TEXT, "p.yaml", parameters={"replicas": 4, "image": "app:2"})
    assert bigger.steps[0].line.endswith("--replicas 4 --name web app:2")
    assert len(bigger.cluster.machines) == 5


@pytest.mark.parametrize(
    ("text", "parameters", "error"),
    [
        (TEXT, {"replica": 3}, "p.yaml:2:1: parameters: unknown parameter 'replica'; "
         "did you mean 'replicas'?"),
        (TEXT.replace("${image}", "${imag}"), {}, "p.yaml:8:10: steps[0].run: unknown "
         "parameter ${imag}; did you mean 'image'?"),
        (TEXT, {"replicas": "many"}, "p.yaml:6:12: cluster.workers: expected a whole number, "
         "not the string 'many'"),
        ("name: p\nsteps: []\n", {"x": 1}, "p.yaml:1:1: parameters: unknown parameter 'x' "
         "(parameters: none)"),
        ("name: p\nparameters: {a: [1]}\nsteps: []\n", {}, "p.yaml:2:17: parameters.a: "
         "a default is a string, a number or true/false"),
    ],
)  # fmt: skip
def test_errors_point_at_the_place(text: str, parameters: dict[str, object], error: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "p.yaml", parameters=parameters)
    assert str(caught.value) == error
