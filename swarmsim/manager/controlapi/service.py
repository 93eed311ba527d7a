"""Service requests of the control API: look up, list, create, update, roll back, remove.

Mirrors ``swarmkit: manager/controlapi/service.go`` (``validateServiceSpec``,
``checkPortConflicts``, ``CreateService``, ``UpdateService``, ``RemoveService``,
``ListServiceStatuses``) and ``manager/controlapi/common.go`` (name rules), together
with the daemon side the docker CLI talks to (``moby: daemon/cluster/helpers.go``
``getService``, ``daemon/cluster/services.go`` ``GetServices`` filters,
``daemon/cluster/convert/service.go`` random names).  Every function needs a Raft
leader, validates the whole request and raises :class:`~swarmsim.errors.DaemonError`
before it writes anything.

Errors produced by swarmkit travel through gRPC, so the daemon reports them as
``rpc error: code = <Code> desc = <text>`` (for example ``Error response from daemon:
rpc error: code = AlreadyExists desc = name conflicts with an existing object: service
web already exists``); the daemon's own look-up errors (``service web not found``) have
no such prefix.

Differences
-----------
* Image references are checked against the grammar of ``distribution/reference``
  (see :func:`parse_reference`) but never resolved against a registry, so a spec keeps
  the image exactly as given (the daemon would pin ``nginx`` to
  ``nginx:latest@sha256:…``).
* Spec versions are small per-service counters that only grow: an update or a manual
  rollback takes ``1 +`` the largest version the service has held, where swarmkit copies
  the object's Raft version (update) or swaps in the previous spec's version (rollback).
  Tasks of a restored spec are still up to date, by spec equality (``IsTaskDirty``).
* Random names for unnamed services come from a short word list and the ``names``
  random stream instead of moby's ``namesgenerator``.
* The request's ``Meta.Version`` (``update out of sequence``) is not modelled.
* Requests that would take the swarm past ``ClusterSettings.max_tasks`` are refused
  with ``ResourceExhausted`` (:mod:`swarmsim.limits`); swarmkit has no such limit.
* Not a simplification but a correction of an earlier reading of the engine (see
  docs/behaviour.md#tables): REPLICAS running counts follow ``ListServiceStatuses``, which
  counts every task observed RUNNING, including stale ones on DOWN nodes (moby issue
  45922 shows ``docker service ls`` doing so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from swarmsim.api.enums import PublishMode, ServiceMode, TaskState, UpdateState
from swarmsim.api.objects import Service, UpdateStatus
from swarmsim.api.specs import PortConfig, Resources, ServiceSpec
from swarmsim.context import Context
from swarmsim.errors import DaemonError
from swarmsim.golang import go_format_g, go_quote
from swarmsim.limits import parallelism_limit_error, task_demand, task_limit_error
from swarmsim.manager.constraint import parse_constraints
from swarmsim.manager.controlapi import (
    check_filter_names,
    require_leader,
    rpc_error,
    validate_name,
)
from swarmsim.manager.controlapi.payload import check_references
from swarmsim.units import format_duration

__all__ = [
    "MANUAL_ROLLBACK_MESSAGE",
    "SERVICE_FILTERS",
    "ImageReference",
    "ServiceStatus",
    "create_service",
    "get_service",
    "list_services",
    "parse_reference",
    "remove_service",
    "rollback_service",
    "service_status",
    "update_service",
]

MANUAL_ROLLBACK_MESSAGE = "manually requested rollback"
SERVICE_FILTERS = ("id", "label", "mode", "name", "runtime")
_MIN_HEALTH_DURATION = 0.001  # swarmkit's minimumDuration (1ms)
_INT64_LIMIT = 1 << 63


# --------------------------------------------------------------------------------------
# image references (distribution/reference)
# --------------------------------------------------------------------------------------

_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_REFERENCE_RE = re.compile(
    rf"(?P<name>(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?",
    re.ASCII,
)
_HEX64_RE = re.compile(r"[a-f0-9]{64}")
_DEFAULT_DOMAIN = "docker.io"


@dataclass(frozen=True, slots=True)
class ImageReference:
    """A parsed, normalised image reference (``docker.io/library/redis:3.0.6``)."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def familiar_name(self) -> str:
        """The repository as users write it (``redis``, ``user/app``, ``host:5000/app``)."""
        if self.domain == _DEFAULT_DOMAIN:
            return self.path.removeprefix("library/") if self.path.count("/") == 1 else self.path
        return f"{self.domain}/{self.path}"


