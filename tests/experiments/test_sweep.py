"""sweep: one row per run, identical whatever the executor, errors kept, cache reused."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sweep_helpers import flaky, rolling_update, served_update

from swarmsim.errors import InvalidArgument
from swarmsim.experiments import METRICS, Outcome, measures, pareto, summarize, sweep
from swarmsim.experiments.plots import plot_metric, plot_runs, plot_tradeoff, replay
from swarmsim.metrics import UpdateReport, update_reports
from swarmsim.swarm import Swarm
from swarmsim.trace import Trace

GRID = {"parallelism": [1, 2], "order": ["stop-first", "start-first"]}
HERE = Path(__file__).parent
STRATEGY = HERE.parents[1] / "scenarios" / "experiments" / "update-strategy.yaml"


@pytest.fixture(scope="module")
def serial():  # type: ignore[no-untyped-def]
    return sweep(rolling_update, GRID, seeds=3, jobs=1, progress=False)


def test_one_row_per_run_with_parameters_seed_metrics_error_version(serial) -> None:  # type: ignore[no-untyped-def]
    assert len(serial) == 12
    assert list(serial.columns) == [
        "parallelism", "order", "seed", *METRICS, "error", "sim_version",
    ]  # fmt: skip
    assert list(serial["seed"][:3]) == [0, 1, 2] and (serial["error"] == "").all()
    assert (serial["update_state"] == "completed").all()
    start_first = serial[serial["order"] == "start-first"]
    assert (start_first["min_running"] == 4).all()
    stop = serial[serial["order"] == "stop-first"].set_index(["parallelism", "seed"])
    assert (stop.xs(1)["min_running"] == 3).all() and (stop.xs(2)["min_running"] == 2).all()
    assert (stop.xs(2)["update_duration"] < stop.xs(1)["update_duration"]).all()
    assert serial["update_duration"].dtype == float


def test_the_frame_is_identical_in_a_process_pool_and_any_executor(serial) -> None:  # type: ignore[no-untyped-def]
    pooled = sweep(rolling_update, GRID, seeds=3, jobs=2, progress=False)
    with ThreadPoolExecutor(2) as threads:
        threaded = sweep(rolling_update, GRID, seeds=3, executor=threads, progress=False)
    assert pooled.equals(serial) and threaded.equals(serial)


def test_a_dask_cluster_gives_the_identical_frame(serial) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        frame = sweep(rolling_update, GRID, seeds=3, executor=client, progress=False)
    assert frame.equals(serial)


def test_failed_runs_are_rows_with_their_error() -> None:
    frame = sweep(flaky, {"fail": [False, True]}, seeds=4, jobs=2, progress=False)
    assert list(frame.columns) == ["fail", "seed", "double", "half", "error", "sim_version"]
    bad = frame[frame["error"] != ""]
    assert list(bad["seed"]) == [1, 3] and bool(bad["fail"].all())
    assert set(bad["error"]) == {
        "CommandFailed: Error response from daemon: service nothing not found"
    }
    assert math.isnan(bad["double"].iloc[0]) and frame["double"].iloc[2] == 4


def test_the_cache_reads_back_and_recomputes_only_a_changed_value(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def counted(seed: int, n: int) -> dict[str, float]:
        calls.append((n, seed))
        return {"value": n * 10 + seed / 3}

    first = sweep(counted, {"n": [1, 2]}, seeds=3, jobs=1, progress=False, cache=tmp_path)
    assert len(calls) == 6 and list(tmp_path.glob("*/*.json"))
    again = sweep(counted, {"n": [1, 2]}, seeds=3, jobs=1, progress=False, cache=tmp_path)
    assert len(calls) == 6 and again.equals(first)
    sweep(counted, {"n": [1, 3]}, seeds=3, jobs=1, progress=False, cache=tmp_path)
    assert calls[6:] == [(3, 0), (3, 1), (3, 2)]


def test_summaries_and_the_pareto_front(serial) -> None:  # type: ignore[no-untyped-def]
    stats = summarize(serial, ["update_duration", "min_running"])
    assert len(stats) == 8 and (stats["n"] == 3).all()
    row = stats[(stats["metric"] == "min_running") & (stats["order"] == "start-first")]
    assert (row["mean"] == 4).all() and (row["ci_low"] == 4).all()
    ranked = pareto(serial, "update_duration", "min_running")
    front = ranked[ranked["front"]]
    assert set(zip(front["parallelism"], front["order"], strict=True)) == {(2, "start-first")}
    assert list(ranked["rank"]) == sorted(ranked["rank"])


def test_plots_draw_bands_the_front_and_replayed_runs(serial) -> None:  # type: ignore[no-untyped-def]
    ax = plot_metric(serial, "update_duration", "parallelism")
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    ax = plot_tradeoff(serial, "update_duration", "min_running", color="order")
    assert "Pareto front" in [t.get_text() for t in ax.get_legend().get_texts()]
    swarm = replay(rolling_update, serial.iloc[4])
    assert swarm.now == serial.iloc[4]["end_time"]
    fig = plot_runs({"a": swarm, "b": replay(rolling_update, serial.iloc[0])}, "web")
    assert len(fig.axes) == 2 and fig.axes[0].get_xlim() == fig.axes[1].get_xlim()


def test_a_scenario_file_sweeps_its_parameters() -> None:
    frame = sweep(STRATEGY, {"order": ["start-first"]}, seeds=2, jobs=1, progress=False)
    assert list(frame["min_running"]) == [4.0, 4.0]
    assert list(frame["expectations_failed"]) == [0, 0]
    with pytest.raises(InvalidArgument, match="cannot read"):
        sweep(HERE / "missing.yaml", None, seeds=1, progress=False)
    bad = sweep(STRATEGY, {"speed": [1]}, seeds=1, jobs=1, progress=False)
    assert "unknown parameter 'speed'" in bad["error"].iloc[0]


@pytest.mark.parametrize(
    ("grid", "seeds", "message"),
    [
        ({"seed": [1]}, 1, "column of every sweep"),
        ({"p": []}, 1, "is empty"),
        ({"p": [[1]]}, 1, "not a number"),
        ({"p": [1]}, 0, "at least 1"),
        ({"p": [1]}, [1, 1], "must not repeat"),
        ("p", 1, "dict of lists"),
    ],
)
def test_bad_grids_and_seeds_are_refused_before_any_run(grid, seeds, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message):
        sweep(flaky, grid, seeds=seeds, progress=False)


def test_progress_shows_runs_per_second_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    sweep(flaky, {"fail": [False]}, seeds=3, jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "run/s" in err
    sweep(flaky, {"fail": [False]}, seeds=3, jobs=1, progress=False)
    assert capsys.readouterr().err == ""


def test_request_success_sees_the_gap_of_a_stop_first_update() -> None:
    frame = sweep(served_update, {"order": ["stop-first", "start-first"]}, seeds=1, progress=False)
    success = dict(zip(frame["order"], frame["request_success"], strict=True))
    assert 0.5 < success["stop-first"] < 1.0 and success["start-first"] == 1.0
    assert math.isnan(sweep(rolling_update, {}, seeds=1, progress=False)["request_success"][0])


def test_the_metrics_of_a_run_find_its_last_update_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five default metrics read the last update: it is found once per run, and
    each reads the report a fresh search finds."""
    swarm = rolling_update(seed=1)
    outcome = Outcome(swarm.trace, "web", swarm)
    searches: list[str] = []

    def counted(run: Swarm | Trace, service: str) -> list[UpdateReport]:
        searches.append(service)
        return update_reports(run, service)

    monkeypatch.setattr(measures, "update_reports", counted)
    row = {name: metric(outcome) for name, metric in METRICS.items()}
    assert searches == ["web"]
    report = update_reports(swarm, "web")[-1]
    assert outcome.last_update() == report and row["update_state"] == report.final_state
    assert row["update_duration"] == report.duration and row["min_running"] == report.min_running
