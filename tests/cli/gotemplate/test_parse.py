"""Go template syntax and parse errors (``text/template/parse``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.gotemplate import Template, TemplateError


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{.ID", "template: :1: unclosed action"),
        ("a\n{{end}}", "template: :2: unexpected {{end}}"),
        ("{{else}}", "template: :1: unexpected {{else}}"),
        ("{{if .A}}x", "template: :1: unexpected EOF"),
        ("{{range .A}}{{if .B}}{{end}}", "template: :1: unexpected EOF"),
        ("{{nope .A}}", 'template: :1: function "nope" not defined'),
        ("{{}}", "template: :1: missing value for command"),
        ("{{if}}{{end}}", "template: :1: missing value for if"),
        ("{{range}}{{end}}", "template: :1: missing value for range"),
        ("{{$x}}", 'template: :1: undefined variable "$x"'),
        ('{{"abc}}', "template: :1: unterminated quoted string"),
        ("{{.A | 3}}", "template: :1: non executable command in pipeline stage 2"),
        ('{{define "x"}}{{end}}', "template: :1: swarmsim: {{define}} is not supported"),
        ("{{if .A}}{{else with .B}}{{end}}", 'template: :1: unexpected "with" in else'),
        ("{{$a, $b := .X}}", "template: :1: too many declarations in command"),
    ],
)
def test_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        Template(source)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("plain", "plain"),
        ("{{/* a comment */}}x", "x"),
        ("a  {{- /* trimmed */ -}}  b", "ab"),
        ("{{- .A -}} \n {{.A}}", "11"),
        ("{{-3}}", "-3"),
        ("{{`raw\\n`}}", "raw\\n"),
        ('{{"tab\\there"}}', "tab\there"),
        ("{{0x10}} {{1e3}} {{1_000}}", "16 1000 1000"),
        ("{{true}} {{false}} {{eq nil nil}}", "true false true"),
        ("{{(.A)}}", "1"),
        ("{{(.M).K}}", "v"),
        ("{{$m := .M}}{{$m.K}}", "v"),
        ('{{"}}"}}', "}}"),
    ],
)
def test_valid_syntax(source: str, expected: str) -> None:
    assert Template(source).render({"A": 1, "M": {"K": "v"}}) == expected


@given(st.text().filter(lambda text: "{{" not in text))
def test_text_without_actions_is_copied(text: str) -> None:
    assert Template(text).render(None) == text


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\')))
def test_a_quoted_string_prints_itself(text: str) -> None:
    assert Template('{{"' + text.replace("\n", "\\n") + '"}}').render(None) == text
