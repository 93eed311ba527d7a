"""Deploying and removing a stack: the requests ``docker stack deploy`` and ``rm`` make.

Mirrors ``cli: cli/command/stack/deploy_composefile.go`` (``deployCompose``:
prune, external networks checked, missing stack networks created, secrets then
configs created or updated, services converted and then created or updated with
a full spec that keeps the service's ``ForceUpdate``), ``deploy.go``
(``pruneServices``), ``remove.go`` (services by name, then secrets, configs,
networks, each line printed before the request) and ``common.go`` (objects
found by the ``com.docker.stack.namespace`` label).

Secrets and configs go through :mod:`swarmsim.manager.controlapi.secret` and
:mod:`swarmsim.manager.controlapi.config`; loading and converting the files is
:mod:`swarmsim.compose`.

Differences
-----------
* docker walks Go maps, so networks, secrets, configs and services are created
  in a random order; here in name order, so that transcripts are reproducible.
* As in docker, an error found while converting the services (an undefined
  network or secret, a missing external secret, an unreadable secret file)
  comes after the stack's networks (and secrets/configs) were created: they stay.
* After removing services the managers handle what is due at that instant (no
  virtual time passes), so the removed services' tasks are marked for removal
  before the stack's networks are removed, as the milliseconds between docker's
  requests allow.
* ``internal``, ``driver_opts`` and IPAM drivers of networks are not simulated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from swarmsim.api.objects import Network, Service
from swarmsim.cli.docker.network import local_networks
from swarmsim.compose.convert import convert_service
from swarmsim.compose.load import LoadedStack
from swarmsim.compose.objects import (
    LABEL_NAMESPACE,
    convert_configs,
    convert_networks,
    convert_secrets,
)
from swarmsim.compose.yamlfile import ComposeError
from swarmsim.context import Context
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.manager.controlapi import config as config_api
from swarmsim.manager.controlapi import secret as secret_api
from swarmsim.manager.controlapi.network import create_network, remove_network
from swarmsim.manager.controlapi.service import (
    create_service,
    list_services,
    remove_service,
    update_service,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker import Output
    from swarmsim.cli.docker.engine import Engine

__all__ = ["deploy_stack", "remove_stack", "stack_objects", "stack_services"]


@dataclass(frozen=True)
class _ObjectApi:
    """The control API requests a stack makes for one kind of object (secret, config)."""

    create: Callable[[Context, Any], Any]
    list: Callable[[Context, Mapping[str, Sequence[str]]], list[Any]]
    update: Callable[[Context, str, Any], Any]
    remove: Callable[[Context, str], Any]


_APIS = {
    "secret": _ObjectApi(
        secret_api.create_secret,
        secret_api.list_secrets,
        secret_api.update_secret,
        secret_api.remove_secret,
    ),
    "config": _ObjectApi(
        config_api.create_config,
        config_api.list_configs,
        config_api.update_config,
        config_api.remove_config,
    ),
}


def _label_filter(namespace: str) -> dict[str, list[str]]:
    return {"label": [f"{LABEL_NAMESPACE}={namespace}"]}


def stack_services(swarm: Engine, namespace: str) -> list[Service]:
    """The services carrying the stack's label."""
    return list_services(swarm.ctx, _label_filter(namespace))


def stack_networks(swarm: Engine, namespace: str) -> list[Network]:
    """The swarm networks carrying the stack's label, by name."""
    found = [
        n
        for n in swarm.ctx.store.networks.values()
        if dict(n.labels).get(LABEL_NAMESPACE) == namespace
    ]
    return sorted(found, key=lambda n: n.name)


def stack_objects(swarm: Engine, kind: str, namespace: str) -> list[Any]:
    """The secrets or configs carrying the stack's label, by name."""
    found = _APIS[kind].list(swarm.ctx, _label_filter(namespace))
    return sorted(found, key=lambda o: o.spec.name)


def _find_by_name(swarm: Engine, kind: str, name: str) -> Any:
    for obj in _APIS[kind].list(swarm.ctx, {"name": [name]}):
        if obj.spec.name == name:
            return obj
    return None


def _check_external(swarm: Engine, names: list[str]) -> None:
    """``validateExternalNetworks``: each must exist with swarm scope."""
    local = local_networks(swarm)
    for name in names:
        if name in ("host", "bridge", "none", "default") or name.startswith("container:"):
            continue  # not user-defined: not checked
        if any(n.name == name for n in swarm.ctx.store.networks.values()):
            continue
        if name in local:
            raise DockerCLIError(
                f'network "{name}" is declared as external, but it is not in the right '
                'scope: "local" instead of "swarm"'
            )
        raise DockerCLIError(
            f'network "{name}" is declared as external, but could not be found. You need to '
            "create a swarm-scoped network before the stack is deployed"
        )


def _create_networks(swarm: Engine, namespace: str, stack: LoadedStack, out: Output) -> None:
    plans, external = convert_networks(namespace, stack.config)
    _check_external(swarm, external)
    existing = {n.name for n in stack_networks(swarm, namespace)}
    for plan in plans:
        if plan.name in existing:
            continue
        out.line(f"Creating network {plan.name}")
        try:
            create_network(
                swarm.ctx,
                swarm.allocator,
                plan.name,
                driver=plan.driver,
                attachable=plan.attachable,
                subnet=plan.subnet,
                labels=plan.labels,
                local_names=local_networks(swarm).keys(),
            )
        except DaemonError as error:
            raise DockerCLIError(
                f"failed to create network {plan.name}: Error response from daemon: {error}"
            ) from None


