"""Timeline pictures of a trace: tasks per node (a Gantt chart) and replicas over time.

Both pictures are built from a :class:`~swarmsim.trace.Trace` in one pass over
its records (plus a sort of the tasks of each node row to stack overlapping
bars), so the cost is linear in the trace length up to that sort.

* :func:`task_gantt` draws one row per node and one bar per task, coloured by
  the task's observed state over time, with the node's down time and drained
  spans shaded and a vertical marker where the node went down or came back.
* :func:`replicas_over_time` draws step lines of the running tasks of one
  service (in total and per spec version) with bands where a rolling update or
  rollback was in progress.
* :func:`save` writes a figure as PNG, SVG or PDF without timestamps or version
  strings, so the same trace always gives byte-identical files.

The plotting functions never touch :mod:`matplotlib.pyplot` nor the global
backend: without ``ax`` they build a :class:`matplotlib.figure.Figure` with an
Agg canvas, which works headless, in scripts and in notebooks (end a notebook
cell with ``ax.figure`` to display it).  The pure models (:func:`task_bars`,
:func:`node_rows`, :func:`replica_series`) are public for tests and tables.

Examples
--------
>>> from swarmsim.api import ContainerSpec, Service, ServiceSpec, TaskSpec
>>> from swarmsim.swarm import Swarm
>>> swarm = Swarm(seed=1, managers=1, workers=2)
>>> spec = ServiceSpec("web", TaskSpec(ContainerSpec("nginx")), replicas=3)
>>> swarm.ctx.store.create_service(Service(swarm.ctx.ids.new(), spec))
>>> swarm.advance(30)
>>> ax = plot_tasks(swarm, service="web")
>>> [label.get_text() for label in ax.get_yticklabels()]
['manager1', 'worker1', 'worker2']
>>> replica_series(swarm.trace, "web").running.at(30.0)
3
"""

from __future__ import annotations

import heapq
import os
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from swarmsim.api.enums import TaskState
from swarmsim.trace import TraceRecord

if TYPE_CHECKING:
    from matplotlib.artist import Artist

    from swarmsim.swarm import Swarm

__all__ = [
    "GROUP_COLORS",
    "GROUP_LABELS",
    "STATE_COLORS",
    "UPDATE_COLORS",
    "NodeRow",
    "ReplicaSeries",
    "Segment",
    "StepSeries",
    "TaskBar",
    "UpdateSpan",
    "node_rows",
    "plot_replicas",
    "plot_tasks",
    "replica_series",
    "replicas_over_time",
    "save",
    "state_group",
    "task_bars",
    "task_gantt",
]

# ------------------------------------------------------------------ colours

#: Colour of each group of task states, in legend order.
GROUP_COLORS: dict[str, str] = {
    "pending": "#f2c14e",
    "starting": "#a6cee3",
    "running": "#2166ac",
    "complete": "#2ca02c",
    "shutdown": "#9e9e9e",
    "failed": "#d62728",
    "rejected": "#7b0000",
    "orphaned": "#5b4636",
}

#: Legend text of each group of task states.
GROUP_LABELS: dict[str, str] = {
    "pending": "new…assigned",
    "starting": "preparing…starting",
    "running": "running",
    "complete": "complete",
    "shutdown": "shutdown",
    "failed": "failed",
    "rejected": "rejected",
    "orphaned": "remove/orphaned",
}

_DARK_GROUPS = frozenset({"running", "failed", "rejected", "orphaned", "complete"})


def state_group(state: str) -> str:
    """The colour group of an observed task state (its API name).

    Parameters
    ----------
    state
        A :class:`~swarmsim.api.enums.TaskState` API name such as ``"running"``.

    Returns
    -------
    str
        One of the keys of :data:`GROUP_COLORS`; unknown names count as ``pending``.

    Examples
    --------
    >>> [state_group(s) for s in ("assigned", "ready", "running", "failed")]
    ['pending', 'starting', 'running', 'failed']
    """
    return _STATE_GROUP.get(state, "pending")


def _group_of(state: TaskState) -> str:
    if state < TaskState.PREPARING:
        return "pending"
    if state < TaskState.RUNNING:
        return "starting"
    if state == TaskState.RUNNING:
        return "running"
    if state >= TaskState.REMOVE:
        return "orphaned"
    return state.api_name


_STATE_GROUP: dict[str, str] = {s.api_name: _group_of(s) for s in TaskState}
_TERMINAL: frozenset[str] = frozenset(s.api_name for s in TaskState if s.terminal)
_STOP_DESIRED: frozenset[str] = frozenset(s.api_name for s in TaskState if s > TaskState.RUNNING)

