"""The shell words of request loads and the autoscaler.

::

    traffic start NAME TARGET rate=N [from=NODE|SERVICE] [network=NET] [window=1s]
                  [arrivals=fixed|poisson]
    traffic stop NAME
    traffic                          list the running loads
    autoscale SERVICE target=N [min=1] [max=10] [tolerance=0.1] [window=5m] [period=15s]
    autoscale off SERVICE

``TARGET`` is ``:PORT`` (a published port, through the routing mesh) or
``SERVICE:PORT`` (a service by name on an overlay network);
:meth:`Swarm.traffic <swarmsim.swarm.Swarm.traffic>` and
:func:`swarmsim.policies.autoscale` say the rest.  The interpreter registers
these words; the scenario loader checks the same settings with
:func:`traffic_settings` and :func:`autoscale_settings`.

This module has no docker counterpart: neither word is a docker command.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from swarmsim.cli.shellargs import ShellError, shell_duration
from swarmsim.golang import go_parse_int
from swarmsim.policies.autoscaler import autoscale, autoscalers
from swarmsim.traffic.mesh import parse_target
from swarmsim.traffic.model import traffic_of

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = [
    "AUTOSCALE_USAGE",
    "TRAFFIC_USAGE",
    "autoscale_settings",
    "autoscale_word",
    "traffic_settings",
    "traffic_word",
]

TRAFFIC_USAGE = (
    "usage: traffic start NAME :PORT|SERVICE:PORT rate=N [from=NODE|SERVICE] [network=NET]"
    " [window=DURATION] [arrivals=fixed|poisson] | traffic stop NAME"
)
AUTOSCALE_USAGE = (
    "usage: autoscale SERVICE target=N [min=N] [max=N] [tolerance=X] [window=DURATION]"
    " [period=DURATION] | autoscale off SERVICE"
)


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ShellError(f"invalid number {value!r}") from None


def _settings(items: Iterable[str], keys: dict[str, str]) -> dict[str, Any]:
    """``key=value`` words as keywords: ``keys`` maps a word to (keyword, kind)."""
    settings: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in keys:
            raise ShellError(f"bad setting {item!r}; keys: {', '.join(keys)}")
        keyword, _, kind = keys[key].partition(":")
        try:
            if kind == "duration":
                settings[keyword] = shell_duration(value)
            elif kind == "int":
                settings[keyword] = go_parse_int(value)
            elif kind == "number":
                settings[keyword] = _number(value)
            else:
                settings[keyword] = value
        except (ValueError, ShellError) as error:
            raise ShellError(f"{key}: {error}") from None
    return settings


_TRAFFIC_KEYS = {
    "rate": "rate:number",
    "from": "source:",
    "network": "network:",
    "window": "window:duration",
    "arrivals": "arrivals:",
}
_AUTOSCALE_KEYS = {
    "target": "target:number",
    "min": "min_replicas:int",
    "max": "max_replicas:int",
    "tolerance": "tolerance:number",
    "window": "window:duration",
    "period": "period:duration",
}


def traffic_settings(items: Iterable[str]) -> dict[str, Any]:
    """The ``key=value`` words of ``traffic start`` as :meth:`Swarm.traffic` keywords.

    >>> traffic_settings(["rate=20", "from=worker1", "window=10s"])
    {'rate': 20.0, 'source': 'worker1', 'window': 10.0}
    """
    settings = _settings(items, _TRAFFIC_KEYS)
    if "rate" not in settings:
        raise ShellError("traffic start needs rate=N (requests per second)")
    return settings


def autoscale_settings(items: Iterable[str]) -> dict[str, Any]:
    """The ``key=value`` words of ``autoscale`` as :func:`~swarmsim.policies.autoscale` keywords.

    >>> autoscale_settings(["target=50", "max=8", "window=2m"])
    {'target': 50.0, 'max_replicas': 8, 'window': 120.0}
    """
    settings = _settings(items, _AUTOSCALE_KEYS)
    if "target" not in settings:
        raise ShellError("autoscale needs target=N (requests per second per task)")
    return settings


def traffic_word(swarm: Swarm, args: list[str]) -> str:
    """Run a ``traffic`` line: start, stop or list loads."""
    model = traffic_of(swarm)
    if not args:
        return "".join(f"{load!r}\n" for load in model.loads.values())
    if args[0] == "start" and len(args) >= 3:
        parse_target(args[2])
        settings = traffic_settings(args[3:])
        rate = settings.pop("rate")
        model.start(args[2], rate, name=args[1], **settings)
        return ""
    if args[0] == "stop" and len(args) == 2:
        load = model.loads.get(args[1])
        if load is None:
            raise ShellError(f"no load named {args[1]} is running")
        load.stop()
        return ""
    raise ShellError(TRAFFIC_USAGE)


def autoscale_word(swarm: Swarm, args: list[str]) -> str:
    """Run an ``autoscale`` line: start or stop autoscaling a service."""
    if args[:1] == ["off"] and len(args) == 2:
        scaler = autoscalers(swarm).get(args[1])
        if scaler is None:
            raise ShellError(f"{args[1]} is not autoscaled")
        scaler.stop()
        return ""
    if len(args) < 2 or args[0] == "off":
        raise ShellError(AUTOSCALE_USAGE)
    autoscale(swarm, args[0], **autoscale_settings(args[1:]))
    return ""
