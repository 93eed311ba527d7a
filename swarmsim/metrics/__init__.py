"""Figures for experimenters: rolling updates, convergence, availability, replicas over time.

Everything is computed from the :class:`~swarmsim.trace.Trace` of a finished
or running simulation in one pass over its records (plus one cheap pass over
the service records), so the cost is linear in the trace length.  A figure of
one service reads only that service's records and the node records
(:meth:`~swarmsim.trace.Trace.of_service`), found in the trace's columns
without reading the others.  This package
is the one place that counts tasks: the plots of :mod:`swarmsim.viz` draw what
it computes.

Counting rules
--------------
* A task is *available* while its observed state is ``running`` and its node
  is not ``down`` (what ``docker service ls`` counts in REPLICAS).  Every
  "running" figure here (``min_running``, ``replica_series``, the lines of
  :func:`swarmsim.viz.replicas_over_time`) counts available tasks.
* A task is *desired running* while its desired state is ``running``, whatever
  its observed state.
* Several records at the same virtual instant are applied together: a value is
  sampled only once every record of an instant has been applied, so a task
  stopped and another started in the same commit batch do not count as a dip.
* Spec versions: two versions of a service hold the same spec when a service
  record shows a rollback to the previous spec (``rollback_started`` with a new
  version), or — when the store is given — when the tasks and services still in
  the store show equal task specs and endpoints for both (a no-op update).

Every function takes the run first — a :class:`~swarmsim.swarm.Swarm`, its
:class:`~swarmsim.trace.Trace` or a loaded trace — then ``service``, then
its own options; none takes the internal store (given a swarm, the metrics
read what they need from it).

Modules: :mod:`~swarmsim.metrics._sweep` (the one pass), :mod:`~.updates`
(update reports), :mod:`~.availability` (convergence, fewest available),
:mod:`~.disruption` (failed and displaced tasks),
:mod:`~.series` (counts over time) and :mod:`~.placement` (counts per group
of nodes).

Examples
--------
>>> from swarmsim.api import ContainerSpec, Service, ServiceSpec, TaskSpec
>>> from swarmsim.swarm import Swarm
>>> swarm = Swarm(seed=1, managers=1, workers=2)
>>> spec = ServiceSpec("web", TaskSpec(ContainerSpec("nginx")), replicas=2)
>>> swarm.ctx.store.create_service(Service(swarm.ctx.ids.new(), spec))
>>> swarm.advance(30)
>>> min_available(swarm, "web", 20.0, 30.0)
2
>>> time_to_converge(swarm, "web") is not None
True
>>> replica_timeline(swarm.trace, "web").running.at(30.0)
2
"""

from __future__ import annotations

from swarmsim.metrics.availability import min_available, time_to_converge
from swarmsim.metrics.disruption import displaced_tasks, failed_tasks
from swarmsim.metrics.placement import GroupTimeline, group_timeline
from swarmsim.metrics.requests import requests_frame, success_rate
from swarmsim.metrics.series import (
    ReplicaTimeline,
    StepSeries,
    UpdateSpan,
    replica_series,
    replica_timeline,
)
from swarmsim.metrics.updates import UpdateReport, update_frame, update_reports

__all__ = [
    "GroupTimeline",
    "ReplicaTimeline",
    "StepSeries",
    "UpdateReport",
    "UpdateSpan",
    "displaced_tasks",
    "failed_tasks",
    "group_timeline",
    "min_available",
    "replica_series",
    "replica_timeline",
    "requests_frame",
    "success_rate",
    "time_to_converge",
    "update_frame",
    "update_reports",
]
