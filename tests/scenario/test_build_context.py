"""What building carries between the parts of a scenario: positions, durations, names."""

from __future__ import annotations

from pathlib import Path

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario.build_context import BuildContext, text_of
from swarmsim.scenario.yamlsource import load_yaml

TEXT = "name: x\nsteps:\n  - sleep: 1:30\n    at: -1\n"


def test_an_error_points_at_the_value_or_at_its_key() -> None:
    _, positions = load_yaml("x.yaml", TEXT)
    context = BuildContext("x.yaml", positions)
    error = context.error(("steps", 0, "at"), "bad")
    assert str(error) == "x.yaml:4:9: steps[0].at: bad"
    assert (context.error(("steps", 0, "at"), "bad", key=True).line, error.col) == (4, 9)
    assert context.error(("steps", 0, "at"), "bad", key=True).col == 5
    assert context.error(("nowhere", 3), "bad").path == "nowhere[3]"


def test_durations_are_numbers_or_go_durations_within_bounds() -> None:
    data, positions = load_yaml("x.yaml", TEXT)
    context = BuildContext("x.yaml", positions)
    assert context.seconds(("a",), 90) == context.seconds(("a",), "1m30s") == 90.0
    with pytest.raises(ScenarioError, match=r"steps\[0\].at: must be a duration from 0s to"):
        context.seconds(("steps", 0, "at"), data["steps"][0]["at"])
    with pytest.raises(ScenarioError, match=r"base-60 number 90.*write 1m30s"):
        context.seconds(("steps", 0, "sleep"), data["steps"][0]["sleep"])
    with pytest.raises(ScenarioError, match="must be a duration from 0s"):
        context.seconds(("a",), float("nan"))


def test_names_are_checked_against_what_is_known(tmp_path: Path) -> None:
    (tmp_path / "on-disk.yml").write_text("services: {}\n")
    context = BuildContext(str(tmp_path / "x.yaml"), load_yaml("x.yaml", TEXT)[1])
    context.check_node(("a",), "w1", {"w1"})
    with pytest.raises(ScenarioError, match=r"no node 'w2' \(nodes: m1, w1\)"):
        context.check_node(("a",), "w2", {"w1", "m1"})
    with pytest.raises(ScenarioError, match=r"no step creates a service 'web'.*services: none"):
        context.check_service(("a",), "web", set())
    context.any_stack = True  # a stack read from disk: its services are unknown
    context.check_service(("a",), "web", set())
    assert context.inline_files({"./s.yml": "services: {}\n"}) == (("./s.yml", "services: {}\n"),)
    for name in ("s.yml", "-", "on-disk.yml"):
        context.check_file(("a",), name)
    with pytest.raises(ScenarioError, match=r"no compose file 'x.yml'.*written so far: s.yml"):
        context.check_file(("a",), "x.yml")


def test_texts_come_in_one_language_or_two() -> None:
    assert text_of({"en": "Drain"}).get("es") == "Drain"
    assert text_of("same").get("es") == "same"