def parse_reference(image: str) -> ImageReference | None:
    """Parse ``image`` as ``reference.ParseNormalizedNamed`` does; ``None`` if invalid.

    Examples
    --------
    >>> ref = parse_reference("redis:3.0.6")
    >>> ref.domain, ref.path, ref.tag, ref.familiar_name
    ('docker.io', 'library/redis', '3.0.6', 'redis')
    >>> parse_reference("Redis") is None
    True
    """
    if _HEX64_RE.fullmatch(image):
        return None
    head, slash, rest = image.partition("/")
    if slash and (any(c in head for c in ".:") or head == "localhost" or head.lower() != head):
        domain, remainder = head, rest
    else:
        domain, remainder = _DEFAULT_DOMAIN, image
    if domain == "index.docker.io":
        domain = _DEFAULT_DOMAIN
    if domain == _DEFAULT_DOMAIN and "/" not in remainder.split("@")[0].split(":")[0]:
        remainder = "library/" + remainder
    match = _REFERENCE_RE.fullmatch(f"{domain}/{remainder}")
    if match is None or len(match["name"]) > 255:
        return None
    path = match["name"][len(domain) + 1 :]
    return ImageReference(domain, path, match["tag"] or "", match["digest"] or "")


# --------------------------------------------------------------------------------------
# look-ups
# --------------------------------------------------------------------------------------


def get_service(ctx: Context, ref: str) -> Service:
    """Find a service by full ID, then exact name, then unique ID prefix (``getService``).

    Raises
    ------
    DaemonError
        ``service <ref> not found`` or ``service <ref> is ambiguous (<n> matches found)``.
    """
    require_leader(ctx)
    services = ctx.store.services
    if ref in services:
        return services[ref]
    matches = [s for s in services.values() if s.spec.name == ref]
    if not matches and ref:
        matches = [s for s in services.values() if s.id.startswith(ref)]
    if not matches:
        raise DaemonError(f"service {ref} not found")
    if len(matches) > 1:
        raise DaemonError(f"service {ref} is ambiguous ({len(matches)} matches found)")
    return matches[0]


def _labels_match(have: Mapping[str, str], want: Sequence[str]) -> bool:
    """swarmkit's ``filterMatchLabels`` over ``key`` / ``key=value`` filter values."""
    for item in want:
        key, _, value = item.partition("=")
        if key not in have or (value and have[key] != value):
            return False
    return True


def list_services(
    ctx: Context, filters: Mapping[str, Sequence[str]] | None = None
) -> list[Service]:
    """Services matching ``filters`` (``docker service ls --filter``), in store order.

    ``name`` and ``id`` match prefixes, ``label`` service labels (``key`` or
    ``key=value``), ``mode`` is ``replicated`` or ``global`` exactly, ``runtime``
    ``container``.

    Raises
    ------
    DaemonError
        ``invalid filter '<name>'``.
    """
    require_leader(ctx)
    filters = filters or {}
    check_filter_names(filters, SERVICE_FILTERS)
    names, ids = filters.get("name", ()), filters.get("id", ())
    modes, runtimes = filters.get("mode", ()), filters.get("runtime", ())
    result = []
    for service in ctx.store.services.values():
        if names and not any(service.spec.name.startswith(p) for p in names):
            continue
        if ids and not any(service.id.startswith(p) for p in ids):
            continue
        if modes and service.spec.mode.api_name not in modes:
            continue
        if runtimes and "container" not in runtimes:
            continue
        if not _labels_match(dict(service.spec.labels), filters.get("label", ())):
            continue
        result.append(service)
    return result


