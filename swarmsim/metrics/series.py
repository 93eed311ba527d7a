"""Task counts of one service over time: available, per spec version, desired, replicas.

:func:`replica_timeline` is what :func:`swarmsim.viz.replicas_over_time` draws;
:func:`replica_series` is the same replay as a DataFrame.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from typing import TYPE_CHECKING

from swarmsim.errors import InvalidArgument
from swarmsim.metrics._sweep import (
    IN_PROGRESS,
    Sweep,
    checked_records,
    last_time,
    version_classes,
)
from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.store import Store
    from swarmsim.swarm import Swarm


@dataclass(slots=True)
class StepSeries:
    """A piecewise-constant integer series: ``values[i]`` holds from ``times[i]`` on.

    Several changes at the same instant keep only the value after the last one,
    and consecutive equal values are merged.

    Examples
    --------
    >>> s = StepSeries()
    >>> s.set(0.0, 0); s.set(1.0, 2); s.set(1.0, 3); s.set(2.0, 3)
    >>> s.times, s.values, s.at(0.5), s.at(1.0), s.at(-1.0)
    ([0.0, 1.0], [0, 3], 0, 3, 0)
    """

    times: list[float] = field(default_factory=list)
    values: list[int] = field(default_factory=list)

    def set(self, time: float, value: int) -> None:
        """Record that the series is ``value`` from ``time`` on (times must not decrease)."""
        if self.times and self.times[-1] == time:
            self.values[-1] = value
            if len(self.values) >= 2 and self.values[-2] == value:
                self.times.pop()
                self.values.pop()
        elif not self.values or self.values[-1] != value:
            self.times.append(time)
            self.values.append(value)

    def at(self, time: float) -> int:
        """The value at ``time`` (after every change at that instant); 0 before the start."""
        i = bisect_right(self.times, time) - 1
        return self.values[i] if i >= 0 else 0

    def maximum(self) -> int:
        """The largest value (0 when empty)."""
        return max(self.values, default=0)


@dataclass(frozen=True, slots=True)
class UpdateSpan:
    """A span when a service's update was in progress or held in one state.

    Attributes
    ----------
    start, end
        Virtual times the state began and ended (``end > start``).
    state
        ``updating``, ``paused``, ``rollback_started`` or ``rollback_paused``.
    message
        The update status message when the span began.
    """

    start: float
    end: float
    state: str
    message: str


_COLUMNS = ("running", "current", "desired_running", "replicas")


@dataclass(slots=True)
class ReplicaTimeline:
    """Task counts of one service over virtual time (see :func:`replica_timeline`).

    Attributes
    ----------
    service
        Service name.
    start, end
        First record of the service and the end of the replay.
    running
        Available tasks: observed ``running`` on a node that is not down.
    current
        Available tasks holding the current spec.
    desired_running
        Tasks whose desired state is ``running`` (whatever their observed state).
    replicas
        Replicas of the service spec (0 after removal).
    by_version
        ``running`` split by the tasks' spec version, oldest first; a version
        appears once one of its tasks was available.
    by_image
        ``running`` split by the image of the tasks' spec version (what a
        person tells versions apart by: a scale keeps the image, a rollback
        returns to the old one), in order of first availability; a version
        whose service record names no image counts as ``v<N>``.
    updates
        Spans of the update states ``updating``, ``paused``,
        ``rollback_started`` and ``rollback_paused``, in time order.
    global_mode
        True when the service has tasks and all have slot 0 (a global service).
    """

    service: str
    start: float
    end: float
    running: StepSeries = field(default_factory=StepSeries)
    current: StepSeries = field(default_factory=StepSeries)
    desired_running: StepSeries = field(default_factory=StepSeries)
    replicas: StepSeries = field(default_factory=StepSeries)
    by_version: dict[int, StepSeries] = field(default_factory=dict)
    by_image: dict[str, StepSeries] = field(default_factory=dict)
    updates: list[UpdateSpan] = field(default_factory=list)
    global_mode: bool = False

    def frame(self, columns: Sequence[str] = _COLUMNS) -> pd.DataFrame:
        """The series named in ``columns`` side by side, one row per instant any changed.

        Columns: ``time`` then ``columns`` (any of ``running``, ``current``,
        ``desired_running``, ``replicas``).
        """
        import pandas as pd

        if isinstance(columns, str) or not isinstance(columns, Iterable):
            raise InvalidArgument(f"columns must be a list of names, not {columns!r:.80}")
        columns = list(columns)
        if not all(isinstance(c, str) for c in columns):
            raise InvalidArgument(f"columns must be a list of names, not {columns!r:.80}")
        unknown = sorted(set(columns) - set(_COLUMNS))
        if unknown:
            raise InvalidArgument(f"unknown columns {unknown}; choose from {list(_COLUMNS)}")
        series: list[StepSeries] = [getattr(self, name) for name in columns]
        return pd.DataFrame(_align(series), columns=["time", *columns])


def _align(series: Sequence[StepSeries]) -> list[tuple[float, ...]]:
    """One row (time, value of each series) per instant at which any of them changed."""
    times = sorted({t for steps in series for t in steps.times})
    index = [0] * len(series)
    values = [0] * len(series)
    rows: list[tuple[float, ...]] = []
    for t in times:
        for k, steps in enumerate(series):
            i = index[k]
            while i < len(steps.times) and steps.times[i] <= t:
                values[k] = steps.values[i]
                i += 1
            index[k] = i
        rows.append((t, *values))
    return rows


def _replay(
    records: list[TraceRecord], service: str, store: Store | None, until: float | None, last: float
) -> ReplicaTimeline | None:
    """The timeline of ``service`` from ``records``; ``last``: the trace's last record time."""
    sweep = Sweep(version_classes(records, store, service))
    if until is not None:  # records are in time order
        records = list(takewhile(lambda rec: rec.time <= until, records))
    timeline: ReplicaTimeline | None = None
    opened: tuple[float, str, str] | None = None  # update span: start, state, message
    any_task = any_slot = False
    image_of: dict[int, str] = {}  # spec version -> image
    versions_of: dict[str, list[int]] = {}  # image -> its spec versions

    def see(rec: TraceRecord) -> None:
        nonlocal timeline, opened, any_task, any_slot
        if rec.kind == "node" or rec.service != service:
            return
        if timeline is None:
            timeline = ReplicaTimeline(service, rec.time, rec.time)
            for name in _COLUMNS:
                getattr(timeline, name).set(rec.time, 0)
        if rec.kind == "task":
            any_task = True
            any_slot = any_slot or rec.slot != 0
            return
        if rec.spec_version not in image_of:
            image = rec.desired or f"v{rec.spec_version}"
            image_of[rec.spec_version] = image
            versions_of.setdefault(image, []).append(rec.spec_version)
        state = "" if rec.event == "delete" else rec.state
        if opened is not None and opened[1] != state:
            if rec.time > opened[0]:
                timeline.updates.append(UpdateSpan(opened[0], rec.time, *opened[1:]))
            opened = None
        if opened is None and state in IN_PROGRESS:
            opened = (rec.time, state, rec.detail)

    def settle(now: float) -> bool:
        if timeline is None or service not in sweep.changed:
            return False
        timeline.running.set(now, sweep.running[service])
        timeline.current.set(now, sweep.current(service))
        timeline.desired_running.set(now, sweep.desired[service])
        timeline.replicas.set(now, sweep.replicas.get(service, 0))
        for key in sweep.touched:
            if key[0] != service:
                continue
            count = sweep.running_version[key]
            steps = timeline.by_version.get(key[1])
            if steps is None and count:
                steps = timeline.by_version[key[1]] = StepSeries()
            if steps is not None:
                steps.set(now, count)
            image = image_of.get(key[1]) or f"v{key[1]}"
            total = sum(
                sweep.running_version[(service, v)] for v in versions_of.get(image) or [key[1]]
            )
            by_image = timeline.by_image.get(image)
            if by_image is None and total:
                by_image = timeline.by_image[image] = StepSeries()
            if by_image is not None:
                by_image.set(now, total)
        return False

    sweep.run(records, settle, see)
    if timeline is None:
        return None
    timeline.end = until if until is not None else last
    if opened is not None and timeline.end > opened[0]:
        timeline.updates.append(UpdateSpan(opened[0], timeline.end, *opened[1:]))
    timeline.by_version = dict(sorted(timeline.by_version.items()))
    timeline.global_mode = any_task and not any_slot
    return timeline


