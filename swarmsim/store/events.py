"""Watch events emitted by the store after every committed change.

Mirrors the ``api.Event*`` types that ``swarmkit: manager/state/store/memory.go``
publishes on its watch queue.  Components subscribe with a callback; the store
calls every subscriber synchronously at commit time, in subscription order, and
the subscriber only records what it has to do and wakes its own SimPy process.

Differences
-----------
Events are named tuples, cheap to make.  One synchronous fan-out instead of a
queue per watcher: the simulator runs in one thread, so a callback that enqueues
work and returns is equivalent and far cheaper.  Task events carry the previous
observed state, desired state and node so that watchers do not need copies of
old objects.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Network, Node, Service, Task


class Action(Enum):
    """What happened to the object."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class TaskEvent(NamedTuple):
    """A task was created, updated or deleted (a tuple: the hottest object of a run)."""

    action: Action
    task: Task
    prev_state: TaskState | None
    prev_desired: TaskState | None
    prev_node: str


class NodeEvent(NamedTuple):
    """A node was created, updated or deleted."""

    action: Action
    node: Node


class ServiceEvent(NamedTuple):
    """A service was created, updated or deleted."""

    action: Action
    service: Service


class NetworkEvent(NamedTuple):
    """A network was created or deleted."""

    action: Action
    network: Network


StoreEvent = TaskEvent | NodeEvent | ServiceEvent | NetworkEvent
