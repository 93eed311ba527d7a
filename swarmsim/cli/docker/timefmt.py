"""Wall-clock renderings of virtual time, as the docker CLI prints timestamps.

Inside the simulator an instant is a float number of virtual seconds since the
swarm was created.  The Engine API reports instants as Go ``time.Time`` values;
this module maps virtual second 0 to :data:`EPOCH` (2026-01-01T00:00:00Z) and
formats the result the three ways the CLI shows it:

* :func:`rfc3339nano` — ``time.Time.MarshalJSON`` (``RFC3339Nano``), used by
  ``docker ... inspect`` JSON (``"CreatedAt": "2026-01-01T00:00:05.5Z"``);
* :func:`go_time` — ``time.Time.String()`` (``2026-01-01 00:00:05.5 +0000 UTC``);
* :func:`pretty_time` — the CLI's ``formatter.PrettyPrint`` of a time
  (``cli: cli/command/formatter/displayutils.go``): ``go_time`` with every
  character after the first lower-cased (``... +0000 utc``), as in
  ``docker node inspect --pretty`` ``Joined at:``.

Differences
-----------
Every instant is UTC (the daemon's clock zone is not modelled) and precise to
the nanosecond nearest to the float virtual time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swarmsim.api.enums import pretty
from swarmsim.units import NANOSECONDS_PER_SECOND, seconds_to_ns

__all__ = ["EPOCH", "go_time", "pretty_time", "rfc3339nano", "to_datetime"]

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""The wall-clock instant of virtual time 0."""


def _split(seconds: float) -> tuple[datetime, int]:
    """Whole-second wall-clock instant and the remaining nanoseconds of ``seconds``."""
    whole, nanos = divmod(seconds_to_ns(seconds), NANOSECONDS_PER_SECOND)
    return EPOCH + timedelta(seconds=whole), nanos


def _fraction(nanos: int) -> str:
    """Go's ``.999999999`` layout element: the fraction without trailing zeros, or ``""``."""
    if nanos == 0:
        return ""
    return "." + f"{nanos:09d}".rstrip("0")


def to_datetime(seconds: float) -> datetime:
    """The aware UTC :class:`~datetime.datetime` of virtual time ``seconds`` (µs precision).

    Examples
    --------
    >>> to_datetime(90).isoformat()
    '2026-01-01T00:01:30+00:00'
    """
    instant, nanos = _split(seconds)
    return instant + timedelta(microseconds=nanos // 1000)


def rfc3339nano(seconds: float) -> str:
    """Format virtual time as Go's JSON encoding of a UTC ``time.Time``.

    Examples
    --------
    >>> rfc3339nano(0)
    '2026-01-01T00:00:00Z'
    >>> rfc3339nano(5.25)
    '2026-01-01T00:00:05.25Z'
    """
    instant, nanos = _split(seconds)
    return instant.strftime("%Y-%m-%dT%H:%M:%S") + _fraction(nanos) + "Z"


def go_time(seconds: float) -> str:
    """Format virtual time as Go's ``time.Time.String()`` of a UTC time.

    Examples
    --------
    >>> go_time(0)
    '2026-01-01 00:00:00 +0000 UTC'
    >>> go_time(61.5)
    '2026-01-01 00:01:01.5 +0000 UTC'
    """
    instant, nanos = _split(seconds)
    return instant.strftime("%Y-%m-%d %H:%M:%S") + _fraction(nanos) + " +0000 UTC"


def pretty_time(seconds: float) -> str:
    """Format virtual time as the CLI's ``PrettyPrint`` of a ``time.Time``.

    Examples
    --------
    >>> pretty_time(0)
    '2026-01-01 00:00:00 +0000 utc'
    """
    return pretty(go_time(seconds))
