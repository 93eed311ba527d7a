"""Reading a sweep: statistics across seeds, and the strategies no other beats.

:func:`summarize` gives, per parameter combination and metric, the number of
runs, mean, median, quantiles and a bootstrap confidence interval of the mean
(percentile bootstrap, seeded: the same frame gives the same interval).
:func:`pareto` ranks combinations on two objectives by non-dominated sorting
and marks the front (rank 1).

Runs with an ``error`` and NaN values (an update that never ended) are left
out of the statistics; ``n`` says how many runs each one rests on.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from swarmsim.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bootstrap_ci", "parameters", "pareto", "summarize"]


def parameters(frame: pd.DataFrame) -> list[str]:
    """The parameter columns of a sweep frame: those before ``seed``."""
    columns = list(frame.columns)
    if "seed" not in columns:
        raise InvalidArgument("not a sweep frame (no 'seed' column): name the columns with by=")
    return columns[: columns.index("seed")]


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    if "error" in frame.columns:
        return frame[frame["error"].fillna("") == ""]
    return frame


def _columns(frame: pd.DataFrame, names: Sequence[str], what: str) -> list[str]:
    names = [names] if isinstance(names, str) else list(names)
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise InvalidArgument(f"{what}: no column {missing[0]!r} (columns: {list(frame.columns)})")
    return names


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of ``values`` (NaN left out).

    >>> bootstrap_ci([3.0, 3.0, 3.0])
    (3.0, 3.0)
    >>> low, high = bootstrap_ci([1.0, 2.0, 3.0, 4.0, 10.0], seed=1)
    >>> 1.0 <= low < 4.0 < high <= 10.0
    True
    """
    if not 0 < confidence < 1:
        raise InvalidArgument(f"confidence must be between 0 and 1, not {confidence!r}")
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    means = rng.choice(data, size=(resamples, data.size), replace=True).mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return (float(low), float(high))


def summarize(
    frame: pd.DataFrame,
    metrics: str | Sequence[str] = ("update_duration", "min_available"),
    *,
    by: Sequence[str] | None = None,
    quantiles: Sequence[float] = (0.1, 0.9),
    confidence: float = 0.95,
    resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Statistics of ``metrics`` across seeds, one row per combination and metric.

    Columns: the ``by`` columns (default: the sweep's parameters), ``metric``,
    ``n``, ``mean``, ``median``, ``q10``/``q90`` (one per quantile),
    ``ci_low`` and ``ci_high`` (bootstrap interval of the mean).
    """
    import pandas as pd

    by = parameters(frame) if by is None else _columns(frame, by, "by")
    metrics = _columns(frame, metrics, "metrics")
    names = [f"q{round(q * 100):02d}" for q in quantiles]
    rows = []
    groups = _ok(frame).groupby(by, sort=False, dropna=False) if by else [((), _ok(frame))]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        for metric in metrics:
            values = pd.to_numeric(part[metric], errors="coerce").astype(float).dropna()
            stats = [float(values.quantile(q)) if len(values) else np.nan for q in quantiles]
            low, high = bootstrap_ci(values.to_numpy(), confidence, resamples, seed)
            rows.append(
                (
                    *key,
                    metric,
                    len(values),
                    float(values.mean()) if len(values) else np.nan,
                    float(values.median()) if len(values) else np.nan,
                    *stats,
                    low,
                    high,
                )
            )
    columns = [*by, "metric", "n", "mean", "median", *names, "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def pareto(
    frame: pd.DataFrame,
    x: str = "update_duration",
    y: str = "min_available",
    *,
    by: Sequence[str] | None = None,
    lower_x: bool = True,
    higher_y: bool = True,
    stat: str = "mean",
) -> pd.DataFrame:
    """Rank combinations on two objectives; the Pareto front has rank 1.

    Each combination (``by``, default the sweep's parameters) is reduced to
    the ``stat`` (``mean`` or ``median``) of ``x`` and ``y`` across its seeds.
    One combination dominates another when it is at least as good on both and
    better on one (``lower_x``: a lower ``x`` is better; ``higher_y``: a higher
    ``y`` is better).  Rank 1 is the set no combination dominates; rank 2 what
    only rank 1 dominates, and so on.

    Returns the combinations with ``x``, ``y``, ``rank`` and ``front`` (rank
    1), sorted by rank then ``x``.

    >>> import pandas as pd
    >>> runs = pd.DataFrame({"p": [1, 2, 3], "seed": 0, "update_duration": [30.0, 20.0, 25.0],
    ...                      "min_available": [5, 4, 3]})
    >>> pareto(runs)[["p", "rank", "front"]].values.tolist()
    [[2, 1, True], [1, 1, True], [3, 2, False]]
    """
    by = parameters(frame) if by is None else _columns(frame, by, "by")
    _columns(frame, [x, y], "objectives")
    if stat not in ("mean", "median"):
        raise InvalidArgument(f"stat must be 'mean' or 'median', not {stat!r}")
    ok = _ok(frame)
    if not by:
        raise InvalidArgument("pareto ranks combinations: the frame has no parameter column")
    table = ok.groupby(by, sort=False, dropna=False)[[x, y]].agg(stat).reset_index()
    gx = table[x].to_numpy(dtype=float) * (1 if lower_x else -1)
    gy = table[y].to_numpy(dtype=float) * (-1 if higher_y else 1)  # both: lower is better
    rank = np.zeros(len(table), dtype=int)
    valid = ~(np.isnan(gx) | np.isnan(gy))
    left = set(np.flatnonzero(valid).tolist())
    level = 0
    while left:
        level += 1
        front = [
            i
            for i in left
            if not any(
                gx[j] <= gx[i] and gy[j] <= gy[i] and (gx[j] < gx[i] or gy[j] < gy[i]) for j in left
            )
        ]
        for i in front:
            rank[i] = level
        left -= set(front)
    table["rank"] = rank
    table["front"] = table["rank"] == 1
    ranked: pd.DataFrame = table[valid].sort_values(["rank", x], kind="stable")
    return ranked.reset_index(drop=True)
