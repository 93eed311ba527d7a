"""Units at the edges of the simulator.

Inside the simulator time is a ``float`` number of seconds, memory an ``int`` number of bytes
and CPU an ``int`` number of nano-CPUs (as in the Docker API).  This module converts between
those values and the text the docker CLI reads and prints, reproducing the Go implementations
the CLI relies on:

* :func:`parse_duration` / :func:`format_duration` follow Go's ``time.ParseDuration`` and
  ``time.Duration.String``, error texts included;
* :func:`parse_bytes` / :func:`format_bytes_binary` follow ``docker/go-units``
  (``RAMInBytes`` and ``BytesSize``);
* :func:`parse_nanocpus` / :func:`format_cpus` follow docker/cli ``opts.ParseCPUs`` and the
  ``float64(nanoCPUs) / 1e9`` value that ``docker service inspect --pretty`` prints.

The ``strconv`` and ``fmt`` behaviours these rely on (``ParseFloat``, ``%g``) come from
:mod:`swarmsim.golang`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from swarmsim.golang import go_format_g, go_parse_float

__all__ = [
    "NANOSECONDS_PER_SECOND",
    "format_bytes_binary",
    "format_cpus",
    "format_duration",
    "format_duration_ns",
    "parse_bytes",
    "parse_duration",
    "parse_duration_ns",
    "parse_nanocpus",
    "seconds_to_ns",
]

NANOSECONDS_PER_SECOND = 1_000_000_000
"""Nanoseconds in one second (Go's ``time.Second``)."""

_NS = 1
_US = 1_000
_MS = 1_000_000
_S = 1_000_000_000
_MIN = 60 * _S
_HOUR = 60 * _MIN

# Units accepted by time.ParseDuration: "µs" is U+00B5 (micro sign), "μs" is U+03BC (mu).
_DURATION_UNITS: dict[str, int] = {
    "ns": _NS,
    "us": _US,
    "\u00b5s": _US,
    "\u03bcs": _US,
    "ms": _MS,
    "s": _S,
    "m": _MIN,
    "h": _HOUR,
}

_TWO_63 = 1 << 63
_LOWERHEX = "0123456789abcdef"


# ---------------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------------


def _time_quote(text: str) -> str:
    """Quote ``text`` the way Go's ``time`` package does in its error messages.

    The ``time`` package avoids ``strconv`` and uses its own quoting: ASCII control characters
    and every non-ASCII character are written as ``\\xNN`` escapes of their UTF-8 bytes; ``"``
    and ``\\`` are backslash-escaped; everything else is copied.

    Parameters
    ----------
    text : str
        The text to quote.

    Returns
    -------
    str
        The quoted text, including the surrounding double quotes.
    """
    out = ['"']
    for ch in text:
        if ord(ch) >= 0x80 or ch < " ":
            for byte in ch.encode("utf-8", "surrogatepass"):
                out.append("\\x" + _LOWERHEX[byte >> 4] + _LOWERHEX[byte & 0xF])
        else:
            if ch in ('"', "\\"):
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def _invalid_duration(orig: str) -> ValueError:
    return ValueError("time: invalid duration " + _time_quote(orig))


def parse_duration_ns(text: str) -> int:
    """Parse a Go duration string into an integer number of nanoseconds.

    This is a faithful port of Go's ``time.ParseDuration``: a possibly signed sequence of
    decimal numbers, each with an optional fraction and a mandatory unit suffix (``ns``,
    ``us``/``µs``/``μs``, ``ms``, ``s``, ``m``, ``h``).  The only number allowed without a unit
    is ``0`` (optionally signed).

    Parameters
    ----------
    text : str
        The duration text, e.g. ``"1m30s"``, ``"1.5h"``, ``"-300ms"``.

    Returns
    -------
    int
        The duration in nanoseconds (within Go's int64 range).

    Raises
    ------
    ValueError
        With Go's exact message: ``time: invalid duration "x"``,
        ``time: missing unit in duration "10"`` or
        ``time: unknown unit "q" in duration "10q"``.
    """
    orig = text
    s = text
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if s == "":
        raise _invalid_duration(orig)
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise _invalid_duration(orig)
        # Leading integer part, with Go's overflow rules.
        i = 0
        whole = 0
        while i < len(s) and "0" <= s[i] <= "9":
            if whole > _TWO_63 // 10:
                raise _invalid_duration(orig)
            whole = whole * 10 + (ord(s[i]) - 48)
            if whole > _TWO_63:
                raise _invalid_duration(orig)
            i += 1
        pre = i > 0
        s = s[i:]
        # Optional fraction; precision silently stops accumulating on overflow.
        frac = 0
        scale = 1.0
        post = False
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if frac > (_TWO_63 - 1) // 10:
                        overflow = True
                    else:
                        candidate = frac * 10 + (ord(s[i]) - 48)
                        if candidate > _TWO_63:
                            overflow = True
                        else:
                            frac = candidate
                            scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise _invalid_duration(orig)
        # Unit: everything up to the next digit or dot.
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise ValueError("time: missing unit in duration " + _time_quote(orig))
        unit_text = s[:i]
        s = s[i:]
        unit = _DURATION_UNITS.get(unit_text)
        if unit is None:
            raise ValueError(
                "time: unknown unit " + _time_quote(unit_text) + " in duration " + _time_quote(orig)
            )
        if whole > _TWO_63 // unit:
            raise _invalid_duration(orig)
        value = whole * unit
        if frac > 0:
            # Go computes the fractional contribution in float64 and truncates it.
            value += int(float(frac) * (float(unit) / scale))
            if value > _TWO_63:
                raise _invalid_duration(orig)
        total += value
        if total > _TWO_63:
            raise _invalid_duration(orig)
    if neg:
        return -total
    if total > _TWO_63 - 1:
        raise _invalid_duration(orig)
    return total


def parse_duration(text: str) -> float:
    """Parse a Go duration string into float seconds.

    Parameters
    ----------
    text : str
        The duration text, e.g. ``"10s"``, ``"1m30s"``, ``"1.5h"``, ``"300ms"``, ``"1µs"``.

    Returns
    -------
    float
        The duration in seconds.

    Raises
    ------
    ValueError
        With Go's exact ``time.ParseDuration`` error text (see :func:`parse_duration_ns`).

    Examples
    --------
    >>> parse_duration("1m30s")
    90.0
    >>> parse_duration("300ms")
    0.3
    """
    return parse_duration_ns(text) / NANOSECONDS_PER_SECOND


def seconds_to_ns(seconds: float) -> int:
    """Convert float seconds to integer nanoseconds, rounding to the nearest nanosecond.

    Parameters
    ----------
    seconds : float
        A duration or instant in seconds.

    Returns
    -------
    int
        The same value in nanoseconds.

    Raises
    ------
    ValueError
        If ``seconds`` is NaN or infinite.
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot convert {seconds!r} seconds to nanoseconds")
    return round(seconds * NANOSECONDS_PER_SECOND)


def _fmt_frac(value: int, precision: int) -> tuple[str, int]:
    """Split off the ``precision`` low decimal digits of ``value`` as Go's ``fmtFrac`` does.

    Parameters
    ----------
    value : int
        A non-negative integer.
    precision : int
        Number of fractional digits held in the low part of ``value``.

    Returns
    -------
    tuple of (str, int)
        The fraction text (``".5"``, or ``""`` when the fraction is zero; trailing zeros
        removed) and the integer part.
    """
    digits: list[str] = []
    printed = False
    for _ in range(precision):
        digit = value % 10
        printed = printed or digit != 0
        if printed:
            digits.append(str(digit))
        value //= 10
    if printed:
        return "." + "".join(reversed(digits)), value
    return "", value


def format_duration_ns(nanoseconds: int) -> str:
    """Format integer nanoseconds as Go's ``time.Duration.String()`` does.

    Parameters
    ----------
    nanoseconds : int
        The duration in nanoseconds.

    Returns
    -------
    str
        E.g. ``"0s"``, ``"1.5µs"``, ``"500ms"``, ``"1m30s"``, ``"2h45m0.5s"``.
    """
    neg = nanoseconds < 0
    u = -nanoseconds if neg else nanoseconds
    if u < _S:
        if u == 0:
            return "0s"
        if u < _US:
            text = f"{u}ns"
        elif u < _MS:
            frac, whole = _fmt_frac(u, 3)
            text = f"{whole}{frac}\u00b5s"
        else:
            frac, whole = _fmt_frac(u, 6)
            text = f"{whole}{frac}ms"
    else:
        frac, whole_seconds = _fmt_frac(u, 9)
        text = f"{whole_seconds % 60}{frac}s"
        minutes = whole_seconds // 60
        if minutes > 0:
            text = f"{minutes % 60}m{text}"
            hours = minutes // 60
            if hours > 0:
                text = f"{hours}h{text}"
    return "-" + text if neg else text


def format_duration(seconds: float) -> str:
    """Format float seconds as Go's ``time.Duration.String()`` does.

    The value is first rounded to whole nanoseconds.

    Parameters
    ----------
    seconds : float
        The duration in seconds.

    Returns
    -------
    str
        E.g. ``"0s"``, ``"500ms"``, ``"1.5s"``, ``"1m30s"``, ``"1h0m0s"``, ``"1µs"``.

    Examples
    --------
    >>> format_duration(90)
    '1m30s'
    >>> format_duration(3600)
    '1h0m0s'
    """
    return format_duration_ns(seconds_to_ns(seconds))


# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------

# go-units: `(?i)^(\d+(\.\d+)*) ?([kmgtp])?i?b?$`.  Note the `*`: "1.2.3" matches the regex but
# then fails strconv.ParseFloat, which go-units reports with the strconv error.
_SIZE_RE = re.compile(r"([0-9]+(?:\.[0-9]+)*) ?([kmgtp])?i?b?", re.IGNORECASE)
_BINARY_MULTIPLIERS: dict[str, int] = {
    "k": 1 << 10,
    "m": 1 << 20,
    "g": 1 << 30,
    "t": 1 << 40,
    "p": 1 << 50,
}
_BINARY_ABBRS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
_INT64_MIN = -_TWO_63


def parse_bytes(text: str) -> int:
    """Parse a memory size as docker's ``MemBytes`` flag does (go-units ``RAMInBytes``).

    Binary multiples are used: ``k`` = 1024, ``m`` = 1024², ``g``, ``t``, ``p``; the suffix is
    case-insensitive, may be followed by ``i`` and/or ``b``, and may be separated from the
    number by one space.  A plain number is bytes.  Fractions are allowed and the result is
    truncated.

    Parameters
    ----------
    text : str
        E.g. ``"512M"``, ``"1.5g"``, ``"100"``, ``"2GiB"``.

    Returns
    -------
    int
        The size in bytes.

    Raises
    ------
    ValueError
        ``invalid size: 'x'`` when the text does not match; for a number such as ``"1.2.3"``
        that matches the go-units pattern but is not a float, the ``strconv.ParseFloat`` text.

    Examples
    --------
    >>> parse_bytes("512M")
    536870912
    >>> parse_bytes("1.5g")
    1610612736
    """
    match = _SIZE_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid size: '{text}'")
    number, prefix = match.group(1), match.group(2)
    size = go_parse_float(number)
    if prefix:
        size *= float(_BINARY_MULTIPLIERS[prefix.lower()])
    if math.isinf(size) or size >= 2.0**63:
        # Go's int64(float64) conversion of an out-of-range value is implementation defined;
        # on amd64 it yields the minimum int64.
        return _INT64_MIN
    return int(size)


def format_bytes_binary(n: float) -> str:
    """Format a byte count as go-units ``BytesSize`` (``%.4g`` with binary units).

    Parameters
    ----------
    n : float
        The size in bytes.

    Returns
    -------
    str
        E.g. ``"0B"``, ``"512B"``, ``"20MiB"``, ``"1.5GiB"``, ``"1023KiB"``.

    Examples
    --------
    >>> format_bytes_binary(20971520)
    '20MiB'
    >>> format_bytes_binary(1610612736)
    '1.5GiB'
    """
    size = float(n)
    index = 0
    while size >= 1024.0 and index < len(_BINARY_ABBRS) - 1:
        size /= 1024.0
        index += 1
    return go_format_g(size, 4) + _BINARY_ABBRS[index]


# ---------------------------------------------------------------------------------------------
# CPUs
# ---------------------------------------------------------------------------------------------

# The subset of math/big's Rat.SetString syntax that makes sense for a CPU count: an optionally
# signed decimal number with an optional fraction and exponent, or a fraction "a/b" of
# decimal integers (the denominator unsigned).
_RAT_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?([0-9]*)|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?")
_RAT_MAX_EXP10 = 10**6  # Rat.SetString: "avoid excessively large exponents"
_RAT_FRACTION_RE = re.compile(r"([+-]?[0-9]+)/([0-9]+)")


def _wrap_int64(value: int) -> int:
    return ((value + _TWO_63) % (2 * _TWO_63)) - _TWO_63


def parse_nanocpus(text: str) -> int:
    """Parse a CPU count as docker/cli ``opts.ParseCPUs`` (the ``NanoCPUs`` flag type) does.

    The text is read as an exact rational number (``"0.5"``, ``"2"``, ``"1e-3"``, ``"1/4"``)
    and multiplied by 10⁹; the result must be an integer.

    Parameters
    ----------
    text : str
        The CPU count.

    Returns
    -------
    int
        The count in nano-CPUs (``"0.5"`` → ``500000000``).

    Raises
    ------
    ValueError
        ``failed to parse <text> as a rational number`` when the text is not a number (or,
        as Go, when its decimal exponent exceeds 10⁶ in magnitude), or ``value is too
        precise`` when it has more than nine decimal places.

    Notes
    -----
    Go's ``big.Rat.SetString`` also accepts base prefixes (``0x…``, and a leading ``0`` as
    octal in the ``a/b`` form), binary exponents and digit separators; those forms are not
    supported here: they are reported as unparsable or read as decimal.
    """
    value: Fraction | None = None
    decimal = _RAT_DECIMAL_RE.fullmatch(text)
    if decimal is not None:
        fraction_digits = len(decimal.group(1) or decimal.group(2) or "")
        exponent = decimal.group(3) or "0"
        magnitude = exponent.lstrip("+-").lstrip("0") or "0"
        if len(magnitude) <= 7:
            exp10 = int(magnitude) * (-1 if exponent.startswith("-") else 1) - fraction_digits
            if abs(exp10) <= _RAT_MAX_EXP10:
                value = Fraction(Decimal(text))
    else:
        match = _RAT_FRACTION_RE.fullmatch(text)
        if match is not None:
            # via Decimal: int() of a long digit string hits Python's conversion limit
            numerator, denominator = (int(Decimal(match.group(i))) for i in (1, 2))
            if denominator:
                value = Fraction(numerator, denominator)
    if value is None:
        raise ValueError(f"failed to parse {text} as a rational number")
    nano = value * NANOSECONDS_PER_SECOND
    if nano.denominator != 1:
        raise ValueError("value is too precise")
    return _wrap_int64(nano.numerator)


def format_cpus(nanocpus: int) -> str:
    """Format nano-CPUs as ``docker service inspect --pretty`` prints a CPU value.

    The CLI computes ``float64(nanoCPUs) / 1e9`` and prints it with Go's ``%v`` (``%g``).

    Parameters
    ----------
    nanocpus : int
        The value in nano-CPUs.

    Returns
    -------
    str
        E.g. ``"0.5"`` for 500000000, ``"1"`` for 10⁹, ``"0.25"``.

    Examples
    --------
    >>> format_cpus(500_000_000)
    '0.5'
    >>> format_cpus(2_000_000_000)
    '2'
    """
    return go_format_g(float(nanocpus) / 1e9)
