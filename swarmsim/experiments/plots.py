"""Comparison plots of a sweep (matplotlib).

* :func:`plot_metric` — a metric against one parameter, the mean with an
  interval band (bootstrap CI or quantiles), one line per value of the other
  parameters.
* :func:`plot_tradeoff` — duration against availability: every run as a faint
  dot, every combination's mean as a marker, the Pareto front joined.
* :func:`plot_runs` — replica/update panels (:func:`swarmsim.viz.replicas_over_time`)
  of chosen runs side by side on one time axis; :func:`replay` makes a row's
  run again (runs are seeded, so it is the same run).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from swarmsim.errors import InvalidArgument
from swarmsim.experiments.runs import ScenarioRun, make_plan
from swarmsim.experiments.summary import _ok, parameters, pareto, summarize

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from swarmsim.swarm import Swarm
    from swarmsim.trace import Trace

__all__ = ["plot_metric", "plot_runs", "plot_tradeoff", "replay"]

_LABELS = {
    "update_duration": "update duration (virtual s)",
    "min_available": "fewest available replicas",
    "min_running": "fewest available replicas during the update",
    "time_to_converge": "time to converge (virtual s)",
    "failed_tasks": "failed tasks",
    "displaced_tasks": "tasks moved off a node",
}


def _label(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


def _axes(ax: Axes | None, size: tuple[float, float] = (6.4, 4.0)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _name(key: tuple[Any, ...], names: Sequence[str]) -> str:
    return ", ".join(f"{n}={v}" for n, v in zip(names, key, strict=True))


def plot_metric(
    frame: pd.DataFrame,
    metric: str,
    x: str,
    *,
    interval: str = "ci",
    ax: Axes | None = None,
    **summary: Any,
) -> Axes:
    """``metric`` against parameter ``x``: means with a band, one line per other parameters.

    ``interval`` is ``"ci"`` (bootstrap confidence interval of the mean) or
    ``"quantiles"`` (10th to 90th percentile of the runs); ``summary`` goes to
    :func:`~swarmsim.experiments.summarize` (``confidence``, ``quantiles``...).
    """
    if interval not in ("ci", "quantiles"):
        raise InvalidArgument(f"interval must be 'ci' or 'quantiles', not {interval!r}")
    names = parameters(frame)
    if x not in names:
        raise InvalidArgument(f"x must be a parameter of the sweep ({names}), not {x!r}")
    stats = summarize(frame, [metric], **summary)
    low, high = (
        ("ci_low", "ci_high") if interval == "ci" else (stats.columns[-4], stats.columns[-3])
    )
    others = [n for n in names if n != x]
    ax = _axes(ax)
    groups = stats.groupby(others, sort=False) if others else [((), stats)]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        part = part.sort_values(x) if _numeric(part[x]) else part
        xs = part[x] if _numeric(part[x]) else part[x].astype(str)
        (line,) = ax.plot(xs, part["mean"], marker="o", label=_name(key, others) or metric)
        ax.fill_between(xs, part[low], part[high], color=line.get_color(), alpha=0.2, lw=0)
    ax.set_xlabel(x)
    ax.set_ylabel(_label(metric))
    band = "95% CI of the mean" if interval == "ci" else "10th-90th percentile"
    ax.set_title(f"{_label(metric)} by {x} (band: {band})", fontsize=9)
    if others:
        ax.legend(fontsize=7)
    return ax


def _numeric(values: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(values)) and not pd.api.types.is_bool_dtype(values)


def plot_tradeoff(
    frame: pd.DataFrame,
    x: str = "update_duration",
    y: str = "min_available",
    *,
    color: str | None = None,
    ax: Axes | None = None,
    **ranking: Any,
) -> Axes:
    """Each run as a faint dot, each combination's mean as a marker, the front joined.

    ``color`` names a parameter whose values get one colour each (default:
    the first parameter); ``ranking`` goes to :func:`~swarmsim.experiments.pareto`
    (``lower_x``, ``higher_y``, ``stat``).
    """
    names = parameters(frame)
    color = color or (names[0] if names else None)
    if color is not None and color not in names:
        raise InvalidArgument(f"color must be a parameter of the sweep ({names}), not {color!r}")
    ranked = pareto(frame, x, y, **ranking)
    ok = _ok(frame)
    ax = _axes(ax)
    values = list(dict.fromkeys(ok[color])) if color else [None]
    for value in values:
        runs = ok if color is None else ok[ok[color] == value]
        means = ranked if color is None else ranked[ranked[color] == value]
        (dots,) = ax.plot(runs[x], runs[y], ".", alpha=0.15, ms=4)
        ax.plot(
            means[x], means[y], "o", color=dots.get_color(), mec="black", mew=0.5,
            label=f"{color}={value}" if color else "mean of the seeds",
        )  # fmt: skip
    front = ranked[ranked["front"]].sort_values(x)
    ax.plot(front[x], front[y], "-", color="black", lw=1, label="Pareto front")
    for row in front.itertuples(index=False):
        text = _name(tuple(getattr(row, n) for n in names), names)
        ax.annotate(text, (getattr(row, x), getattr(row, y)), fontsize=6, xytext=(3, 3),
                    textcoords="offset points")  # fmt: skip
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    ax.legend(fontsize=7)
    return ax


def replay(
    run: object, row: Mapping[str, Any] | pd.Series, *, params: Sequence[str] | None = None
) -> Swarm:
    """Make the run of one row of a sweep frame again and return its swarm.

    ``params`` are the parameter columns (default: the row's columns before
    ``seed``).  The run must return a :class:`~swarmsim.swarm.Swarm` (a scenario
    run does).
    """
    from swarmsim.swarm import Swarm

    data = dict(row)
    if "seed" not in data:
        raise InvalidArgument("the row has no 'seed': pass a row of a sweep frame")
    keys = list(data)
    names = list(params) if params is not None else keys[: keys.index("seed")]
    plan = make_plan(run, {}, None)
    values = {n: _plain(data[n]) for n in names}
    result = plan.run(seed=int(data["seed"]), **values)
    if isinstance(plan.run, ScenarioRun):
        result = result[0]
    if not isinstance(result, Swarm):
        raise InvalidArgument("replay needs a run that returns a Swarm")
    return result


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def plot_runs(
    runs: Mapping[str, Swarm | Trace],
    service: str,
    *,
    until: float | None = None,
    height: float = 2.6,
) -> Figure:
    """Replica/update panels of ``runs`` (title → swarm or trace), side by side.

    All panels share one time axis (up to ``until``, default the latest end)
    and one count axis.
    """
    import matplotlib.pyplot as plt

    from swarmsim.swarm import Swarm
    from swarmsim.viz import replicas_over_time

    if not isinstance(runs, Mapping) or not runs:
        raise InvalidArgument("runs must map titles to swarms or traces (one at least)")
    traces = {t: (r.trace if isinstance(r, Swarm) else r) for t, r in runs.items()}
    end = until if until is not None else max(float(t.end) for t in traces.values())
    fig, axes = plt.subplots(
        1, len(traces), figsize=(4.2 * len(traces), height), sharex=True, sharey=True,
        layout="constrained", squeeze=False,
    )  # fmt: skip
    for ax, (title, trace) in zip(axes[0], traces.items(), strict=True):
        replicas_over_time(trace, service, ax=ax, until=end)
        ax.set_title(title, fontsize=9)
    return fig