class ServiceStatus(NamedTuple):
    """A service's task counts as ``ListServiceStatuses`` returns them."""

    running: int
    desired: int
    completed: int  # a job's tasks COMPLETE in its current execution (0 for services)


def service_status(ctx: Context, service: Service) -> ServiceStatus:
    """Running, desired and completed task counts, as ``ListServiceStatuses`` computes them.

    Running counts every task whose *observed* state is RUNNING (whatever its
    node's status).  Desired is the replica count, a replicated job's maximum
    of concurrent tasks, or, for a global service, the tasks whose desired
    state is RUNNING; for a global job, the tasks wanted COMPLETE that are not
    yet.  A job counts only the tasks of its current execution
    (``swarmkit: manager/controlapi/service.go``).
    """
    mode = service.spec.mode
    iteration = service.job_iteration
    running = completed = global_desired = 0
    for task in ctx.store.tasks_of_service(service.id):
        state = task.status.state
        if iteration is not None:
            if task.job_iteration != iteration:
                continue
            if state == TaskState.COMPLETE:
                completed += 1
            elif task.desired_state == TaskState.COMPLETE:
                global_desired += 1
        if state == TaskState.RUNNING:
            running += 1
        if task.desired_state == TaskState.RUNNING:
            global_desired += 1
    if mode == ServiceMode.REPLICATED:
        return ServiceStatus(running, service.spec.replicas, completed)
    if mode == ServiceMode.REPLICATED_JOB:
        return ServiceStatus(running, service.spec.max_concurrent, completed)
    return ServiceStatus(running, global_desired, completed)


# --------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------


def _validate_resources(resources: Resources) -> None:
    if resources.nano_cpus and resources.nano_cpus < 1_000_000:
        value = go_format_g(resources.nano_cpus / 1e9)
        raise rpc_error("InvalidArgument", f"invalid cpu value {value}: Must be at least 0.001")
    if resources.memory_bytes and resources.memory_bytes < 4 * 1024 * 1024:
        raise rpc_error(
            "InvalidArgument",
            f"invalid memory value {resources.memory_bytes}: Must be at least 4MiB",
        )


def _validate_task(spec: ServiceSpec) -> None:
    """``validateTaskSpec``: resources, restart policy, placement, image, health check."""
    task = spec.task
    _validate_resources(task.limits)
    _validate_resources(task.reservations)
    if task.restart.delay < 0:
        raise rpc_error("InvalidArgument", "TaskSpec: restart-delay cannot be negative")
    if task.restart.window < 0:
        raise rpc_error("InvalidArgument", "TaskSpec: restart-window cannot be negative")
    try:
        parse_constraints(task.placement.constraints)
    except ValueError as error:
        raise rpc_error("InvalidArgument", str(error)) from None
    image = task.container.image
    if not image:
        raise rpc_error("InvalidArgument", "ContainerSpec: image reference must be provided")
    if parse_reference(image) is None:
        raise rpc_error(
            "InvalidArgument", f"ContainerSpec: {go_quote(image)} is not a valid repository/tag"
        )
    targets: set[str] = set()
    for mount in task.container.mounts:
        if mount.target in targets:
            raise rpc_error(
                "InvalidArgument", f"ContainerSpec: duplicate mount point: {mount.target}"
            )
        targets.add(mount.target)
    health = task.container.healthcheck
    if health is not None:
        minimum = format_duration(_MIN_HEALTH_DURATION)
        for label, value in (
            ("Interval", health.interval),
            ("Timeout", health.timeout),
            ("StartPeriod", health.start_period),
            ("StartInterval", health.start_interval),
        ):
            if value and value < _MIN_HEALTH_DURATION:
                raise rpc_error(
                    "InvalidArgument",
                    f"ContainerSpec: {label} in HealthConfig cannot be less than {minimum}",
                )
        if health.retries < 0:
            raise rpc_error(
                "InvalidArgument", "ContainerSpec: Retries in HealthConfig cannot be negative"
            )


