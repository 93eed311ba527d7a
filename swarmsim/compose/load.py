"""Loading the compose files of ``docker stack deploy -c FILE [-c FILE...]``.

Mirrors ``cli: cli/command/stack/loader.go`` (``getConfigDetails``,
``loadComposeFile``: the warnings for ignored options, the image check) and
``cli/compose/loader/loader.go`` ``Load``: for each file in turn the version
(all files must agree), the forbidden options, interpolation, the JSON schema
and the typed reading; then the files are merged.  Every error is a
:class:`~swarmsim.compose.yamlfile.ComposeError` with docker's message and,
when the offending value is known, ``FILE:LINE:COL``.

Differences
-----------
Files are read through a :class:`~swarmsim.compose.workspace.Workspace`: relative
paths start from its folder (a scenario's folder; the process's current
directory for the shell) and a scenario's inline files come before the disk.
The environment comes from the caller (the shell's ``export`` lines, a
scenario's environment or the process environment), never from a ``.env``
file, as in docker.  With a single file docker checks the services' images in
Go map order (random); here in name order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from swarmsim.compose.interpolate import InterpolationError, interpolate
from swarmsim.compose.merge import merge_configs
from swarmsim.compose.normalize import normalize
from swarmsim.compose.schema import SchemaError, compose_version, validate
from swarmsim.compose.workspace import Workspace
from swarmsim.compose.yamlfile import ComposeError, ComposeFile, Path, parse_compose
from swarmsim.manager.controlapi.service import parse_reference

__all__ = [
    "DEPRECATED",
    "FORBIDDEN",
    "UNSUPPORTED",
    "LoadedStack",
    "check_images",
    "load_stack",
]

UNSUPPORTED = (
    "build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links",
    "ipc", "links", "mac_address", "network_mode", "pid", "privileged", "restart",
    "security_opt", "shm_size", "userns_mode",
)  # fmt: skip
"""Service keys ``docker stack deploy`` ignores with ``Ignoring unsupported options``."""

DEPRECATED = {
    "container_name": "Setting the container name is not supported.",
    "expose": "Exposing ports is unnecessary - services on the same network can access "
    "each other's containers on any port.",
}
"""Service keys ignored with ``Ignoring deprecated options`` (``cli: cli/compose/types``)."""

FORBIDDEN = {
    "extends": "Support for `extends` is not implemented yet.",
    "volume_driver": "Instead of setting the volume driver on the service, define a volume "
    "using the top-level `volumes` option and specify the driver there.",
    "volumes_from": "To share a volume between services, define it using the top-level "
    "`volumes` option and reference it from each service that shares it using the "
    "service-level `volumes` option.",
    "cpu_quota": "Set resource limits using deploy.resources",
    "cpu_shares": "Set resource limits using deploy.resources",
    "cpuset": "Set resource limits using deploy.resources",
    "mem_limit": "Set resource limits using deploy.resources",
    "memswap_limit": "Set resource limits using deploy.resources",
}
"""Service keys that make the file fail (``compose file contains unsupported options``)."""


@dataclass
class LoadedStack:
    """The merged, interpolated, normalized files and what loading them printed."""

    config: dict[str, Any]
    files: list[ComposeFile]
    working_dir: str
    warnings: list[str] = field(default_factory=list)  # stderr text, newlines included
    workspace: Workspace = field(default_factory=Workspace)  # where its files are read

    def error(self, message: str, path: Path | None = None) -> ComposeError:
        """An error placed in the last file that has ``path`` (unplaced when none has)."""
        if path is not None:
            for file in reversed(self.files):
                if file.position(path) not in (None, file.position(())):
                    return file.error(message, path)
        return ComposeError(message)


def _read(path: str, stdin: str | None, workspace: Workspace) -> ComposeFile:
    if path == "-":
        return parse_compose(stdin or "", "-")
    try:
        text = workspace.read(path).decode("utf-8", "replace")
    except FileNotFoundError:
        raise ComposeError(f"open {path}: no such file or directory") from None
    except IsADirectoryError:
        raise ComposeError(f"read {path}: is a directory") from None
    except OSError as error:
        raise ComposeError(f"open {path}: {error.strerror or error}") from None
    return parse_compose(text, path)


def _services(data: Mapping[str, Any]) -> dict[str, Any]:
    services = data.get("services")
    return services if isinstance(services, dict) else {}


def _forbidden(file: ComposeFile) -> None:
    found: dict[str, Path] = {}
    for name, service in _services(file.data).items():
        if isinstance(service, dict):
            for key in FORBIDDEN:
                if key in service:
                    found.setdefault(key, ("services", name, key))
    if found:
        lines = "\n\n".join(sorted(f"{k}: {FORBIDDEN[k]}" for k in found))
        first = sorted(found)[0]
        message = f"compose file contains unsupported options:\n\n{lines}\n"
        raise file.error(message, found[first])


def _warnings(files: Sequence[ComposeFile]) -> list[str]:
    unsupported: set[str] = set()
    deprecated: set[str] = set()
    for file in files:
        for service in _services(file.data).values():
            if isinstance(service, dict):
                unsupported |= {k for k in UNSUPPORTED if k in service}
                deprecated |= {k for k in DEPRECATED if k in service}
    result = []
    if unsupported:
        result.append(f"Ignoring unsupported options: {', '.join(sorted(unsupported))}\n\n")
    if deprecated:
        lines = "\n\n".join(sorted(f"{k}: {DEPRECATED[k]}" for k in deprecated))
        result.append(f"Ignoring deprecated options:\n\n{lines}\n\n")
    return result


def check_images(stack: LoadedStack) -> None:
    """Every service needs a valid image reference (checked after the warnings are printed).

    Raises
    ------
    ComposeError
        ``invalid image reference for service <name>: ...``.
    """
    for name, service in stack.config["services"].items():
        image = service.get("image")
        where = ("services", name, "image")
        if not image:
            raise stack.error(
                f"invalid image reference for service {name}: no image specified",
                ("services", name),
            )
        if parse_reference(str(image)) is None:
            reason = "invalid reference format"
            if parse_reference(str(image).lower()) is not None:
                reason += f": repository name ({_remainder(str(image))}) must be lowercase"
            raise stack.error(f"invalid image reference for service {name}: {reason}", where)


def _remainder(image: str) -> str:
    """The repository part ``splitDockerDomain`` leaves (``Nginx`` -> ``library/Nginx``)."""
    head, slash, rest = image.partition("/")
    if slash and (any(c in head for c in ".:") or head == "localhost"):
        return rest
    return image if slash else "library/" + image


def _load_file(
    file: ComposeFile,
    version: str,
    working_dir: str,
    env: Mapping[str, str] | None,
    workspace: Workspace,
) -> dict[str, Any]:
    own = compose_version(file.data)
    if own != version:
        raise ComposeError(f"version mismatched between two composefiles : {version} and {own}")
    _forbidden(file)
    data = file.data
    if env is not None:
        try:
            data = interpolate(data, env)
        except InterpolationError as error:
            raise file.error(str(error), error.path) from None
    try:
        validate(data, version)
    except SchemaError as error:
        raise file.error(error.message, error.path or ("version",)) from None
    try:
        return normalize(data, version, working_dir, env or {}, workspace.read)
    except ComposeError as error:
        if error.path is not None and not error.filename:
            raise file.error(error.message, error.path) from None
        raise


def load_stack(
    paths: Sequence[str],
    env: Mapping[str, str] | None,
    *,
    stdin: str | None = None,
    workspace: Workspace | None = None,
) -> LoadedStack:
    """Read, check, interpolate (unless ``env`` is None) and merge the compose files.

    Relative paths and inline files are looked up in ``workspace`` (default:
    the disk, from the current directory).

    Raises
    ------
    ComposeError
        The first problem, with docker's message; nothing has been created.
    """
    if not paths:
        raise ComposeError("specify a Compose file (with --compose-file)")
    workspace = workspace or Workspace()
    if paths[0] == "-" and len(paths) == 1:
        working_dir = workspace.path(os.curdir)
    else:
        working_dir = os.path.dirname(workspace.path(paths[0]))
    files = [_read(path, stdin, workspace) for path in paths]
    version = compose_version(files[0].data)
    configs = [_load_file(file, version, working_dir, env, workspace) for file in files]
    stack = LoadedStack(merge_configs(configs), files, working_dir, workspace=workspace)
    stack.warnings = _warnings(files)
    return stack
