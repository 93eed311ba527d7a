"""Go standard-library behaviours that the docker CLI's texts depend on.

Mirrors the parts of Go's ``strconv`` and ``fmt`` packages whose output reaches a user of the
docker CLI, error texts included:

* :func:`go_quote` / :func:`go_quote_rune` follow ``strconv.Quote`` (``fmt``'s ``%q``) and
  ``strconv.QuoteRune``;
* :func:`go_format_g` follows ``fmt``'s ``%g`` for ``float64`` (``strconv.FormatFloat`` with
  format ``'g'``);
* :func:`go_parse_int`, :func:`go_parse_uint`, :func:`go_parse_float` and
  :func:`go_parse_bool` follow ``strconv.ParseInt(s, 0, 64)``, ``ParseUint(s, 0, 64)``,
  ``ParseFloat(s, 64)`` and ``ParseBool``, as pflag's value types call them;
* :func:`go_parse_ip` follows ``net.ParseIP`` and ``IP.String``.

The flag parser (:mod:`swarmsim.cli.flags`), the unit conversions (:mod:`swarmsim.units`) and
the error texts of the docker commands and the control API share these helpers.
"""

from __future__ import annotations

import ipaddress
import math
from decimal import Decimal

__all__ = [
    "go_format_g",
    "go_parse_bool",
    "go_parse_float",
    "go_parse_int",
    "go_parse_ip",
    "go_parse_uint",
    "go_quote",
    "go_quote_rune",
]


# ---------------------------------------------------------------------------------------------
# strconv.Quote and QuoteRune
# ---------------------------------------------------------------------------------------------


_GO_SIMPLE_ESCAPES: dict[str, str] = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
}


def _go_escape_char(ch: str, quote: str) -> str:
    """Escape one character the way ``strconv.Quote``/``QuoteRune`` do.

    Parameters
    ----------
    ch : str
        A single character.
    quote : str
        The quote character in use (``"`` or ``'``); it is backslash-escaped.

    Returns
    -------
    str
        The escaped form of ``ch``.
    """
    if ch == quote:
        return "\\" + ch
    if ch in _GO_SIMPLE_ESCAPES:
        return _GO_SIMPLE_ESCAPES[ch]
    if ch == " " or ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        # Lone surrogates cannot exist in Go strings; they would be invalid UTF-8 bytes.
        return "\\ufffd"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def go_quote(text: str) -> str:
    """Return ``text`` quoted as Go's ``strconv.Quote`` (and ``fmt``'s ``%q``) would.

    Printable characters (Unicode letters, marks, numbers, punctuation, symbols and the ASCII
    space) are kept; ``\\a \\b \\f \\n \\r \\t \\v``, backslash and ``"`` use their short
    escapes; other characters use ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN``.

    Parameters
    ----------
    text : str
        The text to quote.

    Returns
    -------
    str
        The double-quoted Go string literal.

    Examples
    --------
    >>> go_quote('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    return '"' + "".join(_go_escape_char(ch, '"') for ch in text) + '"'


def go_quote_rune(ch: str) -> str:
    """Return the single character ``ch`` quoted as Go's ``strconv.QuoteRune`` would.

    Parameters
    ----------
    ch : str
        A single character.

    Returns
    -------
    str
        The single-quoted Go rune literal, e.g. ``'x'``.

    Raises
    ------
    ValueError
        If ``ch`` is not exactly one character.
    """
    if len(ch) != 1:
        raise ValueError(f"expected one character, got {ch!r}")
    return "'" + _go_escape_char(ch, "'") + "'"


# ---------------------------------------------------------------------------------------------
# fmt's %g
# ---------------------------------------------------------------------------------------------


def go_format_g(value: float, precision: int | None = None) -> str:
    """Format ``value`` as Go's ``fmt`` verb ``%g`` (``%.<precision>g`` when given).

    With ``precision=None`` the shortest representation that round-trips is used (Go's
    ``%g`` and ``%v`` for ``float64``); the exponent form is chosen when the decimal exponent
    is below -4 or at least the precision (6 for the shortest form).  Exponents have at least
    two digits, as in Go (``1e+06``).

    Parameters
    ----------
    value : float
        The number to format.
    precision : int or None, optional
        Number of significant digits, or ``None`` for the shortest form.

    Returns
    -------
    str
        The formatted number, e.g. ``"0.5"``, ``"1"``, ``"1.5"``, ``"1e+06"``, ``"+Inf"``.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if precision is not None:
        # Python's %g follows the same C rules as Go's strconv 'g' with an explicit precision:
        # correctly rounded digits, trailing zeros removed, two-digit minimum exponent.
        return f"%.{max(precision, 1)}g" % value
    neg = math.copysign(1.0, value) < 0
    parts = Decimal(repr(abs(value))).as_tuple()
    if not isinstance(parts.exponent, int):  # pragma: no cover - finite values only
        raise AssertionError("unexpected special value")
    digits = "".join(str(d) for d in parts.digits)
    exponent = parts.exponent
    while len(digits) > 1 and digits.endswith("0"):
        digits = digits[:-1]
        exponent += 1
    # `point` is the position of the decimal point relative to the first digit.
    point = 1 if digits == "0" else len(digits) + exponent
    exp10 = point - 1
    if exp10 < -4 or exp10 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        exp_sign = "-" if exp10 < 0 else "+"
        text = f"{mantissa}e{exp_sign}{abs(exp10):02d}"
    elif point <= 0:
        text = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return "-" + text if neg else text


