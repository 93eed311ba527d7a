"""From ``docker service create`` / ``update`` flags to a :class:`~swarmsim.api.ServiceSpec`.

Mirrors ``cli: cli/command/service/opts.go`` (``ToService``, ``makeEnv``,
``ToServiceMode``, ``updateConfig``, ``ToRestartPolicy``, ``toHealthConfig``; secret and
config references from :mod:`swarmsim.cli.docker.service_refs`) for
``create``, ``cli: cli/command/service/update.go`` (``updateService`` and its
``update*`` helpers) for ``update``, and the daemon's conversion of the request
(``moby: daemon/cluster/convert/service.go``: a replicated job's defaults,
``invalid RestartCondition``,
``unrecognized update failure action``, ``unrecognized update order``,
``invalid resolution mode``), which the simulator performs here because its spec
types cannot hold unknown words.

Differences
-----------
* docker rebuilds the environment of ``--env-add`` from a Go map (random order); here
  existing variables keep their place and new ones are appended in command-line order.
* A health check built from ``--health-*`` flags stores docker's effective defaults
  (30s interval and timeout, 3 retries) for the flags not given, where docker stores 0
  and lets the engine apply the defaults.
* Network aliases and driver options of ``--network`` are accepted and dropped.
* The spec always holds an update config, so whether docker would send one is decided
  from the flags: ``create`` refuses ``--update-*``/``--rollback-*`` on a job as
  docker's ``ToService`` does, and ``update`` tells the control API whether
  ``--update-*`` flags were given (:func:`sends_update_config`), which refuses them on
  a job as swarmkit's ``validateJob`` does (a rollback config passes).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from swarmsim.api.enums import FailureAction, RestartCondition, ServiceMode, UpdateOrder
from swarmsim.api.genericresource import service_reservations
from swarmsim.api.specs import (
    ContainerSpec,
    EndpointSpec,
    HealthConfig,
    Placement,
    PortConfig,
    Resources,
    RestartPolicy,
    ServiceSpec,
    TaskSpec,
    UpdateConfig,
    make_labels,
)
from swarmsim.cli.docker.service_container import container_options, updated_container_options
from swarmsim.cli.docker.service_opts import (
    ROLLBACK_CONFIG_FLAGS,
    UPDATE_CONFIG_FLAGS,
    kv_map,
    parse_args_value,
    parse_network_flag,
    parse_placement_pref,
)
from swarmsim.cli.docker.service_refs import apply_reference_updates, references
from swarmsim.cli.flags import ParsedFlags
from swarmsim.context import Context
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi.network import get_network
from swarmsim.portspec import parse_port_flag

__all__ = ["apply_update", "build_spec", "sends_update_config"]

_HEALTH_FLAGS = ("health-cmd", "health-interval", "health-retries", "health-timeout")
_HEALTH_FLAGS_ALL = (*_HEALTH_FLAGS, "health-start-period")


def _changed(parsed: ParsedFlags, *names: str) -> bool:
    return any(name in parsed.changed for name in names)


def sends_update_config(parsed: ParsedFlags) -> bool:
    """Whether ``docker service update`` sends an update config: an ``--update-*`` flag
    was given (``cli: cli/command/service/update.go``, ``updateService``)."""
    return _changed(parsed, *UPDATE_CONFIG_FLAGS)


def _float(parsed: ParsedFlags, name: str, default: float) -> float:
    """The value of a duration/float flag, or ``default`` when it was not given."""
    value = parsed.get_float(name)
    return value if name in parsed.changed and value is not None else default


def _given_int(parsed: ParsedFlags, name: str) -> int | None:
    """The value of an integer flag, or ``None`` when it was not given (``Uint64Opt.Value``)."""
    return parsed.get_int(name) if name in parsed.changed else None


def _make_env(values: Sequence[str]) -> tuple[str, ...]:
    """``makeEnv``: a later ``K=...`` replaces an earlier one, which moves to the end."""
    env: list[str] = []
    for item in values:
        key = item.partition("=")[0]
        env = [cur for cur in env if cur == item or not cur.startswith(key + "=")]
        env.append(item)
    return tuple(env)


# ---------------------------------------------------------------- daemon-side conversions


def _failure_action(text: str) -> FailureAction:
    if text == "":
        return FailureAction.PAUSE
    if text in ("pause", "continue", "rollback"):
        return FailureAction[text.upper()]
    raise DaemonError(f"unrecognized update failure action {text}")


def _order(text: str) -> UpdateOrder:
    if text in ("", "stop-first"):
        return UpdateOrder.STOP_FIRST
    if text == "start-first":
        return UpdateOrder.START_FIRST
    raise DaemonError(f"unrecognized update order {text}")


def _restart_condition(text: str) -> RestartCondition:
    for condition in RestartCondition:
        if text == condition.cli_name:
            return condition
    if text == "":
        return RestartCondition.ANY
    raise DaemonError(f"invalid RestartCondition: {go_quote(text)}")


def _endpoint_mode(text: str) -> str:
    if text in ("", "vip", "dnsrr"):
        return text or "vip"
    raise DaemonError(f"invalid resolution mode: {go_quote(text)}")


# ------------------------------------------------------------------- shared flag groups


def _update_config(parsed: ParsedFlags, prefix: str, base: UpdateConfig) -> UpdateConfig:
    """Apply ``--<prefix>-*`` (``update`` or ``rollback``) to ``base``."""
    config = base
    if f"{prefix}-parallelism" in parsed.changed:
        config = replace(config, parallelism=parsed.get_int(f"{prefix}-parallelism") or 0)
    if f"{prefix}-delay" in parsed.changed:
        config = replace(config, delay=parsed.get_float(f"{prefix}-delay") or 0.0)
    if f"{prefix}-monitor" in parsed.changed:
        config = replace(config, monitor=parsed.get_float(f"{prefix}-monitor") or 0.0)
    if f"{prefix}-failure-action" in parsed.changed:
        action = _failure_action(parsed.get_str(f"{prefix}-failure-action") or "")
        config = replace(config, failure_action=action)
    if f"{prefix}-max-failure-ratio" in parsed.changed:
        ratio = parsed.get_float(f"{prefix}-max-failure-ratio") or 0.0
        config = replace(config, max_failure_ratio=ratio)
    if f"{prefix}-order" in parsed.changed:
        config = replace(config, order=_order(parsed.get_str(f"{prefix}-order") or ""))
    return config


def _restart(parsed: ParsedFlags, base: RestartPolicy) -> RestartPolicy:
    policy = base
    if "restart-condition" in parsed.changed:
        condition = _restart_condition(parsed.get_str("restart-condition") or "")
        policy = replace(policy, condition=condition)
    if "restart-delay" in parsed.changed:
        policy = replace(policy, delay=parsed.get_float("restart-delay") or 0.0)
    if "restart-max-attempts" in parsed.changed:
        policy = replace(policy, max_attempts=parsed.get_int("restart-max-attempts") or 0)
    if "restart-window" in parsed.changed:
        policy = replace(policy, window=parsed.get_float("restart-window") or 0.0)
    return policy


def _resources(parsed: ParsedFlags, prefix: str, base: Resources) -> Resources:
    """Apply ``--<prefix>-cpu`` / ``-memory`` (``limit`` or ``reserve``) and ``--limit-pids``."""
    if f"{prefix}-cpu" in parsed.changed:
        base = replace(base, nano_cpus=parsed.get_int(f"{prefix}-cpu") or 0)
    if f"{prefix}-memory" in parsed.changed:
        base = replace(base, memory_bytes=parsed.get_int(f"{prefix}-memory") or 0)
    if f"{prefix}-pids" in parsed.changed:  # --limit-pids only
        base = replace(base, pids=parsed.get_int(f"{prefix}-pids") or 0)
    return base


def _log_driver(parsed: ParsedFlags) -> dict[str, object]:
    """``--log-driver`` and its ``--log-opt`` (``toLogDriver``, ``updateLogDriver``): options
    count only with a driver named on the same command line."""
    name = parsed.get_str("log-driver") or ""
    if not name:
        return {}
    options = kv_map(parsed.get_list("log-opt"))
    return {"log_driver": name, "log_options": tuple(options.items())}


def _generic(parsed: ParsedFlags, base: Resources) -> Resources:
    """``--generic-resource kind=N``: discrete units reserved per task (docker's errors)."""
    terms = parsed.get_list("generic-resource")
    if not terms:
        return base
    try:
        return replace(base, generic=service_reservations(terms))
    except ValueError as error:
        raise DockerCLIError(str(error)) from None


def _update_generic(parsed: ParsedFlags, base: Resources) -> Resources:
    """``addGenericResources`` then ``removeGenericResources``: by kind, a removal of a kind
    the service does not reserve refused."""
    if not _changed(parsed, "generic-resource-add", "generic-resource-rm"):
        return base
    by_kind = dict(base.generic)
    try:
        by_kind.update(service_reservations(parsed.get_list("generic-resource-add")))
    except ValueError as error:
        raise DockerCLIError(str(error)) from None
    for kind in parsed.get_list("generic-resource-rm"):
        if kind not in by_kind:
            raise DockerCLIError(f"could not find generic-resource `{kind}` to remove it")
        del by_kind[kind]
    return replace(base, generic=tuple(sorted(by_kind.items())))


def _health(parsed: ParsedFlags, base: HealthConfig) -> HealthConfig:
    health = base
    if "health-interval" in parsed.changed:
        health = replace(health, interval=parsed.get_float("health-interval") or 0.0)
    if "health-timeout" in parsed.changed:
        health = replace(health, timeout=parsed.get_float("health-timeout") or 0.0)
    if "health-start-period" in parsed.changed:
        health = replace(health, start_period=parsed.get_float("health-start-period") or 0.0)
    if "health-retries" in parsed.changed:
        health = replace(health, retries=parsed.get_int("health-retries") or 0)
    if "health-cmd" in parsed.changed:
        cmd = parsed.get_str("health-cmd") or ""
        health = replace(health, test=("CMD-SHELL", cmd) if cmd else ())
    return health


_HEALTH_CONFLICT = "--no-healthcheck conflicts with --health-* options"


def _create_health(parsed: ParsedFlags) -> HealthConfig | None:
    """``toHealthConfig``."""
    durations = (
        "health-interval",
        "health-timeout",
        "health-start-period",
        "health-start-interval",
    )
    have = (
        bool(parsed.get_str("health-cmd"))
        or _changed(parsed, *durations)
        or bool(parsed.get_int("health-retries"))
    )
    if parsed.get_bool("no-healthcheck"):
        if have:
            raise DockerCLIError(_HEALTH_CONFLICT, 1)
        return HealthConfig(test=("NONE",))
    if not have:
        return None
    # the start interval is set on create only: updateHealthcheck leaves it alone
    start_interval = parsed.get_float("health-start-interval") or 0.0
    return replace(_health(parsed, HealthConfig()), start_interval=start_interval)


def _network_ids(ctx: Context, values: Iterable[str]) -> list[str]:
    return [get_network(ctx, parse_network_flag(value)).id for value in values]


def _ports(values: Iterable[str]) -> list[PortConfig]:
    return [port for value in values for port in parse_port_flag(value)]


# ---------------------------------------------------------------------------- create

# ToServiceMode: each mode, and the flags it refuses, in the order docker checks them
_MODES: dict[str, tuple[ServiceMode, tuple[str, ...]]] = {
    "global": (ServiceMode.GLOBAL, ("replicas", "replicas-max-per-node", "max-concurrent")),
    "replicated": (ServiceMode.REPLICATED, ("max-concurrent",)),
    "replicated-job": (ServiceMode.REPLICATED_JOB, ()),
    "global-job": (ServiceMode.GLOBAL_JOB, ("replicas-max-per-node", "max-concurrent", "replicas")),
}
_MODE_ONLY = {
    "replicas": "replicas can only be used with replicated or replicated-job mode",
    "replicas-max-per-node": (
        "replicas-max-per-node can only be used with replicated or replicated-job mode"
    ),
    "max-concurrent": "max-concurrent can only be used with replicated-job mode",
}


def _service_mode(parsed: ParsedFlags) -> tuple[ServiceMode, int, int]:
    """``ToServiceMode`` and the daemon's defaults: the mode, replicas and MaxConcurrent.

    ``--replicas-max-per-node 0`` counts as not given, the other two flags as given.
    A replicated job's replicas are its TotalCompletions: the daemon makes a missing
    MaxConcurrent 1 and a missing TotalCompletions MaxConcurrent
    (``moby: daemon/cluster/convert/service.go``), and ``--max-concurrent`` defaults
    to ``--replicas`` on the CLI side.  MaxConcurrent is 0 for the other modes.
    """
    mode_name = parsed.get_str("mode") or ""
    if mode_name not in _MODES:
        raise DockerCLIError(f"Unknown mode: {mode_name}, only replicated and global supported")
    mode, refused = _MODES[mode_name]
    for name in refused:
        given = name in parsed.changed
        if name == "replicas-max-per-node":
            given = (parsed.get_int(name) or 0) > 0
        if given:
            raise DockerCLIError(_MODE_ONLY[name])
    replicas = _given_int(parsed, "replicas")
    if mode != ServiceMode.REPLICATED_JOB:
        return mode, 1 if replicas is None else replicas, 0
    concurrent = _given_int(parsed, "max-concurrent")
    if concurrent is None:
        concurrent = 1 if replicas is None else replicas
    return mode, concurrent if replicas is None else replicas, concurrent


def build_spec(
    ctx: Context,
    parsed: ParsedFlags,
    image: str,
    args: Sequence[str],
    env_files: Sequence[str] = (),
) -> ServiceSpec:
    """The spec ``docker service create`` sends (``ToService`` + the daemon's conversion).

    ``env_files`` are the variables of the ``--env-file`` files, which ``--env`` follows.

    Raises
    ------
    DockerCLIError
        CLI-side errors (mode, health check conflicts, an update or rollback config
        for a job).
    DaemonError
        Unknown networks and words the daemon does not recognise.
    """
    env = _make_env([*env_files, *parsed.get_list("env")])
    health = _create_health(parsed)
    mode, replicas, max_concurrent = _service_mode(parsed)
    if mode.is_job and _changed(parsed, *UPDATE_CONFIG_FLAGS, *ROLLBACK_CONFIG_FLAGS):
        raise DockerCLIError("update and rollback configuration is not supported for jobs")
    networks = sorted(_network_ids(ctx, parsed.get_list("network")))
    restart = _restart(parsed, RestartPolicy())
    update = _update_config(parsed, "update", UpdateConfig())
    rollback = _update_config(parsed, "rollback", UpdateConfig())
    endpoint_mode = _endpoint_mode((parsed.get_str("endpoint-mode") or "").lower())
    secrets, configs = references(ctx, parsed)
    container = ContainerSpec(
        image=image,
        args=tuple(args),
        env=env,
        labels=make_labels(kv_map(parsed.get_list("container-label"))),
        healthcheck=health,
        stop_grace_period=_float(parsed, "stop-grace-period", 10.0),
        init=parsed.get_bool("init"),
        secrets=secrets,
        configs=configs,
        **container_options(parsed),  # type: ignore[arg-type]
    )
    task = TaskSpec(
        container,
        reservations=_generic(parsed, _resources(parsed, "reserve", Resources())),
        limits=_resources(parsed, "limit", Resources()),
        restart=restart,
        placement=Placement(
            constraints=tuple(parsed.get_list("constraint")),
            preferences=tuple(parse_placement_pref(v) for v in parsed.get_list("placement-pref")),
            max_replicas=parsed.get_int("replicas-max-per-node") or 0,
        ),
        networks=tuple(networks),
        **_log_driver(parsed),  # type: ignore[arg-type]
    )
    return ServiceSpec(
        name=parsed.get_str("name") or "",
        task=task,
        mode=mode,
        replicas=replicas,
        max_concurrent=max_concurrent,
        labels=make_labels(kv_map(parsed.get_list("label"))),
        update=update,
        rollback=rollback,
        endpoint=EndpointSpec(endpoint_mode, tuple(_ports(parsed.get_list("publish")))),
    )


# ---------------------------------------------------------------------------- update


def _update_labels(
    parsed: ParsedFlags, prefix: str, labels: Iterable[tuple[str, str]]
) -> dict[str, str]:
    result = dict(labels)
    for key in parsed.get_list(f"{prefix}-rm"):
        result.pop(key, None)
    result.update(kv_map(parsed.get_list(f"{prefix}-add")))
    return result


def _update_env(parsed: ParsedFlags, env: Sequence[str]) -> tuple[str, ...]:
    removed = set(parsed.get_list("env-rm"))
    by_key = {item.partition("=")[0]: item for item in env if item.partition("=")[0] not in removed}
    for item in parsed.get_list("env-add"):
        by_key[item.partition("=")[0]] = item
    return tuple(by_key.values())


def _port_key(port: PortConfig) -> str:
    """``portConfigToString``: ``published:target/protocol/mode``."""
    return f"{port.published_port}:{port.target_port}/{port.protocol}/{port.publish_mode.api_name}"


def _update_ports(parsed: ParsedFlags, ports: Sequence[PortConfig]) -> tuple[PortConfig, ...]:
    """``updatePorts``: drop ``--publish-rm`` targets, add new ``--publish-add`` ports."""
    existing: dict[str, PortConfig] = {}
    for port in ports:
        existing.setdefault(_port_key(port), port)
    removals = _ports(parsed.get_list("publish-rm"))
    kept = [
        port
        for port in existing.values()
        if not any(
            (p.protocol, p.target_port, p.publish_mode)
            == (port.protocol, port.target_port, port.publish_mode)
            for p in removals
        )
    ]
    kept += [p for p in _ports(parsed.get_list("publish-add")) if _port_key(p) not in existing]
    return tuple(sorted(kept, key=_port_key))


def _update_networks(ctx: Context, parsed: ParsedFlags, networks: Sequence[str]) -> tuple[str, ...]:
    removed = set(_network_ids(ctx, parsed.get_list("network-rm")))
    result = [n for n in networks if n not in removed]
    for value in parsed.get_list("network-add"):
        network_id = _network_ids(ctx, [value])[0]
        if network_id in result:
            raise DockerCLIError(f"service is already attached to network {value}")
        result.append(network_id)
    return tuple(sorted(result))


def _update_health(parsed: ParsedFlags, health: HealthConfig | None) -> HealthConfig | None:
    """``updateHealthcheck``."""
    if not _changed(parsed, "no-healthcheck", *_HEALTH_FLAGS_ALL):
        return health
    if parsed.get_bool("no-healthcheck"):
        if _changed(parsed, *_HEALTH_FLAGS_ALL):
            raise DockerCLIError(_HEALTH_CONFLICT, 1)
        return HealthConfig(test=("NONE",))
    base = health or HealthConfig()
    if base.disabled:
        base = replace(base, test=())
    return _health(parsed, base)


def _update_placement(parsed: ParsedFlags, placement: Placement) -> Placement:
    if _changed(parsed, "constraint-add", "constraint-rm"):
        removed = set(parsed.get_list("constraint-rm"))
        constraints = [*placement.constraints, *parsed.get_list("constraint-add")]
        placement = replace(
            placement, constraints=tuple(sorted(c for c in constraints if c not in removed))
        )
    if _changed(parsed, "placement-pref-add", "placement-pref-rm"):
        removed = {parse_placement_pref(v) for v in parsed.get_list("placement-pref-rm")}
        prefs = [p for p in placement.preferences if p not in removed]
        prefs += [parse_placement_pref(v) for v in parsed.get_list("placement-pref-add")]
        placement = replace(placement, preferences=tuple(prefs))
    if "replicas-max-per-node" in parsed.changed:
        placement = replace(placement, max_replicas=parsed.get_int("replicas-max-per-node") or 0)
    return placement


def apply_update(ctx: Context, parsed: ParsedFlags, spec: ServiceSpec) -> ServiceSpec:
    """The spec ``docker service update`` sends: ``spec`` with the flags applied.

    ``--max-concurrent`` is accepted and ignored, as docker's ``updateService`` never
    reads it; ``--replicas`` changes replicated services only.

    Raises
    ------
    DockerCLIError
        ``replicas can only be used with replicated mode`` (a job too), health check
        conflicts, ``service is already attached to network <net>``.
    DaemonError
        Unknown networks, words the daemon does not recognise.
    """
    task, container = spec.task, spec.task.container
    changes: dict[str, object] = {}
    if "image" in parsed.changed:
        changes["image"] = parsed.get_str("image") or ""
    if "args" in parsed.changed:
        changes["args"] = parse_args_value(parsed.get_str("args") or "")
    if _changed(parsed, "env-add", "env-rm"):
        changes["env"] = _update_env(parsed, container.env)
    if _changed(parsed, "container-label-add", "container-label-rm"):
        changes["labels"] = make_labels(_update_labels(parsed, "container-label", container.labels))
    if "init" in parsed.changed:
        changes["init"] = parsed.get_bool("init")
    if "stop-grace-period" in parsed.changed:
        changes["stop_grace_period"] = parsed.get_float("stop-grace-period") or 0.0
    changes["healthcheck"] = _update_health(parsed, container.healthcheck)
    changes.update(updated_container_options(parsed, container))
    container = apply_reference_updates(ctx, parsed, container)
    task = replace(
        task,
        container=replace(container, **changes),  # type: ignore[arg-type]
        limits=_resources(parsed, "limit", task.limits),
        reservations=_update_generic(parsed, _resources(parsed, "reserve", task.reservations)),
        restart=_restart(parsed, task.restart),
        placement=_update_placement(parsed, task.placement),
        force_update=task.force_update + (1 if parsed.get_bool("force") else 0),
        **_log_driver(parsed),  # type: ignore[arg-type]
    )
    if _changed(parsed, "network-add", "network-rm"):
        task = replace(task, networks=_update_networks(ctx, parsed, task.networks))
    replicas = spec.replicas
    if "replicas" in parsed.changed:
        if spec.mode != ServiceMode.REPLICATED:
            raise DockerCLIError("replicas can only be used with replicated mode")
        replicas = parsed.get_int("replicas") or 0
    endpoint = spec.endpoint
    if "endpoint-mode" in parsed.changed:
        endpoint = replace(endpoint, mode=_endpoint_mode(parsed.get_str("endpoint-mode") or ""))
    if _changed(parsed, "publish-add", "publish-rm"):
        endpoint = replace(endpoint, ports=_update_ports(parsed, endpoint.ports))
    labels = spec.labels
    if _changed(parsed, "label-add", "label-rm"):
        labels = make_labels(_update_labels(parsed, "label", spec.labels))
    update = _update_config(parsed, "update", spec.update)
    rollback = _update_config(parsed, "rollback", spec.rollback)
    return replace(
        spec,
        task=task,
        replicas=replicas,
        labels=labels,
        update=update,
        rollback=rollback,
        endpoint=endpoint,
    )
