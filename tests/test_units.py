"""Tests for swarmsim.units: Go duration, go-units size and docker CPU conversions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.units import (
    format_bytes_binary,
    format_cpus,
    format_duration,
    format_duration_ns,
    parse_bytes,
    parse_duration,
    parse_duration_ns,
    parse_nanocpus,
    seconds_to_ns,
)

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


# --- parse_duration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("0", 0),
        ("+0", 0),
        ("-0", 0),
        ("10s", 10_000_000_000),
        ("1m30s", 90_000_000_000),
        ("1.5h", 5_400_000_000_000),
        ("300ms", 300_000_000),
        ("2us", 2_000),
        ("1\u00b5s", 1_000),  # micro sign
        ("1\u03bcs", 1_000),  # Greek mu
        ("7ns", 7),
        ("-1s", -1_000_000_000),
        ("+5m", 300_000_000_000),
        (".5s", 500_000_000),
        ("1.s", 1_000_000_000),
        ("1h2m3.5s", 3_723_500_000_000),
        ("1s1s", 2_000_000_000),
        ("0s", 0),
        ("0.000000001s", 1),
        ("0.0000000001s", 0),
        ("9223372036854775807ns", INT64_MAX),
        ("-9223372036854775808ns", INT64_MIN),
        ("2562047h47m16.854775807s", INT64_MAX),
    ],
)
def test_parse_duration_ns_valid(text: str, nanoseconds: int) -> None:
    assert parse_duration_ns(text) == nanoseconds


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10s", 10.0), ("1m30s", 90.0), ("1.5h", 5400.0), ("300ms", 0.3), ("1µs", 1e-6)],
)
def test_parse_duration_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", 'time: invalid duration "x"'),
        ("", 'time: invalid duration ""'),
        ("-", 'time: invalid duration "-"'),
        ("+", 'time: invalid duration "+"'),
        (".s", 'time: invalid duration ".s"'),
        ("s", 'time: invalid duration "s"'),
        ("1s x", 'time: unknown unit "s x" in duration "1s x"'),
        ("--1s", 'time: invalid duration "--1s"'),
        ("10", 'time: missing unit in duration "10"'),
        ("1.5", 'time: missing unit in duration "1.5"'),
        ("0.0", 'time: missing unit in duration "0.0"'),
        ("1s2", 'time: missing unit in duration "1s2"'),
        ("10q", 'time: unknown unit "q" in duration "10q"'),
        ("1S", 'time: unknown unit "S" in duration "1S"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
        ("1é", 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"'),
        ('1"', 'time: unknown unit "\\"" in duration "1\\""'),
        ("9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'),
        ("3000000h", 'time: invalid duration "3000000h"'),
        ("99999999999999999999s", 'time: invalid duration "99999999999999999999s"'),
    ],
)
def test_parse_duration_errors_match_go(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_duration(text)
    assert str(excinfo.value) == message


# --- format_duration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nanoseconds", "text"),
    [
        (0, "0s"),
        (1, "1ns"),
        (999, "999ns"),
        (1_000, "1µs"),
        (1_500, "1.5µs"),
        (1_000_000, "1ms"),
        (500_000_000, "500ms"),
        (1_234_567, "1.234567ms"),
        (1_000_000_000, "1s"),
        (1_500_000_000, "1.5s"),
        (10_000_000_000, "10s"),
        (60_000_000_000, "1m0s"),
        (90_000_000_000, "1m30s"),
        (3_600_000_000_000, "1h0m0s"),
        (9_900_500_000_000, "2h45m0.5s"),
        (-1_000_000_000, "-1s"),
        (-1_500, "-1.5µs"),
        (INT64_MAX, "2562047h47m16.854775807s"),
        (INT64_MIN, "-2562047h47m16.854775808s"),
    ],
)
def test_format_duration_ns(nanoseconds: int, text: str) -> None:
    assert format_duration_ns(nanoseconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.5, "500ms"),
        (1.5, "1.5s"),
        (10, "10s"),
        (90, "1m30s"),
        (3600, "1h0m0s"),
        (9900.5, "2h45m0.5s"),
        (1e-6, "1µs"),
        (0.1, "100ms"),
        (5, "5s"),
    ],
)
def test_format_duration_seconds(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.integers(min_value=INT64_MIN, max_value=INT64_MAX))
def test_duration_string_round_trips(nanoseconds: int) -> None:
    assert parse_duration_ns(format_duration_ns(nanoseconds)) == nanoseconds


def test_seconds_to_ns_rounds_and_rejects_nan() -> None:
    assert seconds_to_ns(0.1) == 100_000_000
    assert seconds_to_ns(1e-10) == 0
    with pytest.raises(ValueError):
        seconds_to_ns(math.nan)


# --- sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("512M", 536_870_912),
        ("512m", 536_870_912),
        ("512MB", 536_870_912),
        ("512MiB", 536_870_912),
        ("512mib", 536_870_912),
        ("1.5g", 1_610_612_736),
        ("1.5G", 1_610_612_736),
        ("2GiB", 2_147_483_648),
        ("100", 100),
        ("100b", 100),
        ("100B", 100),
        ("1k", 1024),
        ("1 k", 1024),
        ("1KB", 1024),
        ("1t", 1 << 40),
        ("1p", 1 << 50),
        ("0", 0),
        ("0.5k", 512),
        ("1.0001k", 1024),
    ],
)
def test_parse_bytes(text: str, size: int) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid size: ''"),
        ("abc", "invalid size: 'abc'"),
        ("-1", "invalid size: '-1'"),
        ("1x", "invalid size: '1x'"),
        ("1e", "invalid size: '1e'"),
        (".5g", "invalid size: '.5g'"),
        ("1  k", "invalid size: '1  k'"),
        ("1k\n", "invalid size: '1k\n'"),
        ("1.2.3", 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'),
    ],
)
def test_parse_bytes_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_bytes(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0B"),
        (1, "1B"),
        (512, "512B"),
        (1023, "1023B"),
        (1024, "1KiB"),
        (1536, "1.5KiB"),
        (20_971_520, "20MiB"),
        (536_870_912, "512MiB"),
        (1_073_741_824, "1GiB"),
        (1_610_612_736, "1.5GiB"),
        (1_048_473.6, "1024KiB"),  # %.4g rounds 1023.9 up to 1024
        (123_456_789, "117.7MiB"),
        (1 << 40, "1TiB"),
        (1 << 50, "1PiB"),
        (1 << 60, "1EiB"),
        (1_000_000_000, "953.7MiB"),
    ],
)
def test_format_bytes_binary(size: float, text: str) -> None:
    assert format_bytes_binary(size) == text


# --- CPUs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nanocpus"),
    [
        ("0.5", 500_000_000),
        ("2", 2_000_000_000),
        ("1.25", 1_250_000_000),
        ("0.000000001", 1),
        ("1e-3", 1_000_000),
        ("1/4", 250_000_000),
        (".5", 500_000_000),
        ("-1", -1_000_000_000),
        ("0", 0),
    ],
)
def test_parse_nanocpus(text: str, nanocpus: int) -> None:
    assert parse_nanocpus(text) == nanocpus


def test_parse_nanocpus_long_digit_strings() -> None:
    # Python's int() refuses strings of more than 4300 digits; Go reads them
    assert parse_nanocpus("2e" + "0" * 5000 + "0") == 2_000_000_000
    assert parse_nanocpus("2/" + "0" * 5000 + "1") == 2_000_000_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "failed to parse x as a rational number"),
        ("0.x", "failed to parse 0.x as a rational number"),
        ("", "failed to parse  as a rational number"),
        (" 1", "failed to parse  1 as a rational number"),
        ("1/0", "failed to parse 1/0 as a rational number"),
        ("0.0000000001", "value is too precise"),
        ("1/3", "value is too precise"),
        # Rat.SetString refuses decimal exponents beyond 1e6 (and we must not compute them)
        ("1e99999999", "failed to parse 1e99999999 as a rational number"),
        ("1e-1000001", "failed to parse 1e-1000001 as a rational number"),
        ("1e" + "9" * 5000, "failed to parse 1e" + "9" * 5000 + " as a rational number"),
        ("1/" + "0" * 5000 + "3", "value is too precise"),
    ],
)
def test_parse_nanocpus_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_nanocpus(text)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("nanocpus", "text"),
    [
        (500_000_000, "0.5"),
        (1_000_000_000, "1"),
        (2_000_000_000, "2"),
        (250_000_000, "0.25"),
        (1_500_000_000, "1.5"),
        (1, "1e-09"),
        (0, "0"),
    ],
)
def test_format_cpus(nanocpus: int, text: str) -> None:
    assert format_cpus(nanocpus) == text
