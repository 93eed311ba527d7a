"""Dictionary-coded chunks read back every record exactly, values and types."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from swarmsim.trace_chunks import Chunks, decode, encode

VALUES = st.one_of(
    st.integers(-3, 300),
    st.floats(allow_nan=False, min_value=-2.0, max_value=2.0),
    st.booleans(),
    st.sampled_from(["", "a", "b", "running"]),
    st.none(),
)
RECORDS = st.lists(st.tuples(st.floats(0.0, 100.0, allow_nan=False), VALUES, VALUES), max_size=40)


def _typed(records: list[tuple[Any, ...]]) -> list[tuple[tuple[type, Any], ...]]:
    """Records with each value's type next to it: ``1 == 1.0 == True`` would hide a mix-up."""
    return [tuple((type(value), value) for value in record) for record in records]


@given(st.lists(RECORDS, max_size=4))
def test_chunks_read_back_every_record_with_its_type(batches: list[list[Any]]) -> None:
    chunks: Chunks[tuple[Any, ...]] = Chunks(3, tuple)
    expected: list[tuple[Any, ...]] = []
    for batch in batches:
        chunks.extend(batch)
        expected.extend(batch)
    assert len(chunks) == len(expected)
    assert _typed(list(chunks.records(0, len(expected)))) == _typed(expected)
    assert _typed([chunks.record(i) for i in range(len(expected))]) == _typed(expected)
    if expected:
        assert chunks.last_time() == expected[-1][0]
        middle = len(expected) // 2
        assert _typed(list(chunks.records(middle, middle + 3))) == _typed(
            expected[middle : middle + 3]
        )


def test_an_inserted_record_goes_after_every_record_at_or_before_its_time() -> None:
    chunks: Chunks[tuple[Any, ...]] = Chunks(2, tuple)
    chunks.extend([(0.0, "a"), (2.0, "b")])
    chunks.extend([(3.0, "c"), (5.0, "d")])
    chunks.insert((2.0, "late"))
    chunks.insert((4.0, "x"))
    assert list(chunks.records(0, 6)) == [
        (0.0, "a"),
        (2.0, "b"),
        (2.0, "late"),
        (3.0, "c"),
        (4.0, "x"),
        (5.0, "d"),
    ]
    assert chunks.starts == [0, 3]
    assert chunks.record(3) == (3.0, "c")


def test_many_distinct_values_take_two_bytes_and_all_different_ones_stay_whole() -> None:
    repeated = tuple(i % 300 for i in range(600))
    values, codes = encode(repeated)
    assert len(values) == 300 and len(codes) == 600 and not isinstance(codes, range)
    assert tuple(decode((values, codes))) == repeated
    ids = tuple(f"task{i}" for i in range(300))
    assert encode(ids) == (ids, range(300))
    assert encode(ids[:3], was_raw=True) == (ids[:3], range(3))


def test_values_that_would_read_back_as_another_type_keep_their_column() -> None:
    for column in [(0.0, -0.0), (1, True), (1, 1.0), ([1], [1])]:
        values, codes = encode(column)
        assert isinstance(codes, range)
        assert [type(v) for v in decode((values, codes))] == [type(v) for v in column]


@given(st.lists(st.integers(-1, 70_000), min_size=257, max_size=600, unique=True), st.booleans())
def test_many_small_ints_are_their_own_codes_and_others_keep_a_table(
    column: list[int], with_a_bool: bool
) -> None:
    if with_a_bool:
        column[0] = True  # True == 1: would read back as 1
    values, codes = encode(tuple(column))
    small = not with_a_bool and min(column) >= 0 and max(column) <= 0xFFFF
    assert isinstance(values, range) is small
    if small:
        assert values == range(max(column) + 1) and codes.tolist() == column
    assert _typed([tuple(decode((values, codes)))]) == _typed([tuple(column)])


def test_a_chunk_of_slots_is_filtered_and_picked_like_any_other() -> None:
    records = [(float(i), i % 400, "a" if i % 3 else "b") for i in range(1200)]
    chunks: Chunks[tuple[Any, ...]] = Chunks(3, tuple)
    chunks.extend(records)
    assert isinstance(chunks.chunks[0][1][0], range)
    wanted = frozenset({7, 399})
    picked = list(chunks.picked(chunks.masks(1, wanted)))
    assert picked == [r for r in records if r[1] in wanted]
    assert chunks.record(801) == records[801]
