"""Records stored in dictionary-coded chunks: the trace's memory layout.

A :class:`Chunks` holds fixed-width records (tuples whose first field is a
time), a few thousand at a time, each chunk one field after another.  Each
field of a chunk keeps a table of its distinct values and one small code per
record: a byte up to 256 distinct values, else two bytes.  A trace's fields
hold a handful of states, events, services and messages, and the ids, slots,
nodes and times of a few thousand consecutive records repeat too, so a record
costs about 20 bytes instead of the 88 of a tuple's references.  The values
themselves are the objects the records were built from.

Reading gives back each value as the very object stored or an equal one of
the same type (:func:`encode` keeps a field whole where a table would not
read back exactly), so the layout never shows through
:class:`~swarmsim.trace.Trace`, its DataFrames or its file format.

This module has no swarmkit counterpart (swarmkit's store keeps no history).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, count
from operator import itemgetter
from typing import Any, Generic, TypeAlias, TypeVar

Codes: TypeAlias = "bytes | array[int] | range"
"""The codes of one field of a chunk: where each record's value is in the field's table."""
Field: TypeAlias = "tuple[tuple[Any, ...] | range, Codes]"
"""One field of a chunk: its distinct values, then one code per record (``values[code]``).

A field of many small non-negative ints (slots) has a ``range`` for values: each
code is the value itself."""

R = TypeVar("R", bound=tuple[Any, ...])

_TEXT = {str}
_INT = {int}
_FLOAT = {float}


def exact(column: tuple[Any, ...], distinct: dict[Any, int]) -> bool:
    """Whether ``column`` reads back exactly through its table of ``distinct`` values.

    A table keeps the first of equal values, so a later equal value of another
    type (``1`` after ``1.0``, ``True`` after ``1``, ``-0.0`` after ``0.0``)
    would read back as the first one.  Texts are safe: when every distinct
    value is a ``str``, equal values are the same text (a ``str`` subclass
    after an equal plain ``str`` would read back as the ``str``; the simulator
    records none).  Otherwise every value must be of one type, ``int`` or
    ``float``, and a float column must hold no zero (which may have either
    sign).

    Examples
    --------
    >>> exact((1, 2, 1), {1: 0, 2: 1})
    True
    >>> exact((1.0, 1), {1.0: 0})
    False
    """
    types = set(map(type, distinct))
    if types == _TEXT:
        return True
    types.update(map(type, column))
    if types == _INT:
        return True
    return types == _FLOAT and 0.0 not in distinct


def encode(column: tuple[Any, ...], was_raw: bool = False) -> Field:
    """One field of a chunk: ``column``'s distinct values, and a code per record.

    Every pass runs in C, once per chunk.  A ``defaultdict`` numbers each
    value as it is first met, and ``itemgetter`` looks the whole column up in
    it in one call: its numbers are the codes, ``bytes`` for most fields (at
    most 256 distinct values), two bytes a record (an ``array``) for a field
    with more (nodes).  Past 256 distinct values, small non-negative ints
    (slots) are their own codes, under a ``range`` (see :data:`Field`).  A
    column whose values all differ, or would not read back exactly, keeps its
    tuple, with a ``range`` as codes.  When
    the same field of the chunk before was kept so (``was_raw``: ids while a
    swarm converges, each task met once in a chunk), a set first tells
    whether this one is too, at a fraction of the cost of numbering it.

    Examples
    --------
    >>> encode(("a", "b", "a"))
    (('a', 'b'), b'\\x00\\x01\\x00')
    >>> encode((1.0, 1))  # 1 would read back as 1.0: kept whole
    ((1.0, 1), range(0, 2))
    >>> values, codes = encode(tuple(range(300, 0, -1)))
    >>> values, codes.typecode, decode((values, codes), 0, 3)
    (range(0, 301), 'H', (300, 299, 298))
    """
    size = len(column)
    number: dict[Any, int] = defaultdict(count().__next__)
    try:
        if was_raw and len(set(column)) == size:
            return column, range(size)
        # itemgetter of a single item gives the item itself, not a tuple
        numbers = itemgetter(*column)(number) if size > 1 else (number[column[0]],)
    except TypeError:  # an unhashable value (not one the simulator records)
        return column, range(size)
    codes: Codes
    try:
        codes = bytes(numbers)
    except ValueError:  # a 257th distinct value: no longer a byte
        small = _small_ints(number)
        if small is not None:  # two bytes a record hold the values themselves
            return small, array("H", column)
        if len(number) == size:
            return column, range(size)
        codes = array("H" if size <= 65536 else "L", numbers)
    if not exact(column, number):
        return column, range(size)
    return tuple(number), codes


def _small_ints(distinct: dict[Any, int]) -> range | None:
    """``range(max + 1)`` if the ``distinct`` values are all ints from 0 to 65,535.

    Their table would cost eight bytes a value on top of the codes: a range
    read with the values as codes gives the same ints (equal objects).
    """
    if set(map(type, distinct)) != _INT:
        return None
    if min(distinct) < 0 or max(distinct) > 0xFFFF:
        return None
    return range(max(distinct) + 1)


def decode(field: Field, start: int = 0, stop: int | None = None) -> Sequence[Any]:
    """The values of records ``start:stop`` of one field of a chunk.

    ``itemgetter`` with every code picks them in one C call, about three
    times faster than mapping ``values.__getitem__`` over the codes.

    Examples
    --------
    >>> decode(encode(("a", "b", "a", "a")), 1, 3)
    ('b', 'a')
    """
    values, codes = field
    if isinstance(codes, range):  # the field kept whole: its values are the column
        return values[start:stop]
    part = codes[start:stop]
    if len(part) > 1:
        picked: tuple[Any, ...] = itemgetter(*part)(values)
        return picked
    return [values[code] for code in part]  # one item: itemgetter would not give a tuple


def _pick(field: Field, where: list[int]) -> Sequence[Any]:
    """The values of one field of a chunk at the positions ``where`` (in order, at least two)."""
    values, codes = field
    # itemgetter with several items picks them in one C call, as decode() does
    entries = where if isinstance(codes, range) else itemgetter(*where)(codes)
    picked: tuple[Any, ...] = itemgetter(*entries)(values)
    return picked


class Chunks(Generic[R]):
    """Records of ``width`` fields in dictionary-coded chunks, in time order.

    Chunks are built once at their final size: growing one long list per
    field would leave the memory of each outgrown copy behind.

    Parameters
    ----------
    width
        Number of fields of a record; the first is its time.
    make
        Builds a record from an iterable of its fields (a named tuple's
        ``_make``).

    Examples
    --------
    >>> chunks = Chunks(2, tuple)
    >>> chunks.extend([(0.0, "a"), (1.0, "b")])
    >>> chunks.insert((0.5, "c"))
    >>> list(chunks.records(0, 3)), chunks.record(2), chunks.last_time()
    ([(0.0, 'a'), (0.5, 'c'), (1.0, 'b')], (1.0, 'b'), 1.0)
    """

    __slots__ = ("_make", "_none_raw", "chunks", "size", "starts")

    def __init__(self, width: int, make: Callable[[Iterable[Any]], R]) -> None:
        self._make = make
        self._none_raw = (False,) * width  # no chunk before: no field kept whole
        self.chunks: list[tuple[Field, ...]] = []
        self.starts: list[int] = []  # index of each chunk's first record
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def last_time(self) -> float:
        """The time of the last record (there is one)."""
        values, codes = self.chunks[-1][0]
        last: float = values[codes[-1]]
        return last

    def extend(self, records: list[tuple[Any, ...]]) -> None:
        """Append ``records`` as one chunk."""
        if records:
            self.starts.append(self.size)
            chunks = self.chunks
            if chunks:
                raw: Sequence[bool] = [isinstance(codes, range) for _, codes in chunks[-1]]
            else:
                raw = self._none_raw
            chunks.append(tuple(map(encode, zip(*records, strict=True), raw)))
            self.size += len(records)

    def insert(self, record: tuple[Any, ...]) -> None:
        """Insert ``record`` after every record at or before its time (rare: a
        command that moved the clock)."""
        time = record[0]
        chunks = self.chunks
        number = len(chunks) - 1
        while number > 0 and decode(chunks[number][0], 0, 1)[0] > time:
            number -= 1
        columns = [list(decode(field)) for field in chunks[number]]
        at = bisect_right(columns[0], time)
        for column, value in zip(columns, record, strict=True):
            column.insert(at, value)
        chunks[number] = tuple(encode(tuple(column)) for column in columns)
        for later in range(number + 1, len(chunks)):
            self.starts[later] += 1
        self.size += 1

    def masks(self, field: int, wanted: frozenset[Any]) -> list[int]:
        """Per chunk, which records hold one of the ``wanted`` values in ``field``.

        Each mask is an int whose byte ``i`` (little-endian) is 1 for record
        ``i`` of the chunk and 0 otherwise, so masks combine with ``&`` and
        ``|``.  Each value of a field's table is tested once and the codes are
        translated in C, so a chunk costs a few microseconds, not a test per
        record.

        Examples
        --------
        >>> chunks = Chunks(2, tuple)
        >>> chunks.extend([(0.0, "a"), (1.0, "b"), (2.0, "a")])
        >>> [hex(mask) for mask in chunks.masks(1, frozenset({"a"}))]
        ['0x10001']
        """
        result = []
        for fields in self.chunks:
            values, codes = fields[field]
            hits = bytes(map(wanted.__contains__, values))  # 1 per wanted table entry
            if isinstance(codes, range):  # kept whole: the values are the column
                mask = hits
            elif isinstance(codes, bytes):
                mask = codes.translate(hits.ljust(256, b"\0"))
            else:
                mask = bytes(map(hits.__getitem__, codes))
            result.append(int.from_bytes(mask, "little"))
        return result

    def picked(self, masks: list[int]) -> Iterator[R]:
        """The records whose byte is set in their chunk's mask (see :meth:`masks`), in order.

        Examples
        --------
        >>> chunks = Chunks(2, tuple)
        >>> chunks.extend([(0.0, "a"), (1.0, "b"), (2.0, "a")])
        >>> list(chunks.picked(chunks.masks(1, frozenset({"a"}))))
        [(0.0, 'a'), (2.0, 'a')]
        """
        for number, mask in enumerate(masks):
            if not mask:
                continue
            fields = self.chunks[number]
            size = len(fields[0][1])
            where = list(compress(range(size), mask.to_bytes(size, "little")))
            if len(where) == 1:  # itemgetter of one item would not give a tuple
                yield self.record(self.starts[number] + where[0])
                continue
            columns = [_pick(field, where) for field in fields]
            yield from map(self._make, zip(*columns, strict=True))

    def record(self, index: int) -> R:
        """Record ``index`` (0 <= index < len)."""
        number = bisect_right(self.starts, index) - 1
        offset = index - self.starts[number]
        fields = self.chunks[number]
        return self._make([values[codes[offset]] for values, codes in fields])

    def records(self, start: int, stop: int) -> Iterator[R]:
        """Records ``start:stop`` in order."""
        number = max(bisect_right(self.starts, start) - 1, 0)
        while number < len(self.chunks) and self.starts[number] < stop:
            base = self.starts[number]
            fields = self.chunks[number]
            low, high = max(start - base, 0), min(stop - base, len(fields[0][1]))
            columns = [decode(field, low, high) for field in fields]
            yield from map(self._make, zip(*columns, strict=True))
            number += 1
