"""The functions a docker template can call: Go's builtins and docker's additions.

Mirrors ``go: src/text/template/funcs.go`` (``and``, ``or``, ``not``, ``len``,
``index``, ``slice``, ``print``, ``printf``, ``println``, ``eq`` ... ``ge``) and
``cli: templates/templates.go`` (``json``, ``join``, ``split``, ``title``,
``lower``, ``upper``, ``pad``, ``truncate``, and the ``HeaderFunctions`` that
leave a table header's text alone).  A function raises :class:`FuncError`
with Go's message; the executor wraps it as ``error calling NAME: ...``.

Differences
-----------
``printf`` knows the verbs ``%v %s %d %q %t %f %g %x %%`` with flags, width and
precision; ``html``, ``js``, ``urlquery`` and ``call`` are not provided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from swarmsim.cli.gotemplate.values import NIL, go_print, go_type, template_json, truth
from swarmsim.golang import go_format_g, go_quote

__all__ = ["BASIC_FUNCS", "BUILTINS", "HEADER_FUNCS", "ArgError", "FuncError", "go_sprintf"]


class FuncError(Exception):
    """A function returned an error (``error calling NAME: <message>``)."""


class ArgError(Exception):
    """An argument has the wrong type (``wrong type for value; expected T; got U``)."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ArgError(f"wrong type for value; expected string; got {go_type(value)}")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgError(f"wrong type for value; expected int; got {go_type(value)}")
    return value


def _join(elems: Any, sep: Any) -> str:
    separator = _string(sep)
    if elems is None:
        return ""
    if isinstance(elems, list | tuple):
        return separator.join(go_print(e, top=False) for e in elems)
    if isinstance(elems, Mapping):
        return separator.join(sorted(go_print(v, top=False) for v in elems.values()))
    raise FuncError(f"expected slice, got {go_type(elems)}")


def _split(text: Any, sep: Any) -> list[str]:
    whole, separator = _string(text), _string(sep)
    return list(whole) if separator == "" else whole.split(separator)


def _title(text: Any) -> str:
    """``strings.Title``: upper-case the first letter of every word."""
    return re.sub(r"(?<!\w)(\w)", lambda m: m.group(1).upper(), _string(text))


def _pad(text: Any, prefix: Any, suffix: Any) -> str:
    source = _string(text)
    return "" if source == "" else " " * _int(prefix) + source + " " * _int(suffix)


def _truncate(text: Any, length: Any) -> str:
    source, limit = _string(text), _int(length)
    return source if len(source) < limit else source[:limit]