#: Colour of every observed task state (API name → colour).
STATE_COLORS: dict[str, str] = {s: GROUP_COLORS[g] for s, g in _STATE_GROUP.items()}

#: Band colour and legend text of each in-progress service update state.
UPDATE_COLORS: dict[str, tuple[str, str]] = {
    "updating": ("#4e79a7", "updating"),
    "paused": ("#f28e2b", "update paused"),
    "rollback_started": ("#e15759", "rolling back"),
    "rollback_paused": ("#b07aa1", "rollback paused"),
}

_NODE_DOWN = frozenset({"down", "disconnected"})
# node row shading: colour, alpha, hatch, legend text
_NODE_SHADES: dict[str, tuple[str, float, str | None, str]] = {
    "down": ("#f4a3a3", 0.35, None, "node down"),
    "drained": ("#c7c7c7", 0.45, "\\\\", "node drained"),
    "paused": ("#fde68a", 0.45, None, "node paused"),
}
_LABEL_FONTSIZE = 7.5


# ------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a task's life in one observed state.

    Attributes
    ----------
    start, end
        Virtual times (seconds) the span begins and ends.
    state
        Observed state (API name).
    stopping
        Whether the desired state already asked the task to stop (``shutdown``,
        ``remove``...) while the observed state was not yet terminal: a task
        being stopped, or a stale state on a node that went down.
    """

    start: float
    end: float
    state: str
    stopping: bool


@dataclass(slots=True)
class TaskBar:
    """One task's life as seen in the trace.

    Attributes
    ----------
    id, service, slot
        The task's id, service name and slot (0 for global tasks).
    node
        Id of the node the task was assigned to (``""`` if never assigned).
    spec_version
        The service spec version the task runs.
    created
        Time of the task's first record.
    end
        Time its last segment ends (deletion, ``until`` or the end of the trace).
    deleted
        Whether the task left the store by then.
    state
        Last observed state.
    segments
        Spans of constant (observed state, stopping); zero-length spans are dropped.
    """

    id: str
    service: str
    slot: int
    node: str
    spec_version: int
    created: float
    end: float = 0.0
    deleted: bool = False
    state: str = "new"
    segments: list[Segment] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The task's short name: ``web.2`` (or ``web`` for a global task)."""
        return f"{self.service}.{self.slot}" if self.slot else self.service

    @property
    def terminal(self) -> bool:
        """Whether the last observed state is terminal (the task will never run again)."""
        return self.state in _TERMINAL


@dataclass(slots=True)
class NodeRow:
    """One node's life as seen in the trace.

    Attributes
    ----------
    id, hostname
        The node's id and (last recorded) hostname.
    created
        Time of its first record.
    down, drained, paused
        ``(start, end)`` spans when its status was down/disconnected, when its
        availability was ``drain`` and when it was ``pause``.
    went_down, came_back
        Times the status changed from ready to down/disconnected and back.
    removed
        Time the node left the swarm, or None.
    """

    id: str
    hostname: str
    created: float
    down: list[tuple[float, float]] = field(default_factory=list)
    drained: list[tuple[float, float]] = field(default_factory=list)
    paused: list[tuple[float, float]] = field(default_factory=list)
    went_down: list[float] = field(default_factory=list)
    came_back: list[float] = field(default_factory=list)
    removed: float | None = None


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
    """A span when a service's update state was in progress.

    Attributes
    ----------
    start, end
        Virtual times the state began and ended.
    state
        ``updating``, ``paused``, ``rollback_started`` or ``rollback_paused``.
    message
        The update status message when the span began.
    """

    start: float
    end: float
    state: str
    message: str


@dataclass(slots=True)
class ReplicaSeries:
    """Task counts of one service over virtual time.

    Attributes
    ----------
    service
        Service name.
    start, end
        First record of the service and the end of the series.
    target
        Replicas of the service spec (0 after removal).
    desired_running
        Tasks whose desired state is ``running``.
    running
        Tasks observed ``running`` whose desired state is ``running``.
    by_version
        ``running`` split by the tasks' spec version.
    updates
        Spans of in-progress update states, in time order.
    global_mode
        True when every task of the service has slot 0 (a global service).
    """

    service: str
    start: float
    end: float
    target: StepSeries = field(default_factory=StepSeries)
    desired_running: StepSeries = field(default_factory=StepSeries)
    running: StepSeries = field(default_factory=StepSeries)
    by_version: dict[int, StepSeries] = field(default_factory=dict)
    updates: list[UpdateSpan] = field(default_factory=list)
    global_mode: bool = False


