"""The ``| grep [-i] [-v] PATTERN`` of a shell line: GNU grep's basic regular expressions.

:func:`compile_pattern` turns a basic regular expression (what ``grep`` reads
without ``-E``) into a Python :class:`re.Pattern` that finds the same lines:
``\\(`` ``\\)`` group while ``(`` ``)`` are plain characters, ``\\{m,n\\}``
repeats while ``{`` is plain, ``\\|`` ``\\+`` ``\\?`` are GNU's alternation and
repetitions while ``|`` ``+`` ``?`` are plain, ``*`` at the start is plain,
``^`` and ``$`` anchor only at the ends of the pattern or of a group or
alternative, and a bracket expression takes its backslashes literally and
knows the POSIX classes (``[[:digit:]]``).  Errors read as GNU grep's
(``Unmatched [, [^, [:, [., or [=``).

This module has no swarmkit counterpart: it stands in for ``grep(1)`` of GNU
grep (``dfa.c``, ``regcomp.c`` of gnulib) in the class notes' terminal.

Differences
-----------
* Classes are the C locale's (``[[:alpha:]]`` is ``a-zA-Z``); equivalence
  classes and collating symbols only name themselves (``[[=a=]]`` is ``a``).
* Python's matcher backtracks where grep's does not, so a repetition of a group
  that itself repeats or alternates (``\\(a*\\)*b``) could run for ages on a
  long line; such a pattern is refused rather than left to hang the shell.
* A backslash before an ordinary character means the character, without
  GNU grep's ``stray \\`` warning; a repeated word anchor (``a\\>*``) is just
  the anchor, where GNU grep's answers depend on the context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["compile_pattern"]

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "0-9a-zA-Z", "upper": "A-Z", "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v", "blank": " \\t", "xdigit": "0-9A-Fa-f",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e", "cntrl": "\\x00-\\x1f\\x7f",
}  # fmt: skip
_ANCHORS = {"<": r"\b(?=\w)", ">": r"\b(?<=\w)", "b": r"\b", "B": r"\B", "`": r"\A", "'": r"\Z"}
_DUP_MAX = 32767  # RE_DUP_MAX
_SIMPLE = {"*": "*", "\\+": "+", "\\?": "?"}
NESTED_REPETITION = "repeating a group that repeats or alternates is not simulated"


@dataclass
class _Group:
    start: int  # where the group's text begins in the output
    risky: bool = False  # holds a repetition or an alternative


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.out: list[str] = []
        self.groups = [_Group(0)]  # the whole pattern is the outermost group
        self.closed = 0  # groups closed so far (for back references)
        self.atom: tuple[int, bool] | None = None  # last atom: start, is a risky group
        self.repeat: tuple[int, str] | None = None  # last simple repetition: index, operator
        self.start = True  # where * is plain: the start of the pattern, a group, an alternative
        self.nested = False  # a risky group is repeated (reported after the syntax errors)

    def translate(self) -> str:
        pattern, i = self.pattern, 0
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                if i + 1 == len(pattern):
                    raise ValueError("Trailing backslash")
                i = self._escape(pattern[i + 1], i + 2)
            elif ch == "[":
                i = self._bracket(i + 1)
            elif ch == "*" and not self.start:
                self._repeat("*")
                i += 1
            elif ch == "^" and (i == 0 or pattern.endswith(("\\(", "\\|"), 0, i)):
                self._anchor("^", starts=True)
                i += 1
            elif ch == "$" and (i + 1 == len(pattern) or pattern.startswith(("\\)", "\\|"), i + 1)):
                self._anchor("$")
                i += 1
            else:
                self._literal("." if ch == "." else re.escape(ch))
                i += 1
        if len(self.groups) > 1:
            raise ValueError("Unmatched ( or \\(")
        if self.nested:
            raise ValueError(NESTED_REPETITION)
        return "".join(self.out)

    def _anchor(self, text: str, *, starts: bool = False, word: bool = False) -> None:
        """Something no repetition applies to (one after a word anchor is ignored)."""
        self.start = starts or (word and self.start)
        self.atom = self.repeat = None
        self.out.append(text)

    def _literal(self, text: str) -> None:
        self.atom = (len(self.out), False)
        self.repeat = None
        self.start = False
        self.out.append(text)

    def _escape(self, ch: str, after: int) -> int:
        if ch == "(":
            self.groups.append(_Group(len(self.out)))
            self._anchor("(", starts=True)
        elif ch == ")":
            if len(self.groups) == 1:
                raise ValueError("Unmatched ) or \\)")
            group = self.groups.pop()
            self.groups[-1].risky |= group.risky
            self.closed += 1
            self.out.append(")")
            self.atom, self.repeat = (group.start, group.risky), None
            self.start = False
        elif ch == "|":
            self.groups[-1].risky = True
            self._anchor("|", starts=True)
        elif ch in "+?" and not self.start:
            self._repeat("\\" + ch)
        elif ch == "{":
            return self._interval(after)
        elif ch in "123456789":
            if int(ch) > self.closed:
                raise ValueError("Invalid back reference")
            self._literal("\\" + ch)
        elif ch in _ANCHORS:
            self._anchor(_ANCHORS[ch], word=ch in "<>bB")
        elif ch in "wWsS":
            self._literal("\\" + ch)
        else:
            self._literal(re.escape(ch))
        return after

    def _repeat(self, operator: str) -> None:
        if self.atom is None:  # a repeated word anchor stays the anchor
            return
        self.nested |= self.atom[1]
        self.groups[-1].risky = True
        symbol = _SIMPLE[operator]
        if self.repeat is not None:  # a** is a*, a+? is a*, a++ is a+ ...
            index, previous = self.repeat
            symbol = previous if previous == symbol else "*"
            self.out[index] = symbol
            self.repeat = (index, symbol)
            return
        self.repeat = (len(self.out), symbol)
        self.out.append(symbol)

    def _interval(self, i: int) -> int:
        end = self.pattern.find("\\}", i)
        if end < 0:
            raise ValueError("Unmatched \\{")
        if self.start:  # nothing to repeat: the braces are plain characters
            self._literal(re.escape("{" + self.pattern[i:end] + "}"))
            return end + 2
        low, comma, high = self.pattern[i:end].partition(",")
        if not (low.isdigit() or low == "") or not (high.isdigit() or high == ""):
            raise ValueError("Invalid content of \\{\\}")
        if not comma and not low:
            raise ValueError("Invalid content of \\{\\}")
        lowest, highest = int(low or 0), int(high) if high else None
        if max(lowest, highest or 0) > _DUP_MAX:
            raise ValueError("Regular expression too big")
        if highest is not None and highest < lowest:
            raise ValueError("Invalid content of \\{\\}")
        if self.atom is None:  # a repeated word anchor stays the anchor
            return end + 2
        self.nested |= self.atom[1] or self.repeat is not None
        self.groups[-1].risky = True
        upper = "" if highest is None else str(highest)
        self.out.append(f"{{{lowest}}}" if not comma else f"{{{lowest},{upper}}}")
        self.repeat = None
        self.atom = (self.atom[0], True)  # a repeated atom cannot repeat again
        return end + 2

    def _bracket(self, i: int) -> int:
        pattern = self.pattern
        negate = pattern.startswith("^", i)
        i += negate
        items: list[str] = []
        first = True
        while True:
            if i >= len(pattern):
                raise ValueError("Unmatched [, [^, [:, [., or [=")
            ch = pattern[i]
            if ch == "]" and not first:
                break
            first = False
            if ch == "[" and pattern.startswith((":", ".", "="), i + 1):
                kind = pattern[i + 1]
                close = pattern.find(kind + "]", i + 2)
                if close < 0:
                    raise ValueError("Unmatched [, [^, [:, [., or [=")
                name = pattern[i + 2 : close]
                i = close + 2
                if kind == ":":
                    if name not in _CLASSES:
                        raise ValueError("Invalid character class name")
                    items.append(_CLASSES[name])
                    continue
                if len(name) != 1:
                    raise ValueError("Invalid collation character")
                ch = name
            else:
                i += 1
            if pattern.startswith("-", i) and not pattern.startswith("-]", i):
                if i + 1 >= len(pattern):
                    raise ValueError("Unmatched [, [^, [:, [., or [=")
                last = pattern[i + 1]
                if last < ch:
                    raise ValueError("Invalid range end")
                items.append(f"{_in_class(ch)}-{_in_class(last)}")
                i += 2
            else:
                items.append(_in_class(ch))
        self._literal("[" + ("^" if negate else "") + "".join(items) + "]")
        return i + 1


def _in_class(ch: str) -> str:
    return re.escape(ch)  # also & ~ | (Python reads && ~~ || in a class as set operations)


def compile_pattern(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A Python pattern whose ``search`` finds the lines ``grep [-i] PATTERN`` prints.

    Raises
    ------
    ValueError
        GNU grep's message for a malformed pattern (``Unmatched ( or \\(``), or
        :data:`NESTED_REPETITION`.

    Examples
    --------
    >>> bool(compile_pattern("a|b").search("a|b")), bool(compile_pattern("a\\\\|b").search("b"))
    (True, True)
    >>> compile_pattern("[")
    Traceback (most recent call last):
    ...
    ValueError: Unmatched [, [^, [:, [., or [=
    """
    text = _Translator(pattern).translate()
    if pattern.startswith("[:") and pattern.endswith(":]") and len(pattern) > 4:
        raise ValueError(f"character class syntax is [{pattern}], not {pattern}")
    return re.compile(text, re.IGNORECASE if ignore_case else 0)
