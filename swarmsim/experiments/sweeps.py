"""``sweep``: every parameter combination × every seed, one tidy row per run.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from swarmsim.errors import InvalidArgument
from swarmsim.experiments.cache import Cache
from swarmsim.experiments.executors import Item, Row, execute
from swarmsim.experiments.grid import Value, combinations, seed_list
from swarmsim.experiments.measures import METRICS, Metric
from swarmsim.experiments.runs import make_plan

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sweep"]


def _version() -> str:
    from swarmsim import __version__

    return __version__


def sweep(
    run: object,
    grid: object = None,
    seeds: object = 30,
    *,
    executor: object = None,
    jobs: int | None = None,
    progress: bool = True,
    cache: str | os.PathLike[str] | None = None,
    metrics: Mapping[str, Metric] | None = None,
    service: str | None = None,
) -> pd.DataFrame:
    """Make ``run`` for every combination of ``grid`` and every seed; one row per run.

    Parameters
    ----------
    run
        A function ``run(seed=..., **params)`` returning a
        :class:`~swarmsim.swarm.Swarm` (measured with ``metrics``) or a dict
        of metrics; or a scenario file (path or loaded
        :class:`~swarmsim.scenario.Scenario`) whose ``parameters:`` the grid
        sets (each run then settles after the timeline and adds
        ``expectations_failed``).
    grid
        A dict of lists (their product) or a list of dicts; ``None`` or
        ``{}``: no parameter.
    seeds
        A count ``n`` (seeds ``0..n-1``, default 30) or a list of seeds.
    executor
        A :class:`concurrent.futures.Executor` or a ``dask.distributed.Client``.
    jobs
        Without ``executor``: ``1`` makes the runs one after another in this
        process, ``N`` in a pool of N processes; default as many as cores.
    progress
        Show a progress bar (runs per second, time left; a widget in Jupyter).
    cache
        A directory where finished runs are kept: a run already made (same
        run, parameters, seed, metrics and swarmsim version) is read back.
    metrics
        Column name → function of an :class:`~swarmsim.experiments.Outcome`
        (default :data:`~swarmsim.experiments.METRICS`).
    service
        The service to measure (default: the last one updated, else the only one).

    Returns
    -------
    pandas.DataFrame
        Columns: the parameters, ``seed``, the metrics, ``error`` (empty when
        the run went well, else the exception that stopped it) and
        ``sim_version``.  Rows in grid order then seed order, identical
        whatever the executor and whether they came from the cache.

    Raises
    ------
    InvalidArgument
        For a bad grid, seeds, executor, jobs, cache or run (before any run
        is made); never for a run that fails.

    Examples
    --------
    >>> def scale(seed, replicas):
    ...     from swarmsim import Swarm
    ...     swarm = Swarm(seed=seed, workers=2)
    ...     swarm.docker(f"docker service create -d --replicas {replicas} --name web nginx")
    ...     swarm.settle()
    ...     return {"converged_at": swarm.now}
    >>> frame = sweep(scale, {"replicas": [1, 4]}, seeds=2, jobs=1, progress=False)
    >>> list(frame.columns), len(frame)
    (['replicas', 'seed', 'converged_at', 'error', 'sim_version'], 4)
    """
    combos = combinations({} if grid is None else grid)
    seed_values = seed_list(seeds)
    if not isinstance(progress, bool):
        raise InvalidArgument(f"progress must be True or False, not {progress!r:.60}")
    plan = make_plan(run, METRICS if metrics is None else metrics, service)
    version = _version()
    items: list[Item] = [
        (i * len(seed_values) + k, combo, seed)
        for i, combo in enumerate(combos)
        for k, seed in enumerate(seed_values)
    ]
    store = Cache(cache, plan.identity, version) if cache is not None else None
    keys = [store.key(params, seed) for _, params, seed in items] if store else []
    rows: list[Row | None] = [None] * len(items)
    if store is not None:
        known = store.load()
        for index, key in enumerate(keys):
            if key in known:
                rows[index] = known[key]
    todo = [item for item in items if rows[item[0]] is None]
    bar = _bar(len(items), len(items) - len(todo), progress)

    def done(finished: list[tuple[int, Row]]) -> None:
        for index, row in finished:
            rows[index] = row
        if store is not None:
            store.store((keys[i], row) for i, row in finished if not row.get("error"))
        bar.update(len(finished))

    try:
        execute(plan, todo, done, jobs=jobs, executor=executor)
    finally:
        bar.close()
    return _frame(items, [row or {} for row in rows], version)


def _bar(total: int, cached: int, show: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=cached, unit="run", desc="sweep", disable=not show, smoothing=0.1
    )


def _frame(items: list[Item], rows: list[Row], version: str) -> pd.DataFrame:
    import pandas as pd

    params: list[str] = []
    metrics: list[str] = []
    for _, combo, _ in items:
        params.extend(name for name in combo if name not in params)
    for row in rows:
        metrics.extend(name for name in row if name != "error" and name not in metrics)
    records: list[dict[str, Value]] = []
    for (_, combo, seed), row in zip(items, rows, strict=True):
        record: dict[str, Value] = {**combo, "seed": seed}
        record.update((name, row[name]) for name in metrics if name in row)
        record["error"] = row.get("error") or ""
        record["sim_version"] = version
        records.append(record)
    columns = [*params, "seed", *metrics, "error", "sim_version"]
    return pd.DataFrame.from_records(records, columns=columns)