def _validate_spec(spec: ServiceSpec, update_config: bool = False) -> None:
    """``validateServiceSpec``: name, task, mode, update config, endpoint (in that order).

    ``update_config`` says whether the request carries an update config: docker
    sends one only when told to (its flags, a compose ``update_config``), and a
    job may have none (``validateJob``); the spec itself always holds one.
    """
    validate_name(spec.name)
    _validate_task(spec)
    if spec.mode == ServiceMode.REPLICATED and not 0 <= spec.replicas < _INT64_LIMIT:
        raise rpc_error("InvalidArgument", "Number of replicas must be non-negative")
    if spec.mode == ServiceMode.REPLICATED_JOB:
        if not 0 <= spec.max_concurrent < _INT64_LIMIT:
            raise rpc_error("InvalidArgument", "Maximum concurrent jobs must not be negative")
        if not 0 <= spec.replicas < _INT64_LIMIT:
            raise rpc_error("InvalidArgument", "Total completed jobs must not be negative")
    if spec.mode.is_job:
        # validateJob: a job has no update config, so none of the checks below apply
        if update_config:
            raise rpc_error("InvalidArgument", "Jobs may not have an update config")
        _validate_endpoint(spec)
        return
    update = spec.update
    if update.delay < 0:
        raise rpc_error("InvalidArgument", "TaskSpec: update-delay cannot be negative")
    if update.monitor < 0:
        raise rpc_error("InvalidArgument", "TaskSpec: update-monitor cannot be negative")
    if not 0 <= update.max_failure_ratio <= 1:
        raise rpc_error(
            "InvalidArgument",
            "TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1",
        )
    _validate_endpoint(spec)


def _validate_endpoint(spec: ServiceSpec) -> None:
    """``validateEndpointSpec``: dnsrr with ingress ports, duplicate published ports."""
    seen: set[tuple[int, str]] = set()
    for port in spec.endpoint.ports:
        if spec.endpoint.mode == "dnsrr" and port.publish_mode == PublishMode.INGRESS:
            raise rpc_error(
                "InvalidArgument",
                "EndpointSpec: port published with ingress mode can't be used with dnsrr mode",
            )
        if not port.published_port:
            continue
        key = (port.published_port, port.protocol)
        if key in seen:
            raise rpc_error("InvalidArgument", "EndpointSpec: duplicate published ports provided")
        seen.add(key)


def _validate_networks(ctx: Context, spec: ServiceSpec) -> None:
    for network_id in spec.task.networks:
        network = ctx.store.networks.get(network_id)
        if network is None:
            raise DaemonError(f"network {network_id} not found")
        if network.ingress:
            raise rpc_error(
                "InvalidArgument",
                "Service cannot be explicitly attached to the ingress network "
                + go_quote(network.name),
            )


def _check_port_conflicts(ctx: Context, spec: ServiceSpec, service_id: str = "") -> None:
    """``checkPortConflicts`` against every other service's spec and allocated ports."""
    ingress: set[tuple[str, int]] = set()
    host: set[tuple[str, int]] = set()
    for port in spec.endpoint.ports:
        if port.published_port:
            target = ingress if port.publish_mode == PublishMode.INGRESS else host
            target.add((port.protocol, port.published_port))
    if not ingress and not host:
        return
    for other in ctx.store.services.values():
        if service_id and other.id == service_id:
            continue
        for port in (*other.spec.endpoint.ports, *other.published_ports):
            key = (port.protocol, port.published_port)
            if not port.published_port:
                continue
            if port.publish_mode == PublishMode.HOST and key in ingress:
                kind = "a host-published port"
            elif port.publish_mode == PublishMode.INGRESS and (key in ingress or key in host):
                kind = "an ingress port"
            else:
                continue
            raise rpc_error(
                "InvalidArgument",
                f"port '{port.published_port}' is already in use by service "
                f"'{other.spec.name}' ({other.id}) as {kind}",
            )


