"""``--mount``: docker's mount syntax, the daemon's check of it, and ``--mount-add/-rm``.

Mirrors ``cli: opts/mount.go`` (``MountOpt.Set``: one CSV record of
``key=value`` fields, ``type`` volume by default, ``readonly``/``ro``,
``volume-nocopy`` and ``bind-nonrecursive`` alone, docker's error texts),
``moby: daemon/cluster/convert/container.go`` (``containerToGRPC``: the mount
types and bind propagations swarmkit knows, ``invalid MountType: "image"``
otherwise; a bind's ``BindOptions`` kept only with a propagation or
``NonRecursive``; consistency and the recursive read-only options are not
carried) and ``cli: cli/command/service/update.go`` (``updateMounts``).

Differences
-----------
A relative source starting with ``.`` is made absolute against ``/``, the
simulated CLI's working directory.  Nothing checks that a bind source exists
on a node: the simulator has no file systems.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from swarmsim.api.specs import BindOptions, Mount, TmpfsOptions, VolumeOptions
from swarmsim.csvrecord import read_csv_record
from swarmsim.errors import DaemonError
from swarmsim.golang import go_parse_bool, go_quote
from swarmsim.units import parse_bytes

__all__ = ["check_mounts", "parse_mount", "update_mounts"]

_TYPES = frozenset({"bind", "volume", "tmpfs", "npipe", "cluster"})  # swarmkit's Mount_MountType
_PROPAGATIONS = frozenset({"rprivate", "private", "rshared", "shared", "rslave", "slave"})
_RECURSIVE = ("enabled", "disabled", "writable", "readonly")
_OCTAL = re.compile("[0-7]+")


def _bool(key: str, value: str) -> bool:
    try:
        return go_parse_bool(value)
    except ValueError:
        raise ValueError(f"invalid value for {key}: {value}") from None


def _absolute(source: str) -> str:
    """``filepath.Abs`` of a source starting with ``.``, against the CLI's ``/``."""
    if source.startswith("/") or not source.startswith("."):
        return source
    return posixpath.normpath(posixpath.join("/", source))


