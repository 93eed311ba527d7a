"""What the scheduler remembers about each node.

Mirrors ``swarmkit: manager/scheduler/nodeinfo.go`` (``NodeInfo``, ``addTask``,
``removeTask``, ``taskFailed``, ``countRecentFailures``) and docs/behaviour.md#per-node-bookkeeping:

* ``tasks``: the tasks held on the node, from ASSIGNED until their observed
  state passes RUNNING (preassigned global tasks once the scheduler confirmed
  them).
* ``active_tasks_count`` / ``active_tasks_count_by_service``: only held tasks
  whose **desired** state is <= COMPLETE; a task whose desired state moves to
  SHUTDOWN or REMOVE stops counting at once although it still runs.
* ``available_nano_cpus`` / ``available_memory_bytes``: the node's reported
  totals minus the reservations of **every** held task (limits are ignored).
* ``used_host_ports``: ``(protocol, published port)`` of the host-mode ports of
  held tasks.
* ``recent_failures``: per ``(service ID, spec version)``, the times at which
  tasks placed by the scheduler ended FAILED or REJECTED on this node.

Differences
-----------
swarmkit keeps copies of the task objects and compares old and new copies;
the simulator shares live task objects.  What was accounted for a held task
is read back from it (a task's service, spec and host ports never change
after it is created), except whether it counts as active: ``inactive`` holds
the ids of held tasks that do not, so that a change of desired state is
applied against what was counted.  No record per task is made (about 80
bytes a task at Swarm2K scale).
``available_generic`` counts free units of each generic resource kind (named
resources as units of their kind); devices are not modelled.  ``used_host_ports`` is a set, as in
swarmkit: releasing one of two tasks that somehow hold the same port frees it.
"""

from __future__ import annotations

from typing import Protocol

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Node, Task

# enum members as module constants: see swarmsim.api.enums (hot path)
_COMPLETE = TaskState.COMPLETE

__all__ = [
    "ACTIVE_DESIRED_MAX",
    "MAX_FAILURES",
    "MONITOR_FAILURES",
    "CountObserver",
    "FailureKey",
    "HostPort",
    "NodeInfo",
    "task_host_ports",
]

MONITOR_FAILURES = 5 * 60.0
"""Look-back window (seconds) for counting a service's failures on a node."""

MAX_FAILURES = 5
"""Failures within :data:`MONITOR_FAILURES` that make a node the last choice."""

ACTIVE_DESIRED_MAX = _COMPLETE
"""A held task counts as active while its desired state is at most this."""

HostPort = tuple[str, int]
"""``(protocol, published port)`` of a host-mode published port."""

FailureKey = tuple[str, int]
"""``(service ID, spec version)``."""


def task_host_ports(task: Task) -> tuple[HostPort, ...]:
    """The host-mode ports with a non-zero published port that ``task`` binds."""
    if not task.host_ports:
        return ()
    return tuple(
        (port.protocol, port.published_port)
        for port in task.host_ports
        if port.publish_mode is PublishMode.HOST and port.published_port != 0
    )


class CountObserver(Protocol):
    """What a :class:`NodeInfo` tells of its changes (the scheduler's
    :class:`~swarmsim.manager.scheduler.nodeindex.NodeIndex`)."""

    def count(self, info: NodeInfo, total: int, service_id: str, by_service: int) -> None:
        """``info`` had ``total`` tasks, ``by_service`` of ``service_id``; one changed."""

    def failures_changed(self, info: NodeInfo) -> None:
        """``info``'s recent failures changed."""


