"""The shape of a line, read without running it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.shellargs import ShellError
from swarmsim.cli.shellwords import split_command_line
from swarmsim.shell.syntax import (
    SHELL_WORDS,
    continues,
    expand,
    is_comment,
    logical_lines,
    machine_prefix,
    partition_groups,
    pipe_input,
    static_words,
)


def test_logical_lines_join_continuations() -> None:
    assert list(logical_lines(["a \\\n", "b\n", "c \\\\\n", "d \\\n"])) == [
        "a \\\nb",
        "c \\\\",
        "d \\",
    ]


def test_comments_and_continuations() -> None:
    assert is_comment("") and is_comment("   # note") and not is_comment("docker # x")
    assert continues("a \\") and not continues("a \\\\") and continues("a \\\\\\")


def test_the_machine_prefix_leaves_the_rest_of_the_line_as_it_is() -> None:
    assert machine_prefix("@w1 echo  'a  b'") == ("w1", "echo  'a  b'")
    assert machine_prefix("echo @w1") == ("", "echo @w1")


def test_expansions_ask_for_values_from_the_last_to_the_first() -> None:
    asked: list[str] = []

    def variable(name: str) -> str:
        asked.append("$" + name)
        return "v"

    def command(text: str) -> str:
        asked.append(text)
        return "c"

    line = expand("echo $(one) ${A} '$B' \"$(two)\" \\$C", variable, command)
    assert asked == ["two", "$A", "one"]
    assert split_command_line(line) == ["echo", "c", "v", "$B", "c", "$C"]


def test_a_substitution_that_starts_with_a_dollar_is_a_command() -> None:
    commands: list[str] = []
    expand("echo $($X)", lambda name: "never", lambda text: commands.append(text) or "")
    assert commands == ["$X"]


def test_an_assignment_keeps_its_value_one_word() -> None:
    value = "two  words 'quoted' $x"
    line = expand("A=$V B=$V", lambda name: value, str)
    assert split_command_line(line) == [f"A={value}", f"B={value}"]
    assert split_command_line(expand("echo $V", lambda name: value, str)) == [
        "echo",
        "two",
        "words",
        "'quoted'",
        "$x",
    ]


def test_an_open_substitution_is_a_shell_error() -> None:
    with pytest.raises(ShellError, match="unterminated command substitution"):
        expand("echo $(docker node ls", str, str)
    with pytest.raises(ShellError, match="unterminated command substitution"):
        static_words("echo $(docker node ls")


def test_static_words_count_a_substitution_as_one_word() -> None:
    assert static_words("docker node ps $(docker node ls -q) '$(x)'") == [
        "docker",
        "node",
        "ps",
        "_",
        "$(x)",
    ]
    assert {"docker", "sleep", "partition", "traffic", "exit"} <= SHELL_WORDS


def test_printf_reuses_its_format_and_echo_ends_a_line() -> None:
    assert pipe_input(["printf", "%d%%\\t", "1", "2"]) == b"1%\t2%\t"
    assert pipe_input(["echo", "a", "b"]) == b"a b\n"
    assert pipe_input(["printf"]) is None and pipe_input(["docker", "ps"]) is None


def test_partition_groups_need_arguments() -> None:
    with pytest.raises(ShellError, match="usage: partition"):
        partition_groups([])
    assert partition_groups(["a", "/", "/", "b"]) == [["a"], [], ["b"]]


@given(st.text(alphabet="ab $'\"\\", max_size=8))
def test_any_value_reads_back_as_it_was(value: str) -> None:
    for line in ("echo $V", 'echo "$V"', "A=$V"):
        words = split_command_line(expand(line, lambda name: value, str))
        if line.startswith("A="):
            assert words == [f"A={value}"]
        elif '"' in line:
            assert words == ["echo", value]
        else:
            assert words == ["echo", *value.split()]
