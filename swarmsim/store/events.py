"""Watch events emitted by the store after every committed change.

Mirrors the ``api.Event*`` types that ``swarmkit: manager/state/store/memory.go``
publishes on its watch queue.  Components subscribe with a callback; the store
calls every subscriber synchronously at commit time, in subscription order, and
the subscriber only records what it has to do and wakes its own SimPy process.

Differences
-----------
One synchronous fan-out instead of a queue per watcher: the simulator runs in
one thread, so a callback that enqueues work and returns is equivalent and far
cheaper.  Task events carry the previous observed state, desired state and node
so that watchers do not need copies of old objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Network, Node, Service, Task


class Action(Enum):
    """What happened to the object."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """A task was created, updated or deleted."""

    action: Action
    task: Task
    prev_state: TaskState | None
    prev_desired: TaskState | None
    prev_node: str


@dataclass(frozen=True, slots=True)
class NodeEvent:
    """A node was created, updated or deleted."""

    action: Action
    node: Node


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    """A service was created, updated or deleted."""

    action: Action
    service: Service


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """A network was created or deleted."""

    action: Action
    network: Network


StoreEvent = TaskEvent | NodeEvent | ServiceEvent | NetworkEvent
