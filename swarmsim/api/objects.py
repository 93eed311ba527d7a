"""Objects kept in the store: nodes, services, tasks, networks, secrets and configs.

Mirrors ``swarmkit: api/objects.proto``.  Unlike specs these are mutable: the
component that owns a field changes it and then commits the object through
:class:`swarmsim.store.Store`, which keeps the indexes and notifies watchers.

Differences
-----------
No versioned copy-on-write objects: the store holds the one live object and
components never keep stale copies around.  Timestamps are virtual seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from swarmsim.api.enums import (
    Availability,
    NodeRole,
    NodeStatus,
    TaskState,
    UpdateState,
)
from swarmsim.api.specs import (
    ConfigSpec,
    EndpointSpec,
    Labels,
    PortConfig,
    SecretSpec,
    ServiceSpec,
    TaskSpec,
)


@dataclass(slots=True)
class Node:
    """A machine in the swarm, as the managers see it."""

    id: str
    hostname: str
    role: NodeRole = NodeRole.WORKER
    availability: Availability = Availability.ACTIVE
    labels: Labels = ()
    status: NodeStatus = NodeStatus.READY
    status_message: str = ""
    addr: str = ""
    nano_cpus: int = 0
    memory_bytes: int = 0
    engine_version: str = "28.2.2"
    engine_labels: Labels = ()
    generic_resources: tuple[tuple[str, int], ...] = ()  # units per kind the engine announces
    os: str = "linux"
    arch: str = "x86_64"
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def label_map(self) -> Mapping[str, str]:
        """The node labels as a read-only mapping (``node.label_map["zone"]``).

        >>> Node("n1", "w1", labels=(("zone", "east"),)).label_map["zone"]
        'east'
        """
        return MappingProxyType(dict(self.labels))

    @property
    def engine_label_map(self) -> Mapping[str, str]:
        """The engine labels as a read-only mapping."""
        return MappingProxyType(dict(self.engine_labels))

    def label(self, key: str) -> str:
        """Value of node label ``key``, or ``""`` when it is missing."""
        for k, v in self.labels:
            if k == key:
                return v
        return ""

    def engine_label(self, key: str) -> str:
        """Value of engine label ``key``, or ``""`` when it is missing."""
        for k, v in self.engine_labels:
            if k == key:
                return v
        return ""


@dataclass(slots=True)
class UpdateStatus:
    """Progress of a rolling update, as ``docker service inspect`` shows it."""

    state: UpdateState
    started_at: float
    message: str = ""
    completed_at: float | None = None


@dataclass(slots=True)
class Service:
    """A service: its current spec, the spec before the last update, and its update status.

    Spec versions play the part of swarmkit's ``SpecVersion`` (a raft index):
    every new spec gets a version above any the service has held
    (``last_version`` remembers the highest), and a rollback restores the
    previous spec *with its version*, so the tasks of that spec are current again.
    """

    id: str
    spec: ServiceSpec
    spec_version: int = 0
    previous_spec: ServiceSpec | None = None
    previous_spec_version: int | None = None
    last_version: int = 0  # the highest spec version this service has held
    update_status: UpdateStatus | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    published_ports: tuple[PortConfig, ...] = ()  # ports after the allocator filled blanks
    virtual_ips: tuple[tuple[str, str], ...] = ()  # (network id, address/prefix)
    # a job's JobStatus: which execution is current (None: not a job) and when it began
    job_iteration: int | None = None
    last_execution: float | None = None
    # what new tasks of the current spec share (kept by new_task; not compared)
    task_origin: TaskOrigin | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The service name."""
        return self.spec.name

    def new_spec_version(self) -> int:
        """A spec version above any this service has held (it is remembered)."""
        self.last_version = max(self.last_version, self.spec_version) + 1
        return self.last_version

    def restore_previous_spec(self) -> None:
        """Roll back: the previous spec and its version become current.

        Without a recorded previous version (a service built by hand) the
        restored spec gets a new one.
        """
        assert self.previous_spec is not None
        version = self.previous_spec_version
        self.spec = self.previous_spec
        self.spec_version = self.new_spec_version() if version is None else version


@dataclass(slots=True, frozen=True)
class TaskStatus:
    """The observed state of a task and when it was reached.

    A value: it is never changed once made, so tasks may share one (see
    :class:`Statuses`).  A new state is a new status.
    """

    state: TaskState = TaskState.NEW
    timestamp: float = 0.0
    message: str = ""
    err: str = ""
    exit_code: int | None = None


