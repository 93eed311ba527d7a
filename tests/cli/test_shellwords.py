"""Tests for swarmsim.cli.shellwords: shell-like word splitting without expansion."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.shellwords import split_command_line


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("", []),
        ("   ", []),
        ("docker service ls", ["docker", "service", "ls"]),
        ("  a \t b\n c  ", ["a", "b", "c"]),
        ("a 'b c' d", ["a", "b c", "d"]),
        ('a "b c" d', ["a", "b c", "d"]),
        ("''", [""]),
        ('a "" b', ["a", "", "b"]),
        ("a'b'\"c\"d", ["abcd"]),
        ("--env='A=1 2'", ["--env=A=1 2"]),
        ("'a\\b'", ["a\\b"]),
        ('"a\\"b"', ['a"b']),
        ('"a\\\\b"', ["a\\b"]),
        ('"a\\$b"', ["a$b"]),
        ('"a\\nb"', ["a\\nb"]),
        ("a\\ b", ["a b"]),
        ("a\\'b", ["a'b"]),
        ("\\#x", ["#x"]),
        ("a b\\\nc", ["a", "bc"]),
        ("a \\\nb", ["a", "b"]),
        ('"a\\\nb"', ["ab"]),
        ("ls # a comment", ["ls"]),
        ("# only a comment", []),
        ("a#b", ["a#b"]),
        ("a # c1\nb # c2\n", ["a", "b"]),
        ("echo $HOME *.txt ~ ; | &&", ["echo", "$HOME", "*.txt", "~", ";", "|", "&&"]),
        ("'#'", ["#"]),
    ],
)
def test_split_command_line(line: str, words: list[str]) -> None:
    assert split_command_line(line) == words


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a 'b", "unterminated quoted string"),
        ('a "b', "unterminated quoted string"),
        ('"a\\"', "unterminated quoted string"),
        ("a \\", "trailing backslash at end of input"),
    ],
)
def test_split_command_line_errors(line: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        split_command_line(line)
    assert str(excinfo.value) == message


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"))))
def test_split_command_line_inverts_shlex_quote(words: list[str]) -> None:
    assert split_command_line(" ".join(shlex.quote(word) for word in words)) == words