# ---------------------------------------------------------------------------------------------
# strconv.ParseInt, ParseUint, ParseFloat and ParseBool
# ---------------------------------------------------------------------------------------------


class _NumError(Exception):
    """A ``strconv.NumError``: its first argument is the error text."""


_MAX_UINT64 = (1 << 64) - 1


def _num_error(func: str, text: str, reason: str) -> _NumError:
    return _NumError(f"strconv.{func}: parsing {go_quote(text)}: {reason}")


def _underscore_ok(text: str) -> bool:
    """Port of strconv's ``underscoreOK``: are the ``_`` digit separators well placed?

    Parameters
    ----------
    text : str
        A number literal, possibly signed and with a base prefix.

    Returns
    -------
    bool
        ``True`` when every underscore sits between digits (or after a base prefix).
    """
    saw = "^"
    i = 0
    if text[:1] in ("+", "-"):
        text = text[1:]
    hexadecimal = False
    if len(text) >= 2 and text[0] == "0" and text[1] in "bBoOxX":
        i = 2
        saw = "0"
        hexadecimal = text[1] in "xX"
    while i < len(text):
        ch = text[i]
        if "0" <= ch <= "9" or (hexadecimal and ch in "abcdefABCDEF"):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def _parse_uint_base0(text: str, func: str) -> int:
    """Port of ``strconv.ParseUint(text, 0, 64)`` reporting errors under ``func``.

    Parameters
    ----------
    text : str
        The number.
    func : str
        The Go function name used in error messages.

    Returns
    -------
    int
        The value.

    Raises
    ------
    _NumError
        ``invalid syntax`` or ``value out of range``; ``args[1]`` is ``"range"`` for the
        latter so that :func:`go_parse_int` can tell them apart.
    """
    if text == "":
        raise _num_error(func, text, "invalid syntax")
    digits = text
    base = 10
    if digits[0] == "0":
        if len(digits) >= 3 and digits[1] in "bB":
            base, digits = 2, digits[2:]
        elif len(digits) >= 3 and digits[1] in "oO":
            base, digits = 8, digits[2:]
        elif len(digits) >= 3 and digits[1] in "xX":
            base, digits = 16, digits[2:]
        else:
            base, digits = 8, digits[1:]
    value = 0
    underscores = False
    for ch in digits:
        if ch == "_":
            underscores = True
            continue
        if "0" <= ch <= "9":
            digit = ord(ch) - ord("0")
        elif "a" <= ch <= "z":
            digit = ord(ch) - ord("a") + 10
        elif "A" <= ch <= "Z":
            digit = ord(ch) - ord("A") + 10
        else:
            raise _num_error(func, text, "invalid syntax")
        if digit >= base:
            raise _num_error(func, text, "invalid syntax")
        value = value * base + digit
        if value > _MAX_UINT64:
            raise _NumError(str(_num_error(func, text, "value out of range")), "range")
    if underscores and not _underscore_ok(text):
        raise _num_error(func, text, "invalid syntax")
    return value


def go_parse_uint(text: str) -> int:
    """Parse an unsigned integer as Go's ``strconv.ParseUint(text, 0, 64)``.

    Base prefixes ``0x``, ``0o``, ``0b`` and a leading ``0`` (octal) are honoured, as are
    well-placed ``_`` separators.  Signs are not allowed.

    Parameters
    ----------
    text : str
        The number.

    Returns
    -------
    int
        The value, ``0 <= value < 2**64``.

    Raises
    ------
    ValueError
        ``strconv.ParseUint: parsing "x": invalid syntax`` or
        ``strconv.ParseUint: parsing "x": value out of range``.
    """
    try:
        return _parse_uint_base0(text, "ParseUint")
    except _NumError as exc:
        raise ValueError(str(exc.args[0])) from None


