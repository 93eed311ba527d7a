"""Experiments: sweeps of update strategies over seeds and sizes, and how to read them.

* :func:`sweep` makes a run (a function ``run(seed=..., **params)`` or a
  scenario file) for every parameter combination and seed — serially, in a
  process pool, on any ``concurrent.futures`` executor or a dask cluster —
  with a progress bar and a cache, and returns a tidy pandas DataFrame.
* :data:`METRICS` are the default columns: named functions of an
  :class:`Outcome` (adding one is one line).
* :func:`summarize` (mean, median, quantiles, bootstrap confidence interval
  per combination) and :func:`pareto` (the strategies no other beats on two
  objectives) read the frame; :mod:`~swarmsim.experiments.plots` draws it.

The guide is ``docs/guides/experimenter.md``.
"""

from __future__ import annotations

from swarmsim.experiments.grid import combinations
from swarmsim.experiments.measures import METRICS, Metric, Outcome
from swarmsim.experiments.summary import bootstrap_ci, pareto, summarize
from swarmsim.experiments.sweeps import sweep

__all__ = [
    "METRICS",
    "Metric",
    "Outcome",
    "bootstrap_ci",
    "combinations",
    "pareto",
    "summarize",
    "sweep",
]