# --------------------------------------------------------------- one pass


@dataclass(slots=True)
class _Open:
    bar: TaskBar
    start: float
    state: str
    stopping: bool


def _close(open_: _Open, time: float) -> None:
    if time > open_.start:
        open_.bar.segments.append(Segment(open_.start, time, open_.state, open_.stopping))


def _scan(
    trace: Iterable[TraceRecord], service: str | None, until: float | None, tasks: bool = True
) -> tuple[list[TaskBar], list[NodeRow], float]:
    """Task bars, node rows and the end time, in one pass over the records."""
    opened: dict[str, _Open] = {}
    bars: list[TaskBar] = []
    nodes: dict[str, NodeRow] = {}
    node_state: dict[str, tuple[str, str]] = {}  # id -> (status, availability)
    span_start: dict[tuple[str, str], float] = {}  # (node id, kind) -> start
    end = 0.0
    for rec in trace:
        if until is not None and rec.time > until:
            break
        end = rec.time
        if rec.kind == "task":
            if not tasks or (service is not None and rec.service != service):
                continue
            _task_record(rec, opened, bars)
        elif rec.kind == "node":
            _node_record(rec, nodes, node_state, span_start)
    if until is not None:
        end = until
    for open_ in opened.values():
        _close(open_, end)
        open_.bar.end = end
    for (node_id, kind), start in span_start.items():
        getattr(nodes[node_id], kind).append((start, end))
    for row in nodes.values():
        row.down.sort()
        row.drained.sort()
        row.paused.sort()
    return bars, list(nodes.values()), end


def _task_record(rec: TraceRecord, opened: dict[str, _Open], bars: list[TaskBar]) -> None:
    open_ = opened.get(rec.id)
    if open_ is None:
        if rec.event == "delete":
            return
        bar = TaskBar(rec.id, rec.service, rec.slot, rec.node, rec.spec_version, rec.time)
        bars.append(bar)
        open_ = _Open(bar, rec.time, rec.state, False)
        opened[rec.id] = open_
    bar = open_.bar
    if rec.node:
        bar.node = rec.node
    bar.state = rec.state
    if rec.event == "delete":
        _close(open_, rec.time)
        bar.end = rec.time
        bar.deleted = True
        del opened[rec.id]
        return
    stopping = rec.desired in _STOP_DESIRED and rec.state not in _TERMINAL
    if (rec.state, stopping) != (open_.state, open_.stopping):
        _close(open_, rec.time)
        open_.start, open_.state, open_.stopping = rec.time, rec.state, stopping


def _node_record(
    rec: TraceRecord,
    nodes: dict[str, NodeRow],
    node_state: dict[str, tuple[str, str]],
    span_start: dict[tuple[str, str], float],
) -> None:
    row = nodes.get(rec.id)
    if row is None:
        row = nodes[rec.id] = NodeRow(rec.id, rec.node, rec.time)
    if rec.node:
        row.hostname = rec.node
    old_status, old_avail = node_state.get(rec.id, ("", ""))
    if rec.event == "delete":
        row.removed = rec.time
        for kind in ("down", "drained", "paused"):
            start = span_start.pop((rec.id, kind), None)
            if start is not None:
                getattr(row, kind).append((start, rec.time))
        node_state.pop(rec.id, None)
        return
    node_state[rec.id] = (rec.state, rec.desired)
    was_down, is_down = old_status in _NODE_DOWN, rec.state in _NODE_DOWN
    if is_down != was_down:
        _toggle(row, "down", is_down, rec.time, span_start)
        if rec.event != "create":
            (row.went_down if is_down else row.came_back).append(rec.time)
    for kind, avail in (("drained", "drain"), ("paused", "pause")):
        if (old_avail == avail) != (rec.desired == avail):
            _toggle(row, kind, rec.desired == avail, rec.time, span_start)


def _toggle(
    row: NodeRow, kind: str, on: bool, time: float, span_start: dict[tuple[str, str], float]
) -> None:
    if on:
        span_start[(row.id, kind)] = time
    else:
        start = span_start.pop((row.id, kind), None)
        if start is not None:
            getattr(row, kind).append((start, time))


