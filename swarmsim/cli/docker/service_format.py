"""How ``docker service ls`` and ``docker service inspect`` print a service.

Mirrors ``cli: cli/command/service/formatter.go`` (``serviceInspectPrettyTemplate``
and its accessors, the ``ls`` columns, ``Replicas``, ``Image``, ``Ports`` with range
merging; ``testdata/service-inspect-pretty.golden``) and the JSON of the Engine API's
``swarm.Service`` (``cli: vendor/github.com/moby/moby/api/types/swarm/service.go``)
that ``docker service inspect`` prints, with the defaults the CLI asks the daemon to
insert (``InsertDefaults``: swarmkit's ``InterpolateService`` fills in the update and
rollback configs whatever the mode, so a job shows them too, though docker never
sends one for it) and a job's ``JobStatus``.

Differences
-----------
The JSON holds the fields the simulator models.  ``Version.Index`` is the service's
spec version plus one, not a Raft index.  Times come from
:mod:`swarmsim.cli.docker.timefmt` (virtual time 0 is 2026-01-01T00:00:00Z).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swarmsim.api.enums import PublishMode, ServiceMode, UpdateState
from swarmsim.api.objects import Service
from swarmsim.api.specs import (
    FileTarget,
    HealthConfig,
    Mount,
    PortConfig,
    Resources,
    ServiceSpec,
    UpdateConfig,
)
from swarmsim.cli.docker.tasks import display_image, truncate_id
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.gotemplate import Struct
from swarmsim.cli.humanize import since
from swarmsim.golang import go_format_g
from swarmsim.manager.controlapi.service import service_status
from swarmsim.units import (
    format_bytes_binary,
    format_cpus,
    format_duration,
    seconds_to_ns,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "LS_HEADER",
    "LS_RAW",
    "LS_TABLE",
    "endpoint_ports",
    "format_ports",
    "pretty_service",
    "service_json",
    "service_row",
]

JsonObject = dict[str, object]


# ---------------------------------------------------------------------------------- ls


def format_ports(ports: tuple[PortConfig, ...]) -> str:
    """``serviceContext.Ports``: ingress ports, ranges merged (``*:80-81->80-81/tcp``).

    Examples
    --------
    >>> format_ports((PortConfig(80, 8080), PortConfig(81, 8081), PortConfig(53, 53, "udp")))
    '*:8080-8081->80-81/tcp, *:53->53/udp'
    """
    ranges: list[tuple[int, int, int, int, str]] = []  # published, target ranges, protocol
    for port in sorted(ports, key=lambda p: (p.protocol, p.published_port)):
        if port.publish_mode != PublishMode.INGRESS:
            continue
        pub, target = port.published_port, port.target_port
        if ranges:
            p_start, p_end, t_start, t_end, proto = ranges[-1]
            if (
                port.protocol == proto
                and 0 <= pub - p_end <= 1
                and 0 <= target - t_end <= 1
                and not (t_end != t_start and target <= t_end)
            ):
                ranges[-1] = (p_start, pub, t_start, target, proto)
                continue
        ranges.append((pub, pub, target, target, port.protocol))
    texts = []
    for p_start, p_end, t_start, t_end, proto in ranges:
        if not p_start:
            continue
        pub_text = f"{p_start}-{p_end}" if p_end != p_start else f"{p_start}"
        target_text = f"{t_start}-{t_end}" if t_end != t_start else f"{t_start}"
        texts.append(f"*:{pub_text}->{target_text}/{proto}")
    return ", ".join(texts)


def endpoint_ports(swarm: Engine, service: Service) -> tuple[PortConfig, ...]:
    """The service's ports as the allocator published them (``Endpoint.Ports``).

    Until the allocator has caught up with the current spec (same instant as a create
    or update), the spec's ports stand in for them; once it has tried and failed
    (a port held by another service), the ports of the last allocation show.
    """

    def shape(ports: tuple[PortConfig, ...]) -> list[tuple[str, int, PublishMode]]:
        return sorted((p.protocol, p.target_port, p.publish_mode) for p in ports)

    spec_ports = service.spec.endpoint.ports
    allocated = service.published_ports
    if shape(allocated) == shape(spec_ports) or swarm.allocator.allocation_failed(service.id):
        return allocated
    return spec_ports


LS_TABLE = "table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}"
"""``defaultServiceTableFormat``."""
LS_HEADER = {
    "ID": "ID",
    "Name": "NAME",
    "Mode": "MODE",
    "Replicas": "REPLICAS",
    "Image": "IMAGE",
    "Ports": "PORTS",
}
"""The column titles of ``docker service ls`` (and ``docker stack services``)."""
LS_RAW = (
    "id: {{.ID}}\\nname: {{.Name}}\\nmode: {{.Mode}}\\nreplicas: {{.Replicas}}\\n"
    "image: {{.Image}}\\nports: {{.Ports}}\\n",
    "id: {{.ID}}",
)
"""The ``raw`` format of ``docker service ls`` and its ``-q`` form."""


def _replicas(swarm: Engine, service: Service) -> str:
    """``serviceContext.Replicas``: ``running/desired``, a job's completions after it.

    A replicated job's total is its TotalCompletions, a global job's the tasks still
    wanted plus those completed; jobs never show the per-node maximum.
    """
    running, desired, completed = service_status(swarm.ctx, service)
    spec = service.spec
    if spec.mode == ServiceMode.REPLICATED_JOB:
        return f"{running}/{desired} ({completed}/{spec.replicas} completed)"
    if spec.mode == ServiceMode.GLOBAL_JOB:
        return f"{running}/{desired} ({completed}/{desired + completed} completed)"
    if spec.mode == ServiceMode.REPLICATED and spec.task.placement.max_replicas > 0:
        return f"{running}/{desired} (max {spec.task.placement.max_replicas} per node)"
    return f"{running}/{desired}"


def service_row(swarm: Engine, service: Service) -> Struct:
    """docker's ``serviceContext`` of one service: ``ID NAME MODE REPLICAS IMAGE PORTS``."""
    spec = service.spec
    fields = {
        "ID": truncate_id(service.id),
        "Name": spec.name,
        "Mode": spec.mode.api_name.replace("-", " "),  # "replicated job", "global job"
        "Replicas": _replicas(swarm, service),
        "Image": display_image(spec.image),
        "Ports": format_ports(endpoint_ports(swarm, service)),
    }
    return Struct("*formatter.serviceContext", fields)


