"""The stack-wide objects of a compose file: namespace labels, networks, secrets, configs.

Mirrors ``cli: cli/compose/convert/compose.go``: everything a stack creates
carries the ``com.docker.stack.namespace`` label; a network, secret or config
called ``x`` in the file is ``<stack>_x`` in the swarm unless the file gives it
a ``name``; networks that services use but nobody declared (``default`` above
all) are created as plain overlay networks; external ones are only checked;
secrets and configs read their ``file`` (relative to the first compose file).

Differences
-----------
Plans come out sorted by name (docker walks Go maps).  ``internal``,
``driver_opts`` and IPAM drivers are kept in the plan but not simulated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmsim.api.specs import ConfigSpec, SecretSpec, make_labels
from swarmsim.compose.yamlfile import ComposeError

__all__ = [
    "LABEL_IMAGE",
    "LABEL_NAMESPACE",
    "NetworkPlan",
    "convert_configs",
    "convert_networks",
    "convert_secrets",
    "object_name",
    "service_networks",
    "stack_labels",
]

LABEL_NAMESPACE = "com.docker.stack.namespace"
LABEL_IMAGE = "com.docker.stack.image"
_DEFAULT = "default"


def stack_labels(namespace: str, labels: Mapping[str, Any] | None) -> dict[str, str]:
    """``addStackLabel``: ``labels`` plus ``com.docker.stack.namespace=<stack>``."""
    result = {k: "" if v is None else str(v) for k, v in (labels or {}).items()}
    result[LABEL_NAMESPACE] = namespace
    return result


@dataclass(frozen=True)
class NetworkPlan:
    """A network the stack needs: create it (unless it exists) with these options."""

    name: str
    driver: str = "overlay"
    attachable: bool = False
    internal: bool = False
    subnet: str | None = None
    labels: dict[str, str] = field(default_factory=dict)


def service_networks(services: Mapping[str, Any]) -> set[str]:
    """``getServicesDeclaredNetworks``: the networks the services use (``default`` if none)."""
    used: set[str] = set()
    for service in services.values():
        used |= set(service.get("networks") or {_DEFAULT: None})
    return used


def convert_networks(
    namespace: str, config: Mapping[str, Any]
) -> tuple[list[NetworkPlan], list[str]]:
    """``convert.Networks``: the stack networks to create and the external ones to check.

    Both come out sorted by name (docker walks a Go map).  A network a service
    names without declaring it is planned too, as docker does.
    """
    declared = config.get("networks", {})
    plans: list[NetworkPlan] = []
    external: list[str] = []
    for internal in sorted(service_networks(config["services"])):
        network = declared.get(internal) or {}
        if network.get("external"):
            external.append(str(network["name"]))
            continue
        configs = (network.get("ipam") or {}).get("config") or []
        subnet = next((c.get("subnet") for c in configs if c.get("subnet")), None)
        plans.append(
            NetworkPlan(
                name=str(network.get("name") or f"{namespace}_{internal}"),
                driver=str(network.get("driver") or "overlay"),
                attachable=bool(network.get("attachable")),
                internal=bool(network.get("internal")),
                subnet=subnet,
                labels=stack_labels(namespace, network.get("labels")),
            )
        )
    return sorted(plans, key=lambda p: p.name), sorted(external)


Reader = Callable[[str], bytes]
"""Reads a file by absolute path (a :meth:`~swarmsim.compose.workspace.Workspace.read`)."""


def _open(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _read_file(path: str, read: Reader) -> bytes:
    try:
        return read(path)
    except FileNotFoundError:
        raise ComposeError(f"open {path}: no such file or directory") from None
    except OSError as error:
        raise ComposeError(f"open {path}: {error.strerror or error}") from None


def object_name(namespace: str, name: str, obj: Mapping[str, Any]) -> str:
    """The swarm name of a file's network/secret/config: its ``name`` or ``<stack>_<key>``."""
    return str(obj.get("name") or f"{namespace}_{name}")


def convert_secrets(
    namespace: str, config: Mapping[str, Any], read: Reader = _open
) -> list[SecretSpec]:
    """``convert.Secrets``: the non-external secrets, data read from their files, by name."""
    result = []
    for name, obj in sorted(config.get("secrets", {}).items()):
        if obj.get("external"):
            continue
        data = b"" if obj.get("driver") else _read_file(str(obj["file"]), read)
        result.append(
            SecretSpec(
                object_name(namespace, name, obj),
                data,
                make_labels(stack_labels(namespace, obj.get("labels"))),
                driver=str(obj.get("driver") or ""),
                template_driver=str(obj.get("template_driver") or ""),
            )
        )
    return result


def convert_configs(
    namespace: str, config: Mapping[str, Any], read: Reader = _open
) -> list[ConfigSpec]:
    """``convert.Configs``: the non-external configs, data read from their files, by name."""
    result = []
    for name, obj in sorted(config.get("configs", {}).items()):
        if obj.get("external"):
            continue
        result.append(
            ConfigSpec(
                object_name(namespace, name, obj),
                _read_file(str(obj["file"]), read),
                make_labels(stack_labels(namespace, obj.get("labels"))),
                template_driver=str(obj.get("template_driver") or ""),
            )
        )
    return result