def task_bars(
    trace: Iterable[TraceRecord], *, service: str | None = None, until: float | None = None
) -> list[TaskBar]:
    """Every task's life as segments of constant observed state, in one pass.

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace` or any iterable of them, in time order).
    service
        Keep only the tasks of this service (by name); all tasks when None.
    until
        Ignore records after this virtual time and close open segments there;
        the end of the trace when None.

    Returns
    -------
    list of TaskBar
        In order of creation.
    """
    return _scan(trace, service, until)[0]


def node_rows(trace: Iterable[TraceRecord], *, until: float | None = None) -> list[NodeRow]:
    """Every node's down, drained and paused spans and status changes, in one pass.

    Parameters
    ----------
    trace
        The records, in time order.
    until
        Ignore records after this virtual time and close open spans there.

    Returns
    -------
    list of NodeRow
        In order of the nodes' first record.
    """
    return _scan(trace, None, until, tasks=False)[1]


def replica_series(
    trace: Iterable[TraceRecord], service: str, *, until: float | None = None
) -> ReplicaSeries:
    """Running, desired-running and per-version task counts of one service, in one pass.

    Parameters
    ----------
    trace
        The records, in time order.
    service
        The service's name.
    until
        Ignore records after this virtual time; the end of the trace when None.

    Returns
    -------
    ReplicaSeries
        The step series and the update spans.

    Raises
    ------
    ValueError
        When the trace has no record of ``service``.
    """
    series: ReplicaSeries | None = None
    current: dict[str, tuple[bool, bool, int]] = {}  # id -> (running, desired running, version)
    per_version: dict[int, int] = {}
    running = desired = 0
    update_open: tuple[float, str, str] | None = None
    any_slot = any_task = False
    end = 0.0
    for rec in trace:
        if until is not None and rec.time > until:
            break
        end = rec.time
        if rec.service != service or rec.kind == "node":
            continue
        if series is None:
            series = ReplicaSeries(service, rec.time, rec.time)
            for steps in (series.target, series.desired_running, series.running):
                steps.set(rec.time, 0)
        t = rec.time
        if rec.kind == "service":
            series.target.set(t, 0 if rec.event == "delete" else rec.slot)
            state = "" if rec.event == "delete" else rec.state
            if update_open is not None and update_open[1] != state:
                series.updates.append(UpdateSpan(update_open[0], t, *update_open[1:]))
                update_open = None
            if update_open is None and state in UPDATE_COLORS:
                update_open = (t, state, rec.detail)
            continue
        any_task = True
        any_slot = any_slot or rec.slot != 0
        old = current.pop(rec.id, None)
        new = None
        if rec.event != "delete":
            want = rec.desired == "running"
            new = (want and rec.state == "running", want, rec.spec_version)
            current[rec.id] = new
        if old == new:
            continue
        for sign, value in ((-1, old), (1, new)):
            if value is None:
                continue
            is_running, wants, version = value
            desired += sign * wants
            if is_running:
                running += sign
                per_version[version] = per_version.get(version, 0) + sign
                by_version = series.by_version.get(version)
                if by_version is None:
                    by_version = series.by_version[version] = StepSeries()
                by_version.set(t, per_version[version])
        series.running.set(t, running)
        series.desired_running.set(t, desired)
    if series is None:
        raise ValueError(f"the trace has no record of service {service!r}")
    series.end = until if until is not None else end
    if update_open is not None:
        series.updates.append(UpdateSpan(update_open[0], series.end, *update_open[1:]))
    series.by_version = dict(sorted(series.by_version.items()))
    series.global_mode = any_task and not any_slot
    return series


# ----------------------------------------------------------------- drawing


def _new_axes(width: float, height: float) -> Axes:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def _time_label(ax: Axes) -> None:
    """Label the time axis, unless a subplot below shares it (``sharex``)."""
    spec = ax.get_subplotspec()
    shared = len(ax.get_shared_x_axes().get_siblings(ax)) > 1
    if spec is None or not shared or spec.is_last_row():
        ax.set_xlabel("virtual time (s)")


def _rect(x0: float, x1: float, y0: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]


def _px_per_unit(ax: Axes, xspan: float, yspan: float) -> tuple[float, float]:
    """Display pixels per data unit, assuming a layout that keeps ~80% of the axes width."""
    box = ax.get_position()
    fig = ax.get_figure(root=True)
    assert fig is not None
    width = box.width * fig.get_figwidth() * fig.dpi * 0.8
    height = box.height * fig.get_figheight() * fig.dpi
    return width / max(xspan, 1e-12), height / max(yspan, 1e-12)


def _text_px(text: str, ax: Axes) -> float:
    fig = ax.get_figure(root=True)
    assert fig is not None
    return 0.62 * _LABEL_FONTSIZE * len(text) * fig.dpi / 72.0


