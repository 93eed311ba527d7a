"""The trace: one immutable record per change of a task, node or service.

Every committed change in the store appends a :class:`TraceRecord`; the trace
is the simulator's ground truth for transcripts, plots, metrics and notebooks
(:meth:`Trace.to_dataframe`).  Records are plain tuples underneath so that a
run with 100,000 tasks stays cheap.

Determinism: a record holds only virtual times and values derived from the
seeded run, so the same scenario and seed always give the same trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from swarmsim.api.enums import TaskState

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.api.objects import Node, Service, Task


class TraceRecord(NamedTuple):
    """One change of one object.

    ``state`` is the observed state (tasks), the node status (nodes) or the
    update state (services); ``desired`` is the desired state (tasks), the
    availability (nodes) or empty; ``detail`` carries the status message, error
    or update message.

    A ``command`` record is a line the user ran (a docker command, a fault, a
    shell word or a printed comment): ``node`` is the machine it ran on,
    ``detail`` the line as typed and ``slot`` its exit code.
    """

    time: float
    kind: str  # "task" | "node" | "service" | "command"
    event: str  # "create" | "update" | "delete"; commands: "docker" | "fault" | "shell" | "comment"
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


class Trace:
    """An append-only list of :class:`TraceRecord` with optional live observers."""

    def __init__(self) -> None:
        self._records: list[TraceRecord] = []
        self._observers: list[Observer] = []

    def subscribe(self, observer: Observer) -> None:
        """Call ``observer(record)`` for every record appended from now on."""
        self._observers.append(observer)

    def _append(self, record: TraceRecord) -> None:
        self._records.append(record)
        for observer in self._observers:
            observer(record)

    def task(
        self, time: float, task: Task, prev_state: TaskState | None, prev_desired: TaskState | None
    ) -> None:
        """Record a created task (``prev_state`` None) or a state/desired-state change."""
        status = task.status
        record = _new_record(
            TraceRecord,
            (
                time,
                "task",
                "create" if prev_state is None else "update",
                task.id,
                task.service_name,
                task.slot,
                task.node_id,
                status.state.api_name,
                task.desired_state.api_name,
                status.err or status.message,
                task.spec_version,
            ),
        )
        self._records.append(record)  # the hottest record: _append inlined
        for observer in self._observers:
            observer(record)

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
                "",
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
                "",
                status.message if status else "",
                service.spec_version,
            )
        )

    def command(self, time: float, event: str, machine: str, line: str, exit_code: int) -> None:
        """Record a line the user ran (``event``: docker, fault, shell or comment)."""
        self._append(
            TraceRecord(time, "command", event, "", "", exit_code, machine, "", "", line, 0)
        )

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self._records)

    def __getitem__(self, index: int) -> TraceRecord:
        return self._records[index]

    def to_dataframe(self) -> pd.DataFrame:
        """All records as a :class:`pandas.DataFrame` with one column per field."""
        import pandas as pd

        return pd.DataFrame.from_records(self._records, columns=list(COLUMNS))

    def dump(self) -> str:
        """All records as tab-separated lines (byte-identical for identical runs)."""
        lines = []
        for rec in self._records:
            lines.append("\t".join(f"{v:.6f}" if isinstance(v, float) else str(v) for v in rec))
        return "\n".join(lines) + ("\n" if lines else "")
