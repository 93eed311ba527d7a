"""Figures for experimenters: rolling updates, convergence, availability.

Everything is computed from the :class:`~swarmsim.trace.Trace` of a finished
or running simulation in one pass over its records (plus one cheap pass over
the service records), so the cost is linear in the trace length.

Counting rules
--------------
* A task is *available* while its observed state is ``running`` and its node
  is not ``down`` (what ``docker service ls`` counts in REPLICAS).
* Several records at the same virtual instant are applied together: a value is
  sampled only once every record of an instant has been applied, so a task
  stopped and another started in the same commit batch do not count as a dip.
* Spec versions: two versions of a service hold the same spec when a service
  record shows a rollback to the previous spec (``rollback_started`` with a new
  version), or — when the store is given — when the tasks and services still in
  the store show equal task specs and endpoints for both (a no-op update).

Examples
--------
>>> from swarmsim.api import ContainerSpec, Service, ServiceSpec, TaskSpec
>>> from swarmsim.swarm import Swarm
>>> swarm = Swarm(seed=1, managers=1, workers=2)
>>> spec = ServiceSpec("web", TaskSpec(ContainerSpec("nginx")), replicas=2)
>>> swarm.ctx.store.create_service(Service(swarm.ctx.ids.new(), spec))
>>> swarm.advance(30)
>>> min_available(swarm.trace, "web", 20.0, 30.0)
2
>>> time_to_converge(swarm.trace, "web") is not None
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING

from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.store import Store

_FINAL = frozenset({"completed", "paused", "rollback_completed", "rollback_paused"})
_STARTED = frozenset({"updating", "rollback_started"})
_FAILED = frozenset({"failed", "rejected"})

_VersionKey = tuple[str, int]  # service name, spec version


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """One rolling update (or rollback) of one service, as seen in the trace.

    Attributes
    ----------
    service
        Service name.
    started_at
        When the update status became ``updating`` (or ``rollback_started``
        for a manual rollback).
    ended_at
        When it reached its final state; ``None`` while still running.
    final_state
        ``completed``, ``paused``, ``rollback_completed``, ``rollback_paused``;
        ``superseded`` when a new service update reset the status first,
        ``removed`` when the service was removed; the current state
        (``updating``, ``rollback_started``) while running.
    message
        The last update-status message.
    from_version, to_version
        Spec version before the update and the one it rolls out.
    min_running
        Fewest available tasks of the service at any instant of the update.
    min_running_new
        Fewest available tasks of the spec being rolled out (``to_version``).
    failed_tasks
        Tasks of the service that became ``failed`` or ``rejected`` during it.
    rolled_back
        Whether the update went through ``rollback_started``.
    """

    service: str
    started_at: float
    ended_at: float | None
    final_state: str
    message: str
    from_version: int
    to_version: int
    min_running: int
    min_running_new: int
    failed_tasks: int
    rolled_back: bool

    @property
    def duration(self) -> float | None:
        """``ended_at - started_at``, or ``None`` while running."""
        return None if self.ended_at is None else self.ended_at - self.started_at


class _Classes:
    """Union-find over (service, spec version): versions holding the same spec."""

    def __init__(self) -> None:
        self._parent: dict[_VersionKey, _VersionKey] = {}

    def find(self, key: _VersionKey) -> _VersionKey:
        parent = self._parent
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while key != root:  # path compression
            parent[key], key = root, parent.get(key, key)
        return root

    def union(self, a: _VersionKey, b: _VersionKey) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def _version_classes(trace: Iterable[TraceRecord], store: Store | None) -> _Classes:
    classes = _Classes()
    current: dict[str, int] = {}
    before: dict[str, int] = {}  # version that was current before the current one
    for rec in trace:
        if rec.kind != "service":
            continue
        name, version = rec.service, rec.spec_version
        if rec.event == "create":
            current[name] = version
            before.pop(name, None)
            continue
        old = current.get(name)
        if old is None or old == version:
            continue
        if rec.state == "rollback_started" and name in before:
            classes.union((name, version), (name, before[name]))
        before[name], current[name] = old, version
    if store is not None:
        seen: dict[tuple[str, object], _VersionKey] = {}

        def same(name: str, version: int, spec: object) -> None:
            key = (name, spec)
            first = seen.setdefault(key, (name, version))
            classes.union(first, (name, version))

        for task in store.tasks.values():
            same(task.service_name, task.spec_version, (task.spec, task.endpoint))
        for service in store.services.values():
            same(service.name, service.spec_version, (service.spec.task, service.spec.endpoint))
            if service.previous_spec is not None and service.previous_spec_version is not None:
                prev = service.previous_spec
                same(service.name, service.previous_spec_version, (prev.task, prev.endpoint))
    return classes


@dataclass(slots=True)
class _Episode:
    service: str
    started_at: float
    from_version: int
    to_version: int
    target: _VersionKey
    state: str
    message: str
    min_running: int = 1 << 62
    min_running_new: int = 1 << 62
    failed_tasks: int = 0
    rolled_back: bool = False
    ended_at: float | None = None

    def report(self) -> UpdateReport:
        return UpdateReport(
            self.service,
            self.started_at,
            self.ended_at,
            self.state,
            self.message,
            self.from_version,
            self.to_version,
            self.min_running,
            self.min_running_new,
            self.failed_tasks,
            self.rolled_back,
        )


@dataclass(slots=True)
class _Task:
    service: str
    node: str
    cls: _VersionKey
    state: str


@dataclass(slots=True)
class _Sweep:
    """Replays the trace, keeping available-task counts per service and version class."""

    classes: _Classes
    running: Counter[str] = field(default_factory=Counter)
    running_cls: Counter[_VersionKey] = field(default_factory=Counter)
    version: dict[str, int] = field(default_factory=dict)
    replicas: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, _Task] = field(default_factory=dict)
    on_node: dict[str, Counter[tuple[str, _VersionKey]]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)

    def current(self, service: str) -> int:
        """Available tasks of ``service`` holding its current spec."""
        version = self.version.get(service)
        if version is None:
            return 0
        return self.running_cls[self.classes.find((service, version))]

    def converged(self, service: str) -> bool:
        """Exactly ``replicas`` tasks available, all with the current spec."""
        if service not in self.version:
            return False
        wanted = self.replicas.get(service, 0)
        return self.running[service] == wanted and self.current(service) == wanted

    def _count(self, service: str, cls: _VersionKey, delta: int) -> None:
        self.running[service] += delta
        self.running_cls[cls] += delta
        self.changed.add(service)

    def apply(self, rec: TraceRecord) -> None:
        """Apply one record."""
        if rec.kind == "task":
            self._task(rec)
        elif rec.kind == "node":
            self._node(rec)
        elif rec.kind == "service":
            if rec.event == "delete":
                self.version.pop(rec.service, None)
            else:
                self.version[rec.service] = rec.spec_version
                self.replicas[rec.service] = rec.slot
            self.changed.add(rec.service)

    def _task(self, rec: TraceRecord) -> None:
        old = self.tasks.get(rec.id)
        if old is not None and old.state == "running":
            self.on_node[old.node][(old.service, old.cls)] -= 1
            if old.node not in self.down:
                self._count(old.service, old.cls, -1)
        if rec.event == "delete":
            self.tasks.pop(rec.id, None)
            return
        cls = old.cls if old is not None else self.classes.find((rec.service, rec.spec_version))
        self.tasks[rec.id] = _Task(rec.service, rec.node, cls, rec.state)
        if rec.state == "running":
            self.on_node.setdefault(rec.node, Counter())[(rec.service, cls)] += 1
            if rec.node not in self.down:
                self._count(rec.service, cls, 1)

    def _node(self, rec: TraceRecord) -> None:
        node = rec.id
        is_down = rec.state == "down" or rec.event == "delete"
        if is_down == (node in self.down):
            return
        sign = -1 if is_down else 1
        (self.down.add if is_down else self.down.discard)(node)
        for (service, cls), count in self.on_node.get(node, Counter()).items():
            if count:
                self._count(service, cls, sign * count)

    def run(self, trace: Iterable[TraceRecord], settle: Callable[[float], bool]) -> None:
        """Apply every record; call ``settle(t)`` after the last record of each instant.

        ``settle`` returning ``True`` stops the replay.
        """
        now: float | None = None
        for rec in trace:
            if now is not None and rec.time != now:
                if settle(now):
                    return
                self.changed.clear()
            now = rec.time
            self.apply(rec)
        if now is not None:
            settle(now)


def update_reports(
    trace: Trace | Iterable[TraceRecord], store: Store | None = None, service: str | None = None
) -> list[UpdateReport]:
    """Every rolling update in the trace, in start order.

    Parameters
    ----------
    trace
        The simulation's trace (``swarm.trace``).
    store
        The simulation's store (``swarm.ctx.store``): lets a no-op update's
        version count as the same spec as the one before.
    service
        Only this service's updates.
    """
    records = list(trace)
    sweep = _Sweep(_version_classes(records, store))
    open_: dict[str, _Episode] = {}
    closing: list[_Episode] = []
    done: list[_Episode] = []
    before: dict[str, int] = {}

    def sample(ep: _Episode) -> None:
        ep.min_running = min(ep.min_running, sweep.running[ep.service])
        ep.min_running_new = min(ep.min_running_new, sweep.running_cls[ep.target])

    def settle(_now: float) -> bool:
        for name in sweep.changed:
            ep = open_.get(name)
            if ep is not None:
                sample(ep)
        for ep in closing:
            sample(ep)
        closing.clear()
        return False

    def close(ep: _Episode, time: float, state: str) -> None:
        ep.ended_at, ep.state = time, state
        del open_[ep.service]
        closing.append(ep)

    def on_service(rec: TraceRecord) -> None:
        name = rec.service
        old_version = sweep.version.get(name)
        ep = open_.get(name)
        if rec.event == "delete":
            if ep is not None:
                close(ep, rec.time, "removed")
            return
        if ep is not None:
            if rec.state in _FINAL:
                ep.message = rec.detail
                close(ep, rec.time, rec.state)
            elif rec.state in _STARTED:
                ep.state, ep.message = rec.state, rec.detail
                ep.rolled_back = ep.rolled_back or rec.state == "rollback_started"
            elif not rec.state:
                close(ep, rec.time, "superseded")
        elif rec.state in _STARTED and (service is None or name == service):
            version = rec.spec_version
            from_version = before.get(name, version) if old_version == version else old_version
            ep = _Episode(
                name,
                rec.time,
                from_version if from_version is not None else version,
                version,
                sweep.classes.find((name, version)),
                rec.state,
                rec.detail,
                rolled_back=rec.state == "rollback_started",
            )
            open_[name] = ep
            done.append(ep)
            sweep.changed.add(name)
        if old_version is not None and old_version != rec.spec_version:
            before[name] = old_version

    now: float | None = None
    for rec in records:
        if now is not None and rec.time != now:
            settle(now)
            sweep.changed.clear()
        now = rec.time
        if rec.kind == "service":
            on_service(rec)
        elif rec.kind == "task" and rec.state in _FAILED:
            ep = open_.get(rec.service)
            old = sweep.tasks.get(rec.id)
            if ep is not None and (old is None or old.state != rec.state):
                ep.failed_tasks += 1
        sweep.apply(rec)
    if now is not None:
        settle(now)
    return [ep.report() for ep in done]


def update_frame(
    trace: Trace | Iterable[TraceRecord], store: Store | None = None, service: str | None = None
) -> pd.DataFrame:
    """:func:`update_reports` as a DataFrame (one row per update, plus ``duration``)."""
    import pandas as pd

    reports = update_reports(trace, store, service)
    columns = [f.name for f in fields(UpdateReport)] + ["duration"]
    rows = [{**asdict(r), "duration": r.duration} for r in reports]
    return pd.DataFrame(rows, columns=columns)


def time_to_converge(
    trace: Trace | Iterable[TraceRecord],
    service: str,
    since: float = 0.0,
    store: Store | None = None,
) -> float | None:
    """First time at or after ``since`` when the service has exactly its replicas
    available, all with its current spec; ``None`` if that never happens.

    Subtract ``since`` for a duration.  Meant for replicated services (the
    wanted count is the spec's replica count).
    """
    records = list(trace)
    sweep = _Sweep(_version_classes(records, store))
    result: float | None = None
    before_ok = False  # converged at the last instant before ``since``

    def settle(now: float) -> bool:
        nonlocal result, before_ok
        ok = sweep.converged(service)
        if now < since:
            before_ok = ok
            return False
        if now > since and before_ok:
            result = since  # the state of the last earlier instant still held at ``since``
        elif ok:
            result = now
        before_ok = False
        return result is not None

    sweep.run(records, settle)
    if result is None and before_ok:
        result = since
    return result


def min_available(
    trace: Trace | Iterable[TraceRecord], service: str, start: float, end: float
) -> int:
    """Fewest available tasks of ``service`` at any instant of ``[start, end]``."""
    sweep = _Sweep(_Classes())
    value = 0
    lowest: int | None = None

    def settle(now: float) -> bool:
        nonlocal value, lowest
        if now > end:
            return True
        current = sweep.running[service]
        if now <= start:
            value = current
        else:
            lowest = min(value if lowest is None else lowest, current)
        return False

    sweep.run(trace, settle)
    return value if lowest is None else min(lowest, value)


def replica_series(
    trace: Trace | Iterable[TraceRecord], service: str, store: Store | None = None
) -> pd.DataFrame:
    """Available tasks of ``service`` over time, one row per instant it changed.

    Columns: ``time``, ``running`` (available tasks), ``current`` (available
    tasks with the current spec), ``replicas`` (wanted).
    """
    import pandas as pd

    records = list(trace)
    sweep = _Sweep(_version_classes(records, store))
    rows: list[tuple[float, int, int, int]] = []

    def settle(now: float) -> bool:
        if service in sweep.changed:
            row = (now, sweep.running[service], sweep.current(service), sweep.replicas[service])
            if not rows or rows[-1][1:] != row[1:]:
                rows.append(row)
        return False

    sweep.run(records, settle)
    return pd.DataFrame(rows, columns=["time", "running", "current", "replicas"])
