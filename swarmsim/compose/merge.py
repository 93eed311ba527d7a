"""Several ``-c`` files merged into one, as ``docker stack deploy`` merges them.

Mirrors ``cli: cli/compose/loader/merge.go``: a service present in both files is
merged field by field (``mergo.Merge`` with ``WithOverride`` and
``WithAppendSlice``): a later non-empty value replaces an earlier one, mappings
merge key by key, lists are appended, except ``command`` and ``entrypoint``
(replaced), ``ports`` (merged by published port), ``secrets`` and ``configs``
(merged by source, sorted), ``volumes`` (merged by target) and a service
network's aliases (replaced).  Top-level ``networks``, ``volumes``, ``secrets``
and ``configs`` are replaced entry by entry.

Differences
-----------
Values are merged in their normalized dictionary form rather than as Go
structs; an explicit ``0`` or ``false`` in a later file does override, where
mergo skips zero values of non-pointer fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from swarmsim.api.specs import PortConfig

__all__ = ["merge_configs"]


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, dict)) and not value)


def _by(key: Callable[[Any], Any], sort: Callable[[Any], Any] | None = None) -> Any:
    def merge(base: list[Any], override: list[Any]) -> list[Any]:
        table = {key(item): item for item in base}
        table.update({key(item): item for item in override})
        items = list(table.values())
        return sorted(items, key=sort) if sort else items

    return merge


def _port_merge(base: list[PortConfig], override: list[PortConfig]) -> list[PortConfig]:
    table = {p.published_port: p for p in base}
    table.update({p.published_port: p for p in override})
    return sorted(table.values(), key=lambda p: p.published_port)


def _networks(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for name, value in override.items():
        if name in result and result[name] is not None and value is not None:
            result[name] = {**result[name], "aliases": value.get("aliases")}
        elif name not in result or value is not None:
            result[name] = value
    return result


_SPECIAL: dict[str, Callable[[Any, Any], Any]] = {
    "command": lambda base, override: override if override else base,
    "entrypoint": lambda base, override: override if override else base,
    "ports": _port_merge,
    "secrets": _by(lambda s: s.get("source"), lambda s: str(s.get("source"))),
    "configs": _by(lambda s: s.get("source"), lambda s: str(s.get("source"))),
    "volumes": _by(
        lambda v: v.get("target") if isinstance(v, dict) else str(v).split(":")[-1],
        lambda v: str(v.get("target") if isinstance(v, dict) else v),
    ),
    "networks": _networks,
}


def _deep(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        result = dict(base)
        for key, value in override.items():
            if key in result:
                result[key] = _deep(result[key], value)
            elif not _empty(value):
                result[key] = value
        return result
    if isinstance(base, list) and isinstance(override, list):
        return base + override
    return base if _empty(override) else override


def _merge_service(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if key not in result:
            result[key] = value
        elif key in _SPECIAL and value is not None and result[key] is not None:
            result[key] = _SPECIAL[key](result[key], value)
        else:
            result[key] = _deep(result[key], value)
    return result


def merge_configs(configs: list[dict[str, Any]]) -> dict[str, Any]:
    """Merge normalized files in order; services come out sorted by name.

    Examples
    --------
    >>> a = {"services": {"web": {"image": "a", "environment": {"X": "1"}}}}
    >>> b = {"services": {"web": {"image": "b", "environment": {"Y": "2"}}}}
    >>> merge_configs([a, b])["services"]["web"]
    {'image': 'b', 'environment': {'X': '1', 'Y': '2'}}
    """
    base = dict(configs[0])
    for override in configs[1:]:
        services = dict(base.get("services", {}))
        for name, service in override.get("services", {}).items():
            services[name] = (
                _merge_service(services[name], service) if name in services else service
            )
        base["services"] = services
        for key in ("volumes", "networks", "secrets", "configs"):
            base[key] = {**base.get(key, {}), **override.get(key, {})}
    base["services"] = dict(sorted(base.get("services", {}).items()))
    return base
