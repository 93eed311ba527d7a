"""The values shell words take: durations, image profiles, node settings.

``sleep 1m30s``, ``image redis:3.0.7 exits_after=3s exit_code=1`` (times may
be distributions, ``start=lognormal(2s,0.5)``: :mod:`swarmsim.agent.distributions`) and
``node add w3 role=manager label.zone=a memory=4G`` are read here, by the
:class:`~swarmsim.shell.interpreter.Interpreter` when a line runs and by the
scenario loader when it checks a file before anything runs: one parser for
both.  Durations and sizes follow docker's (:mod:`swarmsim.units`).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from swarmsim.agent.distributions import DistributionError, parse_seconds
from swarmsim.agent.images import ImageProfile, parse_value
from swarmsim.api.enums import NodeRole
from swarmsim.errors import SwarmSimError
from swarmsim.golang import go_parse_bool
from swarmsim.units import format_duration, parse_bytes, parse_nanocpus

__all__ = [
    "DURATION_FIELDS",
    "IMAGE_FIELDS",
    "MAX_SLEEP",
    "SettingError",
    "ShellError",
    "image_settings",
    "node_settings",
    "shell_duration",
    "sleep_seconds",
]

MAX_SLEEP = 30 * 24 * 3600.0  # the longest single sleep: 720h (30 days) of virtual time


class ShellError(SwarmSimError):
    """A shell word was misused; printed as one line."""


class SettingError(ShellError):
    """A bad ``key=value`` word: ``index`` is the word, ``offset`` the character in it.

    ``reason`` is the message without the ``key:`` prefix (a scenario file names
    the key in its path already).
    """

    def __init__(self, message: str, index: int, offset: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.index = index
        self.offset = offset
        self.reason = reason or message


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
    try:
        return parse_seconds(text)
    except ValueError as error:
        raise ShellError(str(error)) from None


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

    Each ``logs=TEXT`` adds one line the container prints when it starts;
    times, rates, probabilities and exit codes read as
    :func:`swarmsim.agent.images.parse_value` does (the Python API's text form).

    >>> image_settings(["exits_after=3s", "exit_code=1"])
    {'exits_after': 3.0, 'exit_code': 1}
    >>> image_settings(["logs=booting", "logs=ready"])
    {'logs': ('booting', 'ready')}
    >>> image_settings(["start=lognormal(2s,0.5)", "crash_rate=1/h"])["start"]
    LogNormal(median=2.0, sigma=0.5)
    >>> image_settings(["start=normal(2s,x)"])
    Traceback (most recent call last):
    ...
    swarmsim.cli.shellargs.SettingError: start: time: invalid duration "x"

    Raises
    ------
    SettingError
        Naming the bad word (``index``) and where in it the problem starts.
    """
    changes: dict[str, Any] = {}
    for index, item in enumerate(items):
        key, sep, value = item.partition("=")
        if not sep or key not in IMAGE_FIELDS:
            raise SettingError(f"bad setting {item!r}; keys: {', '.join(IMAGE_FIELDS)}", index)
        try:
            if key == "logs":
                changes[key] = (*changes.get(key, ()), value)
            elif key in _BOOL_FIELDS:
                changes[key] = go_parse_bool(value)
            else:
                changes[key] = parse_value(key, value)
        except DistributionError as error:
            offset = len(key) + 1 + error.offset
            raise SettingError(f"{key}: {error}", index, offset, str(error)) from None
        except ValueError as error:
            raise SettingError(f"{key}: {error}", index, len(key) + 1, str(error)) from None
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
            elif key in ("rack", "zone") and sep and value:
                settings[key] = value
            else:
                raise ShellError(f"bad setting {item!r}")
        except ValueError as error:
            raise ShellError(f"{key}: {error}") from None
    return settings
