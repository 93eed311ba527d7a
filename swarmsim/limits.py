"""The simulator's size limits: what would outgrow them is refused up front.

A simulated swarm is sized for a class or an experiment: up to a few thousand
nodes, a hundred thousand tasks, months of virtual time.  Far beyond that a
single request (``docker service create --replicas 1000000000``,
``Swarm(workers=10**7)``, ``swarm.advance(3.6e12)``) would run for hours or
exhaust memory, so it is refused before anything changes, with one clear
line.  The limits are the ``max_nodes``, ``max_tasks`` and ``max_time`` fields
of :class:`~swarmsim.context.ClusterSettings`; ``docs/limits.md`` lists them
and how to raise them.

This module has no swarmkit counterpart: a real swarm accepts such requests
and then struggles.

Differences
-----------
Docker never refuses a replica count below 2**63; the simulator does above
``max_tasks``, with a ``ResourceExhausted`` gRPC error worded like swarmkit's.
"""

from __future__ import annotations

from collections.abc import Iterable

from swarmsim.api.enums import ServiceMode
from swarmsim.api.specs import ServiceSpec
from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument
from swarmsim.units import format_duration

__all__ = ["check_horizon", "check_node_count", "task_demand", "task_limit_error"]


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


def check_horizon(settings: ClusterSettings, until: float) -> None:
    """Refuse to run the virtual clock past ``settings.max_time`` seconds.

    Raises
    ------
    InvalidArgument
        ``running until t=... is over the simulator's limit of 8760h0m0s ...``.
    """
    if until > settings.max_time:
        shown = format_duration(until) if until < 2**63 / 1e9 else f"{until:g}s"
        raise InvalidArgument(
            _over(f"running until t={shown}", format_duration(settings.max_time), "max_time")
        )


def task_demand(specs: Iterable[ServiceSpec], node_count: int) -> int:
    """Tasks the services ask for: replicas, plus one per node for a global service.

    Examples
    --------
    >>> from swarmsim.api.specs import ContainerSpec, TaskSpec
    >>> task = TaskSpec(ContainerSpec("nginx"))
    >>> specs = [ServiceSpec("a", task, replicas=3), ServiceSpec("b", task, ServiceMode.GLOBAL)]
    >>> task_demand(specs, node_count=5)
    8
    """
    return sum(
        spec.replicas if spec.mode == ServiceMode.REPLICATED else node_count for spec in specs
    )


def task_limit_error(settings: ClusterSettings, before: int, after: int) -> str | None:
    """Why a change from ``before`` to ``after`` tasks is refused, or ``None``.

    A change that does not add tasks is always allowed, so lowering the limit
    never blocks shrinking a swarm or updating its images.
    """
    if after <= before or after <= settings.max_tasks:
        return None
    return _over(f"a swarm of {after} tasks", str(settings.max_tasks), "max_tasks")