def _length(value: Any) -> int:
    if isinstance(value, str | list | tuple | Mapping):
        return len(value)
    raise FuncError(f"len of type {go_type(value)}")


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(item, list | tuple | str):
            if isinstance(key, bool) or not isinstance(key, int):
                raise FuncError(f"cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(item):
                raise FuncError(f"index out of range: {key}")
            item = item[key]
        elif isinstance(item, Mapping):
            if key in item:
                item = item[key]
            else:  # the zero value: "" for labels (map[string]string), nil otherwise
                item = "" if all(isinstance(v, str) for v in item.values()) else NIL
        elif item is None:
            raise FuncError("index of untyped nil")
        else:
            raise FuncError(f"can't index item of type {go_type(item)}")
    return item


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return True
    return type(a) is type(b) and isinstance(a, str)


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise FuncError("missing argument for comparison")
    for other in others:
        if first is None or other is None:
            if first is other:
                return True
            continue
        if not _comparable(first, other):
            raise FuncError("incompatible types for comparison")
        if first == other:
            return True
    return False


def _lt(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or a is None:
        raise FuncError("invalid type for comparison")
    if not _comparable(a, b):
        raise FuncError("incompatible types for comparison")
    return bool(a < b)


_VERB = re.compile(r"%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*))?([a-zA-Z%])")


def _bad(verb: str, value: Any) -> str:
    return f"%!{verb}({go_type(value)}={go_print(value)})"


def go_sprintf(fmt: str, *args: Any) -> str:
    """``fmt.Sprintf`` for the common verbs.

    Examples
    --------
    >>> go_sprintf("%-6s|%3d|%q|%v|%.1f", "ab", 7, "x", [1, 2], 2.25)
    'ab    |  7|"x"|[1 2]|2.2'
    """
    queue = list(args)
    missing = object()

    def convert(match: re.Match[str]) -> str:
        flags, width, precision, verb = match.groups()
        if verb == "%":
            return "%"
        value = queue.pop(0) if queue else missing
        if value is missing:
            return f"%!{verb}(MISSING)"
        if verb in "vs":
            text = go_print(value, top=False) if value is not None else "<nil>"
            if precision is not None and verb == "s":
                text = text[: int(precision)]
        elif verb == "q":
            text = go_quote(go_print(value, top=False))
        elif verb == "t":
            text = go_print(value) if isinstance(value, bool) else _bad(verb, value)
        elif verb in "dxX" and isinstance(value, int) and not isinstance(value, bool):
            text = format(value, verb)
        elif verb in "feEg" and isinstance(value, int | float) and not isinstance(value, bool):
            if verb == "g":
                text = go_format_g(float(value), None if precision is None else int(precision))
            else:
                text = format(float(value), f".{6 if precision is None else precision}{verb}")
        elif verb in "xX" and isinstance(value, str):
            text = value.encode().hex() if verb == "x" else value.encode().hex().upper()
        else:
            text = _bad(verb, value)
        if width is not None and width != "*":
            pad = int(width) - len(text)
            if pad > 0:
                if "-" in flags:
                    text += " " * pad
                elif "0" in flags and verb in "dfeg":
                    sign = text[0] if text[:1] in "+-" else ""
                    text = sign + "0" * pad + text[len(sign) :]
                else:
                    text = " " * pad + text
        return text

    result = _VERB.sub(convert, fmt)
    if queue:
        result += "%!(EXTRA " + ", ".join(f"{go_type(v)}={go_print(v)}" for v in queue) + ")"
    return result


def _print(*args: Any) -> str:
    """``fmt.Sprint``: a space between operands when neither is a string."""
    out = ""
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out += " "
        out += go_print(arg, top=False)
    return out


def _slice(item: Any, *indexes: Any) -> Any:
    if not isinstance(item, str | list | tuple):
        raise FuncError(f"can't slice item of type {go_type(item)}")
    bounds = [_int(i) for i in indexes]
    if any(not 0 <= b <= len(item) for b in bounds):
        raise FuncError(f"index out of range: {bounds[-1]}")
    if len(bounds) == 1:
        return item[bounds[0] :]
    return item[bounds[0] : bounds[1]] if bounds else item


BUILTINS: dict[str, Callable[..., Any]] = {
    "not": lambda value: not truth(value),
    "len": _length,
    "index": _index,
    "slice": _slice,
    "print": _print,
    "printf": lambda fmt, *args: go_sprintf(_string(fmt), *args),
    "println": lambda *args: " ".join(go_print(a, top=False) for a in args) + "\n",
    "eq": _eq,
    "ne": lambda a, b: not _eq(a, b),
    "lt": _lt,
    "le": lambda a, b: _lt(a, b) or _eq(a, b),
    "gt": lambda a, b: not (_lt(a, b) or _eq(a, b)),
    "ge": lambda a, b: not _lt(a, b),
}
"""Go's builtins except ``and`` / ``or``, which the executor evaluates lazily."""

BASIC_FUNCS: dict[str, Callable[..., Any]] = {
    "json": template_json,
    "split": _split,
    "join": _join,
    "title": _title,
    "lower": lambda text: _string(text).lower(),
    "upper": lambda text: _string(text).upper(),
    "pad": _pad,
    "truncate": _truncate,
}
"""docker's ``basicFunctions``."""

HEADER_FUNCS: dict[str, Callable[..., Any]] = {
    **BASIC_FUNCS,
    "json": lambda text: _string(text),
    "split": lambda text, _sep: _string(text),
    "join": lambda text, _sep: _string(text),
    "title": lambda text: _string(text),
    "lower": lambda text: _string(text),
    "upper": lambda text: _string(text),
    "truncate": lambda text, _n: _string(text),
}
"""docker's ``HeaderFunctions``: a table header keeps its text."""

ARITY: dict[str, tuple[int, bool]] = {
    "not": (1, False),
    "len": (1, False),
    "index": (1, True),
    "slice": (1, True),
    "print": (0, True),
    "printf": (1, True),
    "println": (0, True),
    "eq": (1, True),
    "ne": (2, False),
    "lt": (2, False),
    "le": (2, False),
    "gt": (2, False),
    "ge": (2, False),
    "json": (1, False),
    "split": (2, False),
    "join": (2, False),
    "title": (1, False),
    "lower": (1, False),
    "upper": (1, False),
    "pad": (3, False),
    "truncate": (2, False),
    "and": (1, True),
    "or": (1, True),
}
"""Each function's fixed argument count and whether it takes more."""
