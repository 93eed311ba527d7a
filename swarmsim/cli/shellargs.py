"""The values shell words take: durations, image profiles, node settings.

``sleep 1m30s``, ``image redis:3.0.7 exits_after=3s exit_code=1`` and
``node add w3 role=manager label.zone=a memory=4G`` are read here, by the
:class:`~swarmsim.cli.interpreter.Interpreter` when a line runs and by the
scenario loader when it checks a file before anything runs: one parser for
both.  Durations and sizes follow docker's (:mod:`swarmsim.units`).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from swarmsim.agent.images import ImageProfile
from swarmsim.api.enums import NodeRole
from swarmsim.errors import SwarmSimError
from swarmsim.golang import go_parse_bool, go_parse_int, go_quote
from swarmsim.units import format_duration, parse_bytes, parse_duration, parse_nanocpus

__all__ = [
    "DURATION_FIELDS",
    "IMAGE_FIELDS",
    "MAX_SLEEP",
    "ShellError",
    "image_settings",
    "node_settings",
    "shell_duration",
    "sleep_seconds",
]

MAX_SLEEP = 30 * 24 * 3600.0  # the longest single sleep: 720h (30 days) of virtual time


class ShellError(SwarmSimError):
    """A shell word was misused; printed as one line."""


DURATION_FIELDS = frozenset(
    {"pull", "create", "start", "stop", "exits_after", "healthy_after", "unhealthy_after"}
)
_BOOL_FIELDS = {"never_healthy", "pull_error"}
IMAGE_FIELDS = tuple(f.name for f in fields(ImageProfile))


def shell_duration(text: str) -> float:
    """A Go duration (``1m30s``) or a plain number of seconds (``2.5``), in Go's range.

    >>> shell_duration("1m30s"), shell_duration("2.5")
    (90.0, 2.5)
    """
    plain = re.fullmatch(r"[0-9]+(\.[0-9]*)?", text) is not None
    try:
        return parse_duration(text + "s" if plain else text)
    except ValueError as error:
        # a plain number can only overflow: name it as typed
        message = f"time: invalid duration {go_quote(text)}" if plain else str(error)
        raise ShellError(message) from None


def sleep_seconds(text: str) -> float:
    """The seconds of ``sleep TEXT``: a duration between 0 and :data:`MAX_SLEEP`."""
    seconds = shell_duration(text)
    if seconds < 0:
        raise ShellError(f"invalid time interval '{text}'")
    if seconds > MAX_SLEEP:
        # every node heartbeats every 5 s: centuries of virtual time would take hours
        raise ShellError(f"at most {format_duration(MAX_SLEEP)} at a time")
    return seconds


def image_settings(items: Iterable[str]) -> dict[str, Any]:
    """``key=value`` words of an ``image`` line as :class:`ImageProfile` changes.

    Each ``logs=TEXT`` adds one line the container prints when it starts.

    >>> image_settings(["exits_after=3s", "exit_code=1"])
    {'exits_after': 3.0, 'exit_code': 1}
    >>> image_settings(["logs=booting", "logs=ready"])
    {'logs': ('booting', 'ready')}
    """
    changes: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in IMAGE_FIELDS:
            raise ShellError(f"bad setting {item!r}; keys: {', '.join(IMAGE_FIELDS)}")
        try:
            if key == "logs":
                changes[key] = (*changes.get(key, ()), value)
            elif key in DURATION_FIELDS:
                changes[key] = shell_duration(value)
            elif key in _BOOL_FIELDS:
                changes[key] = go_parse_bool(value)
            else:
                changes[key] = go_parse_int(value)
        except ValueError as error:
            raise ShellError(f"{key}: {error}") from None
    return changes


def node_settings(items: Iterable[str]) -> dict[str, Any]:
    """``key=value`` words of ``node add NAME ...`` as :meth:`Swarm.add_node` keywords.

    >>> node_settings(["role=manager", "label.zone=a", "memory=4G"])
    {'role': <NodeRole.MANAGER: 1>, 'labels': {'zone': 'a'}, 'memory': 4294967296}
    """
    settings: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if key == "role" and value in ("worker", "manager"):
                settings["role"] = NodeRole[value.upper()]
            elif key.startswith("label.") and sep:
                labels[key[len("label.") :]] = value
                settings["labels"] = labels
            elif key == "cpus" and sep:
                settings["cpus"] = parse_nanocpus(value) / 1e9
            elif key == "memory" and sep:
                settings["memory"] = parse_bytes(value)
            elif key == "address" and sep and value:
                settings["address"] = value
            else:
                raise ShellError(f"bad setting {item!r}")
        except ValueError as error:
            raise ShellError(f"{key}: {error}") from None
    return settings
