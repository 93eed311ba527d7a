"""Checks of Python API arguments: one form out, or InvalidArgument naming the argument."""

from __future__ import annotations

import math

import pytest

from swarmsim.arguments import count, finite_seconds, hostname_of, label_map, real, resources
from swarmsim.errors import InvalidArgument


class Index:
    """What numpy's integers offer: ``__index__``."""

    def __index__(self) -> int:
        return 7


def test_integers_include_index_types_but_not_bools_or_floats() -> None:
    assert count("n", Index(), 0) == 7
    assert real(Index()) == 7.0
    for value in (True, 7.0, "7", None):
        with pytest.raises(InvalidArgument, match=r"^n must be a whole number >= 0, not "):
            count("n", value, 0)
    with pytest.raises(InvalidArgument, match="n must be a whole number >= 8, not 7"):
        count("n", 7, 8)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "1", None, False, 1j])
def test_seconds_are_finite_numbers(value: object) -> None:
    with pytest.raises(InvalidArgument, match="until must be a finite number of seconds"):
        finite_seconds("until", value)


def test_resources_labels_and_hostnames() -> None:
    assert resources(2, Index()) == (2.0, 7)
    with pytest.raises(InvalidArgument, match="cpus must be a positive number up to 1000000"):
        resources(math.inf, 1)
    with pytest.raises(InvalidArgument, match="memory must be a positive number of bytes"):
        resources(1, 2**63)
    assert label_map("labels", None) == {}
    for labels in ("zone=east", {"": "x"}, {"a": 1}, [("a", "b")]):
        with pytest.raises(InvalidArgument, match=r"^labels must be a mapping"):
            label_map("labels", labels)
    assert hostname_of("worker-1") == "worker-1"
    for name in ("", "a b", "a\nb", 3):
        with pytest.raises(InvalidArgument, match="a node needs a hostname without blanks"):
            hostname_of(name)


def test_long_values_are_cut_in_the_message() -> None:
    with pytest.raises(InvalidArgument) as error:
        finite_seconds("t", "x" * 1000)
    assert len(str(error.value)) < 150
