"""GNU grep's basic regular expressions for the shell's ``| grep``."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.grep import NESTED_REPETITION, compile_pattern


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("Swarm", ["Swarm: active"], ["swarm: active"]),
        ("a|b", ["x a|b y"], ["a", "b"]),  # | is a plain character in a BRE
        ("a\\|b", ["a", "b"], ["c"]),  # GNU's alternation
        ("(web)", ["(web)"], ["web"]),
        ("\\(we\\)b", ["web"], ["(we)b"]),
        ("a+", ["a+"], ["aa"]),
        ("ba\\+r", ["baaar"], ["br"]),
        ("colou\\?r", ["color", "colour"], ["colouur"]),
        ("x{2}", ["x{2}"], ["xx"]),
        ("x\\{2\\}", ["xx"], ["x"]),
        ("x\\{2,\\}y", ["xxxy"], ["xy"]),
        ("*", ["a*b"], ["ab"]),  # a leading star is plain
        ("^web", ["web.1"], ["a web"]),
        ("a^b", ["a^b"], ["ab"]),
        ("1$", ["web.1"], ["web.12"]),
        ("a$b", ["a$b"], ["ab"]),
        ("\\(^a\\|b$\\)", ["ax", "xb"], ["xa"]),
        ("[[:digit:]]\\{3\\}", ["port 443"], ["port 44"]),
        ("[^[:space:]]", ["x"], [" \t"]),
        ("[]a]", ["]"], ["b"]),
        ("[a\\]x", ["\\x", "ax"], ["]"]),  # a backslash is plain inside brackets
        ("[a-c-]", ["-", "b"], ["d"]),
        ("\\<web\\>", ["a web b"], ["webs"]),
        ("\\(a\\)\\1", ["aa"], ["ab"]),
        ("a.c", ["abc"], ["ac"]),
        ("\\{1\\}x", ["{1}x"], ["x"]),  # nothing to repeat: plain braces
        ("[a-c][ab]\\>*", ["aa bb", "ba"], ["a.b", "abc"]),  # a repeated anchor is the anchor
        ("a\\.c", ["a.c"], ["abc"]),
    ],
)
def test_basic_regular_expressions(pattern: str, matches: list[str], misses: list[str]) -> None:
    compiled = compile_pattern(pattern)
    assert all(compiled.search(line) for line in matches)
    assert not any(compiled.search(line) for line in misses)


def test_repetitions_in_a_row_collapse_as_in_grep() -> None:
    assert compile_pattern("a**").pattern == "a*"
    assert compile_pattern("a\\+\\+").pattern == "a+"
    assert compile_pattern("a\\+\\?").pattern == "a*"


def test_ignore_case() -> None:
    assert compile_pattern("swarm", ignore_case=True).search("Swarm: active")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("[", "Unmatched [, [^, [:, [., or [="),
        ("[[:alpha:", "Unmatched [, [^, [:, [., or [="),
        ("[[:nope:]]", "Invalid character class name"),
        ("[z-a]", "Invalid range end"),
        ("\\(a", "Unmatched ( or \\("),
        ("a\\)", "Unmatched ) or \\)"),
        ("a\\{1", "Unmatched \\{"),
        ("a\\{x\\}", "Invalid content of \\{\\}"),
        ("a\\{3,1\\}", "Invalid content of \\{\\}"),
        ("a\\{99999\\}", "Regular expression too big"),
        ("a\\", "Trailing backslash"),
        ("\\1", "Invalid back reference"),
        ("[:space:]", "character class syntax is [[:space:]], not [:space:]"),
    ],
)
def test_errors_read_as_gnu_greps(pattern: str, message: str) -> None:
    with pytest.raises(ValueError) as error:
        compile_pattern(pattern)
    assert str(error.value) == message


@pytest.mark.parametrize("pattern", ["\\(a*\\)*b", "\\(a\\|aa\\)\\+b", "\\(x\\+\\)\\{2,\\}"])
def test_repeating_a_repeating_group_is_refused_instead_of_hanging(pattern: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=NESTED_REPETITION):
        compile_pattern(pattern).search("a" * 40)
    assert time.perf_counter() - start < 0.5


@given(
    pattern=st.text(alphabet="ab.*^$[]\\(){}|+?-:=<>123 wsx", max_size=24),
    line=st.text(alphabet="ab .", max_size=60),
)
def test_any_pattern_compiles_or_is_refused_and_never_hangs(pattern: str, line: str) -> None:
    try:
        compiled = compile_pattern(pattern)
    except ValueError as error:
        assert str(error)
        return
    start = time.perf_counter()
    compiled.search(line)
    assert time.perf_counter() - start < 0.5