def _pack(bars: Sequence[TaskBar], extent: Mapping[str, float], gap: float) -> dict[str, int]:
    """Lane of each bar in one row: the lowest free lane when it starts (O(n log n))."""
    lanes: dict[str, int] = {}
    busy: list[tuple[float, int]] = []  # (visual end + gap, lane)
    free: list[int] = []
    count = 0
    for bar in sorted(bars, key=lambda b: b.created):
        while busy and busy[0][0] <= bar.created:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, count = count, count + 1
        lanes[bar.id] = lane
        heapq.heappush(busy, (extent[bar.id] + gap, lane))
    return lanes


def task_gantt(
    trace: Iterable[TraceRecord],
    *,
    service: str | None = None,
    node_names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    until: float | None = None,
    terminal_width: float | None = None,
) -> Axes:
    """Draw one row per node and one bar per task, coloured by observed state.

    Each bar starts when the task is created and is split into segments
    coloured by observed state (:data:`STATE_COLORS`): new…assigned yellow,
    preparing…starting light blue, running blue, then a terminal cap (failed
    red, shutdown grey, complete green, rejected dark red).  A hatched overlay
    marks a task asked to stop whose observed state is not yet terminal (a
    stopping task, or a stale state on a node that is down).  Tasks overlapping
    in time on one node are stacked in lanes.  Each node row shades the spans
    when the node was down (light red), drained (grey hatching) or paused, and
    a vertical line marks where it went down (red) or came back (green).

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace`), in time order.
    service
        Draw only the tasks of this service (every node still gets its row).
    node_names
        Node id → hostname; defaults to the hostnames in the node records.
    ax
        The axes to draw into; a new Agg-backed figure when None.
    until
        Draw up to this virtual time; the last record when None.
    terminal_width
        How long (seconds) a terminal state is drawn after the task stopped,
        unless it was deleted earlier; 2% of the time axis when None, and
        ``math.inf`` draws it until deletion.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.  Its collections have gids: ``state:<group>`` (segments of a
        colour group), ``stopping``, ``tasks`` (one outline per task, in
        creation order), ``node:down``, ``node:drained``, ``node:paused``,
        ``marker:down`` and ``marker:up``.
    """
    bars, nodes, end = _scan(trace, service, until)
    end = end if end > 0 else 1.0
    cap = 0.02 * end if terminal_width is None else terminal_width
    names = dict(node_names or {})

    # rows: nodes in order of appearance, then unknown node ids, then unassigned tasks
    order = [row.id for row in nodes]
    known = set(order)
    by_row: dict[str, list[TaskBar]] = {node_id: [] for node_id in order}
    for bar in bars:
        if bar.node not in known:
            known.add(bar.node)
            order.append(bar.node)
            by_row[bar.node] = []
        by_row[bar.node].append(bar)
    if "" in by_row:  # never-assigned tasks go last
        order.remove("")
        order.append("")
    hostnames = {row.id: row.hostname for row in nodes}

    extent: dict[str, float] = {}
    for bar in bars:
        visual = bar.end
        if bar.terminal and bar.segments and bar.segments[-1].state in _TERMINAL:
            visual = min(visual, bar.segments[-1].start + cap)
        extent[bar.id] = visual
    gap = 0.004 * end
    lanes: dict[str, int] = {}
    offsets: dict[str, float] = {}
    heights: dict[str, int] = {}
    total = 0.0
    for node_id in order:
        packed = _pack(by_row[node_id], extent, gap)
        lanes.update(packed)
        offsets[node_id] = total
        heights[node_id] = max(1, max(packed.values(), default=0) + 1)
        total += heights[node_id]

    if ax is None:
        ax = _new_axes(11.0, min(14.0, max(2.6, 1.2 + 0.42 * total)))
    margin = 0.01 * end
    ax.set_xlim(-margin, end + margin)
    ax.set_ylim(total, 0)
    px_x, px_y = _px_per_unit(ax, end + 2 * margin, total)

    # node shading and markers
    shade: dict[str, list[list[tuple[float, float]]]] = {"down": [], "drained": [], "paused": []}
    marks: dict[str, list[list[tuple[float, float]]]] = {"down": [], "up": []}
    for row in nodes:
        y0, y1 = offsets[row.id], offsets[row.id] + heights[row.id]
        for kind in shade:
            for x0, x1 in getattr(row, kind):
                shade[kind].append(_rect(x0, x1, y0, y1))
        marks["down"].extend([(x, y0), (x, y1)] for x in row.went_down)
        marks["up"].extend([(x, y0), (x, y1)] for x in row.came_back)
    handles: list[Artist] = []
    legend_shade: list[Artist] = []
    for kind, verts in shade.items():
        color, alpha, hatch, label = _NODE_SHADES[kind]
        coll = PolyCollection(
            verts,
            facecolors=color,
            edgecolors="#ffffff00",
            alpha=alpha,
            hatch=hatch,
            linewidths=0,
            zorder=0.5,
            gid=f"node:{kind}",
        )
        ax.add_collection(coll, autolim=False)
        if verts:
            legend_shade.append(
                Patch(
                    facecolor=color,
                    alpha=alpha,
                    hatch=hatch,
                    edgecolor="#777777",
                    linewidth=0,
                    label=label,
                )
            )

    # task segments, stopping overlay, outlines and labels
    seg_verts: dict[str, list[list[tuple[float, float]]]] = {g: [] for g in GROUP_COLORS}
    stop_verts: list[list[tuple[float, float]]] = []
    outlines: list[list[tuple[float, float]]] = []
    half = 0.36
    for bar in bars:
        yc = offsets[bar.node] + lanes[bar.id] + 0.5
        y0, y1 = yc - half, yc + half
        visual = extent[bar.id]
        for seg in bar.segments:
            x1 = min(seg.end, visual)
            if x1 <= seg.start and seg.end > seg.start:
                continue
            seg_verts[state_group(seg.state)].append(_rect(seg.start, x1, y0, y1))
            if seg.stopping:
                stop_verts.append(_rect(seg.start, x1, y0, y1))
        outlines.append(_rect(bar.created, visual, y0, y1))
        place = _label_place(bar, visual, _text_px(bar.label, ax) + 6, px_x)
        if place is not None and 2 * half * px_y >= _LABEL_FONTSIZE * 1.3:
            x, group = place
            text = ax.text(
                x,
                yc,
                bar.label,
                ha="center",
                va="center",
                fontsize=_LABEL_FONTSIZE,
                color="white" if group in _DARK_GROUPS else "black",
                zorder=5,
                clip_on=True,
            )
            clip = Rectangle(
                (bar.created, y0), visual - bar.created, 2 * half, transform=ax.transData
            )
            text.set_clip_path(clip)
    for group, verts in seg_verts.items():
        coll = PolyCollection(
            verts,
            facecolors=GROUP_COLORS[group],
            edgecolors="none",
            linewidths=0,
            zorder=2,
            gid=f"state:{group}",
        )
        ax.add_collection(coll, autolim=False)
        if verts:
            handles.append(Patch(facecolor=GROUP_COLORS[group], label=GROUP_LABELS[group]))
    stop_coll = PolyCollection(
        stop_verts,
        facecolors="none",
        edgecolors="#ffffffb0",
        linewidths=0,
        hatch="////",
        zorder=2.5,
        gid="stopping",
    )
    ax.add_collection(stop_coll, autolim=False)
    if stop_verts:
        handles.append(
            Patch(
                facecolor=GROUP_COLORS["running"],
                edgecolor="#ffffffb0",
                hatch="////",
                linewidth=0,
                label="asked to stop",
            )
        )
    thin = px_y < 8  # many lanes: hairline outlines so the colours still show
    outline_coll = PolyCollection(
        outlines,
        facecolors="none",
        edgecolors="#303030",
        linewidths=0.15 if thin else 0.6,
        zorder=3,
        gid="tasks",
    )
    ax.add_collection(outline_coll, autolim=False)

    for kind, color, label in (
        ("down", "#c00000", "node went down"),
        ("up", "#1a9850", "node came back"),
    ):
        lines = LineCollection(
            marks[kind], colors=color, linewidths=1.8, zorder=4, gid=f"marker:{kind}"
        )
        ax.add_collection(lines, autolim=False)
        if marks[kind]:
            legend_shade.append(Line2D([], [], color=color, linewidth=1.8, label=label))

    # axes furniture
    centres = [offsets[n] + heights[n] / 2 for n in order]
    labels = [names.get(n) or hostnames.get(n) or (n[:12] if n else "(unassigned)") for n in order]
    ax.set_yticks(centres, labels)
    ax.tick_params(axis="y", length=0)
    for node_id in order[1:]:
        ax.axhline(offsets[node_id], color="#bbbbbb", linewidth=0.8, zorder=1)
    _time_label(ax)
    ax.set_title(f"Tasks of {service} per node" if service else "Tasks per node")
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    handles.extend(legend_shade)
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize="small",
            frameon=False,
            borderaxespad=0.0,
        )
    return ax


