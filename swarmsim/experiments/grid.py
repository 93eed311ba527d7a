"""A sweep's parameter combinations: a grid (dict of lists) or a list of dicts.

:func:`combinations` expands and checks them.  Parameter values are numbers,
strings, booleans or ``None``: they become columns of a tidy frame, keys of
the cache (JSON) and ``--grid`` entries of ``swarmsim sweep``.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from typing import Any

from swarmsim.errors import InvalidArgument

__all__ = ["RESERVED", "Value", "combinations", "seed_list"]

Value = bool | int | float | str | None
#: Column names a parameter may not take.
RESERVED = frozenset({"seed", "error", "sim_version"})


def _value(name: str, value: object) -> Value:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidArgument(f"parameter {name!r}: {value!r} is not a finite number")
        return value
    raise InvalidArgument(
        f"parameter {name!r}: {value!r:.60} is not a number, a string, a boolean or None"
    )


def _name(name: object) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidArgument(f"a parameter name is a Python identifier, not {name!r:.60}")
    if name in RESERVED:
        raise InvalidArgument(f"{name!r} is a column of every sweep and cannot be a parameter")
    return name


def combinations(grid: object) -> list[dict[str, Value]]:
    """Every parameter combination of ``grid``, in order.

    A dict of lists gives their product (the last key varies fastest); a list
    of dicts is taken as it is (each dict one combination).

    Raises
    ------
    InvalidArgument
        For a grid of another shape, an empty list, a bad name or value.

    Examples
    --------
    >>> combinations({"parallelism": [1, 2], "order": ["stop-first", "start-first"]})[:2]
    [{'parallelism': 1, 'order': 'stop-first'}, {'parallelism': 1, 'order': 'start-first'}]
    >>> combinations([{"delay": 0}, {"delay": 5, "order": "start-first"}])
    [{'delay': 0}, {'delay': 5, 'order': 'start-first'}]
    >>> combinations({})
    [{}]
    """
    if isinstance(grid, Mapping):
        names = [_name(name) for name in grid]
        lists: list[list[Value]] = []
        for name in names:
            values: Any = grid[name]
            if isinstance(values, str | bytes) or not isinstance(values, Iterable):
                raise InvalidArgument(
                    f"grid[{name!r}] must be a list of values, not {values!r:.60}"
                )
            checked = [_value(name, v) for v in values]
            if not checked:
                raise InvalidArgument(f"grid[{name!r}] is empty: a sweep needs one value at least")
            lists.append(checked)
        return [dict(zip(names, row, strict=True)) for row in itertools.product(*lists)]
    if isinstance(grid, str | bytes) or not isinstance(grid, Iterable):
        raise InvalidArgument(f"grid must be a dict of lists or a list of dicts, not {grid!r:.60}")
    rows = []
    for row in grid:
        if not isinstance(row, Mapping):
            raise InvalidArgument(f"each combination is a dict of parameters, not {row!r:.60}")
        rows.append({_name(name): _value(name, value) for name, value in row.items()})
    if not rows:
        raise InvalidArgument("grid is an empty list: a sweep needs one combination at least")
    return rows


def seed_list(seeds: object) -> list[int]:
    """The seeds of a sweep: a count ``n`` (``0..n-1``) or integers, each once.

    >>> seed_list(3), seed_list([7, 1])
    ([0, 1, 2], [7, 1])
    """
    if isinstance(seeds, bool):
        raise InvalidArgument(f"seeds must be a count or a list of integers, not {seeds!r}")
    if isinstance(seeds, int):
        if seeds < 1:
            raise InvalidArgument(f"seeds must be at least 1, not {seeds}")
        return list(range(seeds))
    if isinstance(seeds, str | bytes) or not isinstance(seeds, Iterable):
        raise InvalidArgument(f"seeds must be a count or a list of integers, not {seeds!r:.60}")
    values = list(seeds)
    if not values or not all(isinstance(s, int) and not isinstance(s, bool) for s in values):
        raise InvalidArgument(f"seeds must be a non-empty list of integers, not {values!r:.60}")
    if len(set(values)) != len(values):
        raise InvalidArgument("seeds must not repeat (a seeded run gives the same row twice)")
    return values
