"""Human-readable durations, as the docker CLI prints them.

A port of ``HumanDuration`` from ``docker/go-units`` (``duration.go``), which the CLI uses for
the ``CREATED``/``UPDATED`` columns, the task ``CURRENT STATE`` column (lower-cased there) and
the ``Started:``/``Completed:`` lines of ``docker service inspect --pretty``.
"""

from __future__ import annotations

from swarmsim.units import seconds_to_ns

__all__ = ["human_duration", "since"]

_SECOND_NS = 1_000_000_000
_MINUTE_NS = 60 * _SECOND_NS
_HOUR_NS = 60 * _MINUTE_NS


def _go_seconds(ns: int) -> float:
    """Return ``time.Duration(ns).Seconds()`` computed as Go computes it."""
    whole, rest = _go_divmod(ns, _SECOND_NS)
    return float(whole) + float(rest) / 1e9


def _go_minutes(ns: int) -> float:
    """Return ``time.Duration(ns).Minutes()`` computed as Go computes it."""
    whole, rest = _go_divmod(ns, _MINUTE_NS)
    return float(whole) + float(rest) / (60 * 1e9)


def _go_hours(ns: int) -> float:
    """Return ``time.Duration(ns).Hours()`` computed as Go computes it."""
    whole, rest = _go_divmod(ns, _HOUR_NS)
    return float(whole) + float(rest) / (60 * 60 * 1e9)


def _go_divmod(a: int, b: int) -> tuple[int, int]:
    """Integer division and remainder truncating toward zero, as Go's ``/`` and ``%``."""
    quotient = abs(a) // b
    if a < 0:
        quotient = -quotient
    return quotient, a - quotient * b


def _go_int(value: float) -> int:
    """Convert a float to an int truncating toward zero, as Go's ``int(f)``."""
    return int(value)


def human_duration(seconds: float) -> str:
    """Describe a duration in words, exactly as go-units ``HumanDuration``.

    Parameters
    ----------
    seconds : float
        The duration in seconds (rounded to whole nanoseconds first, as a Go
        ``time.Duration``).  Negative values read as ``"Less than a second"``.

    Returns
    -------
    str
        One of ``"Less than a second"``, ``"1 second"``, ``"N seconds"``,
        ``"About a minute"``, ``"N minutes"``, ``"About an hour"``, ``"N hours"``,
        ``"N days"``, ``"N weeks"``, ``"N months"``, ``"N years"``.

    Examples
    --------
    >>> human_duration(0.5)
    'Less than a second'
    >>> human_duration(90)
    'About a minute'
    >>> human_duration(2 * 3600)
    '2 hours'
    """
    ns = seconds_to_ns(seconds)
    whole_seconds = _go_int(_go_seconds(ns))
    if whole_seconds < 1:
        return "Less than a second"
    if whole_seconds == 1:
        return "1 second"
    if whole_seconds < 60:
        return f"{whole_seconds} seconds"
    minutes = _go_int(_go_minutes(ns))
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = _go_int(_go_hours(ns) + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{_go_int(_go_hours(ns)) // 24 // 365} years"


def since(seconds: float) -> str:
    """Describe how long ago something happened: :func:`human_duration` plus ``" ago"``.

    Parameters
    ----------
    seconds : float
        Elapsed time in seconds (``now - timestamp``).

    Returns
    -------
    str
        E.g. ``"About an hour ago"``, ``"2 hours ago"``.  Callers that need the lower-case
        form of the task ``CURRENT STATE`` column lower-case the result themselves.
    """
    return human_duration(seconds) + " ago"
