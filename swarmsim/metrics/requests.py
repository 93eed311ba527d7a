"""Requests served and failed, per time window, from the ``requests`` trace records.

The traffic model (:mod:`swarmsim.traffic.model`) writes, for every load and
time window, one record per outcome (``ok`` or a reason of
:data:`swarmsim.traffic.mesh.REASONS`).  :func:`requests_frame` turns them into one
row per window and load; :func:`success_rate` is the share of requests
served, the figure sweeps compare.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from swarmsim.errors import InvalidArgument
from swarmsim.trace import TraceRecord

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FRAME_COLUMNS", "REASON_COLUMNS", "requests_frame", "success_rate"]

FRAME_COLUMNS = ["time", "load", "target", "sent", "ok", "failed", "reason", "latency"]
REASON_COLUMNS = ["time", "load", "target", "reason", "failed"]


def _records(swarm_or_trace: object, target: object, load: object) -> list[TraceRecord]:
    """The ``requests`` records of a swarm or trace, for one target or load if given."""
    trace = getattr(swarm_or_trace, "trace", swarm_or_trace)
    if isinstance(trace, str | bytes) or not isinstance(trace, Iterable):
        raise InvalidArgument(f"expected a Swarm or a Trace, not {swarm_or_trace!r:.80}")
    for name, value in (("target", target), ("load", load)):
        if value is not None and not isinstance(value, str):
            raise InvalidArgument(f"{name} must be a string, not {value!r:.80}")
    chosen = []
    for record in trace:
        if not isinstance(record, TraceRecord):
            raise InvalidArgument(f"a trace holds TraceRecord rows, not {record!r:.80}")
        if record.kind != "requests":
            continue
        if (target is None or record.desired == target) and (load is None or record.id == load):
            chosen.append(record)
    return chosen


def requests_frame(
    swarm_or_trace: object,
    *,
    target: str | None = None,
    load: str | None = None,
    by_reason: bool = False,
) -> pd.DataFrame:
    """One row per time window and load: requests sent, served and failed.

    Columns: ``time`` (the window's start, virtual seconds), ``load`` (its
    name), ``target``, ``sent``, ``ok``, ``failed`` (integers),
    ``reason`` (the reason most failures of the window had, ``""`` when none
    failed) and ``latency`` (mean seconds of the served requests; NaN when
    none was served).  Windows in which nothing was sent have no row.  With
    ``by_reason`` instead: one row per window, load and reason of failure,
    columns ``time, load, target, reason, failed``.

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> swarm = Swarm(seed=0, workers=1)
    >>> swarm.docker("docker service create -d --name web -p 8080:80 nginx").exit_code
    0
    >>> load = swarm.traffic(":8080", rate=10)
    >>> swarm.advance(6)
    >>> frame = requests_frame(swarm)
    >>> print(frame[["time", "sent", "ok", "failed", "reason"]].head(4).to_string(index=False))
    ... # doctest: +NORMALIZE_WHITESPACE
     time  sent  ok  failed          reason
      0.0    10   0      10 no running task
      1.0    10   0      10 no running task
      2.0    10   2       8 no running task
      3.0    10  10       0
    """
    import pandas as pd

    records = _records(swarm_or_trace, target, load)
    if by_reason:
        rows = [(r.time, r.id, r.desired, r.event, r.slot) for r in records if r.event != "ok"]
        return pd.DataFrame(rows, columns=REASON_COLUMNS).astype({"failed": "int64"})
    windows: dict[tuple[float, str], list[TraceRecord]] = {}
    for record in records:
        windows.setdefault((record.time, record.id), []).append(record)
    table = []
    for (time, name), group in windows.items():
        ok = sum(r.slot for r in group if r.event == "ok")
        failures = [r for r in group if r.event != "ok"]
        failed = sum(r.slot for r in failures)
        worst = max(failures, key=lambda r: r.slot).event if failures else ""
        latency = next((r.spec_version / 1e6 for r in group if r.event == "ok"), float("nan"))
        table.append((time, name, group[0].desired, ok + failed, ok, failed, worst, latency))
    frame = pd.DataFrame(table, columns=FRAME_COLUMNS)
    return frame.astype({"sent": "int64", "ok": "int64", "failed": "int64", "latency": "float64"})


def success_rate(
    swarm_or_trace: object, *, target: str | None = None, load: str | None = None
) -> float:
    """The share of requests served (NaN when none was sent).

    >>> from swarmsim.trace import Trace
    >>> trace = Trace()
    >>> trace.requests(0.0, "web", "", ":8080", "ok", 9, 1000)
    >>> trace.requests(0.0, "web", "", ":8080", "partitioned", 1, 0)
    >>> success_rate(trace)
    0.9
    """
    records = _records(swarm_or_trace, target, load)
    sent = sum(r.slot for r in records)
    ok = sum(r.slot for r in records if r.event == "ok")
    return ok / sent if sent else float("nan")