def _check_task_limit(ctx: Context, spec: ServiceSpec, service: Service | None = None) -> None:
    """Refuse a spec that takes the swarm past ``ClusterSettings.max_tasks`` (simulator only).

    An update or rollback parallelism above that limit is refused too: the
    updater starts that many workers (as swarmkit's ``updater.go`` starts that
    many goroutines), and no swarm of the simulator has more tasks to update.
    """
    for name, config in (("update", spec.update), ("rollback", spec.rollback)):
        message = parallelism_limit_error(ctx.settings, name, config.parallelism)
        if message is not None:
            raise rpc_error("ResourceExhausted", message)
    nodes = len(ctx.store.nodes)
    others = [s.spec for s in ctx.store.services.values() if service is None or s is not service]
    before = task_demand(others, nodes) + (task_demand([service.spec], nodes) if service else 0)
    after = task_demand(others, nodes) + task_demand([spec], nodes)
    message = task_limit_error(ctx.settings, before, after)
    if message is not None:
        raise rpc_error("ResourceExhausted", message)


def _check_ingress_present(ctx: Context, ports: Sequence[PortConfig]) -> None:
    if any(p.publish_mode == PublishMode.INGRESS for p in ports) and not any(
        n.ingress for n in ctx.store.networks.values()
    ):
        raise rpc_error(
            "FailedPrecondition",
            "service needs ingress network, but no ingress network is present",
        )


_ADJECTIVES = (
    "admiring", "affectionate", "blissful", "bold", "brave", "clever", "compassionate",
    "determined", "eager", "elegant", "epic", "focused", "friendly", "gallant", "happy",
    "hopeful", "jolly", "keen", "loving", "modest", "nifty", "quirky", "serene", "vibrant",
)  # fmt: skip
_SURNAMES = (
    "albattani", "babbage", "bohr", "curie", "darwin", "einstein", "euler", "fermi",
    "galileo", "hopper", "hypatia", "kepler", "lamarr", "lovelace", "meitner", "newton",
    "noether", "pasteur", "ritchie", "shannon", "tesla", "torvalds", "turing", "wozniak",
)  # fmt: skip


def _random_name(ctx: Context) -> str:
    """An ``adjective_surname`` name not yet used by a service (``namesgenerator``)."""
    rng = ctx.sim.rng("names")
    while True:
        name = f"{rng.choice(_ADJECTIVES)}_{rng.choice(_SURNAMES)}"
        if name != "boring_wozniak" and ctx.store.service_by_name(name) is None:
            return name


# --------------------------------------------------------------------------------------
# requests
# --------------------------------------------------------------------------------------


def create_service(ctx: Context, spec: ServiceSpec, *, update_config: bool = False) -> Service:
    """Validate ``spec`` and add a new service (``CreateService``).

    An empty name is replaced by a random ``adjective_surname`` name, as the daemon does.
    ``update_config``: the request carries an update config (refused for a job).

    Raises
    ------
    DaemonError
        Any of swarmkit's validation errors, a port conflict, or
        ``name conflicts with an existing object: service <name> already exists``.
    """
    require_leader(ctx)
    if not spec.name:
        spec = replace(spec, name=_random_name(ctx))
    _validate_spec(spec, update_config)
    _validate_networks(ctx, spec)
    check_references(ctx, spec)
    _check_port_conflicts(ctx, spec)
    _check_ingress_present(ctx, spec.endpoint.ports)
    _check_task_limit(ctx, spec)
    lowered = spec.name.lower()
    if any(s.spec.name.lower() == lowered for s in ctx.store.services.values()):
        raise rpc_error(
            "AlreadyExists",
            f"name conflicts with an existing object: service {spec.name} already exists",
        )
    service = Service(ctx.ids.new(), spec, created_at=ctx.now, updated_at=ctx.now)
    if spec.mode.is_job:
        # the first execution: JobIteration 0 (swarmkit leaves the version unset)
        service.job_iteration, service.last_execution = 0, ctx.now
    ctx.store.create_service(service)
    return service


