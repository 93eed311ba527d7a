"""What the Gantt chart draws: each task's life in observed states, each node's spans.

:func:`task_bars` and :func:`node_rows` are built in one pass over the trace
(:func:`scan`); they are public for tests and tables.  These are lives of
single tasks and nodes, not counts: task counts come from :mod:`swarmsim.metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from swarmsim.metrics._sweep import checked_records, last_time
from swarmsim.trace import TraceRecord
from swarmsim.viz.style import NODE_DOWN, STOP_DESIRED, TERMINAL


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
        return self.state in TERMINAL


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
class _Open:
    bar: TaskBar
    start: float
    state: str
    stopping: bool


def _close(open_: _Open, time: float) -> None:
    if time > open_.start:
        open_.bar.segments.append(Segment(open_.start, time, open_.state, open_.stopping))


def scan(
    trace: Iterable[TraceRecord], service: str | None, until: float | None, tasks: bool = True
) -> tuple[list[TaskBar], list[NodeRow], float]:
    """Task bars, node rows and the end time, in one pass over the records.

    For one service of a :class:`~swarmsim.trace.Trace`, only its records and
    the nodes' are read (:meth:`~swarmsim.trace.Trace.of_service`); the end is
    still the trace's last record.
    """
    records, _ = checked_records(trace, service, any_service=True, until=until)
    opened: dict[str, _Open] = {}
    bars: list[TaskBar] = []
    nodes: dict[str, NodeRow] = {}
    node_state: dict[str, tuple[str, str]] = {}  # id -> (status, availability)
    span_start: dict[tuple[str, str], float] = {}  # (node id, kind) -> start
    for rec in records:
        if until is not None and rec.time > until:
            break
        if rec.kind == "task":
            if not tasks or (service is not None and rec.service != service):
                continue
            _task_record(rec, opened, bars)
        elif rec.kind == "node":
            _node_record(rec, nodes, node_state, span_start)
    # without ``until``, the trace's last record: other services' records may end later
    end = until if until is not None else last_time(trace, records)
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
    stopping = rec.desired in STOP_DESIRED and rec.state not in TERMINAL
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
    was_down, is_down = old_status in NODE_DOWN, rec.state in NODE_DOWN
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
    return scan(trace, service, until)[0]


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
    return scan(trace, None, until, tasks=False)[1]
