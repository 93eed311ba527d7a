"""Checks of the Python API's arguments: the right type and range, or InvalidArgument.

Each function takes a value as a caller passed it and returns it in the one
form the simulator uses (an ``int``, a finite ``float``, a mapping of strings),
or raises :class:`~swarmsim.errors.InvalidArgument` with a one-line message
naming the argument.  Integers are anything with ``__index__`` (numpy's too)
except ``bool``.

This module has no swarmkit counterpart: the Go API's types do this work.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from typing import SupportsIndex

from swarmsim.errors import InvalidArgument

__all__ = [
    "MAX_CPUS",
    "count",
    "finite_seconds",
    "hostname_of",
    "integer",
    "label_map",
    "real",
    "resources",
]

MAX_CPUS = 1_000_000  # more than any machine; NanoCPUs and MemoryBytes are int64


def integer(value: object) -> int | None:
    """``value`` as an ``int`` if it is an integer (numpy's too) but not a bool.

    Examples
    --------
    >>> integer(3), integer(True), integer(2.0)
    (3, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):
        return None
    return operator.index(value)


def real(value: object) -> float | None:
    """``value`` as a finite ``float`` if it is a finite number but not a bool."""
    number = integer(value)
    if number is not None:
        return float(number)
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def count(name: str, value: object, least: int) -> int:
    """``value`` as a whole number of at least ``least``."""
    number = integer(value)
    if number is None or number < least:
        raise InvalidArgument(f"{name} must be a whole number >= {least}, not {value!r:.80}")
    return number


def finite_seconds(name: str, value: object) -> float:
    """``value`` as a finite number of seconds."""
    number = real(value)
    if number is None:
        raise InvalidArgument(f"{name} must be a finite number of seconds, not {value!r:.80}")
    return number


def resources(cpus: object, memory: object) -> tuple[float, int]:
    """A node's resources as finite positive CPUs and whole positive bytes."""
    cores = real(cpus)
    if cores is None or not 1e-9 <= cores <= MAX_CPUS:
        raise InvalidArgument(f"cpus must be a positive number up to {MAX_CPUS}, not {cpus!r:.80}")
    size = integer(memory)
    if size is None or not 0 < size < 2**63:
        raise InvalidArgument(
            f"memory must be a positive number of bytes below 2**63, not {memory!r:.80}"
        )
    return cores, size


def label_map(name: str, value: object) -> Mapping[str, str]:
    """``value`` as labels: a mapping of non-empty names to strings (``None``: no labels)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidArgument(
            f"{name} must be a mapping of label names to strings, not {value!r:.80}"
        )
    return value


def hostname_of(value: object) -> str:
    """``value`` as a hostname: a non-empty string without blanks or control characters."""
    if not isinstance(value, str) or not value or not value.isprintable() or " " in value:
        raise InvalidArgument(f"a node needs a hostname without blanks, not {value!r:.80}")
    return value