class Statuses:
    """Hands out one :class:`TaskStatus` per distinct status stamped in an instant.

    Every task a batch moves on gets an equal status (same state, time and
    message): the allocator's ``pending``, the scheduler's ``assigned``, the
    agents' ``running`` of containers started together.  Statuses are values,
    so those tasks share one object instead of holding one each (a Swarm2K
    swarm holds 95,000 tasks).  Only the current instant's statuses are
    remembered, the instant being the clock's time object: all that runs in
    an instant reads the same one.

    Examples
    --------
    >>> statuses, now = Statuses(), 1.5
    >>> first = statuses.stamp(now, TaskState.RUNNING, "started")
    >>> statuses.stamp(now, TaskState.RUNNING, "started") is first
    True
    >>> statuses.stamp(now, TaskState.FAILED, "started", "task: non-zero exit (1)", 1) is first
    False
    >>> statuses.stamp(now + 0.5, TaskState.RUNNING, "started") is first
    False
    """

    __slots__ = ("_at", "_made")

    def __init__(self) -> None:
        self._at: float | None = None
        self._made: dict[tuple[TaskState, str, str, int | None], TaskStatus] = {}

    def stamp(
        self,
        now: float,
        state: TaskState,
        message: str = "",
        err: str = "",
        exit_code: int | None = None,
    ) -> TaskStatus:
        """The status ``state`` reached at ``now``, shared with equal ones of the instant."""
        if now is not self._at:  # the clock's object for the instant (see Simulation.call_later)
            self._at = now
            self._made = {}
        key = (state, message, err, exit_code)
        status = self._made.get(key)
        if status is None:
            status = self._made[key] = TaskStatus(state, now, message, err, exit_code)
        return status


class Committed:
    """What the store last committed of a task: the keys it is indexed under.

    The store sets them on each commit, as swarmkit's store stamps an object's
    ``Meta.Version`` (``api/objects.proto``), and reads them at the next one to
    move the task between its indexes.  They are not dataclass fields: not
    arguments, not compared, not copied by :func:`dataclasses.replace`, unset
    until the task is first added to a store.  Kept on the task rather than in
    a map of the store: a Swarm2K swarm holds 95,000 tasks.
    """

    __slots__ = ("committed_desired", "committed_node_id", "committed_state")

    committed_node_id: str
    committed_desired: TaskState
    committed_state: TaskState

    def commit(self, node_id: str, desired: TaskState, state: TaskState) -> None:
        """Record the keys the store now indexes the task under."""
        self.committed_node_id = node_id
        self.committed_desired = desired
        self.committed_state = state


class Scheduled(Committed):
    """Where the leader's scheduler accounts a task (its entry in swarmkit's ``allTasks``).

    Written and read only by :mod:`swarmsim.manager.scheduler.bookkeeping`:
    unset or ``None`` while the scheduler does not track the task, ``""``
    while it tracks it on no node, else the ID of the node whose bookkeeping
    holds it.  Not a dataclass field, kept on the task rather than in a map of
    the scheduler for the reason :class:`Committed` gives.
    """

    __slots__ = ("scheduler_node",)

    scheduler_node: str | None

    def account(self, node_id: str | None) -> None:
        """Record where the scheduler now accounts the task (see the class)."""
        self.scheduler_node = node_id


@dataclass(slots=True, frozen=True)
class TaskOrigin:
    """What a task takes from its service when it is made.

    swarmkit's ``Task`` copies the service's annotations, task spec, spec
    version, endpoint and job iteration into every task.  Here the tasks made
    from one version of a service share one origin (see
    :func:`swarmsim.manager.orchestrator.task.new_task`): a Swarm2K swarm holds
    95,000 tasks of 40 services.
    """

    service_name: str
    spec: TaskSpec
    spec_version: int
    endpoint: EndpointSpec = field(default_factory=EndpointSpec)
    host_ports: tuple[PortConfig, ...] = ()  # the endpoint's host-mode ports
    service_labels: Labels = ()
    job_iteration: int | None = None  # the job execution the task belongs to (None: not a job)


_FROM_ORIGIN: Any = object()
"""A part of a task's origin not given to its constructor."""


