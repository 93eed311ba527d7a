"""What a sweep measures on each finished run: a list of named functions.

A *metric* is a function of an :class:`Outcome` (a finished run: its swarm or
trace and the service under study) returning a number, a string, a boolean
or ``None``.  :data:`METRICS` holds the default ones, in column order; adding
one is one line (``METRICS["updates"] = lambda run: ...``), and
``sweep(..., metrics=...)`` takes any mapping of names to functions.

Default columns
---------------
``update_duration``
    Seconds from the start to the end of the service's last rolling update
    (or rollback); NaN when there was none or it never ended.
``update_state``
    How that update ended: ``completed``, ``paused``, ``rollback_completed``,
    ``rollback_paused``, ``updating`` (still running) or ``none``.
``rolled_back``, ``paused``
    Whether it went through a rollback; whether it ended held (paused).
``min_running``
    Fewest available tasks during that update (NaN without one).
``min_available``
    Fewest available tasks from the first time the service converged to the
    end of the run: updates, drains and node losses alike (NaN if it never
    converged).
``failed_tasks``
    Tasks that became ``failed`` or ``rejected`` during the run.
``time_to_converge``
    Seconds from the start of the last update (time 0 without one) until the
    service had all its replicas available with the current spec (NaN if it
    never did).
``displaced_tasks``
    Tasks that had to move because their node was drained or went down.
``request_success``
    The share of the run's requests served (:func:`swarmsim.metrics.success_rate`
    over every load); NaN when the run sent none.
``end_time``
    The virtual time the run ended.

"Available" follows :mod:`swarmsim.metrics`: running on a node that is not
down.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from swarmsim.errors import InvalidArgument
from swarmsim.metrics import (
    UpdateReport,
    displaced_tasks,
    failed_tasks,
    min_available,
    success_rate,
    time_to_converge,
    update_reports,
)

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm
    from swarmsim.trace import Trace

__all__ = ["METRICS", "Metric", "Outcome"]

NAN = math.nan


@dataclass(frozen=True)
class Outcome:
    """A finished run, as the metrics see it.

    Attributes
    ----------
    trace
        Every record of the run.
    service
        The service under study (``sweep(service=...)``, else the service of
        the last update, else the only service).
    swarm
        The swarm, when the run returned one (metrics then also see its
        store, e.g. to tell a no-op update from a real one).
    """

    trace: Trace
    service: str
    swarm: Swarm | None = None

    @property
    def run(self) -> Swarm | Trace:
        """What :mod:`swarmsim.metrics` functions take: the swarm, else the trace."""
        return self.swarm if self.swarm is not None else self.trace

    def last_update(self) -> UpdateReport | None:
        """The service's last rolling update (or rollback), if any.

        Found once per outcome: five default metrics ask for it.
        """
        return self._last_update

    @cached_property
    def _last_update(self) -> UpdateReport | None:
        reports = update_reports(self.run, self.service)
        return reports[-1] if reports else None


Metric = Callable[[Outcome], object]


def service_of(trace: Trace, named: str | None) -> str:
    """The service under study: ``named``, else the last updated one, else the only one."""
    services: list[str] = []
    updated = ""
    for rec in trace:
        if rec.kind != "service":
            continue
        if rec.service not in services:
            services.append(rec.service)
        if rec.state == "updating" or rec.state == "rollback_started":
            updated = rec.service
    if named is not None:
        if named not in services:
            raise InvalidArgument(f"the run has no service {named!r} (services: {services})")
        return named
    if updated:
        return updated
    if len(services) == 1:
        return services[0]
    raise InvalidArgument(
        f"cannot tell which service to measure among {services}: pass sweep(..., service=NAME)"
    )


def _duration(run: Outcome) -> float:
    report = run.last_update()
    return NAN if report is None or report.duration is None else report.duration


def _state(run: Outcome) -> str:
    report = run.last_update()
    return "none" if report is None else report.final_state


def _rolled_back(run: Outcome) -> bool:
    report = run.last_update()
    return report is not None and report.rolled_back


def _paused(run: Outcome) -> bool:
    report = run.last_update()
    return report is not None and report.final_state in ("paused", "rollback_paused")


def _min_running(run: Outcome) -> float:
    report = run.last_update()
    return NAN if report is None else float(report.min_running)


def _min_available(run: Outcome) -> float:
    first = time_to_converge(run.run, run.service)
    return NAN if first is None else float(min_available(run.run, run.service, first))


def _converge(run: Outcome) -> float:
    report = run.last_update()
    since = 0.0 if report is None else report.started_at
    at = time_to_converge(run.run, run.service, since=since)
    return NAN if at is None else at - since


#: The default metrics, in column order (see the module docstring).
METRICS: dict[str, Metric] = {
    "update_duration": _duration,
    "update_state": _state,
    "rolled_back": _rolled_back,
    "paused": _paused,
    "min_running": _min_running,
    "min_available": _min_available,
    "failed_tasks": lambda run: failed_tasks(run.run, run.service),
    "time_to_converge": _converge,
    "displaced_tasks": lambda run: displaced_tasks(run.run, run.service),
    "request_success": lambda run: success_rate(run.trace),
    "end_time": lambda run: float(run.trace.end),
}
