"""The scheduler's node filters, in pipeline order.

Mirrors ``swarmkit: manager/scheduler/filter.go`` and docs/behaviour.md#filters.
Each filter is first given the task (:meth:`Filter.set_task`, which says
whether the filter applies to it at all), then asked about nodes
(:meth:`Filter.check`); :meth:`Filter.explain` words a failure on ``n`` nodes.

In pipeline order (explanations for 1 node / ``n`` nodes):

1. :class:`ReadyFilter` (always): ``1 node not available for new tasks`` /
   ``%d nodes not available for new tasks``.
2. :class:`ResourceFilter` (CPU, memory or generic reservation non-zero):
   ``insufficient resources on 1 node`` / ``... on %d nodes``.
3. :class:`ConstraintFilter` (constraints present and parseable):
   ``scheduling constraints not satisfied on 1 node`` / ``... on %d nodes``.
4. :class:`HostPortFilter` (a host-mode port with a non-zero published port):
   ``host-mode port already in use on 1 node`` / ``... on %d nodes``.
5. :class:`MaxReplicasFilter` (``max_replicas > 0``):
   ``max replicas per node limit exceed`` (no count).

Differences
-----------
swarmkit's ``PluginFilter`` (volume/network/log-driver plugins),
``PlatformFilter`` (image platforms) and ``VolumesFilter`` (CSI cluster
volumes) are not modelled: the simulator has no plugins, no image manifests
and no cluster volumes, so in swarmkit terms every node would pass them.
Named generic resources count as units of their kind in :class:`ResourceFilter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from swarmsim.api.enums import Availability, NodeStatus
from swarmsim.api.objects import Task
from swarmsim.manager.constraint import Constraint, compile_constraints
from swarmsim.manager.scheduler.nodeinfo import HostPort, NodeInfo, task_host_ports

__all__ = [
    "ConstraintFilter",
    "Filter",
    "HostPortFilter",
    "MaxReplicasFilter",
    "ReadyFilter",
    "ResourceFilter",
    "default_filters",
]


def _on_nodes(text: str, nodes: int) -> str:
    """``"<text> on 1 node"`` or ``"<text> on <n> nodes"``."""
    return f"{text} on 1 node" if nodes == 1 else f"{text} on {nodes} nodes"


class Filter(ABC):
    """Decides whether the task given to :meth:`set_task` may run on a node."""

    __slots__ = ()

    @abstractmethod
    def set_task(self, task: Task) -> bool:
        """Remember ``task``; return False when the filter does not apply to it."""

    @abstractmethod
    def check(self, info: NodeInfo) -> bool:
        """Whether the remembered task can run on the node (only after ``set_task``)."""

    @abstractmethod
    def explain(self, nodes: int) -> str:
        """Why the task cannot run, for ``nodes`` rejected nodes."""


class ReadyFilter(Filter):
    """The node must be READY and ACTIVE (down, paused, drained nodes all fail)."""

    __slots__ = ()

    def set_task(self, task: Task) -> bool:
        return True

    def check(self, info: NodeInfo) -> bool:
        node = info.node
        return node.status is NodeStatus.READY and node.availability is Availability.ACTIVE

    def explain(self, nodes: int) -> str:
        if nodes == 1:
            return "1 node not available for new tasks"
        return f"{nodes} nodes not available for new tasks"


class ResourceFilter(Filter):
    """The node's available CPU, memory and generic resources must cover the reservations."""

    __slots__ = ("_generic", "_memory_bytes", "_nano_cpus")

    def __init__(self) -> None:
        self._nano_cpus = 0
        self._memory_bytes = 0
        self._generic: tuple[tuple[str, int], ...] = ()

    def set_task(self, task: Task) -> bool:
        reservations = task.spec.reservations
        if not reservations:
            return False
        self._nano_cpus = reservations.nano_cpus
        self._memory_bytes = reservations.memory_bytes
        self._generic = reservations.generic
        return True

    def check(self, info: NodeInfo) -> bool:
        if self._generic:  # swarmkit: api/genericresource/validate.go HasEnough
            free = info.available_generic
            if any(units > free.get(kind, 0) for kind, units in self._generic):
                return False
        return (
            self._nano_cpus <= info.available_nano_cpus
            and self._memory_bytes <= info.available_memory_bytes
        )

    def explain(self, nodes: int) -> str:
        return _on_nodes("insufficient resources", nodes)


class ConstraintFilter(Filter):
    """The node must satisfy every placement constraint (docs/behaviour.md#constraints).

    Constraints that fail to parse disable the filter, as in swarmkit (they
    were validated when the service was created).
    """

    __slots__ = ("_constraints",)

    def __init__(self) -> None:
        self._constraints: tuple[Constraint, ...] = ()

    def set_task(self, task: Task) -> bool:
        exprs = task.spec.placement.constraints
        if not exprs:
            return False
        try:
            self._constraints = compile_constraints(tuple(exprs))
        except ValueError:
            return False
        return True

    def check(self, info: NodeInfo) -> bool:
        node = info.node
        return all(c.matches_node(node) for c in self._constraints)

    def explain(self, nodes: int) -> str:
        return _on_nodes("scheduling constraints not satisfied", nodes)


class HostPortFilter(Filter):
    """None of the task's host-mode ``(protocol, port)`` pairs may be in use on the node."""

    __slots__ = ("_ports",)

    def __init__(self) -> None:
        self._ports: tuple[HostPort, ...] = ()

    def set_task(self, task: Task) -> bool:
        self._ports = task_host_ports(task)
        return bool(self._ports)

    def check(self, info: NodeInfo) -> bool:
        used = info.used_host_ports
        return not any(port in used for port in self._ports)

    def explain(self, nodes: int) -> str:
        return _on_nodes("host-mode port already in use", nodes)


class MaxReplicasFilter(Filter):
    """Fewer than ``max_replicas`` active tasks of the service may be on the node."""

    __slots__ = ("_max", "_service_id")

    def __init__(self) -> None:
        self._service_id = ""
        self._max = 0

    def set_task(self, task: Task) -> bool:
        max_replicas = task.spec.placement.max_replicas
        if max_replicas <= 0:
            return False
        self._service_id = task.service_id
        self._max = max_replicas
        return True

    def check(self, info: NodeInfo) -> bool:
        return info.active_tasks_count_by_service.get(self._service_id, 0) < self._max

    def explain(self, nodes: int) -> str:
        return "max replicas per node limit exceed"


def default_filters() -> list[Filter]:
    """Fresh instances of the modelled filters, in swarmkit's pipeline order."""
    return [
        ReadyFilter(),
        ResourceFilter(),
        ConstraintFilter(),
        HostPortFilter(),
        MaxReplicasFilter(),
    ]