class NodeInfo:
    """A node plus the scheduler's bookkeeping for it.

    Parameters
    ----------
    node
        The live node object (its status, availability and labels are read
        directly by the filters).  ``labels`` and ``engine_labels`` are dict
        copies taken at each node event, for the spread tree.
    now
        Current virtual time (start of the failure clean-up period).
    """

    __slots__ = (
        "active_tasks_count",
        "active_tasks_count_by_service",
        "available_generic",
        "available_memory_bytes",
        "available_nano_cpus",
        "engine_labels",
        "inactive",
        "index",
        "labels",
        "last_cleanup",
        "node",
        "recent_failures",
        "tasks",
        "total_memory_bytes",
        "total_nano_cpus",
        "used_host_ports",
    )

    def __init__(self, node: Node, now: float = 0.0) -> None:
        self.node = node
        self.labels = dict(node.labels)
        self.engine_labels = dict(node.engine_labels)
        self.tasks: dict[str, Task] = {}  # held tasks by id
        self.inactive: set[str] = set()  # held tasks not counted as active
        self.active_tasks_count = 0
        self.active_tasks_count_by_service: dict[str, int] = {}
        self.total_nano_cpus = node.nano_cpus
        self.total_memory_bytes = node.memory_bytes
        self.available_nano_cpus = node.nano_cpus
        self.available_memory_bytes = node.memory_bytes
        self.available_generic = dict(node.generic_resources)  # free units per kind
        self.used_host_ports: set[HostPort] = set()
        self.recent_failures: dict[FailureKey, list[float]] = {}
        self.last_cleanup = now
        self.index: CountObserver | None = None  # told of every count change once set

    def __repr__(self) -> str:
        return (
            f"NodeInfo({self.node.hostname!r}, tasks={len(self.tasks)}, "
            f"active={self.active_tasks_count})"
        )

    @property
    def id(self) -> str:
        """The node ID."""
        return self.node.id

    def update_node(self, node: Node) -> None:
        """Take a node create/update event: new totals, minus every held reservation."""
        self.node = node
        self.labels = dict(node.labels)
        self.engine_labels = dict(node.engine_labels)
        self.total_nano_cpus = node.nano_cpus
        self.total_memory_bytes = node.memory_bytes
        cpus = node.nano_cpus
        memory = node.memory_bytes
        generic = dict(node.generic_resources)
        for task in self.tasks.values():
            reservations = task.spec.reservations
            cpus -= reservations.nano_cpus
            memory -= reservations.memory_bytes
            for kind, units in reservations.generic:
                generic[kind] = generic.get(kind, 0) - units
        self.available_nano_cpus = cpus
        self.available_memory_bytes = memory
        self.available_generic = generic

    def service_count(self, service_id: str) -> int:
        """Active tasks of ``service_id`` on the node."""
        return self.active_tasks_count_by_service.get(service_id, 0)

    def _count(self, service_id: str, delta: int) -> None:
        total = self.active_tasks_count
        self.active_tasks_count = total + delta
        by_service = self.active_tasks_count_by_service
        before = by_service.get(service_id, 0)
        value = before + delta
        if value:
            by_service[service_id] = value
        else:
            del by_service[service_id]
        if self.index is not None:
            self.index.count(self, total, service_id, before)

    def add_task(self, task: Task) -> bool:
        """Hold ``task`` on this node, or refresh its active flag; True if anything changed.

        A task already held only changes whether it counts as active (its
        desired state crossed COMPLETE); its reservations stay held.
        """
        task_id = task.id
        active = task.desired_state <= ACTIVE_DESIRED_MAX
        if task_id in self.tasks:
            inactive = self.inactive
            if active is (task_id not in inactive):
                return False
            if active:
                inactive.remove(task_id)
                self._count(task.service_id, 1)
            else:
                inactive.add(task_id)
                self._count(task.service_id, -1)
            return True
        self.tasks[task_id] = task
        reservations = task.spec.reservations
        self.available_nano_cpus -= reservations.nano_cpus
        self.available_memory_bytes -= reservations.memory_bytes
        for kind, units in reservations.generic:
            self.available_generic[kind] = self.available_generic.get(kind, 0) - units
        if task.host_ports:
            self.used_host_ports.update(task_host_ports(task))
        if active:
            self._count(task.service_id, 1)
        else:
            self.inactive.add(task_id)
        return True

    def remove_task(self, task_id: str) -> bool:
        """Release everything held for ``task_id``; True if it was held here."""
        task = self.tasks.pop(task_id, None)
        if task is None:
            return False
        if task_id in self.inactive:
            self.inactive.remove(task_id)
        else:
            self._count(task.service_id, -1)
        if task.host_ports:
            self.used_host_ports.difference_update(task_host_ports(task))
        reservations = task.spec.reservations
        self.available_nano_cpus += reservations.nano_cpus
        self.available_memory_bytes += reservations.memory_bytes
        for kind, units in reservations.generic:
            self.available_generic[kind] = self.available_generic.get(kind, 0) + units
        return True

    def _cleanup_failures(self, now: float) -> None:
        stale = [
            key
            for key, times in self.recent_failures.items()
            if all(now - t >= MONITOR_FAILURES for t in times)
        ]
        for key in stale:
            del self.recent_failures[key]
        self.last_cleanup = now
        if self.index is not None:
            self.index.failures_changed(self)

    def task_failed(self, key: FailureKey, now: float) -> None:
        """Record that a task of ``key`` (service, spec version) failed here at ``now``."""
        if now - self.last_cleanup >= MONITOR_FAILURES:
            self._cleanup_failures(now)
        times = self.recent_failures.get(key, [])
        expired = 0
        for t in times:
            if now - t < MONITOR_FAILURES:
                break
            expired += 1
        self.recent_failures[key] = [*times[expired:], now]
        if self.index is not None:
            self.index.failures_changed(self)

    def count_recent_failures(self, key: FailureKey, now: float) -> int:
        """Failures of ``key`` on this node within the last :data:`MONITOR_FAILURES`."""
        times = self.recent_failures.get(key)
        if not times:
            return 0
        count = len(times)
        for i in range(count - 1, -1, -1):
            if now - times[i] > MONITOR_FAILURES:
                return count - (i + 1)
        return count
