"""docker's template functions (``cli: templates/templates.go``)."""

from __future__ import annotations

from typing import Any

import pytest

from swarmsim.cli.gotemplate import Template
from swarmsim.cli.gotemplate.funcs import go_sprintf


def render(source: str, data: Any = None) -> str:
    return Template(source).render(data)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{json .}}", '{"a":"<b&c>","l":[1,null],"labels":{"k":"v"},"m":{"x":true}}'),
        ("{{json .m}}", '{"x":true}'),
        ('{{join .l ", "}}', "1, <nil>"),
        ('{{join .m "-"}}', "true"),
        ('{{join .none ","}}', ""),
        ('{{split "a:b::c" ":"}}', "[a b  c]"),
        ('{{split "ab" ""}}', "[a b]"),
        ('{{title "hello wide-world x_y it\'s"}}', "Hello Wide-World X_y It'S"),
        ('[{{index .m "nope"}}] [{{index .labels "nope"}}]', "[<nil>] []"),
        ('{{lower "ABC"}}{{upper "def"}}', "abcDEF"),
        ('[{{pad "x" 1 2}}][{{pad "" 1 2}}]', "[ x  ][]"),
        ('{{truncate "abcdef" 3}} {{truncate "ab" 3}} {{truncate "abc" 3}}', "abc ab abc"),
    ],
)
def test_docker_functions(source: str, expected: str) -> None:
    data = {"a": "<b&c>", "l": [1, None], "m": {"x": True}, "labels": {"k": "v"}}
    assert render(source, data) == expected


def test_sprintf_padding_and_floats() -> None:
    assert go_sprintf("%05d|%-4d|%6.2f|%e|%g", 42, 7, 3.14159, 1500.0, 0.5) == (
        "00042|7   |  3.14|1.500000e+03|0.5"
    )
    assert go_sprintf("%d", 1, 2) == "1%!(EXTRA int=2)"
