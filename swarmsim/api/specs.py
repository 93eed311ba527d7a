"""Frozen specification dataclasses: what a user asks for.

Mirrors ``swarmkit: api/specs.proto`` (``ServiceSpec``, ``TaskSpec``,
``ContainerSpec``, ``RestartPolicy``, ``UpdateConfig``, ``Placement``,
``EndpointSpec``, ``SecretSpec``, ``ConfigSpec``; references and file targets
from ``swarmkit: api/types.proto``) and the defaults of ``swarmkit: api/defaults/service.go``.
Specs are immutable: change them with :func:`dataclasses.replace`.

Differences
-----------
Only the fields the simulator models exist.  Durations are float seconds and
CPU reservations are NanoCPUs (CPUs × 1e9) as in the API.  Labels and
environment are stored as sorted tuples so that specs compare and hash by value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from swarmsim.api.enums import (
    FailureAction,
    PublishMode,
    RestartCondition,
    ServiceMode,
    UpdateOrder,
)

Labels = tuple[tuple[str, str], ...]


def make_labels(labels: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> Labels:
    """Return labels as a sorted tuple of ``(key, value)`` pairs.

    Examples
    --------
    >>> make_labels({"b": "2", "a": "1"})
    (('a', '1'), ('b', '2'))
    """
    items = labels.items() if isinstance(labels, Mapping) else labels
    return tuple(sorted(dict(items).items()))


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    """When and how often the restart supervisor replaces a stopped task."""

    condition: RestartCondition = RestartCondition.ANY
    delay: float = 5.0
    max_attempts: int = 0
    window: float = 0.0


@dataclass(frozen=True, slots=True)
class UpdateConfig:
    """How a rolling update (or a rollback) proceeds; defaults are swarmkit's."""

    parallelism: int = 1
    delay: float = 0.0
    failure_action: FailureAction = FailureAction.PAUSE
    monitor: float = 5.0
    max_failure_ratio: float = 0.0
    order: UpdateOrder = UpdateOrder.STOP_FIRST


@dataclass(frozen=True, slots=True)
class Placement:
    """Constraints, ``spread`` preferences and the per-node replica cap."""

    constraints: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()  # spread descriptors, e.g. "node.labels.zone"
    max_replicas: int = 0


@dataclass(frozen=True, slots=True)
class Resources:
    """CPU (NanoCPUs), memory (bytes), generic resources (units per kind) and, for limits,
    the most processes (``Pids``); zero means unset."""

    nano_cpus: int = 0
    memory_bytes: int = 0
    generic: tuple[tuple[str, int], ...] = ()  # swarmkit: api/genericresource (discrete)
    pids: int = 0

    def __bool__(self) -> bool:
        return bool(self.nano_cpus or self.memory_bytes or self.generic or self.pids)


@dataclass(frozen=True, slots=True)
class HealthConfig:
    """A container health check (``--health-*``), as the API keeps it: zero means the
    engine's default (``moby: daemon/health.go``: 30 s interval and timeout, 3 retries,
    5 s start interval), which the ``probe_*`` properties apply."""

    test: tuple[str, ...] = ()
    interval: float = 0.0
    timeout: float = 0.0
    retries: int = 0
    start_period: float = 0.0
    start_interval: float = 0.0  # between probes while starting within the start period

    @property
    def probe_interval(self) -> float:
        """Seconds between probes (30 unless set)."""
        return self.interval or 30.0

    @property
    def probe_start_interval(self) -> float:
        """Seconds between probes while starting within the start period (5 unless set)."""
        return self.start_interval or 5.0

    @property
    def probe_retries(self) -> int:
        """Failed probes that make the container unhealthy (3 unless set)."""
        return self.retries or 3

    @property
    def disabled(self) -> bool:
        """``--no-healthcheck`` is the test ``["NONE"]``."""
        return self.test == ("NONE",)


@dataclass(frozen=True, slots=True)
class FileTarget:
    """Where a secret or config appears in a container: file name, owner and mode."""

    name: str
    uid: str = "0"
    gid: str = "0"
    mode: int = 0o444


@dataclass(frozen=True, slots=True)
class SecretReference:
    """A secret given to a service's containers (``--secret source=x,target=y``)."""

    secret_id: str
    secret_name: str
    target: FileTarget


@dataclass(frozen=True, slots=True)
class ConfigReference:
    """A config given to a service's containers (``--config source=x,target=/y``)."""

    config_id: str
    config_name: str
    target: FileTarget


@dataclass(frozen=True, slots=True)
class SecretSpec:
    """A secret as created: name, data (never printed) and labels (``SecretSpec``)."""

    name: str
    data: bytes = b""
    labels: Labels = ()
    driver: str = ""
    template_driver: str = ""


