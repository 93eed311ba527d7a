"""The messages agents and the dispatcher exchange over the transport.

Mirrors the dispatcher's gRPC service in ``swarmkit: api/dispatcher.proto``:
``Session`` (:class:`Register`), ``Heartbeat``, ``UpdateTaskStatus``
(:class:`StatusReport`) and the ``Assignments`` stream (:class:`Sync` for the
complete first message, :class:`Assign`, :class:`Remove` and :class:`Release`
for the incremental ones).

Differences
-----------
A message is one Python object passed by reference (tasks are not copied);
status reports carry one task each, where swarmkit batches several per call.
The messages are named tuples: immutable, and built in one C call (a frozen
dataclass sets each field through ``object.__setattr__``; a rolling update
sends about eight messages per replaced task).  Being tuples, two messages of
different kinds with equal fields compare equal: tell them apart with
``isinstance``, never with ``==``.
:class:`Reregister` stands for the session error that makes a real agent
reconnect after a leader change.
"""

from __future__ import annotations

from typing import NamedTuple

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task, TaskStatus


class Register(NamedTuple):
    """An agent opens a session with the dispatcher (``Session``)."""

    node_id: str


class Heartbeat(NamedTuple):
    """An agent's heartbeat; the reply is the period until the next one."""

    node_id: str


class StatusReport(NamedTuple):
    """A task's new status, observed by its node's agent (``UpdateTaskStatus``)."""

    task_id: str
    status: TaskStatus


class Sync(NamedTuple):
    """The complete set of tasks assigned to a node, sent when its session opens,
    with the IDs of the secrets and configs they need (the node's whole set)."""

    tasks: tuple[Task, ...]
    dependencies: tuple[str, ...] = ()


class Assign(NamedTuple):
    """A task is assigned to the node, or its desired state changed; a new task comes
    with the IDs of the secrets and configs sent along (see
    :mod:`swarmsim.manager.dependencies`)."""

    task: Task
    desired: TaskState
    dependencies: tuple[str, ...] = ()


class Remove(NamedTuple):
    """A task of the node left the store."""

    task_id: str


class Release(NamedTuple):
    """Secrets and configs no task of the node uses any more: the agent drops them."""

    object_ids: tuple[str, ...]


class Reregister(NamedTuple):
    """A new leader's dispatcher asks the agent to open a new session."""


AgentMessage = Sync | Assign | Remove | Reregister
ManagerMessage = Register | Heartbeat | StatusReport
Message = AgentMessage | ManagerMessage
