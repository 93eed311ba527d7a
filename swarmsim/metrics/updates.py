"""Rolling updates as reports: when each began and ended, and how available the service stayed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING

from swarmsim.metrics._sweep import (
    FAILED,
    FINAL,
    STARTED,
    Sweep,
    VersionKey,
    checked_records,
    version_classes,
)
from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    import pandas as pd

    from swarmsim.swarm import Swarm


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


@dataclass(slots=True)
class _Episode:
    service: str
    started_at: float
    from_version: int
    to_version: int
    target: VersionKey
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


def update_reports(
    run: Swarm | Trace | Iterable[TraceRecord], service: str | None = None
) -> list[UpdateReport]:
    """Every rolling update in the trace, in start order.

    Parameters
    ----------
    run
        The swarm (a no-op update's version then counts as the same spec as
        the one before), or its trace (``swarm.trace``, a loaded trace).
    service
        Only this service's updates.
    """
    records, store = checked_records(run, service, any_service=True)
    sweep = Sweep(version_classes(records, store, service))
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
            if rec.state in FINAL:
                ep.message = rec.detail
                close(ep, rec.time, rec.state)
            elif rec.state in STARTED:
                ep.state, ep.message = rec.state, rec.detail
                ep.rolled_back = ep.rolled_back or rec.state == "rollback_started"
            elif not rec.state:
                close(ep, rec.time, "superseded")
        elif rec.state in STARTED and (service is None or name == service):
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

    def see(rec: TraceRecord) -> None:
        if rec.kind == "service":
            on_service(rec)
        elif rec.kind == "task" and rec.state in FAILED:
            ep = open_.get(rec.service)
            if ep is not None and sweep.task_state(rec.id) != rec.state:
                ep.failed_tasks += 1

    sweep.run(records, settle, see)
    return [ep.report() for ep in done]


def update_frame(
    run: Swarm | Trace | Iterable[TraceRecord], service: str | None = None
) -> pd.DataFrame:
    """:func:`update_reports` as a DataFrame (one row per update, plus ``duration``).

    ``ended_at`` and ``duration`` are float columns: NaN for an update still
    running.  The figures are typed columns even when there is no update.
    """
    import pandas as pd

    reports = update_reports(run, service)
    columns = [f.name for f in fields(UpdateReport)] + ["duration"]
    rows = [{**asdict(r), "duration": r.duration} for r in reports]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(_DTYPES)


_DTYPES = {
    "service": object,
    "started_at": float,
    "ended_at": float,
    "final_state": object,
    "message": object,
    "from_version": int,
    "to_version": int,
    "min_running": int,
    "min_running_new": int,
    "failed_tasks": int,
    "rolled_back": bool,
    "duration": float,
}