@dataclass(frozen=True, slots=True)
class ConfigSpec:
    """A config as created: name, data and labels (``ConfigSpec``)."""

    name: str
    data: bytes = b""
    labels: Labels = ()
    template_driver: str = ""


@dataclass(frozen=True, slots=True)
class BindOptions:
    """``BindOptions`` of a bind mount: its propagation (``rprivate`` unless set)."""

    propagation: str = "rprivate"
    non_recursive: bool = False


@dataclass(frozen=True, slots=True)
class VolumeOptions:
    """``VolumeOptions`` of a volume mount; ``driver`` is ``None`` without a ``DriverConfig``."""

    no_copy: bool = False
    labels: Labels = ()
    subpath: str = ""
    driver: str | None = None
    driver_options: Labels = ()


@dataclass(frozen=True, slots=True)
class TmpfsOptions:
    """``TmpfsOptions`` of a tmpfs mount: its size in bytes and its file mode."""

    size_bytes: int = 0
    mode: int = 0


@dataclass(frozen=True, slots=True)
class Mount:
    """A volume, bind or tmpfs mount of a container (``Mounts`` of ``ContainerSpec``).

    Only recorded and shown: the simulator has no volume data model.
    """

    target: str
    source: str = ""
    type: str = "volume"
    read_only: bool = False
    bind: BindOptions | None = None
    volume: VolumeOptions | None = None
    tmpfs: TmpfsOptions | None = None


@dataclass(frozen=True, slots=True)
class Ulimit:
    """A resource limit of a container's processes (``--ulimit nofile=1024:2048``)."""

    name: str
    soft: int
    hard: int


@dataclass(frozen=True, slots=True)
class ContainerSpec:
    """What runs in each task's container."""

    image: str
    args: tuple[str, ...] = ()
    env: tuple[str, ...] = ()
    labels: Labels = ()
    healthcheck: HealthConfig | None = None
    stop_grace_period: float = 10.0
    init: bool = False
    secrets: tuple[SecretReference, ...] = ()
    configs: tuple[ConfigReference, ...] = ()
    command: tuple[str, ...] = ()  # the entrypoint (``Command``); ``args`` follow it
    hostname: str = ""
    dir: str = ""  # working directory
    user: str = ""
    hosts: tuple[str, ...] = ()  # extra /etc/hosts lines, "IP NAME"
    dns_nameservers: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_options: tuple[str, ...] = ()
    mounts: tuple[Mount, ...] = ()
    stop_signal: str = ""
    read_only: bool = False
    groups: tuple[str, ...] = ()  # supplementary groups
    tty: bool = False
    isolation: str = "default"  # "default", "process" or "hyperv"
    sysctls: Labels = ()
    capability_add: tuple[str, ...] = ()  # CAP_ names, sorted (or just ALL)
    capability_drop: tuple[str, ...] = ()
    ulimits: tuple[Ulimit, ...] = ()  # sorted by name
    oom_score_adj: int = 0


@dataclass(frozen=True, slots=True)
class PortConfig:
    """A published port (``-p published:target/protocol``, ``mode=host|ingress``)."""

    target_port: int
    published_port: int = 0
    protocol: str = "tcp"
    publish_mode: PublishMode = PublishMode.INGRESS


@dataclass(frozen=True, slots=True)
class EndpointSpec:
    """Endpoint mode (``vip`` or ``dnsrr``) and published ports."""

    mode: str = "vip"
    ports: tuple[PortConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """The template every task of a service is made from; a change here makes tasks dirty."""

    container: ContainerSpec
    reservations: Resources = field(default_factory=Resources)
    limits: Resources = field(default_factory=Resources)
    restart: RestartPolicy = field(default_factory=RestartPolicy)
    placement: Placement = field(default_factory=Placement)
    networks: tuple[str, ...] = ()  # network ids
    force_update: int = 0
    network_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (network id, aliases)
    log_driver: str = ""  # "" = the cluster's default (no LogDriver in the spec)
    log_options: Labels = ()


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A whole service as the user asked for it."""

    name: str
    task: TaskSpec
    mode: ServiceMode = ServiceMode.REPLICATED
    replicas: int = 1  # a replicated job's TotalCompletions
    max_concurrent: int = 0  # a replicated job's MaxConcurrent (0 for the other modes)
    labels: Labels = ()
    update: UpdateConfig = field(default_factory=UpdateConfig)
    rollback: UpdateConfig = field(default_factory=UpdateConfig)
    endpoint: EndpointSpec = field(default_factory=EndpointSpec)

    @property
    def image(self) -> str:
        """The container image of the task template."""
        return self.task.container.image
