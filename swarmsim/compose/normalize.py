"""The typed reading of a validated compose file: every key in one canonical shape.

Mirrors the decode hooks of ``cli: cli/compose/loader/loader.go``
(``createTransformHook``: list-or-mapping ``environment`` and ``labels``,
shell-split ``command``/``entrypoint``, short-syntax ``ports``, string-or-mapping
``secrets``/``configs``, list-or-mapping service ``networks``, ``extra_hosts``,
``healthcheck.test``, ``external``), ``resolveEnvironment`` (``env_file`` then
``environment``; a variable without a value, or with an empty one, takes the
CLI environment's value) and ``LoadNetworks`` / ``LoadSecrets`` /
``LoadConfigObjs`` (``external.name``, relative ``file`` paths).

The result is still plain dictionaries, so that several files merge key by key
(:mod:`swarmsim.compose.merge`) and ``docker stack config`` can print them.

Differences
-----------
The deprecation warnings docker logs for ``external.name`` (3.4/3.5+) are not printed.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.compose.ports import long_port, parse_port_spec
from swarmsim.compose.schema import go_sprint
from swarmsim.compose.yamlfile import ComposeError

__all__ = ["normalize"]


def _mapping(value: Any, sep: str = "=", allow_nil: bool = False) -> dict[str, str | None]:
    """``transformMappingOrList``: ``["A=1", "B"]`` or ``{A: 1, B: null}`` to a dict."""
    result: dict[str, str | None] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            result[key] = go_sprint(item) if item is not None else (None if allow_nil else "")
        return result
    for entry in value or []:
        key, found, rest = str(entry).partition(sep)
        result[key] = rest if found else (None if allow_nil else "")
    return result


def _hosts(value: Any) -> list[str]:
    """``transformHostsList``: ``host:ip`` entries (``host=ip`` too; brackets off IPv6)."""
    entries: list[str] = []
    if isinstance(value, dict):
        entries = sorted(f"{k}:{'' if v is None else go_sprint(v)}" for k, v in value.items())
    else:
        for entry in value or []:
            text = go_sprint(entry)
            for sep in ("=", ":"):
                if sep in text:
                    key, _, rest = text.partition(sep)
                    entries.append(f"{key}:{rest}")
                    break
    result = []
    for entry in entries:
        host, _, ip = entry.partition(":")
        if len(ip) > 2 and ip.startswith("[") and ip.endswith("]"):
            ip = ip[1:-1]
        result.append(f"{host}:{ip}")
    return result


def _shell(value: Any) -> list[str] | None:
    """A command as a list; a string is split as google/shlex splits it."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as error:
            escape = "escape" in str(error)
            what = "after escape character" if escape else "when expecting closing quote"
            raise ComposeError(f"EOF found {what}") from None
    return [go_sprint(v) for v in value]


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [go_sprint(v) for v in value]


def _file_refs(value: Any) -> list[dict[str, Any]]:
    return [{"source": v} if isinstance(v, str) else dict(v) for v in value or []]


Reader = Callable[[str], bytes]