def parse_mount(value: str) -> Mount:
    """One ``--mount`` value as ``MountOpt.Set`` reads it (``ValueError`` with docker's text).

    Examples
    --------
    >>> parse_mount("type=bind,src=/srv,dst=/data,ro").read_only
    True
    >>> parse_mount("src=cache,dst=/c,volume-driver=local").volume
    VolumeOptions(no_copy=False, labels=(), subpath='', driver='local', driver_options=())
    """
    if not value:
        raise ValueError("EOF")
    kind, source, target, read_only = "volume", "", "", False
    bind: dict[str, object] | None = None  # BindOptions, once an option asks for them
    volume: dict[str, object] | None = None  # VolumeOptions (always with a DriverConfig)
    tmpfs: dict[str, int] | None = None
    image = False
    labels: dict[str, str] = {}
    driver_options: dict[str, str] = {}
    for field in read_csv_record(value):
        key, found, val = field.partition("=")
        key = key.lower()
        if not found:
            if key in ("readonly", "ro"):
                read_only = True
            elif key == "volume-nocopy":
                volume = {**(volume or {}), "no_copy": True}
            elif key == "bind-nonrecursive":
                bind = {**(bind or {}), "non_recursive": True}
            else:
                raise ValueError(f"invalid field '{field}' must be a key=value pair")
            continue
        if key == "type":
            kind = val.lower()
        elif key in ("source", "src"):
            source = _absolute(val)
        elif key in ("target", "dst", "destination"):
            target = val
        elif key in ("readonly", "ro"):
            read_only = _bool(key, val)
        elif key == "consistency":
            pass  # docker's CLI keeps it, the swarm does not carry it
        elif key == "bind-propagation":
            bind = {**(bind or {}), "propagation": val.lower()}
        elif key == "bind-nonrecursive":
            bind = {**(bind or {}), "non_recursive": _bool(key, val)}
        elif key == "bind-recursive":
            if val not in _RECURSIVE:
                raise ValueError(
                    f'invalid value for {key}: {val} (must be "enabled", "disabled", '
                    '"writable", or "readonly")'
                )
            if val != "enabled":  # "enabled" is the default: no BindOptions
                bind = {**(bind or {}), val: True}
        elif key == "volume-nocopy":
            try:
                volume = {**(volume or {}), "no_copy": go_parse_bool(val)}
            except ValueError:
                raise ValueError(f"invalid value for volume-nocopy: {val}") from None
        elif key in ("volume-subpath", "volume-driver"):
            volume = {**(volume or {}), key: val}
        elif key in ("volume-label", "volume-opt"):
            volume = volume or {}
            name, _, setting = val.partition("=")
            if name:
                (labels if key == "volume-label" else driver_options)[name] = setting
        elif key == "image-subpath":
            image = True
        elif key == "tmpfs-size":
            try:
                tmpfs = {**(tmpfs or {}), "size_bytes": parse_bytes(val)}
            except ValueError:
                raise ValueError(f"invalid value for {key}: {val}") from None
        elif key == "tmpfs-mode":
            if not _OCTAL.fullmatch(val) or int(val, 8) >= 2**32:
                raise ValueError(f"invalid value for {key}: {val}")
            tmpfs = {**(tmpfs or {}), "mode": int(val, 8)}
        else:
            raise ValueError(f"unexpected key '{key}' in '{field}'")
    if not kind:
        raise ValueError("type is required")
    if not target:
        raise ValueError("target is required")
    for present, prefix in ((volume is not None, "volume"), (image, "image")):
        if present and kind != prefix:
            raise ValueError(f"cannot mix '{prefix}-*' options with mount type '{kind}'")
    for present, prefix in ((bind is not None, "bind"), (tmpfs is not None, "tmpfs")):
        if present and kind != prefix:
            raise ValueError(f"cannot mix '{prefix}-*' options with mount type '{kind}'")
    if bind is not None:
        for option in ("writable", "readonly"):
            if bind.get(option) and not read_only:
                raise ValueError(
                    f"option 'bind-recursive={option}' requires 'readonly' to be specified "
                    "in conjunction"
                )
        if bind.get("readonly") and bind.get("propagation") != "rprivate":
            raise ValueError(
                "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be "
                "specified in conjunction"
            )
    mount = Mount(target, source, kind, read_only)
    if bind is not None:
        non_recursive = bool(bind.get("non_recursive") or bind.get("disabled"))
        mount = replace(mount, bind=BindOptions(str(bind.get("propagation", "")), non_recursive))
    if volume is not None:
        options = VolumeOptions(
            no_copy=bool(volume.get("no_copy")),
            labels=tuple(labels.items()),
            subpath=str(volume.get("volume-subpath", "")),
            driver=str(volume.get("volume-driver", "")),
            driver_options=tuple(driver_options.items()),
        )
        mount = replace(mount, volume=options)
    if tmpfs is not None:
        mount = replace(mount, tmpfs=TmpfsOptions(**tmpfs))
    return mount


def check_mounts(mounts: Iterable[Mount]) -> tuple[Mount, ...]:
    """The mounts as the swarm keeps them (``containerToGRPC``), or the daemon's error.

    Raises
    ------
    DaemonError
        ``invalid MountType: "image"``, ``invalid MountPropagation: "x"``.
    """
    kept = []
    for mount in mounts:
        if mount.type not in _TYPES:
            raise DaemonError(f"invalid MountType: {go_quote(mount.type)}")
        bind = mount.bind
        if bind is not None:
            if bind.propagation and bind.propagation not in _PROPAGATIONS:
                raise DaemonError(f"invalid MountPropagation: {go_quote(bind.propagation)}")
            if bind.propagation or bind.non_recursive:
                bind = BindOptions(bind.propagation or "rprivate", bind.non_recursive)
            else:
                bind = None
        kept.append(replace(mount, bind=bind))
    return tuple(kept)


def update_mounts(
    added: Sequence[Mount], removed: Iterable[str], mounts: Sequence[Mount]
) -> tuple[Mount, ...]:
    """``updateMounts``: added mounts replace those of their target, then removals by
    target, sorted by source then target.

    Raises
    ------
    ValueError
        ``duplicate mount target`` when two added mounts share a target.
    """
    by_target: dict[str, Mount] = {}
    for mount in added:
        if mount.target in by_target:
            raise ValueError("duplicate mount target")
        by_target[mount.target] = mount
    for mount in mounts:
        by_target.setdefault(mount.target, mount)
    gone = set(removed)
    kept = [m for m in by_target.values() if m.target not in gone]
    return tuple(sorted(kept, key=lambda m: (m.source, m.target)))