def replica_timeline(
    run: Swarm | Trace | Iterable[TraceRecord],
    service: str,
    *,
    until: float | None = None,
) -> ReplicaTimeline:
    """Available, per-version, desired-running and spec replica counts of a service, and
    its update spans, in one pass over the trace.

    Parameters
    ----------
    run
        The swarm (a no-op update's version then counts as the same spec as
        the one before, for ``current``), or its trace, in time order.
    service
        The service's name.
    until
        Ignore records after this virtual time and end the series there; the
        last record when None.

    Raises
    ------
    InvalidArgument
        When the trace has no record of ``service`` (up to ``until``).
    """
    records, store = checked_records(run, service, until=until)
    timeline = _replay(records, service, store, until, last_time(run, records) if records else 0.0)
    if timeline is None:
        raise InvalidArgument(f"the trace has no record of service {service!r}")
    return timeline


def replica_series(run: Swarm | Trace | Iterable[TraceRecord], service: str) -> pd.DataFrame:
    """Available tasks of ``service`` over time, one row per instant it changed.

    Columns: ``time``, ``running`` (available tasks), ``current`` (available
    tasks with the current spec), ``replicas`` (wanted; 0 after removal).
    """
    columns = ("running", "current", "replicas")
    records, store = checked_records(run, service)
    timeline = _replay(records, service, store, None, last_time(run, records) if records else 0.0)
    if timeline is None:
        import pandas as pd

        return pd.DataFrame([], columns=["time", *columns])
    return timeline.frame(columns)