def _create_objects(swarm: Engine, kind: str, specs: list[Any], out: Output) -> None:
    """``createSecrets`` / ``createConfigs``: update labels of existing ones, create the rest."""
    if not specs:
        return
    api = _APIS[kind]
    for spec in specs:
        existing = _find_by_name(swarm, kind, spec.name)
        if existing is None:
            out.line(f"Creating {kind} {spec.name}")
            try:
                api.create(swarm.ctx, spec)
            except DaemonError as error:
                raise DockerCLIError(
                    f"failed to create {kind} {spec.name}: Error response from daemon: {error}"
                ) from None
            continue
        if existing.spec.labels != spec.labels or existing.spec.data != spec.data:
            try:
                api.update(swarm.ctx, existing.id, spec)
            except DaemonError as error:
                raise DockerCLIError(
                    f"failed to update {kind} {spec.name}: Error response from daemon: {error}"
                ) from None


def _lookup(swarm: Engine, kind: str) -> Callable[[str], str | None]:
    def find(name: str) -> str | None:
        found = _find_by_name(swarm, kind, name)
        return None if found is None else str(found.id)

    return find


def _network_id(swarm: Engine) -> Callable[[str], str | None]:
    def find(name: str) -> str | None:
        for network in swarm.ctx.store.networks.values():
            if network.name == name:
                return network.id
        return None

    return find


def prune_services(swarm: Engine, namespace: str, stack: LoadedStack, out: Output) -> None:
    """``pruneServices``: remove the stack's services the files no longer name."""
    keep = {f"{namespace}_{name}" for name in stack.config["services"]}
    gone = [s for s in stack_services(swarm, namespace) if s.spec.name not in keep]
    _remove_services(swarm, gone, out)


def deploy_stack(
    swarm: Engine, namespace: str, stack: LoadedStack, out: Output, *, prune: bool = False
) -> list[str]:
    """``deployCompose``: create what is missing, update the services; their IDs in order.

    Raises
    ------
    DockerCLIError
        docker's message; what was created before the error stays (see Differences).
    """
    if prune:
        prune_services(swarm, namespace, stack, out)
    _create_networks(swarm, namespace, stack, out)
    try:
        secrets = convert_secrets(namespace, stack.config, stack.workspace.read)
        _create_objects(swarm, "secret", secrets, out)
        configs = convert_configs(namespace, stack.config, stack.workspace.read)
        _create_objects(swarm, "config", configs, out)
        specs = {
            name: convert_service(
                namespace,
                name,
                stack.config,
                stack.working_dir,
                _network_id(swarm),
                _lookup(swarm, "secret"),
                _lookup(swarm, "config"),
            )
            for name in sorted(stack.config["services"])
        }
    except ComposeError as error:
        raise DockerCLIError(str(error if error.filename else _placed(stack, error))) from None
    existing = {s.spec.name: s for s in stack_services(swarm, namespace)}
    ids = []
    for name, spec in specs.items():
        service = existing.get(spec.name)
        # docker sends an update config only when the file has one (a job may not)
        sends = "update_config" in (stack.config["services"][name].get("deploy") or {})
        try:
            if service is not None:
                out.line(f"Updating service {spec.name} (id: {service.id})")
                task = replace(spec.task, force_update=service.spec.task.force_update)
                update_service(swarm.ctx, service.id, replace(spec, task=task), update_config=sends)
                ids.append(service.id)
            else:
                out.line(f"Creating service {spec.name}")
                ids.append(create_service(swarm.ctx, spec, update_config=sends).id)
        except DaemonError as error:
            verb = "update" if service is not None else "create"
            raise DockerCLIError(
                f"failed to {verb} service {spec.name}: Error response from daemon: {error}"
            ) from None
    return ids


def _placed(stack: LoadedStack, error: ComposeError) -> ComposeError:
    return stack.error(error.message, error.path) if error.path is not None else error


def _remove_services(swarm: Engine, services: list[Service], out: Output) -> bool:
    failed = False
    for service in sorted(services, key=lambda s: s.spec.name):
        out.line(f"Removing service {service.spec.name}")
        try:
            remove_service(swarm.ctx, service.id)
        except DaemonError as error:
            failed = True
            out.stderr.append(
                f"Failed to remove service {service.id}: Error response from daemon: {error}"
            )
    swarm.ctx.sim.finish_instant()  # the removals take effect before the next step
    return failed


def remove_stack(swarm: Engine, namespace: str, out: Output) -> bool:
    """``runRemove`` for one stack; False when nothing carried its label.

    Raises
    ------
    DockerCLIError
        ``failed to remove some resources from stack: <name>``.
    """
    services = stack_services(swarm, namespace)
    networks = stack_networks(swarm, namespace)
    secrets = stack_objects(swarm, "secret", namespace)
    configs = stack_objects(swarm, "config", namespace)
    if not (services or networks or secrets or configs):
        out.error(f"Nothing found in stack: {namespace}")
        return False
    failed = _remove_services(swarm, services, out)
    for kind, objects in (("secret", secrets), ("config", configs)):
        for obj in objects:
            out.line(f"Removing {kind} {obj.spec.name}")
            try:
                _APIS[kind].remove(swarm.ctx, obj.id)
            except DaemonError as error:
                failed = True
                out.stderr.append(
                    f"Failed to remove {kind} {obj.id}: Error response from daemon: {error}"
                )
    for network in networks:
        out.line(f"Removing network {network.name}")
        try:
            remove_network(swarm.ctx, network.id)
        except DaemonError as error:
            failed = True
            out.stderr.append(
                f"Failed to remove network {network.id}: Error response from daemon: {error}"
            )
    if failed:
        raise DockerCLIError(f"failed to remove some resources from stack: {namespace}")
    return True
