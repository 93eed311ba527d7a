"""The filter pipeline: run a node through the filters and explain failures.

Mirrors ``swarmkit: manager/scheduler/pipeline.go`` (``Pipeline.SetTask``,
``Process``, ``Explain``) and docs/behaviour.md#filters:

* :meth:`Pipeline.set_task` enables the filters that apply to the task and
  zeroes every failure counter.
* :meth:`Pipeline.process` stops at the first failing filter and increments
  only that filter's counter.  Whenever a node passes **all** filters, every
  counter is reset to 0, so the counters only describe the nodes evaluated
  after the last successful one.
* :meth:`Pipeline.explain` lists the filters with a non-zero counter, sorted by
  counter descending (ties keep pipeline order), joined with ``"; "``.

Differences
-----------
The pipeline holds only the modelled filters of
:mod:`swarmsim.manager.scheduler.filters` (no plugin, platform or CSI volume
filters).
"""

from __future__ import annotations

from collections.abc import Sequence

from swarmsim.api.objects import Task
from swarmsim.manager.scheduler.filters import Filter, default_filters
from swarmsim.manager.scheduler.nodeinfo import NodeInfo

__all__ = ["Pipeline"]


class Pipeline:
    """Runs nodes through a fixed list of filters, counting failures per filter.

    Parameters
    ----------
    filters
        The filters in order; swarmkit's modelled order by default.

    Examples
    --------
    >>> pipeline = Pipeline()
    >>> pipeline.explain()
    ''
    """

    __slots__ = ("_counts", "_dirty", "_enabled", "_filters")

    def __init__(self, filters: Sequence[Filter] | None = None) -> None:
        self._filters: tuple[Filter, ...] = tuple(default_filters() if filters is None else filters)
        self._enabled: tuple[tuple[int, Filter], ...] = ()
        self._counts: list[int] = [0] * len(self._filters)
        self._dirty = False

    @property
    def filters(self) -> tuple[Filter, ...]:
        """All filters, in pipeline order."""
        return self._filters

    @property
    def enabled(self) -> tuple[Filter, ...]:
        """The filters that apply to the current task, in pipeline order."""
        return tuple(flt for _, flt in self._enabled)

    @property
    def failure_counts(self) -> tuple[int, ...]:
        """The current failure counter of each filter, in pipeline order."""
        return tuple(self._counts)

    def set_task(self, task: Task) -> None:
        """Prepare the filters for ``task`` and zero the counters."""
        self._enabled = tuple((i, f) for i, f in enumerate(self._filters) if f.set_task(task))
        self._reset()

    def _reset(self) -> None:
        if self._dirty:
            self._counts = [0] * len(self._filters)
            self._dirty = False

    def process(self, info: NodeInfo) -> bool:
        """Whether the task may run on the node; a pass resets every counter."""
        for index, flt in self._enabled:
            if not flt.check(info):
                self._counts[index] += 1
                self._dirty = True
                return False
        self._reset()
        return True

    def explain(self) -> str:
        """Why the task could not be placed, from the current counters (may be empty)."""
        counts = self._counts
        order = sorted(range(len(counts)), key=lambda i: -counts[i])  # stable: ties keep order
        return "; ".join(self._filters[i].explain(counts[i]) for i in order if counts[i] > 0)