# -------------------------------------------------------------------------- --pretty


def _go_slice(items: tuple[str, ...]) -> str:
    return "[" + " ".join(items) + "]"


def _config_lines(title: str, config: UpdateConfig, order_label: str) -> list[str]:
    lines = [f"{title}:", f" Parallelism:\t{config.parallelism}"]
    if config.delay > 0:
        lines.append(f" Delay:\t\t{format_duration(config.delay)}")
    lines.append(f" On failure:\t{config.failure_action.api_name}")
    if config.monitor > 0:
        lines.append(f" Monitoring Period: {format_duration(config.monitor)}")
    lines.append(f" Max failure ratio: {go_format_g(config.max_failure_ratio)}")
    lines.append(f" {order_label}{config.order.cli_name}")
    return lines


def _resource_lines(title: str, resources: Resources) -> list[str]:
    # HasResourceReservations / HasResourceLimits: generic resources are not shown
    if not (resources.nano_cpus > 0 or resources.memory_bytes > 0 or resources.pids > 0):
        return []
    lines = [f" {title}:"]
    if resources.nano_cpus > 0:
        lines.append(f"  CPU:\t\t{format_cpus(resources.nano_cpus)}")
    if resources.memory_bytes:
        lines.append(f"  Memory:\t{format_bytes_binary(resources.memory_bytes)}")
    if resources.pids > 0:
        lines.append(f"  PIDs:\t\t{resources.pids}")
    return lines


