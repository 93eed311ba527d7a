"""A compose service turned into a swarm service spec.

Mirrors ``cli: cli/compose/convert/service.go`` (``Service``: names ``<stack>_<name>``,
the ``com.docker.stack.image`` label, entrypoint as ``Command`` and command as
``Args``, environment sorted, health check, restart policy including the
legacy ``restart:`` string, the deploy mode (``convertDeployMode``, jobs included),
resources, placement, update and rollback configs
with parallelism 1 by default, endpoint mode lower-cased, ports sorted,
networks sorted by target with the service's name as an alias, secret and
config references sorted by name with target = source, uid/gid ``0``, mode
``0444``) and ``cli/compose/convert/volume.go`` (mounts).

Differences
-----------
* Networks are given to the spec by ID (the daemon resolves names the same way).
* Unset durations and counts take the values the daemon or the engine would
  use (update monitor 5s, health interval/timeout 30s, retries 3, restart delay
  5s, stop grace period 10s) instead of staying empty, so ``service inspect``
  shows them; an absent ``update_config`` / ``rollback_config`` is swarmkit's
  default config, as inspect shows it (the daemon inserts the defaults).
* The spec always holds an update config; whether the file gave one, which the
  daemon refuses for a ``replicated-job`` or ``global-job`` service (``Jobs may not
  have an update config``), is passed to the control API by ``docker stack deploy``
  (:mod:`swarmsim.cli.docker.stack_deploy`).
* ``logging``, ``ulimits``, ``sysctls``, ``cap_add``/``cap_drop``, ``tty``,
  ``stdin_open``, ``isolation``, ``credential_spec``, ``oom_score_adj``, ``tmpfs``,
  generic resources and pids limits are accepted and dropped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.api.enums import FailureAction, RestartCondition, ServiceMode, UpdateOrder
from swarmsim.api.specs import (
    ConfigReference,
    ContainerSpec,
    EndpointSpec,
    FileTarget,
    HealthConfig,
    Mount,
    Placement,
    Resources,
    RestartPolicy,
    SecretReference,
    ServiceSpec,
    TaskSpec,
    UpdateConfig,
    make_labels,
)
from swarmsim.compose.objects import LABEL_IMAGE, object_name, stack_labels
from swarmsim.compose.ports import sort_ports
from swarmsim.compose.yamlfile import ComposeError
from swarmsim.golang import go_quote
from swarmsim.units import parse_bytes, parse_duration, parse_nanocpus

__all__ = ["Lookup", "convert_service"]

_DEFAULT = "default"


class _Located(ValueError):
    """A conversion error that knows which key of the service it is about."""

    def __init__(self, message: str, *path: str | int) -> None:
        super().__init__(message)
        self.path = path


Lookup = Callable[[str], str | None]  # object name -> id (None when missing)


def _duration(value: Any, default: float) -> float:
    return default if value is None else parse_duration(str(value))


def _file_targets(
    namespace: str, kind: str, refs: list[dict[str, Any]], declared: Mapping[str, Any]
) -> list[tuple[str, FileTarget]]:
    """``convertFileObject`` for each reference: (object name, file target)."""
    result = []
    for ref in refs:
        source = str(ref.get("source", ""))
        if source not in declared:
            raise _Located(f"undefined {kind} {go_quote(source)}", f"{kind}s")
        mode = ref.get("mode")
        target = FileTarget(
            str(ref.get("target") or source),
            str(ref.get("uid") or "0"),
            str(ref.get("gid") or "0"),
            0o444 if mode is None else int(mode),
        )
        result.append((object_name(namespace, source, declared[source]), target))
    return result


def _resolve(
    kind: str, refs: list[tuple[str, FileTarget]], lookup: Lookup
) -> list[tuple[str, str, FileTarget]]:
    """``ParseSecrets`` / ``ParseConfigs``: unique targets, every object must exist."""
    seen: dict[str, tuple[str, FileTarget]] = {}
    for name, target in refs:
        if target.name in seen:
            raise ValueError(f"duplicate {kind} target for {name} not allowed")
        seen[target.name] = (name, target)
    result = []
    for name, target in seen.values():
        object_id = lookup(name)
        if object_id is None:
            raise _Located(f"{kind} not found: {name}", f"{kind}s")
        result.append((object_id, name, target))
    return sorted(result, key=lambda r: r[1])


_MODES = {
    "replicated": ServiceMode.REPLICATED,
    "global": ServiceMode.GLOBAL,
    "replicated-job": ServiceMode.REPLICATED_JOB,
    "global-job": ServiceMode.GLOBAL_JOB,
}


def _mode(deploy: Mapping[str, Any]) -> tuple[ServiceMode, int, int]:
    """``convertDeployMode`` and the daemon's defaults: mode, replicas, MaxConcurrent.

    A replicated job runs ``deploy.replicas`` tasks in all, as many at once; without
    it the daemon makes both 1 (``moby: daemon/cluster/convert/service.go``).
    """
    name = str(deploy.get("mode") or "replicated")
    replicas = deploy.get("replicas")
    if name in ("global", "global-job") and replicas is not None:
        raise ValueError("replicas can only be used with replicated or replicated-job mode")
    if name not in _MODES:
        raise ValueError(f"Unknown mode: {name}")
    count = 1 if replicas is None else int(replicas)
    mode = _MODES[name]
    return mode, count, count if mode == ServiceMode.REPLICATED_JOB else 0


def _restart(service: Mapping[str, Any]) -> RestartPolicy:
    policy = (service.get("deploy") or {}).get("restart_policy")
    if policy is not None:
        condition = str(policy.get("condition") or "any")
        conditions = {c.cli_name: c for c in RestartCondition}
        if condition not in conditions:
            raise ValueError(f"invalid RestartCondition: {go_quote(condition)}")
        return RestartPolicy(
            conditions[condition],
            _duration(policy.get("delay"), 5.0),
            int(policy.get("max_attempts") or 0),
            _duration(policy.get("window"), 0.0),
        )
    legacy = str(service.get("restart") or "")
    name, _, count = legacy.partition(":")
    if name in ("", "no"):
        return RestartPolicy()
    attempts = int(count) if count.isdigit() else 0
    if name in ("always", "unless-stopped"):
        return RestartPolicy(RestartCondition.ANY, max_attempts=attempts)
    if name == "on-failure":
        return RestartPolicy(RestartCondition.ON_FAILURE, max_attempts=attempts)
    raise ValueError(
        f"invalid restart policy: unknown policy '{name}' (must be one of 'no', 'always', "
        "'on-failure', or 'unless-stopped')"
    )


def _update(config: Mapping[str, Any] | None) -> UpdateConfig:
    if config is None:
        return UpdateConfig()
    actions = {a.api_name: a for a in FailureAction}
    action = str(config.get("failure_action") or "pause")
    if action not in actions:
        raise ValueError(f"unrecognized update failure action {action}")
    orders = {"stop-first": UpdateOrder.STOP_FIRST, "start-first": UpdateOrder.START_FIRST}
    parallelism = config.get("parallelism")
    return UpdateConfig(
        parallelism=1 if parallelism is None else int(parallelism),
        delay=_duration(config.get("delay"), 0.0),
        failure_action=actions[action],
        monitor=_duration(config.get("monitor"), 0.0) or 5.0,
        max_failure_ratio=float(config.get("max_failure_ratio") or 0.0),
        order=orders[str(config.get("order") or "stop-first")],
    )


def _resources(spec: Mapping[str, Any] | None) -> Resources:
    if not spec:
        return Resources()
    cpus = spec.get("cpus")
    memory = spec.get("memory")
    try:
        nano = parse_nanocpus(str(cpus)) if cpus not in (None, "") else 0
    except ValueError as error:
        raise ValueError(str(error)) from None
    size = memory if isinstance(memory, int) else (parse_bytes(str(memory)) if memory else 0)
    return Resources(nano, size)


def _health(spec: Mapping[str, Any] | None) -> HealthConfig | None:
    if spec is None:
        return None
    if spec.get("disable"):
        if spec.get("test"):
            raise ValueError("test and disable can't be set at the same time")
        return HealthConfig(("NONE",))
    retries = spec.get("retries")
    return HealthConfig(
        tuple(str(t) for t in spec.get("test") or ()),
        _duration(spec.get("interval"), 0.0),
        _duration(spec.get("timeout"), 0.0),
        0 if retries is None else int(retries),
        _duration(spec.get("start_period"), 0.0),
    )


def _mounts(
    namespace: str, service: Mapping[str, Any], volumes: Mapping[str, Any], working_dir: str
) -> tuple[Mount, ...]:
    """``convert.Volumes``: named volumes scoped to the stack, bind sources made absolute."""
    mounts = []
    for entry in service.get("volumes") or ():
        if isinstance(entry, dict):
            kind, source = str(entry.get("type", "volume")), str(entry.get("source") or "")
            target, read_only = str(entry.get("target", "")), bool(entry.get("read_only"))
        else:
            parts = str(entry).split(":")
            source, target = ("", parts[0]) if len(parts) == 1 else (parts[0], parts[1])
            read_only = len(parts) > 2 and "ro" in parts[2].split(",")
            bind = source.startswith(("/", ".", "~"))
            kind = "bind" if bind else "volume"
        if kind == "bind" and not os.path.isabs(source):
            source = os.path.normpath(os.path.join(working_dir, source))
        if kind == "volume" and source:
            if source not in volumes:
                raise _Located(f"undefined volume {go_quote(source)}", "volumes")
            declared = volumes[source] or {}
            if declared.get("external"):
                source = str(declared.get("name") or source)
            else:
                source = str(declared.get("name") or f"{namespace}_{source}")
        mounts.append(Mount(target, source, kind, read_only))
    return tuple(mounts)


def convert_service(
    namespace: str,
    name: str,
    config: Mapping[str, Any],
    working_dir: str,
    network_id: Lookup,
    secret_id: Lookup,
    config_id: Lookup,
) -> ServiceSpec:
    """``convert.Service`` of service ``name``; object names are resolved with the lookups.

    Raises
    ------
    ComposeError
        ``service <name>: <reason>`` (an undefined network, secret or config, a
        missing secret, replicas on a global service, ...).
    """
    try:
        return _service(namespace, name, config, working_dir, network_id, secret_id, config_id)
    except ValueError as error:
        where = ("services", name, *getattr(error, "path", ()))
        raise ComposeError(f"service {name}: {error}").at(where) from None


def _service(
    namespace: str,
    name: str,
    config: Mapping[str, Any],
    working_dir: str,
    network_id: Lookup,
    secret_id: Lookup,
    config_id: Lookup,
) -> ServiceSpec:
    service = config["services"][name]
    deploy = service.get("deploy") or {}
    declared_networks = config.get("networks", {})
    secrets = _resolve(
        "secret",
        _file_targets(namespace, "secret", service.get("secrets") or [], config.get("secrets", {})),
        secret_id,
    )
    configs = _resolve(
        "config",
        _file_targets(namespace, "config", service.get("configs") or [], config.get("configs", {})),
        config_id,
    )
    mode, replicas, max_concurrent = _mode(deploy)
    attachments: list[tuple[str, tuple[str, ...]]] = []
    for network, options in (service.get("networks") or {_DEFAULT: None}).items():
        if network not in declared_networks and network != _DEFAULT:
            raise _Located(f"undefined network {go_quote(network)}", "networks", network)
        declared = declared_networks.get(network) or {}
        target = str(declared.get("name") or f"{namespace}_{network}")
        aliases = tuple(str(a) for a in (options or {}).get("aliases") or ())
        attachments.append((target, (*aliases, name)))
    attachments.sort()
    ids = []
    for target, _ in attachments:
        found = network_id(target)
        if found is None:
            raise ValueError(f"network {target} not found")
        ids.append(found)
    environment = service.get("environment") or {}
    placement = deploy.get("placement") or {}
    resources = deploy.get("resources") or {}
    container = ContainerSpec(
        image=str(service["image"]),
        args=tuple(service.get("command") or ()),
        env=tuple(sorted(k if v is None else f"{k}={v}" for k, v in environment.items())),
        labels=make_labels(stack_labels(namespace, service.get("labels"))),
        healthcheck=_health(service.get("healthcheck")),
        stop_grace_period=_duration(service.get("stop_grace_period"), 10.0),
        init=bool(service.get("init")),
        secrets=tuple(SecretReference(i, n, t) for i, n, t in secrets),
        configs=tuple(ConfigReference(i, n, t) for i, n, t in configs),
        command=tuple(service.get("entrypoint") or ()),
        hostname=str(service.get("hostname") or ""),
        dir=str(service.get("working_dir") or ""),
        user=str(service.get("user") or ""),
        hosts=tuple(
            f"{h.partition(':')[2]} {h.partition(':')[0]}" for h in service.get("extra_hosts") or ()
        ),
        dns_nameservers=tuple(service.get("dns") or ()),
        dns_search=tuple(service.get("dns_search") or ()),
        mounts=_mounts(namespace, service, config.get("volumes", {}), working_dir),
        stop_signal=str(service.get("stop_signal") or ""),
        read_only=bool(service.get("read_only")),
    )
    task = TaskSpec(
        container,
        reservations=_resources(resources.get("reservations")),
        limits=_resources(resources.get("limits")),
        restart=_restart(service),
        placement=Placement(
            tuple(str(c) for c in placement.get("constraints") or ()),
            tuple(str(p.get("spread", "")) for p in placement.get("preferences") or ()),
            int(placement.get("max_replicas_per_node") or 0),
        ),
        networks=tuple(ids),
        network_aliases=tuple(zip(ids, (a for _, a in attachments), strict=True)),
    )
    labels = stack_labels(namespace, deploy.get("labels"))
    labels[LABEL_IMAGE] = str(service["image"])
    return ServiceSpec(
        name=f"{namespace}_{name}",
        task=task,
        mode=mode,
        replicas=replicas,
        max_concurrent=max_concurrent,
        labels=make_labels(labels),
        update=_update(deploy.get("update_config")),
        rollback=_update(deploy.get("rollback_config")),
        endpoint=EndpointSpec(
            str(deploy.get("endpoint_mode") or "vip").lower(),
            sort_ports(service.get("ports") or ()),
        ),
    )