def _label_place(
    bar: TaskBar, visual: float, need_px: float, px_x: float
) -> tuple[float, str] | None:
    """Where to centre a bar's label: its longest segment, else the whole bar, else None."""
    best: tuple[float, float, str] | None = None  # (width, centre, group)
    for seg in bar.segments:
        x1 = min(seg.end, visual)
        if best is None or x1 - seg.start > best[0]:
            best = (x1 - seg.start, (seg.start + x1) / 2, state_group(seg.state))
    if best is None:
        return None
    if best[0] * px_x >= need_px:
        return best[1], best[2]
    if (visual - bar.created) * px_x >= need_px:
        return (bar.created + visual) / 2, best[2]
    return None


_Chunk = tuple[list[float], list[float], list[float]]  # times, lower, upper


def _version_stack(by_version: Mapping[int, StepSeries], end: float) -> dict[int, list[_Chunk]]:
    """Stacked step areas of the per-version counts (older versions at the bottom).

    One sweep over the change points; each instant costs the number of versions
    running then, so the work stays linear in the trace for a few live versions.
    """
    events = sorted(
        (t, version, value)
        for version, series in by_version.items()
        for t, value in zip(series.times, series.values, strict=True)
    )
    chunks: dict[int, list[_Chunk]] = {}
    active: dict[int, int] = {}
    previous: dict[int, tuple[float, float]] = {}

    def emit(t: float) -> None:
        nonlocal previous
        current: dict[int, tuple[float, float]] = {}
        base = 0.0
        for version in sorted(active):
            current[version] = (base, base + active[version])
            base += active[version]
        closing = [(v, span) for v, span in previous.items() if v not in current]
        for version, (lo, hi) in [*current.items(), *closing]:
            if version not in previous:
                chunks.setdefault(version, []).append(([], [], []))
            xs, los, his = chunks[version][-1]
            if xs and xs[-1] == t:  # a change exactly at the end: nothing left to draw
                continue
            xs.append(t)
            los.append(lo)
            his.append(hi)
        previous = current

    for t, group in groupby(events, key=itemgetter(0)):
        for _, version, value in group:
            if value:
                active[version] = value
            else:
                active.pop(version, None)
        emit(t)
    active.clear()
    emit(end)
    return chunks