def _health_lines(health: HealthConfig) -> list[str]:
    lines = [
        " Healthcheck:",
        f"  Interval = {format_duration(health.interval)}",
        f"  Retries = {health.retries}",
        f"  StartPeriod =\t{format_duration(health.start_period)}",
        f"  Timeout =\t{format_duration(health.timeout)}",
    ]
    if health.test:
        lines.append("  Tests:" + "".join(f"\n\t Test = {test}" for test in health.test) + " ")
    return lines


def _status_lines(swarm: Engine, service: Service) -> list[str]:
    status = service.update_status
    if status is None:
        return []
    lines = ["UpdateStatus:", f" State:\t\t{status.state.api_name}"]
    lines.append(f" Started:\t{since(swarm.now - status.started_at)}")
    if status.state == UpdateState.COMPLETED and status.completed_at is not None:
        lines.append(f" Completed:\t{since(swarm.now - status.completed_at)}")
    lines.append(f" Message:\t{status.message}")
    return lines


def pretty_service(swarm: Engine, service: Service) -> str:
    """``docker service inspect --pretty`` of one service (``serviceInspectPrettyTemplate``).

    The text starts with an empty line and ends with an empty line, as docker prints it.
    """
    spec = service.spec
    task, container, placement = spec.task, spec.task.container, spec.task.placement
    lines = ["", f"ID:\t\t{service.id}", f"Name:\t\t{spec.name}"]
    if spec.labels:
        lines.append("Labels:")
        lines += [f" {k}={v}" if v else f" {k}" for k, v in spec.labels]
    if spec.mode == ServiceMode.GLOBAL:
        lines.append("Service Mode:\tGlobal")
    elif spec.mode == ServiceMode.REPLICATED:
        lines += ["Service Mode:\tReplicated", f" Replicas:\t{spec.replicas}"]
    else:
        lines.append("Service Mode:")  # the template names neither job mode
    lines += _status_lines(swarm, service)
    lines.append("Placement:")
    if placement.constraints:
        lines.append(f" Constraints:\t{_go_slice(placement.constraints)}")
    if placement.preferences:
        prefs = tuple(f"spread={p}" for p in placement.preferences)
        lines.append(f" Preferences:   {_go_slice(prefs)}")
    if placement.max_replicas:
        lines.append(f" Max Replicas Per Node:   {placement.max_replicas}")
    lines += _config_lines("UpdateConfig", spec.update, "Update order:      ")
    lines += _config_lines("RollbackConfig", spec.rollback, "Rollback order:    ")
    lines += ["ContainerSpec:", f" Image:\t\t{container.image}"]
    if container.args:
        lines.append(" Args:\t\t" + "".join(f"{arg} " for arg in container.args))
    if container.env:
        lines.append(" Env:\t\t" + "".join(f"{env} " for env in container.env))
    if container.dir:
        lines.append(f" Dir:\t\t{container.dir}")
    lines.append(f" Init:\t\t{'true' if container.init else 'false'}")
    if container.user:
        lines.append(f" User: {container.user}")
    if container.capability_add or container.capability_drop:
        lines.append("Capabilities:")
        if container.capability_add:
            lines.append(f" Add: {', '.join(container.capability_add)}")
        if container.capability_drop:
            lines.append(f" Drop: {', '.join(container.capability_drop)}")
    if container.sysctls:
        lines.append("SysCtls:")
        lines += [f" {k}: {v}" if v else f" {k}" for k, v in sorted(container.sysctls)]
    if container.ulimits:
        lines.append("Ulimits:")
        lines += [f" {u.name}: {u.soft}:{u.hard}" for u in container.ulimits]
    if container.mounts:
        lines.append("Mounts:")
        for mount in container.mounts:
            lines += [
                f" Target:\t{mount.target}",
                f"  Source:\t{mount.source}",
                f"  ReadOnly:\t{'true' if mount.read_only else 'false'}",
                f"  Type:\t\t{mount.type}",
            ]
    if container.configs:
        lines.append("Configs:")
        for config in container.configs:
            lines += [f" Target:\t{config.target.name}", f"  Source:\t{config.config_name}"]
    if container.secrets:
        lines.append("Secrets:")
        for secret in container.secrets:
            lines += [f" Target:\t{secret.target.name}", f"  Source:\t{secret.secret_name}"]
    if task.log_driver:
        lines += ["Log Driver:", f" Name:\t\t{task.log_driver}"]
        if task.log_options:
            lines.append(" LogOpts:")
            lines += [f"  {k}:       {v}" if v else f"  {k}" for k, v in sorted(task.log_options)]
        lines.append("")  # the template's newline before the block's end
    lines.append("Resources:")
    lines += _resource_lines("Reservations", task.reservations)
    lines += _resource_lines("Limits", task.limits)
    if task.networks:
        networks = swarm.ctx.store.networks
        names = [networks[n].name if n in networks else n for n in task.networks]
        lines.append("Networks:" + "".join(f" {name}" for name in names) + " ")
    lines.append(f"Endpoint Mode:\t{spec.endpoint.mode}")
    ports = endpoint_ports(swarm, service)
    if ports:
        lines.append("Ports:")
        for port in ports:
            lines += [
                f" PublishedPort = {port.published_port}",
                f"  Protocol = {port.protocol}",
                f"  TargetPort = {port.target_port}",
                f"  PublishMode = {port.publish_mode.api_name}",
            ]
        lines[-1] += " "
    if container.healthcheck is not None:
        lines += _health_lines(container.healthcheck)
    return "\n".join(lines) + "\n\n"


