"""Loading scenario files: the schema, the model, and errors as one line."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario import load_file, load_scenario, schema

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_the_schema_is_valid_and_shipped() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["required"] == ["name", "steps"]


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