def replicas_over_time(
    trace: Iterable[TraceRecord],
    service: str,
    *,
    ax: Axes | None = None,
    until: float | None = None,
) -> Axes:
    """Draw the running tasks of one service over virtual time, with update bands.

    Step lines (values hold from each change on): ``running`` (tasks observed
    running whose desired state is running), ``desired running`` (tasks whose
    desired state is running), ``replicas (spec)`` (the spec's replica count;
    omitted for a global service) and, when the service ran more than one spec
    version, ``running v<N>`` per version, so a rolling update shows the old
    version falling and the new one rising.  Bands shade the spans when the
    service's update state was ``updating``, ``paused``, ``rollback_started``
    or ``rollback_paused`` (:data:`UPDATE_COLORS`), labelled at the top.

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace`), in time order.
    service
        The service's name.
    ax
        The axes to draw into; a new Agg-backed figure when None.
    until
        Draw up to this virtual time; the last record when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; its lines are labelled as above and the bands have gids
        ``update:<state>``.

    Raises
    ------
    ValueError
        When the trace has no record of ``service``.
    """
    data = replica_series(trace, service, until=until)
    end = data.end if data.end > data.start else data.start + 1.0
    if ax is None:
        ax = _new_axes(11.0, 3.8)

    def step(series: StepSeries, **style: object) -> None:
        xs = [*series.times, end]
        ys = [*series.values, series.values[-1] if series.values else 0]
        ax.step(xs, ys, where="post", **style)  # type: ignore[arg-type]

    if not data.global_mode:
        step(
            data.target,
            color="#9e9e9e",
            linewidth=5,
            alpha=0.35,
            solid_capstyle="butt",
            label="replicas (spec)",
            zorder=2,
        )
    step(data.running, color="#111111", linewidth=2.0, label="running", zorder=3)
    if len(data.by_version) > 1:
        palette = mpl.colormaps["tab10"]
        stack = _version_stack(data.by_version, end)
        for i, version in enumerate(data.by_version):
            label = f"running v{version}"
            for xs, los, his in stack.get(version, []):
                ax.fill_between(
                    xs,
                    los,
                    his,
                    step="post",
                    color=palette(i % 10),
                    alpha=0.45,
                    linewidth=0,
                    label=label,
                    zorder=1,
                    gid=f"version:{version}",
                )
                label = "_nolegend_"
    step(
        data.desired_running,
        color="#6a3d9a",
        linewidth=1.2,
        linestyle=(0, (2, 2)),
        label="desired running",
        zorder=5,
    )

    top = max(
        data.running.maximum(),
        data.desired_running.maximum(),
        0 if data.global_mode else data.target.maximum(),
        1,
    )
    margin = 0.01 * (end - data.start)
    ax.set_xlim(data.start - margin, end + margin)
    ax.set_ylim(0, top + max(1.0, 0.3 * top))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    px_x, _ = _px_per_unit(ax, end - data.start + 2 * margin, 1.0)
    seen: set[str] = set()
    for span in data.updates:
        color, text = UPDATE_COLORS[span.state]
        ax.axvspan(
            span.start,
            span.end,
            color=color,
            alpha=0.16,
            linewidth=0,
            zorder=0.5,
            gid=f"update:{span.state}",
            label=text if span.state not in seen else "_nolegend_",
        )
        seen.add(span.state)
        if (span.end - span.start) * px_x >= _text_px(text, ax) + 4:
            ax.text(
                span.start,
                0.97,
                f" {text}",
                transform=ax.get_xaxis_transform(),
                ha="left",
                va="top",
                fontsize=_LABEL_FONTSIZE,
                color=color,
                zorder=6,
                clip_on=True,
            )
    _time_label(ax)
    ax.set_ylabel("tasks")
    ax.set_title(f"Running tasks of {service}")
    ax.grid(color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        frameon=False,
        borderaxespad=0.0,
    )
    return ax


