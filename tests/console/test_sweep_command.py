"""swarmsim sweep: a scenario over a grid file, CSV out, file:line:col errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from swarmsim.console.main import main

SCENARIO = str(Path(__file__).parents[2] / "scenarios" / "experiments" / "update-strategy.yaml")


def test_sweep_writes_one_csv_row_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = tmp_path / "grid.yaml"
    grid.write_text("parallelism: [1, 2]\norder: [start-first]\n")
    out = tmp_path / "results.csv"
    status = main(["sweep", SCENARIO, "--grid", str(grid), "--seeds", "2", "--jobs", "1",
                   "--out", str(out), "--quiet"])  # fmt: skip
    assert status == 0
    frame = pd.read_csv(out, keep_default_na=False)
    assert list(frame[["parallelism", "seed"]].itertuples(index=False, name=None)) == [
        (1, 0), (1, 1), (2, 0), (2, 1),
    ]  # fmt: skip
    assert (frame["min_running"] == 4).all() and (frame["update_state"] == "completed").all()
    assert capsys.readouterr().err == "swarmsim: 4 runs, 0 failed\n"


@pytest.mark.parametrize(
    ("grid", "error"),
    [
        ("paralelism: [1]\n", "1:1: paralelism: the scenario has no parameter 'paralelism'; "
         "did you mean 'parallelism'?"),
        ("order: [1]\nparallelism: [[1]]\n", "2:14: parallelism: parameter 'parallelism': [1] is "
         "not a number, a string, a boolean or None"),
        ("- {order: start-first}\n- {speed: 2}\n", "2:4: [1].speed: the scenario has no "
         "parameter 'speed' (parameters: parallelism, order)"),
    ],
)  # fmt: skip
def test_a_bad_grid_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], grid: str, error: str
) -> None:
    path = tmp_path / "grid.yaml"
    path.write_text(grid)
    assert main(["sweep", SCENARIO, "--grid", str(path), "--seeds", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and error in err