# ------------------------------------------------------------------------------ JSON


def _ns(seconds: float) -> int:
    return seconds_to_ns(seconds)


def _update_json(config: UpdateConfig) -> JsonObject:
    result: JsonObject = {"Parallelism": config.parallelism}
    if config.delay:
        result["Delay"] = _ns(config.delay)
    result["FailureAction"] = config.failure_action.api_name
    if config.monitor:
        result["Monitor"] = _ns(config.monitor)
    ratio = config.max_failure_ratio
    result["MaxFailureRatio"] = int(ratio) if ratio.is_integer() else ratio
    result["Order"] = config.order.cli_name
    return result


def _resources_json(resources: Resources) -> JsonObject:
    result: JsonObject = {}
    if resources.nano_cpus:
        result["NanoCPUs"] = resources.nano_cpus
    if resources.memory_bytes:
        result["MemoryBytes"] = resources.memory_bytes
    if resources.pids:
        result["Pids"] = resources.pids
    if resources.generic:
        result["GenericResources"] = [
            {"DiscreteResourceSpec": {"Kind": kind, "Value": units}}
            for kind, units in resources.generic
        ]
    return result


def _ports_json(ports: tuple[PortConfig, ...]) -> list[JsonObject]:
    return [
        {
            "Protocol": p.protocol,
            "TargetPort": p.target_port,
            "PublishedPort": p.published_port,
            "PublishMode": p.publish_mode.api_name,
        }
        for p in ports
    ]


def _file_json(target: FileTarget) -> JsonObject:
    return {"Name": target.name, "UID": target.uid, "GID": target.gid, "Mode": target.mode}


