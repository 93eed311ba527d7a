"""The simulator's size limits: what would outgrow them is refused up front.

A simulated swarm is sized for a class or an experiment: up to a few thousand
nodes, a hundred thousand tasks, months of virtual time (less for many nodes).
Far beyond that a single request (``docker service create --replicas
1000000000``, ``Swarm(workers=10**7)``, ``swarm.advance(3.6e12)``) would run
for hours or exhaust memory, so it is refused before anything changes, with
one clear line.  The limits are the ``max_nodes``, ``max_tasks``, ``max_time``,
``max_node_seconds`` and ``max_trace_records`` fields of
:class:`~swarmsim.context.ClusterSettings`;
``docs/limits.md`` lists them and how to raise them.

This module has no swarmkit counterpart: a real swarm accepts such requests
and then struggles.

Differences
-----------
Docker never refuses a replica count below 2**63; the simulator does above
``max_tasks``, with a ``ResourceExhausted`` gRPC error worded like swarmkit's.
"""

from __future__ import annotations

from collections.abc import Iterable

from swarmsim.api.specs import ServiceSpec
from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument
from swarmsim.units import format_duration

__all__ = [
    "check_node_count",
    "check_run",
    "check_trace",
    "parallelism_limit_error",
    "task_demand",
    "task_limit_error",
]


def _over(asked: str, limit: str, setting: str) -> str:
    return f"{asked} is over the simulator's limit of {limit} (ClusterSettings.{setting})"


def check_node_count(settings: ClusterSettings, count: int) -> None:
    """Refuse a swarm of more than ``settings.max_nodes`` nodes.

    Raises
    ------
    InvalidArgument
        ``10000001 nodes is over the simulator's limit of 10000 (ClusterSettings.max_nodes)``.

    Examples
    --------
    >>> check_node_count(ClusterSettings(max_nodes=3), 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    swarmsim.errors.InvalidArgument: 4 nodes is over the simulator's limit of 3 (...)
    """
    if count > settings.max_nodes:
        raise InvalidArgument(_over(f"{count} nodes", str(settings.max_nodes), "max_nodes"))


def _duration(seconds: float) -> str:
    return format_duration(seconds) if seconds < 2**63 / 1e9 else f"{seconds:g}s"


def check_run(settings: ClusterSettings, now: float, until: float, nodes: int) -> None:
    """Refuse to run the clock past ``max_time``, or over ``max_node_seconds`` in one go.

    Raises
    ------
    InvalidArgument
        ``running until t=... is over the simulator's limit of 8760h0m0s ...``
        or ``running 720h0m0s on 10000 nodes is over ... 100000000 node-seconds ...``.

    Examples
    --------
    >>> check_run(ClusterSettings(), 0.0, 24 * 3600.0, 10_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    swarmsim.errors.InvalidArgument: running 24h0m0s on 10000 nodes is over ... node-seconds ...
    """
    if until > settings.max_time:
        limit = format_duration(settings.max_time)
        raise InvalidArgument(_over(f"running until t={_duration(until)}", limit, "max_time"))
    if (until - now) * nodes > settings.max_node_seconds:
        asked = f"running {_duration(until - now)} on {nodes} nodes"
        limit = f"{settings.max_node_seconds:.0f} node-seconds at a time"
        raise InvalidArgument(_over(asked, limit, "max_node_seconds"))


def check_trace(settings: ClusterSettings, records: int, now: float) -> None:
    """Refuse to go on once the trace holds more than ``settings.max_trace_records``.

    Raises
    ------
    InvalidArgument
        ``the trace holds 2000130 records, over the simulator's limit of 2000000
        (ClusterSettings.max_trace_records); the clock stopped at t=...``.
    """
    if records > settings.max_trace_records:
        raise InvalidArgument(
            f"the trace holds {records} records, over the simulator's limit of "
            f"{settings.max_trace_records} (ClusterSettings.max_trace_records); "
            f"the clock stopped at t={_duration(now)}"
        )


def task_demand(specs: Iterable[ServiceSpec], node_count: int) -> int:
    """Tasks the services ask for: replicas (a replicated job's completions), plus one per
    node for a global service or job.

    Examples
    --------
    >>> from swarmsim.api.enums import ServiceMode
    >>> from swarmsim.api.specs import ContainerSpec, TaskSpec
    >>> task = TaskSpec(ContainerSpec("nginx"))
    >>> specs = [ServiceSpec("a", task, replicas=3), ServiceSpec("b", task, ServiceMode.GLOBAL)]
    >>> task_demand(specs, node_count=5)
    8
    """
    return sum(spec.replicas if spec.mode.is_replicated else node_count for spec in specs)


def parallelism_limit_error(settings: ClusterSettings, name: str, parallelism: int) -> str | None:
    """Why an update (or rollback) parallelism is refused, or ``None``.

    The updater starts one worker per unit of parallelism; more workers than
    ``max_tasks`` could never find a task to update.

    Examples
    --------
    >>> parallelism_limit_error(ClusterSettings(), "update", 10**9)  # doctest: +ELLIPSIS
    "update parallelism 1000000000 is over the simulator's limit of 100000 (...max_tasks)"
    """
    if parallelism <= settings.max_tasks:
        return None
    return _over(f"{name} parallelism {parallelism}", str(settings.max_tasks), "max_tasks")


def task_limit_error(settings: ClusterSettings, before: int, after: int) -> str | None:
    """Why a change from ``before`` to ``after`` tasks is refused, or ``None``.

    A change that does not add tasks is always allowed, so lowering the limit
    never blocks shrinking a swarm or updating its images.
    """
    if after <= before or after <= settings.max_tasks:
        return None
    return _over(f"a swarm of {after} tasks", str(settings.max_tasks), "max_tasks")
