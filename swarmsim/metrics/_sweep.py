"""The one pass over a trace behind every metric: available tasks per service and version.

:class:`Sweep` replays the records and keeps, after each record, how many tasks
of each service (and of each spec version, and of each class of versions
holding the same spec) are *available*, how many are desired running, each
service's spec version and replica count.  :meth:`Sweep.run` calls back after
the last record of every instant, which is when the metrics sample it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from swarmsim.arguments import finite_seconds
from swarmsim.errors import InvalidArgument
from swarmsim.sim import gc_paused
from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    from swarmsim.store import Store

#: Update states that end an update (for the reports).
FINAL = frozenset({"completed", "paused", "rollback_completed", "rollback_paused"})
#: Update states that start one.
STARTED = frozenset({"updating", "rollback_started"})
#: Update states of an update in progress or held (the spans of a replica timeline).
IN_PROGRESS = frozenset({"updating", "paused", "rollback_started", "rollback_paused"})
FAILED = frozenset({"failed", "rejected"})

VersionKey = tuple[str, int]  # service name, spec version


@gc_paused()  # a record per row: see gc_paused
def checked_records(
    run: object,
    service: object,
    *,
    any_service: bool = False,
    every_record: bool = False,
    **times: object,
) -> tuple[list[TraceRecord], Store | None]:
    """The records of ``run`` and its store, once the arguments every metric shares are checked.

    ``run`` is a :class:`~swarmsim.swarm.Swarm` (its trace, and its store to
    tell a no-op update's version from a real one), a
    :class:`~swarmsim.trace.Trace` or :class:`~swarmsim.trace.TraceRecord`
    rows.  ``service`` must be a name (or ``None`` with ``any_service``), each
    of ``times`` a finite number (``until`` and ``end`` may also be ``None``:
    no end).

    For a name and a trace, the records are those of :meth:`Trace.of_service
    <swarmsim.trace.Trace.of_service>` (the service's and the nodes'), unless
    ``every_record``: a figure of one service changes only at those records,
    so its caller must not read the others (not even their times: see
    :func:`last_time`).

    Raises
    ------
    InvalidArgument
        For an argument of the wrong type or a trace holding something else
        than :class:`~swarmsim.trace.TraceRecord` rows.
    """
    from swarmsim.store import Store

    trace, store = _trace_of(run)
    if isinstance(trace, str | bytes) or not isinstance(trace, Iterable):
        raise InvalidArgument(f"run must be a Swarm, a Trace or TraceRecord rows, not {run!r:.80}")
    if isinstance(service, Store):
        raise InvalidArgument("metrics read no store: pass the Swarm itself as the first argument")
    if not isinstance(service, str) and not (any_service and service is None):
        raise InvalidArgument(f"service must be a service name, not {service!r:.80}")
    for name, value in times.items():
        if value is not None or name not in ("until", "end"):
            finite_seconds(name, value)
    if isinstance(trace, Trace) and isinstance(service, str) and not every_record:
        # a figure of one service depends on its own records and the nodes' only
        return trace.of_service(service), store
    records = list(trace)
    if not all(isinstance(record, TraceRecord) for record in records):
        raise InvalidArgument("trace must hold TraceRecord rows only")
    return records, store


def _trace_of(run: object) -> tuple[object, Store | None]:
    """The trace of ``run`` (a swarm's, or ``run`` itself) and the swarm's store, if any."""
    from swarmsim.swarm import Swarm

    if isinstance(run, Swarm):
        return run.trace, run.ctx.store
    return run, None


def last_time(run: object, records: list[TraceRecord]) -> float:
    """The time of the last record of ``run``'s trace, of which ``records`` were read
    (some); 0.0 for no record."""
    trace, _ = _trace_of(run)
    if isinstance(trace, Trace) and len(trace):
        return trace[-1].time
    return records[-1].time if records else 0.0


class Classes:
    """Union-find over (service, spec version): versions holding the same spec."""

    def __init__(self) -> None:
        self._parent: dict[VersionKey, VersionKey] = {}

    def find(self, key: VersionKey) -> VersionKey:
        parent = self._parent
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while key != root:  # path compression
            parent[key], key = root, parent.get(key, key)
        return root

    def union(self, a: VersionKey, b: VersionKey) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def version_classes(
    trace: Iterable[TraceRecord], store: Store | None, service: str | None = None
) -> Classes:
    """Which spec versions hold the same spec (the counting rules of :mod:`swarmsim.metrics`).

    Versions of different services never share a class; with ``service``, only
    that service's versions are classed (the store's other tasks are skipped).
    """
    classes = Classes()
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
        seen: dict[tuple[str, object], VersionKey] = {}

        def same(name: str, version: int, spec: object) -> None:
            key = (name, spec)
            first = seen.setdefault(key, (name, version))
            classes.union(first, (name, version))

        for task in store.tasks.values():
            if service is None or task.service_name == service:
                same(task.service_name, task.spec_version, (task.spec, task.endpoint))
        for held in store.services.values():
            if service is not None and held.name != service:
                continue
            same(held.name, held.spec_version, (held.spec.task, held.spec.endpoint))
            if held.previous_spec is not None and held.previous_spec_version is not None:
                prev = held.previous_spec
                same(held.name, held.previous_spec_version, (prev.task, prev.endpoint))
    return classes


@dataclass(slots=True)
class _Task:
    service: str
    node: str
    version: int
    state: str
    wanted: bool  # desired state is running


@dataclass(slots=True)
class Sweep:
    """Replays the trace, keeping available-task counts per service, version and class.

    Attributes
    ----------
    running
        Available tasks per service.
    running_version
        Available tasks per (service, spec version).
    running_cls
        Available tasks per class of versions holding the same spec.
    desired
        Tasks per service whose desired state is ``running``.
    version, replicas
        Current spec version and replica count of each service (replicas 0
        after removal; no version).
    changed
        Services whose counts or spec changed during the current instant.
    touched
        (service, version) keys whose available count changed during it.
    """

    classes: Classes
    running: Counter[str] = field(default_factory=Counter)
    running_version: Counter[VersionKey] = field(default_factory=Counter)
    running_cls: Counter[VersionKey] = field(default_factory=Counter)
    desired: Counter[str] = field(default_factory=Counter)
    version: dict[str, int] = field(default_factory=dict)
    replicas: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, _Task] = field(default_factory=dict)
    on_node: dict[str, Counter[VersionKey]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    touched: set[VersionKey] = field(default_factory=set)

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

    def task_state(self, task_id: str) -> str | None:
        """The last observed state of a task still in the store, else None."""
        task = self.tasks.get(task_id)
        return None if task is None else task.state

    def _count(self, key: VersionKey, delta: int) -> None:
        self.running[key[0]] += delta
        self.running_version[key] += delta
        self.running_cls[self.classes.find(key)] += delta
        self.changed.add(key[0])
        self.touched.add(key)

    def apply(self, rec: TraceRecord) -> None:
        """Apply one record."""
        if rec.kind == "task":
            self._task(rec)
        elif rec.kind == "node":
            self._node(rec)
        elif rec.kind == "service":
            if rec.event == "delete":
                self.version.pop(rec.service, None)
                self.replicas[rec.service] = 0
            else:
                self.version[rec.service] = rec.spec_version
                self.replicas[rec.service] = rec.slot
            self.changed.add(rec.service)

    def _task(self, rec: TraceRecord) -> None:
        old = self.tasks.get(rec.id)
        if old is not None:
            if old.state == "running":
                key = (old.service, old.version)
                self.on_node[old.node][key] -= 1
                if old.node not in self.down:
                    self._count(key, -1)
            if old.wanted:
                self.desired[old.service] -= 1
                self.changed.add(old.service)
        if rec.event == "delete":
            self.tasks.pop(rec.id, None)
            return
        new = _Task(rec.service, rec.node, rec.spec_version, rec.state, rec.desired == "running")
        self.tasks[rec.id] = new
        if new.state == "running":
            key = (new.service, new.version)
            self.on_node.setdefault(new.node, Counter())[key] += 1
            if new.node not in self.down:
                self._count(key, 1)
        if new.wanted:
            self.desired[new.service] += 1
            self.changed.add(new.service)

    def _node(self, rec: TraceRecord) -> None:
        node = rec.id
        is_down = rec.state == "down" or rec.event == "delete"
        if is_down == (node in self.down):
            return
        sign = -1 if is_down else 1
        (self.down.add if is_down else self.down.discard)(node)
        for key, count in self.on_node.get(node, Counter()).items():
            if count:
                self._count(key, sign * count)

    @gc_paused()  # an object per task: see gc_paused
    def run(
        self,
        trace: Iterable[TraceRecord],
        settle: Callable[[float], bool],
        before: Callable[[TraceRecord], None] | None = None,
    ) -> None:
        """Apply every record; call ``settle(t)`` after the last record of each instant.

        ``before(record)``, when given, sees each record just before it is
        applied.  ``settle`` returning ``True`` stops the replay.
        """
        now: float | None = None
        for rec in trace:
            if now is not None and rec.time != now:
                if settle(now):
                    return
                self.changed.clear()
                self.touched.clear()
            now = rec.time
            if before is not None:
                before(rec)
            self.apply(rec)
        if now is not None:
            settle(now)
