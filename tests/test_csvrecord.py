"""Tests for swarmsim.csvrecord: one encoding/csv record, with Go's error texts."""

from __future__ import annotations

import pytest

from swarmsim.csvrecord import read_csv_record


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        ("", []),
        ("a", ["a"]),
        ("a,b", ["a", "b"]),
        ("a,", ["a", ""]),
        (",", ["", ""]),
        ('"a""b",c', ['a"b', "c"]),
        ('"a,b"', ["a,b"]),
        ('""', [""]),
        ("a,b\r\n", ["a", "b"]),
        ("a\nb", ["a"]),
        ("\n\na", ["a"]),
        ('"a\nb",c', ["a\nb", "c"]),
        ("é,ü", ["é", "ü"]),
    ],
)
def test_read_csv_record(value: str, fields: list[str]) -> None:
    assert read_csv_record(value) == fields


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'),
        ('x,a"b', 'parse error on line 1, column 4: bare " in non-quoted-field'),
        ('"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'),
        ('a,"b', 'parse error on line 1, column 5: extraneous or missing " in quoted-field'),
        (
            '"a\nb',
            "record on line 1; parse error on line 2, column 2: "
            'extraneous or missing " in quoted-field',
        ),
        ("\n", "EOF"),
    ],
)
def test_read_csv_record_errors(value: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        read_csv_record(value)
    assert str(excinfo.value) == message