# ------------------------------------------------------------ conveniences


def plot_tasks(
    swarm: Swarm, service: str | None = None, ax: Axes | None = None, *, until: float | None = None
) -> Axes:
    """:func:`task_gantt` of a swarm's trace, with the store's hostnames.

    Parameters
    ----------
    swarm
        The simulated swarm.
    service
        Draw only this service's tasks; all when None.
    ax
        The axes to draw into; a new figure when None.
    until
        Draw up to this virtual time; the swarm's current time when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.
    """
    names = {node_id: node.hostname for node_id, node in swarm.ctx.store.nodes.items()}
    end = swarm.now if until is None else until
    return task_gantt(swarm.trace, service=service, node_names=names, ax=ax, until=end)


def plot_replicas(
    swarm: Swarm, service: str, ax: Axes | None = None, *, until: float | None = None
) -> Axes:
    """:func:`replicas_over_time` of a swarm's trace.

    Parameters
    ----------
    swarm
        The simulated swarm.
    service
        The service's name.
    ax
        The axes to draw into; a new figure when None.
    until
        Draw up to this virtual time; the swarm's current time when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.
    """
    end = swarm.now if until is None else until
    return replicas_over_time(swarm.trace, service, ax=ax, until=end)


_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save(
    fig_or_ax: Figure | SubFigure | Axes, path: str | os.PathLike[str], *, dpi: float = 150
) -> Path:
    """Write the figure of ``fig_or_ax`` to ``path`` (PNG, SVG or PDF by extension).

    The file carries no timestamp, software version or random ids, so the same
    trace drawn the same way gives byte-identical files.

    Parameters
    ----------
    fig_or_ax
        A figure, subfigure or axes (its whole figure is saved).
    path
        Destination; the extension (``.png``, ``.svg``, ``.pdf``) picks the format.
    dpi
        Resolution of PNG output.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        For any other extension.
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in _METADATA:
        raise ValueError(f"cannot save {out.name!r}: use a .png, .svg or .pdf file name")
    fig: Figure | SubFigure | None
    fig = fig_or_ax.get_figure(root=True) if isinstance(fig_or_ax, Axes | SubFigure) else fig_or_ax
    if not isinstance(fig, Figure):
        raise ValueError("the axes belong to no figure")
    # constrained layout already makes room for the legends outside the axes; cropping
    # to a tight box on top of it moves the layout between the first and later saves
    constrained = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    with mpl.rc_context({"svg.hashsalt": "swarmsim", "pdf.compression": 6}):
        fig.savefig(
            out,
            format=fmt,
            dpi=dpi,
            metadata=_METADATA[fmt],
            bbox_inches=None if constrained else "tight",
        )
    return out
