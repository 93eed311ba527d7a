"""The trace: one immutable record per change of a task, node or service.

Every committed change in the store appends a :class:`TraceRecord`; the trace
is the simulator's ground truth for transcripts, plots, metrics and notebooks
(:meth:`Trace.to_dataframe`).

Storage is columnar so that a run with 100,000 tasks stays small: new records
are kept as plain tuples for a while (cheap to append) and then moved, a few
thousand at a time, into dictionary-coded chunks
(:mod:`swarmsim.trace_chunks`): about 20 bytes per record instead of about
150 as a tuple (the values are shared with the objects they describe).
Reading a record gives back the same :class:`TraceRecord`, each value the very
object recorded or an equal one of the same type; iteration, indexing,
:meth:`Trace.to_dataframe` and the file format do not depend on the layout.

Determinism: a record holds only virtual times and values derived from the
seeded run, so the same scenario and seed always give the same trace.

A trace tells the story of a run on its own: service records carry the image
of each spec version and node records the node's role, so pictures and
metrics need no :class:`~swarmsim.swarm.Swarm`.  :meth:`Trace.save` writes it
as JSON lines and :func:`load` reads it back into equal records.

This module has no swarmkit counterpart (swarmkit's store keeps no history).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from swarmsim.api.enums import TaskState
from swarmsim.errors import SwarmSimError
from swarmsim.sim import gc_paused
from swarmsim.trace_chunks import Chunks

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.api.objects import Node, Service, Task


class TraceRecord(NamedTuple):
    """One change of one object.

    ``state`` is the observed state (tasks), the node status (nodes) or the
    update state (services); ``desired`` is the desired state (tasks), the
    availability (nodes) or the image of the spec version (services, e.g.
    ``redis:3.0.7``); ``detail`` carries the status message, error or update
    message.  ``slot`` is the task's slot or the service's replicas;
    ``service`` is the service name, or the role (``manager``/``worker``) in
    node records.

    A ``command`` record is a line the user ran (a docker command, a fault, a
    shell word or a printed comment): ``node`` is the machine it ran on,
    ``detail`` the line as typed and ``slot`` its exit code.

    A ``requests`` record counts the requests of one load in one time window
    with one outcome (:mod:`swarmsim.traffic.model`): ``time`` is the window's
    start, ``event`` the outcome (``ok`` or why they failed), ``id`` the
    load's name, ``slot`` the count, ``node`` the client, ``desired`` the
    target and ``spec_version`` the mean latency in microseconds.
    """

    time: float
    kind: str  # "task" | "node" | "service" | "command" | "requests"
    event: str  # "create" | "update" | "delete"; commands: "docker" | "fault" | "shell" | "comment"
    # requests: "ok" or a reason
    id: str
    service: str
    slot: int
    node: str
    state: str
    desired: str
    detail: str
    spec_version: int


Observer = Callable[[TraceRecord], None]
_new_record = tuple.__new__  # builds a TraceRecord without the named tuple's Python __new__

COLUMNS = TraceRecord._fields


class TraceFileError(SwarmSimError):
    """A trace file cannot be read: ``str(error)`` is ``FILE:LINE: message``."""


#: First line of a trace file: what it is and the order of the fields in each line.
FORMAT = "swarmsim-trace"
FORMAT_VERSION = 1
KINDS = frozenset({"task", "node", "service", "command", "requests"})


_CHUNK = 4096  # records kept as tuples before they move into the columns
_NODE_KIND = frozenset({"node"})
_OWNED_KINDS = frozenset({"task", "service"})  # kinds whose ``service`` field is a service name


class Trace:
    """An append-only sequence of :class:`TraceRecord` with optional live observers.

    Parameters
    ----------
    records
        Records to start from (in time order), e.g. those of a loaded file.
    clock
        The simulation's clock: :attr:`end` follows it (a live run).
    end
        The time the run reached, for a trace without a clock (a loaded file).
    """

    def __init__(
        self,
        records: Iterable[TraceRecord] = (),
        *,
        clock: Callable[[], float] | None = None,
        end: float | None = None,
    ) -> None:
        self._columns: Chunks[TraceRecord] = Chunks(len(COLUMNS), TraceRecord._make)
        # the newest records, not yet in columns (plain tuples from task(), records otherwise)
        self._records: list[tuple[Any, ...]] = []
        self._clock = clock
        self._end = end
        self._observers: list[Observer] = []
        for record in records:
            self._records.append(record)
            if len(self._records) >= _CHUNK:
                self._compact()
        self._compact()

    def _compact(self) -> None:
        """Move the newest records into the columns."""
        self._columns.extend(self._records)
        self._records = []

    def subscribe(self, observer: Observer) -> None:
        """Call ``observer(record)`` for every record appended from now on."""
        self._observers.append(observer)

    def _append(self, record: TraceRecord) -> None:
        records = self._records
        records.append(record)
        if len(records) >= _CHUNK:
            self._compact()
        for observer in self._observers:
            observer(record)

    def task(
        self, time: float, task: Task, prev_state: TaskState | None, prev_desired: TaskState | None
    ) -> None:
        """Record a created task (``prev_state`` None) or a state/desired-state change."""
        status = task.status
        origin = task.origin  # read once: Task.service_name and spec_version are properties
        # the hottest record, kept as a plain tuple: the columns only need its
        # fields, and an observer (rare) gets the named tuple, made for it
        record = (
            time,
            "task",
            "create" if prev_state is None else "update",
            task.id,
            origin.service_name,
            task.slot,
            task.node_id,
            status.state.api_name,
            task.desired_state.api_name,
            status.err or status.message,
            origin.spec_version,
        )
        records = self._records  # _append inlined
        records.append(record)
        if len(records) >= _CHUNK:
            self._compact()
        if self._observers:
            named: TraceRecord = _new_record(TraceRecord, record)
            for observer in self._observers:
                observer(named)

    def task_deleted(self, time: float, task: Task) -> None:
        """Record that a task left the store."""
        self._append(
            TraceRecord(
                time,
                "task",
                "delete",
                task.id,
                task.service_name,
                task.slot,
                task.node_id,
                task.state.api_name,
                task.desired_state.api_name,
                "",
                task.spec_version,
            )
        )

    def node(self, time: float, node: Node, event: str) -> None:
        """Record a node's creation, status/availability change or removal."""
        self._append(
            TraceRecord(
                time,
                "node",
                event,
                node.id,
                node.role.api_name,
                0,
                node.hostname,
                node.status.api_name,
                node.availability.api_name,
                node.status_message,
                0,
            )
        )

    def service(self, time: float, service: Service, event: str) -> None:
        """Record a service's creation, update (spec or update status) or removal."""
        status = service.update_status
        self._append(
            TraceRecord(
                time,
                "service",
                event,
                service.id,
                service.spec.name,
                service.spec.replicas,
                "",
                status.state.api_name if status else "",
                service.spec.image,
                status.message if status else "",
                service.spec_version,
            )
        )

    def command(self, time: float, event: str, machine: str, line: str, exit_code: int) -> None:
        """Record a line the user ran (``event``: docker, fault, shell or comment).

        ``time`` is when the line started; a command that moved the clock
        (``docker service create`` waiting for its tasks) is recorded after it
        ran, so its record goes after the last record at or before ``time``:
        the trace stays in time order for the metrics and pictures.
        """
        record = TraceRecord(time, "command", event, "", "", exit_code, machine, "", "", line, 0)
        self._insert(record)

    def requests(
        self,
        start: float,
        load: str,
        client: str,
        target: str,
        outcome: str,
        count: int,
        latency_us: int,
    ) -> None:
        """Record ``count`` requests of ``load`` in the window from ``start`` with ``outcome``.

        A window is recorded when it closes, so its record goes after the last
        record at or before ``start`` (see :class:`TraceRecord`).
        """
        self._insert(
            TraceRecord(
                start, "requests", outcome, load, "", count, client, "", target, "", latency_us
            )
        )

    def _insert(self, record: TraceRecord) -> None:
        """Append ``record``, or insert it after the last record at or before its time."""
        time = record.time
        records = self._records
        columns = self._columns
        if (records and records[-1][0] > time) or (
            not records and len(columns) and columns.last_time() > time
        ):
            self._compact()
            columns.insert(record)
            for observer in self._observers:
                observer(record)
            return
        self._append(record)

    @gc_paused()  # a record per row: see gc_paused
    def of_service(self, service: str) -> list[TraceRecord]:
        """The records a figure of one service reads, in order: the task and
        service records of ``service`` and every node record (node records
        name the role in ``service``, so a service called ``worker`` does not
        take them for its own).

        The columns are searched in C (see :meth:`Chunks.masks
        <swarmsim.trace_chunks.Chunks.masks>`), so in a Swarm2K trace of 1.5
        million records the 40,000 of one service are found without reading
        the others.

        >>> trace = Trace()
        >>> trace.command(0.0, "docker", "manager1", "docker node ls", 0)
        >>> trace.of_service("web")
        []
        """
        self._compact()
        columns = self._columns
        nodes = columns.masks(1, _NODE_KIND)
        owned = columns.masks(1, _OWNED_KINDS)
        named = columns.masks(4, frozenset({service}))
        wanted = [node | (own & name) for node, own, name in zip(nodes, owned, named, strict=True)]
        return list(columns.picked(wanted))

    def node_changes(self, node_id: str) -> int:
        """How many node records ``node_id`` has: its creation and each change since.

        ``docker node inspect`` shows it as ``Version.Index``.  Counted over the
        masks of the trace's columns (see :meth:`of_service`), so it reads no
        record.

        >>> trace = Trace()
        >>> trace.command(0.0, "docker", "manager1", "docker node ls", 0)
        >>> trace.node_changes("n1")
        0
        """
        self._compact()
        columns = self._columns
        nodes = columns.masks(1, _NODE_KIND)
        named = columns.masks(3, frozenset({node_id}))
        # each record is one byte set to 0 or 1: one bit per record of the node
        return sum((node & name).bit_count() for node, name in zip(nodes, named, strict=True))

    @property
    def end(self) -> float:
        """The virtual time the run reached: its clock now, else the saved end, else the
        last record's time (0 when empty).  A run that slept after its last change ends
        later than its last record; pictures draw up to here."""
        last: float
        if self._records:
            last = self._records[-1][0]
        else:
            last = self._columns.last_time() if len(self._columns) else 0.0
        if self._clock is not None:
            return max(float(self._clock()), last)
        return max(self._end, last) if self._end is not None else float(last)

    def __len__(self) -> int:
        return len(self._columns) + len(self._records)

    def __iter__(self) -> Iterator[TraceRecord]:
        self._compact()
        return self._columns.records(0, len(self._columns))

    @overload
    def __getitem__(self, index: int) -> TraceRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[TraceRecord]: ...

    def __getitem__(self, index: int | slice) -> TraceRecord | list[TraceRecord]:
        self._compact()
        columns = self._columns
        if isinstance(index, slice):
            start, stop, step = index.indices(len(columns))
            if step == 1:
                return list(columns.records(start, max(start, stop)))
            return [columns.record(i) for i in range(start, stop, step)]
        size = len(columns)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("trace index out of range")
        return columns.record(index)

    @gc_paused()  # a record per row: see gc_paused
    def to_dataframe(self) -> pd.DataFrame:
        """All records as a :class:`pandas.DataFrame`: one column per field, then ``node_id``.

        ``node`` names the node by its hostname on every row (task, node and
        command records alike) and ``node_id`` holds its id (empty when the
        row has no node, or names a machine the trace never saw join).

        >>> trace = Trace()
        >>> trace.command(0.0, "docker", "manager1", "docker node ls", 0)
        >>> list(trace.to_dataframe().columns[-2:])
        ['spec_version', 'node_id']
        """
        import pandas as pd

        records = list(self)
        hostname: dict[str, str] = {}
        for rec in records:
            if rec.kind == "node":
                hostname[rec.id] = rec.node
        node_id = {name: id_ for id_, name in hostname.items()}
        rows = []
        for rec in records:
            if rec.kind == "task":
                rows.append((*rec[:6], hostname.get(rec.node, rec.node), *rec[7:], rec.node))
            elif rec.kind == "node":
                rows.append((*rec, rec.id))
            else:
                rows.append((*rec, node_id.get(rec.node, "")))
        return pd.DataFrame.from_records(rows, columns=[*COLUMNS, "node_id"])

    @gc_paused()  # a record per row: see gc_paused
    def dump(self) -> str:
        """All records as tab-separated lines (byte-identical for identical runs)."""
        lines = []
        for rec in self:
            lines.append("\t".join(f"{v:.6f}" if isinstance(v, float) else str(v) for v in rec))
        return "\n".join(lines) + ("\n" if lines else "")

    @gc_paused()  # a record per row: see gc_paused
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the trace as JSON lines: a header, then one record per line.

        The header is ``{"format": "swarmsim-trace", "version": 1, "end": T,
        "columns": [...]}`` (``T`` is :attr:`end`); each record is a JSON array
        in the order of ``columns``.
        Times are written as Python's shortest exact float text, so identical
        runs give byte-identical files and :func:`load` gives back equal records.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> trace = Trace()
        >>> trace.command(1.5, "docker", "manager1", "docker node ls", 0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.jsonl"
        >>> trace.save(path)
        >>> print(path.read_text(), end="")  # doctest: +ELLIPSIS
        {"format":"swarmsim-trace","version":1,"end":1.5,"columns":["time",...,"spec_version"]}
        [1.5,"command","docker","","",0,"manager1","","","docker node ls",0]
        >>> list(load(path)) == list(trace)
        True
        """
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "end": float(self.end),
            "columns": list(COLUMNS),
        }
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        with Path(path).open("w", encoding="utf-8", newline="\n") as out:
            out.write(dumps(header) + "\n")
            for rec in self:
                out.write(dumps([float(rec[0]), *rec[1:]]) + "\n")


# field checks of a loaded record: (index, name, type)
_STR_FIELDS = tuple((i, name) for i, name in enumerate(COLUMNS) if i not in (0, 5, 10))


@gc_paused()  # a record per line: see gc_paused
def load(path: str | os.PathLike[str]) -> Trace:
    """Read a trace written by :meth:`Trace.save`.

    Parameters
    ----------
    path
        The ``.jsonl`` file.

    Returns
    -------
    Trace
        The same records as the saved trace (so the same DataFrames, metrics
        and pictures), without observers.

    Raises
    ------
    TraceFileError
        ``FILE:LINE: message`` for the first line that is not a valid record
        (or ``FILE: message`` when the file cannot be read at all).
    """
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise TraceFileError(f"{name}: cannot read the trace: {error.strerror}") from None
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise TraceFileError(f"{name}:1: not a swarmsim trace: the file is empty")
    end = _check_header(name, _parse(name, 1, lines[0]))
    records: list[TraceRecord] = []
    last = -math.inf
    for number, raw in enumerate(lines[1:], start=2):
        rec = _record(name, number, _parse(name, number, raw))
        if rec.time < last:
            raise TraceFileError(
                f"{name}:{number}: time {rec.time!r} goes back (previous record at {last!r})"
            )
        last = rec.time
        records.append(rec)
    return Trace(records, end=end)


def _parse(name: str, number: int, raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise TraceFileError(f"{name}:{number}: not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise TraceFileError(
            f"{name}:{number}: not valid JSON: {error.msg} (column {error.colno})"
        ) from None


def _check_header(name: str, header: object) -> float:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise TraceFileError(f"{name}:1: not a swarmsim trace: the first line must be its header")
    if header.get("version") != FORMAT_VERSION:
        raise TraceFileError(
            f"{name}:1: trace format version {header.get('version')!r} is not supported "
            f"(this swarmsim reads version {FORMAT_VERSION})"
        )
    if header.get("columns") != list(COLUMNS):
        raise TraceFileError(f"{name}:1: the columns must be {list(COLUMNS)}")
    end = header.get("end")
    if isinstance(end, bool) or not isinstance(end, int | float) or not math.isfinite(end):
        raise TraceFileError(f"{name}:1: end must be a finite number, not {end!r}")
    return float(end)


def _record(name: str, number: int, row: object) -> TraceRecord:
    where = f"{name}:{number}"
    if not isinstance(row, list) or len(row) != len(COLUMNS):
        raise TraceFileError(f"{where}: a record must be a list of {len(COLUMNS)} values")
    time = row[0]
    if isinstance(time, bool) or not isinstance(time, int | float) or not math.isfinite(time):
        raise TraceFileError(f"{where}: time must be a finite number, not {time!r}")
    for index in (5, 10):
        if isinstance(row[index], bool) or not isinstance(row[index], int):
            raise TraceFileError(
                f"{where}: {COLUMNS[index]} must be an integer, not {row[index]!r}"
            )
    for index, field in _STR_FIELDS:
        if not isinstance(row[index], str):
            raise TraceFileError(f"{where}: {field} must be a string, not {row[index]!r}")
    if row[1] not in KINDS:
        raise TraceFileError(f"{where}: unknown record kind {row[1]!r}")
    row[0] = float(time)
    return TraceRecord._make(row)