def update_service(
    ctx: Context, service_ref: str, spec: ServiceSpec, *, update_config: bool = False
) -> Service:
    """Replace a service's spec (``UpdateService``); the old spec becomes the previous one.

    ``update_config``: the request carries an update config (refused for a job).

    ``PreviousSpec := Spec``, ``Spec := spec``, a new spec version, ``UpdateStatus := None``
    (every call does this, even without changes: docs/behaviour.md#every-update-rewrites-history).

    Raises
    ------
    DaemonError
        Unknown service, validation errors, port conflicts,
        ``service mode change is not allowed``, ``renaming services is not supported``.
    """
    require_leader(ctx)
    _validate_spec(spec, update_config)
    _validate_networks(ctx, spec)
    check_references(ctx, spec)
    service = get_service(ctx, service_ref)
    if spec.endpoint != service.spec.endpoint:
        _check_port_conflicts(ctx, spec, service.id)
    if spec.mode != service.spec.mode:
        raise rpc_error("Unimplemented", "service mode change is not allowed")
    if spec.name != service.spec.name:
        raise rpc_error("Unimplemented", "renaming services is not supported")
    _check_ingress_present(ctx, spec.endpoint.ports)
    _check_task_limit(ctx, spec, service)
    _next_execution(ctx, service)
    service.previous_spec, service.spec = service.spec, spec
    service.previous_spec_version = service.spec_version
    service.spec_version = service.new_spec_version()
    service.update_status = None
    ctx.store.update_service(service)
    return service


def rollback_service(ctx: Context, service_ref: str) -> Service:
    """Swap a service's spec and previous spec (``UpdateService`` with ``Rollback``).

    Both keep their versions (the tasks of the restored spec are current again);
    the update status becomes ``rollback_started`` /
    ``manually requested rollback``; rolling back twice goes forward again.

    Raises
    ------
    DaemonError
        Unknown service or ``service <id> does not have a previous spec``.
    """
    require_leader(ctx)
    service = get_service(ctx, service_ref)
    previous = service.previous_spec
    if previous is None:
        raise rpc_error("FailedPrecondition", f"service {service.id} does not have a previous spec")
    _check_ingress_present(ctx, previous.endpoint.ports)
    _check_task_limit(ctx, previous, service)
    _next_execution(ctx, service)
    current, current_version = service.spec, service.spec_version
    service.restore_previous_spec()
    service.previous_spec, service.previous_spec_version = current, current_version
    service.update_status = UpdateStatus(
        UpdateState.ROLLBACK_STARTED, ctx.now, MANUAL_ROLLBACK_MESSAGE
    )
    ctx.store.update_service(service)
    return service


def _next_execution(ctx: Context, service: Service) -> None:
    """Every update of a job, a rollback included, starts its next execution.

    swarmkit's ``UpdateService`` increments ``JobStatus.JobIteration`` and sets
    ``LastExecution`` whatever changed, so ``docker service update`` with no
    change (or ``--force``) runs a job again.
    """
    if service.job_iteration is not None:
        service.job_iteration += 1
        service.last_execution = ctx.now


def remove_service(ctx: Context, service_ref: str) -> Service:
    """Delete a service (``RemoveService``); the orchestrator then removes its tasks.

    Raises
    ------
    DaemonError
        ``service <ref> not found``.
    """
    service = get_service(ctx, service_ref)
    ctx.store.delete_service(service.id)
    return service