def _mount_json(mount: Mount) -> JsonObject:
    """A ``mount.Mount`` as the daemon returns it (every field ``omitempty``)."""
    result: JsonObject = {"Type": mount.type}
    if mount.source:
        result["Source"] = mount.source
    result["Target"] = mount.target
    if mount.read_only:
        result["ReadOnly"] = True
    if mount.bind is not None:
        bind: JsonObject = {"Propagation": mount.bind.propagation}
        if mount.bind.non_recursive:
            bind["NonRecursive"] = True
        result["BindOptions"] = bind
    volume = mount.volume
    if volume is not None:
        options: JsonObject = {}
        if volume.no_copy:
            options["NoCopy"] = True
        if volume.labels:
            options["Labels"] = dict(sorted(volume.labels))
        if volume.subpath:
            options["Subpath"] = volume.subpath
        if volume.driver is not None:
            driver: JsonObject = {"Name": volume.driver} if volume.driver else {}
            if volume.driver_options:
                driver["Options"] = dict(sorted(volume.driver_options))
            options["DriverConfig"] = driver
        result["VolumeOptions"] = options
    if mount.tmpfs is not None:
        tmpfs: JsonObject = {}
        if mount.tmpfs.size_bytes:
            tmpfs["SizeBytes"] = mount.tmpfs.size_bytes
        if mount.tmpfs.mode:
            tmpfs["Mode"] = mount.tmpfs.mode
        result["TmpfsOptions"] = tmpfs
    return result


def _container_json(spec: ServiceSpec) -> JsonObject:
    container = spec.task.container
    result: JsonObject = {"Image": container.image}
    if container.labels:
        result["Labels"] = dict(container.labels)
    if container.command:
        result["Command"] = list(container.command)
    if container.args:
        result["Args"] = list(container.args)
    if container.hostname:
        result["Hostname"] = container.hostname
    if container.env:
        result["Env"] = list(container.env)
    if container.dir:
        result["Dir"] = container.dir
    if container.user:
        result["User"] = container.user
    if container.groups:
        result["Groups"] = list(container.groups)
    result["Init"] = container.init
    if container.stop_signal:
        result["StopSignal"] = container.stop_signal
    if container.tty:
        result["TTY"] = True
    if container.read_only:
        result["ReadOnly"] = True
    if container.mounts:
        result["Mounts"] = [_mount_json(m) for m in container.mounts]
    result["StopGracePeriod"] = _ns(container.stop_grace_period)
    health = container.healthcheck
    if health is not None:
        fields: JsonObject = {
            "Test": list(health.test),
            "Interval": _ns(health.interval),
            "Timeout": _ns(health.timeout),
            "StartPeriod": _ns(health.start_period),
            "StartInterval": _ns(health.start_interval),
            "Retries": health.retries,
        }
        result["Healthcheck"] = {k: v for k, v in fields.items() if v}  # all omitempty
    if container.hosts:
        result["Hosts"] = list(container.hosts)
    dns: JsonObject = {}
    for key, values in (
        ("Nameservers", container.dns_nameservers),
        ("Search", container.dns_search),
        ("Options", container.dns_options),
    ):
        if values:
            dns[key] = list(values)
    result["DNSConfig"] = dns
    if container.secrets:
        result["Secrets"] = [
            {"File": _file_json(r.target), "SecretID": r.secret_id, "SecretName": r.secret_name}
            for r in container.secrets
        ]
    if container.configs:
        result["Configs"] = [
            {"File": _file_json(r.target), "ConfigID": r.config_id, "ConfigName": r.config_name}
            for r in container.configs
        ]
    result["Isolation"] = container.isolation
    if container.sysctls:
        result["Sysctls"] = dict(sorted(container.sysctls))
    if container.capability_add:
        result["CapabilityAdd"] = list(container.capability_add)
    if container.capability_drop:
        result["CapabilityDrop"] = list(container.capability_drop)
    if container.ulimits:
        result["Ulimits"] = [
            {"Name": u.name, "Hard": u.hard, "Soft": u.soft} for u in container.ulimits
        ]
    if container.oom_score_adj:
        result["OomScoreAdj"] = container.oom_score_adj
    return result


def _mode_json(spec: ServiceSpec) -> JsonObject:
    """``ServiceMode``: the one mode that is set (a replicated job's replicas are its
    TotalCompletions)."""
    if spec.mode == ServiceMode.REPLICATED:
        return {"Replicated": {"Replicas": spec.replicas}}
    if spec.mode == ServiceMode.REPLICATED_JOB:
        job = {"MaxConcurrent": spec.max_concurrent, "TotalCompletions": spec.replicas}
        return {"ReplicatedJob": job}
    return {"GlobalJob": {}} if spec.mode == ServiceMode.GLOBAL_JOB else {"Global": {}}


