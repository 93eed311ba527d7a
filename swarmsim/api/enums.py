"""Enumerations with swarmkit's names and numbers.

Mirrors ``swarmkit: api/types.proto`` (``TaskState``, ``NodeStatus.State``,
``NodeSpec.Availability``, ``NodeRole``, ``UpdateStatus.UpdateState``,
``RestartPolicy.RestartCondition``, ``UpdateConfig.FailureAction``,
``UpdateConfig.UpdateOrder``).  The numeric values are swarmkit's, so ordering
comparisons (``state > TaskState.RUNNING``) mean what they mean there.

``api_name`` gives the lower-case string of the Engine API; the CLI prints it
through :func:`pretty` (first letter upper-case, the rest lower-case).

Hot paths (the store, agents, dispatcher, scheduler, orchestrators) copy the
members they compare against into module constants (``_RUNNING =
TaskState.RUNNING``): on Python 3.11 every ``TaskState.RUNNING`` goes through
the enum metaclass's ``__getattr__`` hook and costs about 80 ns, a module
global about 5 ns.
"""

from __future__ import annotations

from enum import IntEnum


class _Named(IntEnum):
    api_name: str
    """The Engine API string (``running``, ``rollback_started``...): set on each member."""

    @property
    def pretty(self) -> str:
        """The CLI's ``PrettyPrint`` of the API string (``Running``)."""
        return pretty(self.api_name)


def pretty(text: str) -> str:
    """Upper-case the first character and lower-case the rest, as docker's ``PrettyPrint``.

    Examples
    --------
    >>> pretty("rollback_started")
    'Rollback_started'
    """
    return text[:1].upper() + text[1:].lower()


class TaskState(_Named):
    """Observed (and desired) state of a task; strictly ordered."""

    NEW = 0
    PENDING = 64
    ALLOCATED = 128  # legacy: never produced by current managers
    ASSIGNED = 192
    ACCEPTED = 256
    PREPARING = 320
    READY = 384
    STARTING = 448
    RUNNING = 512
    COMPLETE = 576
    SHUTDOWN = 640
    FAILED = 704
    REJECTED = 768
    REMOVE = 800
    ORPHANED = 832

    @property
    def terminal(self) -> bool:
        """Whether a task in this observed state will never run again."""
        return self > TaskState.RUNNING


class NodeStatus(_Named):
    """What the dispatcher knows of a node's liveness."""

    UNKNOWN = 0
    DOWN = 1
    READY = 2
    DISCONNECTED = 3


class Availability(_Named):
    """Whether a node takes new tasks (``docker node update --availability``)."""

    ACTIVE = 0
    PAUSE = 1
    DRAIN = 2


class NodeRole(_Named):
    """A node's role in the swarm."""

    WORKER = 0
    MANAGER = 1


class UpdateState(_Named):
    """State of a service's rolling update (``UpdateStatus.State``)."""

    UNKNOWN = 0
    UPDATING = 1
    PAUSED = 2
    COMPLETED = 3
    ROLLBACK_STARTED = 4
    ROLLBACK_PAUSED = 5
    ROLLBACK_COMPLETED = 6


class RestartCondition(_Named):
    """When the restart supervisor replaces a stopped task."""

    NONE = 0
    ON_FAILURE = 1
    ANY = 2

    @property
    def cli_name(self) -> str:
        """The word used by ``--restart-condition`` (``on-failure``)."""
        return self.api_name.replace("_", "-")


class FailureAction(_Named):
    """What a rolling update does when too many new tasks fail."""

    PAUSE = 0
    CONTINUE = 1
    ROLLBACK = 2


class UpdateOrder(_Named):
    """Whether a slot's old task stops before or after its new task starts."""

    STOP_FIRST = 0
    START_FIRST = 1

    @property
    def cli_name(self) -> str:
        """The word used by ``--update-order`` (``stop-first``)."""
        return self.api_name.replace("_", "-")


class ServiceMode(_Named):
    """How a service decides its number of tasks (``ServiceSpec.Mode``'s four kinds).

    The jobs (``replicated-job``, ``global-job``) run their tasks to completion
    rather than keeping them running.
    """

    REPLICATED = 0
    GLOBAL = 1
    REPLICATED_JOB = 2
    GLOBAL_JOB = 3

    @property
    def is_job(self) -> bool:
        """Whether the mode is a job: tasks are wanted COMPLETE, not RUNNING."""
        return self >= 2

    @property
    def is_replicated(self) -> bool:
        """Whether the number of tasks is a count in the spec (replicated or replicated job)."""
        return self in (ServiceMode.REPLICATED, ServiceMode.REPLICATED_JOB)


class PublishMode(_Named):
    """Where a published port is bound: every node (ingress) or the task's node (host)."""

    INGRESS = 0
    HOST = 1


for _enum in (
    TaskState,
    NodeStatus,
    Availability,
    NodeRole,
    UpdateState,
    RestartCondition,
    FailureAction,
    UpdateOrder,
    ServiceMode,
    PublishMode,
):
    for _member in _enum:
        _member.api_name = _member.name.lower()  # a plain attribute: the trace reads it constantly
ServiceMode.REPLICATED_JOB.api_name = "replicated-job"  # as docker's --mode and filters spell them
ServiceMode.GLOBAL_JOB.api_name = "global-job"
