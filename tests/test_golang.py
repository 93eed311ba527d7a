"""Tests for swarmsim.golang: Go's strconv quoting and parsing, and fmt's %g."""

from __future__ import annotations

import math

import pytest

from swarmsim.golang import (
    go_format_g,
    go_parse_bool,
    go_parse_float,
    go_parse_int,
    go_parse_uint,
    go_quote,
    go_quote_rune,
)

# --- quoting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("x", '"x"'),
        ("", '""'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("tab\there", '"tab\\there"'),
        ("nl\n", '"nl\\n"'),
        ("\x01", '"\\x01"'),
        ("\x7f", '"\\x7f"'),
        ("héllo", '"héllo"'),
        ("\u00a0", '"\\u00a0"'),
        ("µ", '"µ"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


def test_go_quote_rune() -> None:
    assert go_quote_rune("x") == "'x'"
    assert go_quote_rune("'") == "'\\''"
    assert go_quote_rune('"') == "'\"'"
    with pytest.raises(ValueError):
        go_quote_rune("xy")


# --- %g ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (0.5, None, "0.5"),
        (1.0, None, "1"),
        (0.0, None, "0"),
        (-0.0, None, "-0"),
        (100000.0, None, "100000"),
        (1e6, None, "1e+06"),
        (1.5e-5, None, "1.5e-05"),
        (0.0001, None, "0.0001"),
        (123.456, None, "123.456"),
        (math.inf, None, "+Inf"),
        (-math.inf, None, "-Inf"),
        (math.nan, None, "NaN"),
        (1023.0, 4, "1023"),
        (1.5, 4, "1.5"),
        (12345.0, 4, "1.234e+04"),
        (10000.0, 4, "1e+04"),
    ],
)
def test_go_format_g(value: float, precision: int | None, text: str) -> None:
    assert go_format_g(value, precision) == text


# --- Go strconv ports -----------------------------------------------------------------------


def test_go_parse_bool() -> None:
    for word in ("1", "t", "T", "TRUE", "true", "True"):
        assert go_parse_bool(word) is True
    for word in ("0", "f", "F", "FALSE", "false", "False"):
        assert go_parse_bool(word) is False
    with pytest.raises(ValueError) as excinfo:
        go_parse_bool("tRUE")
    assert str(excinfo.value) == 'strconv.ParseBool: parsing "tRUE": invalid syntax'


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("-0", 0), ("+7", 7), ("-0x1F", -31), ("-9223372036854775808", -(1 << 63))],
)
def test_go_parse_int(text: str, value: int) -> None:
    assert go_parse_int(text) == value


def test_go_parse_int_errors() -> None:
    with pytest.raises(ValueError) as excinfo:
        go_parse_int("--1")
    assert str(excinfo.value) == 'strconv.ParseInt: parsing "--1": invalid syntax'
    with pytest.raises(ValueError) as excinfo:
        go_parse_int("9223372036854775808")
    assert str(excinfo.value) == (
        'strconv.ParseInt: parsing "9223372036854775808": value out of range'
    )


def test_go_parse_uint() -> None:
    assert go_parse_uint("18446744073709551615") == (1 << 64) - 1
    assert go_parse_uint("0X_ff") == 255
    with pytest.raises(ValueError) as excinfo:
        go_parse_uint("0x")
    assert str(excinfo.value) == 'strconv.ParseUint: parsing "0x": invalid syntax'
    with pytest.raises(ValueError) as excinfo:
        go_parse_uint("1__0")
    assert str(excinfo.value) == 'strconv.ParseUint: parsing "1__0": invalid syntax'


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1.0),
        ("-1.5", -1.5),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("1_000.5", 1000.5),
        ("0x1p-2", 0.25),
        ("0x1.8P1", 3.0),
        ("inf", math.inf),
        ("-Infinity", -math.inf),
        ("+INF", math.inf),
        ("1e-400", 0.0),
    ],
)
def test_go_parse_float(text: str, value: float) -> None:
    assert go_parse_float(text) == value


def test_go_parse_float_nan_and_errors() -> None:
    assert math.isnan(go_parse_float("NaN"))
    for text in ("", ".", "e1", "1e", "1e+", "0x1", "1..2", "_1", "1_", "+nan", "infin", "1 "):
        with pytest.raises(ValueError) as excinfo:
            go_parse_float(text)
        assert str(excinfo.value) == f'strconv.ParseFloat: parsing "{text}": invalid syntax'