def _spec_json(spec: ServiceSpec) -> JsonObject:
    task = spec.task
    restart: JsonObject = {
        "Condition": task.restart.condition.cli_name,
        "Delay": _ns(task.restart.delay),
        "MaxAttempts": task.restart.max_attempts,
    }
    if task.restart.window:
        restart["Window"] = _ns(task.restart.window)
    placement: JsonObject = {}
    if task.placement.constraints:
        placement["Constraints"] = list(task.placement.constraints)
    if task.placement.preferences:
        placement["Preferences"] = [
            {"Spread": {"SpreadDescriptor": p}} for p in task.placement.preferences
        ]
    if task.placement.max_replicas:
        placement["MaxReplicas"] = task.placement.max_replicas
    template: JsonObject = {
        "ContainerSpec": _container_json(spec),
        "Resources": {
            "Limits": _resources_json(task.limits),
            "Reservations": _resources_json(task.reservations),
        },
        "RestartPolicy": restart,
        "Placement": placement,
    }
    if task.networks:
        aliases = dict(task.network_aliases)
        template["Networks"] = [
            {"Target": n, "Aliases": list(aliases[n])} if aliases.get(n) else {"Target": n}
            for n in task.networks
        ]
    if task.log_driver:
        driver: JsonObject = {"Name": task.log_driver}
        if task.log_options:
            driver["Options"] = dict(sorted(task.log_options))
        template["LogDriver"] = driver
    template["ForceUpdate"] = task.force_update
    template["Runtime"] = "container"
    endpoint: JsonObject = {"Mode": spec.endpoint.mode}
    if spec.endpoint.ports:
        endpoint["Ports"] = _ports_json(spec.endpoint.ports)
    return {
        "Name": spec.name,
        "Labels": dict(spec.labels),
        "TaskTemplate": template,
        "Mode": _mode_json(spec),
        "UpdateConfig": _update_json(spec.update),
        "RollbackConfig": _update_json(spec.rollback),
        "EndpointSpec": endpoint,
    }


def service_json(service: Service) -> JsonObject:
    """The ``swarm.Service`` object ``docker service inspect`` prints (defaults inserted)."""
    endpoint: JsonObject = {"Spec": _spec_json(service.spec)["EndpointSpec"]}
    if service.published_ports:
        endpoint["Ports"] = _ports_json(service.published_ports)
    if service.virtual_ips:
        endpoint["VirtualIPs"] = [{"NetworkID": n, "Addr": a} for n, a in service.virtual_ips]
    result: JsonObject = {
        "ID": service.id,
        "Version": {"Index": max(service.last_version, service.spec_version) + 1},
        "CreatedAt": rfc3339nano(service.created_at),
        "UpdatedAt": rfc3339nano(service.updated_at),
        "Spec": _spec_json(service.spec),
    }
    if service.previous_spec is not None:
        result["PreviousSpec"] = _spec_json(service.previous_spec)
    result["Endpoint"] = endpoint
    status = service.update_status
    if status is not None:
        update: JsonObject = {
            "State": status.state.api_name,
            "StartedAt": rfc3339nano(status.started_at),
        }
        if status.completed_at is not None:
            update["CompletedAt"] = rfc3339nano(status.completed_at)
        update["Message"] = status.message
        result["UpdateStatus"] = update
    if service.job_iteration is not None and service.last_execution is not None:
        # Version.Index is omitempty: the first execution's iteration prints as {}
        iteration: JsonObject = {"Index": service.job_iteration} if service.job_iteration else {}
        result["JobStatus"] = {
            "JobIteration": iteration,
            "LastExecution": rfc3339nano(service.last_execution),
        }
    return result