def _parse_int_base0(text: str) -> int:
    if text == "":
        raise _num_error("ParseInt", text, "invalid syntax")
    body = text
    negative = False
    if body[0] == "+":
        body = body[1:]
    elif body[0] == "-":
        negative = True
        body = body[1:]
    try:
        magnitude = _parse_uint_base0(body, "ParseInt")
    except _NumError as exc:
        if len(exc.args) < 2:
            raise _num_error("ParseInt", text, "invalid syntax") from None
        magnitude = _MAX_UINT64
    cutoff = 1 << 63
    if (not negative and magnitude >= cutoff) or (negative and magnitude > cutoff):
        raise _num_error("ParseInt", text, "value out of range")
    return -magnitude if negative else magnitude


def go_parse_int(text: str) -> int:
    """Parse a signed integer as Go's ``strconv.ParseInt(text, 0, 64)`` (pflag's ``int``).

    Parameters
    ----------
    text : str
        The number, optionally signed, with optional base prefix.

    Returns
    -------
    int
        The value within the int64 range.

    Raises
    ------
    ValueError
        ``strconv.ParseInt: parsing "x": invalid syntax`` or ``...: value out of range``.
    """
    try:
        return _parse_int_base0(text)
    except _NumError as exc:
        raise ValueError(str(exc.args[0])) from None


def _float_special(text: str) -> float | None:
    """Port of strconv's ``special``: infinities and NaN spelled out."""
    lowered = text.lower()
    body = lowered[1:] if lowered[:1] in ("+", "-") else lowered
    if body in ("inf", "infinity"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == "nan":
        return math.nan
    return None


def _parse_float(text: str) -> float:
    special = _float_special(text)
    if special is not None:
        return special
    size = len(text)
    i = 0
    if i < size and text[i] in "+-":
        i += 1
    hexadecimal = i + 2 < size and text[i] == "0" and text[i + 1] in "xX"
    if hexadecimal:
        i += 2
    saw_dot = saw_digits = underscores = False
    while i < size:
        ch = text[i]
        if ch == "_":
            underscores = True
        elif ch == ".":
            if saw_dot:
                break
            saw_dot = True
        elif "0" <= ch <= "9" or (hexadecimal and ch in "abcdefABCDEF"):
            saw_digits = True
        else:
            break
        i += 1
    if not saw_digits:
        raise _num_error("ParseFloat", text, "invalid syntax")
    if i < size and text[i] in ("pP" if hexadecimal else "eE"):
        i += 1
        if i < size and text[i] in "+-":
            i += 1
        if i >= size or not "0" <= text[i] <= "9":
            raise _num_error("ParseFloat", text, "invalid syntax")
        while i < size and ("0" <= text[i] <= "9" or text[i] == "_"):
            underscores = underscores or text[i] == "_"
            i += 1
    elif hexadecimal:
        raise _num_error("ParseFloat", text, "invalid syntax")
    if i != size or (underscores and not _underscore_ok(text)):
        raise _num_error("ParseFloat", text, "invalid syntax")
    body = text.replace("_", "")
    try:
        value = float.fromhex(body) if hexadecimal else float(body)
    except OverflowError:
        value = math.inf
    if math.isinf(value):
        raise _num_error("ParseFloat", text, "value out of range")
    return value


def go_parse_float(text: str) -> float:
    """Parse a float as Go's ``strconv.ParseFloat(text, 64)`` (pflag's ``float64``).

    Accepts decimal and hexadecimal (``0x1.8p1``) literals with ``_`` separators, and
    ``inf``/``infinity``/``nan`` in any case (infinities optionally signed).

    Parameters
    ----------
    text : str
        The number.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ValueError
        ``strconv.ParseFloat: parsing "x": invalid syntax`` or ``...: value out of range``.
    """
    try:
        return _parse_float(text)
    except _NumError as exc:
        raise ValueError(str(exc)) from None


_TRUE_WORDS = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE_WORDS = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def go_parse_bool(text: str) -> bool:
    """Parse a boolean as Go's ``strconv.ParseBool``.

    Parameters
    ----------
    text : str
        One of ``1 t T TRUE true True 0 f F FALSE false False``.

    Returns
    -------
    bool
        The value.

    Raises
    ------
    ValueError
        ``strconv.ParseBool: parsing "x": invalid syntax``.
    """
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ValueError(str(_num_error("ParseBool", text, "invalid syntax")))


# ---------------------------------------------------------------------------------------------
# net.ParseIP
# ---------------------------------------------------------------------------------------------


def go_parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``net.ParseIP(text)``: a literal address, or ``None`` where Go finds none.

    Go takes no zone (``fe80::1%eth0``) and no prefix, and folds an
    IPv4-mapped IPv6 address to IPv4; ``str()`` of the result is ``IP.String()``.

    Examples
    --------
    >>> [str(go_parse_ip(t)) for t in ("2001:DB8:0:0::1", "::ffff:10.0.0.1", "1.2.3")]
    ['2001:db8::1', '10.0.0.1', 'None']
    """
    if not text or "%" in text or "/" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
