"""YAML to plain data with positions; the YAML 1.1 traps refused or explained."""

from __future__ import annotations

import math

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario.yamlsource import dotted, load_yaml, yaml11_hint


def test_values_and_positions() -> None:
    data, positions = load_yaml(
        "f.yaml", "a: on\nb: 22:22\nc:\n  - 1_000\n  - 0o17\n  - .inf\nd: 'x'\ne: ~\nf: True\n"
    )
    assert data["a"] == "on" and data["b"] == "22:22"  # YAML 1.2: strings
    assert data["c"][:2] == [1000, 15] and math.isinf(data["c"][2])
    assert (data["d"], data["e"], data["f"]) == ("x", None, True)
    assert positions.of(("c", 1)) == (5, 5)
    assert positions.of(("c",), key=True) == (3, 1)
    assert positions.of(("c", 7, "deeper")) == (4, 3)  # the nearest known ancestor
    assert positions.raw[("b",)] == "22:22" and ("d",) not in positions.raw  # quoted


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", (3, 1), "a: duplicate key 'a' (first defined at line 1)"),
        ("mode: 0755\n", (1, 7), "mode: 0755 is ambiguous: YAML 1.1 reads it as an octal number"),
        ("a:\n\t- 1\n", (2, 1), "(yaml): a tab in the indentation"),
        ("a: [1, 2\n", (2, 1), "(yaml): invalid YAML: expected ',' or ']'"),
        ("? [a, b]\n: 1\n", (1, 3), "(root): a key must be a plain string"),
        ("a: &x [1, *x]\n", (1, 4), "a[1]: an alias refers to a collection that contains it"),
        ("a: " + "[" * 2000 + "]" * 2000 + "\n", (1, 1), "(yaml): invalid YAML: maximum recursion"),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("abcde", "bcdef", strict=True)
            ),
            (1, 35),  # where the expanded value was written
            "e[7][8][8][8][9]: more than 100000 values",
        ),
    ],
)
def test_refusals(text: str, where: tuple[int, int], words: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        load_yaml("f.yaml", text)
    error = raised.value
    assert (error.line, error.col) == where
    assert f"{error.path}: {error.message}".startswith(words)


def test_hints_and_paths() -> None:
    assert "YAML 1.1 read it as a boolean" in yaml11_hint("Off")
    assert yaml11_hint("1:02:03").endswith("base-60 number 3723): write 1h2m3s")
    assert yaml11_hint("hello") == ""
    assert dotted(("expect", 0, "node", "name")) == "expect[0].node.name"