@dataclass(slots=True, init=False)
class Task(Scheduled):
    """One scheduled unit of a service: a slot's current task or part of its history.

    What it took from its service is its :class:`TaskOrigin`, read through
    properties of the same names (``spec``, ``spec_version``, ...).  The
    constructor takes them one by one, or an ``origin`` (which the parts
    given override: :func:`dataclasses.replace` works as for any dataclass);
    :meth:`made` takes an origin and nothing else.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from swarmsim.api.specs import ContainerSpec, TaskSpec
    >>> task = Task("t1", "s1", "web", 1, TaskSpec(ContainerSpec("nginx:1")), 3)
    >>> task.spec.container.image, task.spec_version
    ('nginx:1', 3)
    >>> moved = replace(task, node_id="n1", spec_version=4)
    >>> moved.node_id, moved.spec_version, moved.spec is task.spec
    ('n1', 4, True)
    """

    id: str
    service_id: str
    slot: int  # 0 for global tasks
    origin: TaskOrigin
    desired_state: TaskState
    node_id: str
    status: TaskStatus
    created_at: float
    applied_at: float  # when the manager last committed a status change
    # (network id, address/prefix) per attached network, ingress first; the
    # address is "" on node-local networks (the allocator fills this in)
    attachments: tuple[tuple[str, str], ...]

    def __init__(
        self,
        id: str,
        service_id: str,
        service_name: str = _FROM_ORIGIN,
        slot: int = 0,
        spec: TaskSpec = _FROM_ORIGIN,
        spec_version: int = _FROM_ORIGIN,
        desired_state: TaskState = TaskState.RUNNING,
        node_id: str = "",
        status: TaskStatus | None = None,
        created_at: float = 0.0,
        applied_at: float = 0.0,
        endpoint: EndpointSpec = _FROM_ORIGIN,
        host_ports: tuple[PortConfig, ...] = _FROM_ORIGIN,
        service_labels: Labels = _FROM_ORIGIN,
        attachments: tuple[tuple[str, str], ...] = (),
        job_iteration: int | None = _FROM_ORIGIN,
        *,
        origin: TaskOrigin | None = None,
    ) -> None:
        parts: dict[str, Any] = {
            name: value
            for name, value in (
                ("service_name", service_name),
                ("spec", spec),
                ("spec_version", spec_version),
                ("endpoint", endpoint),
                ("host_ports", host_ports),
                ("service_labels", service_labels),
                ("job_iteration", job_iteration),
            )
            if value is not _FROM_ORIGIN
        }
        if origin is None:
            missing = {"service_name", "spec", "spec_version"} - parts.keys()
            if missing:
                raise TypeError(f"Task() needs an origin or {', '.join(sorted(missing))}")
            origin = TaskOrigin(**parts)
        elif parts:
            origin = replace(origin, **parts)
        self.id = id
        self.service_id = service_id
        self.slot = slot
        self.origin = origin
        self.desired_state = desired_state
        self.node_id = node_id
        self.status = TaskStatus() if status is None else status
        self.created_at = created_at
        self.applied_at = applied_at
        self.attachments = attachments

    @classmethod
    def made(
        cls,
        id: str,
        service_id: str,
        slot: int,
        origin: TaskOrigin,
        desired_state: TaskState,
        node_id: str,
        status: TaskStatus,
        created_at: float,
        applied_at: float,
        attachments: tuple[tuple[str, str], ...] = (),
    ) -> Task:
        """A task of ``origin``: the fields in the order :func:`dataclasses.fields` gives."""
        task = object.__new__(cls)
        task.id = id
        task.service_id = service_id
        task.slot = slot
        task.origin = origin
        task.desired_state = desired_state
        task.node_id = node_id
        task.status = status
        task.created_at = created_at
        task.applied_at = applied_at
        task.attachments = attachments
        return task

    @property
    def service_name(self) -> str:
        """The service's name when the task was made."""
        return self.origin.service_name

    @property
    def spec(self) -> TaskSpec:
        """The task spec it was made from."""
        return self.origin.spec

    @property
    def spec_version(self) -> int:
        """The service's spec version it was made from."""
        return self.origin.spec_version

    @property
    def endpoint(self) -> EndpointSpec:
        """The service's endpoint when the task was made."""
        return self.origin.endpoint

    @property
    def host_ports(self) -> tuple[PortConfig, ...]:
        """The endpoint's host-mode ports."""
        return self.origin.host_ports

    @property
    def service_labels(self) -> Labels:
        """The service's labels when the task was made."""
        return self.origin.service_labels

    @property
    def job_iteration(self) -> int | None:
        """The job execution the task belongs to (``None``: not a job)."""
        return self.origin.job_iteration

    @property
    def state(self) -> TaskState:
        """The observed state."""
        return self.status.state

    @property
    def runnable(self) -> bool:
        """Whether the manager still wants this task to run (desired state <= RUNNING)."""
        return self.desired_state <= TaskState.RUNNING


@dataclass(slots=True)
class Network:
    """A swarm-scoped network (``ingress``, a user overlay or a node-local driver).

    ``subnet``, ``gateway`` and ``ip_range`` hold what the user asked for until
    the allocator has run, then what it allocated; ``allocated`` stays false
    when the allocator could not give the network a pool (its subnet overlaps
    another network's), as a swarmkit network whose allocation failed.
    """

    id: str
    name: str
    driver: str = "overlay"
    subnet: str = ""
    gateway: str = ""
    ingress: bool = False
    attachable: bool = False
    labels: Labels = ()
    created_at: float = 0.0
    ip_range: str = ""
    internal: bool = False
    options: Labels = ()  # driver options (``--opt encrypted``)
    allocated: bool = False
    vxlan_id: int = 0  # the overlay driver's VNI (``vxlanid_list``)

    @property
    def overlay(self) -> bool:
        """Whether the network spans machines (the overlay driver); others are node-local."""
        return self.driver == "overlay"


@dataclass(slots=True)
class Secret:
    """A secret in the store (immutable once created, as in swarmkit)."""

    id: str
    spec: SecretSpec
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(slots=True)
class Config:
    """A config in the store (immutable once created, as in swarmkit)."""

    id: str
    spec: ConfigSpec
    created_at: float = 0.0
    updated_at: float = 0.0