def _open(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _read_env_file(path: str, read: Reader) -> list[str]:
    """``parseEnvFile``: ``KEY=VALUE`` lines; comments and blank lines skipped."""
    try:
        lines = read(path).decode("utf-8", "replace").splitlines()
    except OSError as error:
        reason = error.strerror.lower() if error.strerror else str(error)
        raise ComposeError(f"open {path}: {reason}") from None
    result = []
    for raw in lines:
        line = raw.lstrip()
        if not line or line.startswith("#"):
            continue
        result.append(line)
    return result


def _environment(
    service: Mapping[str, Any], working_dir: str, env: Mapping[str, str], read: Reader
) -> dict[str, str | None]:
    environment: dict[str, str | None] = {}

    def update(values: Mapping[str, str | None]) -> None:
        for key, value in values.items():
            if (value is None or value == "") and key in env:
                environment[key] = env[key]
            else:
                environment[key] = value

    files = _string_list(service.get("env_file"))
    if files:
        lines: list[str] = []
        for name in files:
            lines += _read_env_file(os.path.join(working_dir, name), read)
        update(_mapping(lines, allow_nil=True))
    update(_mapping(service.get("environment"), allow_nil=True))
    return environment


def _service(
    name: str, service: Mapping[str, Any], working_dir: str, env: Mapping[str, str], read: Reader
) -> dict[str, Any]:
    result = dict(service)
    if "environment" in service or "env_file" in service:
        result["environment"] = _environment(service, working_dir, env, read)
        result["env_file"] = _string_list(service.get("env_file"))
    for key in ("labels",):
        if key in service:
            result[key] = _mapping(service[key])
    for key in ("command", "entrypoint"):
        if key in service:
            try:
                result[key] = _shell(service[key])
            except ComposeError as error:
                raise error.at(("services", name, key)) from None
    for key in ("dns", "dns_search", "tmpfs"):
        if key in service:
            result[key] = _string_list(service[key])
    if "extra_hosts" in service:
        result["extra_hosts"] = _hosts(service["extra_hosts"])
    if "ports" in service:
        ports = []
        for index, entry in enumerate(service["ports"]):
            if isinstance(entry, dict):
                ports.append(long_port(entry))
                continue
            try:
                ports += parse_port_spec(go_sprint(entry))
            except ValueError as error:
                raise ComposeError(str(error)).at(("services", name, "ports", index)) from None
        result["ports"] = ports
    for key in ("secrets", "configs"):
        if key in service:
            result[key] = _file_refs(service[key])
    if "networks" in service:
        networks = service["networks"]
        if isinstance(networks, list):
            result["networks"] = {n: None for n in networks}
        else:
            result["networks"] = {
                n: (dict(v) if isinstance(v, dict) else None) for n, v in networks.items()
            }
    health = service.get("healthcheck")
    if isinstance(health, dict) and isinstance(health.get("test"), str):
        result["healthcheck"] = {**health, "test": ["CMD-SHELL", health["test"]]}
    deploy = service.get("deploy")
    if isinstance(deploy, dict) and "labels" in deploy:
        result["deploy"] = {**deploy, "labels": _mapping(deploy["labels"])}
    return result


def _external(obj: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    """``external: true`` or ``external: {name: x}``; the object's ``name`` defaults to its key."""
    external = obj.get("external")
    if not external:
        return obj
    result = dict(obj)
    if isinstance(external, dict) and external.get("name"):
        if obj.get("name"):
            raise ComposeError(
                f"{kind} {name}: {kind}.external.name and {kind}.name conflict; "
                f"only use {kind}.name"
            ).at((f"{kind}s", name, "external"))
        result["name"] = external["name"]
    elif not obj.get("name"):
        result["name"] = name
    result["external"] = True
    return result


def _file_object(obj: dict[str, Any], kind: str, name: str, working_dir: str) -> dict[str, Any]:
    result = _external(obj, kind, name)
    if result.get("external"):
        return result
    if result.get("driver"):
        if result.get("file"):
            raise ComposeError(
                f"{kind} {name}: {kind}.driver and {kind}.file conflict; only use {kind}.driver"
            ).at((f"{kind}s", name, "driver"))
        return result
    result["file"] = os.path.normpath(os.path.join(working_dir, str(result.get("file") or "")))
    return result


def normalize(
    config: Mapping[str, Any],
    version: str,
    working_dir: str,
    env: Mapping[str, str],
    read: Reader = _open,
) -> dict[str, Any]:
    """The canonical form of one interpolated, schema-valid file (``loadSections``).

    Raises
    ------
    ComposeError
        A conversion error, placed with :meth:`ComposeError.at` when a path is known.
    """
    result: dict[str, Any] = {"version": version}
    result["services"] = {
        name: _service(name, svc or {}, working_dir, env, read)
        for name, svc in (config.get("services") or {}).items()
    }
    networks = {}
    for name, net in (config.get("networks") or {}).items():
        net = dict(net or {})
        if "labels" in net:
            net["labels"] = _mapping(net["labels"])
        networks[name] = _external(net, "network", name)
    result["networks"] = networks
    volumes = {}
    for name, vol in (config.get("volumes") or {}).items():
        vol = dict(vol or {})
        if vol.get("external"):
            for key in ("driver", "driver_opts", "labels"):
                if vol.get(key):
                    raise ComposeError(
                        f'conflicting parameters "external" and "{key}" specified for volume '
                        f'"{name}"'
                    ).at(("volumes", name, key))
        volumes[name] = _external(vol, "volume", name)
    result["volumes"] = volumes
    for key, kind in (("secrets", "secret"), ("configs", "config")):
        objects = {}
        for name, obj in (config.get(key) or {}).items():
            obj = dict(obj or {})
            if "labels" in obj:
                obj["labels"] = _mapping(obj["labels"])
            objects[name] = _file_object(obj, kind, name, working_dir)
        result[key] = objects
    result.update({k: v for k, v in config.items() if k.startswith("x-")})
    return result
