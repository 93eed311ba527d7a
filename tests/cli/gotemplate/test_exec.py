"""Executing Go templates: fields, maps, structs, variables, control flow and errors."""

from __future__ import annotations

from typing import Any

import pytest

from swarmsim.cli.gotemplate import NIL, NilPointer, Struct, Template, TemplateError

DATA: dict[str, Any] = {
    "Name": "web",
    "Empty": "",
    "Zero": 0,
    "List": ["a", "b"],
    "Map": {"k2": "v2", "k1": ""},
    "Nested": {"Inner": {"Value": 7}},
}
ROW = Struct(
    "*formatter.serviceContext",
    {"ID": "abc", "Replicas": "1/1", "Label": lambda key: {"tier": "front"}.get(key, "")},
)


def render(source: str, data: Any = DATA, **options: Any) -> str:
    return Template(source).render(data, **options)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{.Name}}", "web"),
        ("{{.Nested.Inner.Value}}", "7"),
        ("{{.Missing}}", "<no value>"),
        ("{{.List}} {{.Map}}", "[a b] map[k1: k2:v2]"),
        (
            "{{.}}",
            "map[Empty: List:[a b] Map:map[k1: k2:v2] Name:web "
            "Nested:map[Inner:map[Value:7]] Zero:0]",
        ),
        ("{{if .Empty}}y{{else}}n{{end}}{{if .Zero}}y{{else}}n{{end}}{{if .List}}y{{end}}", "nny"),
        ("{{if .Empty}}a{{else if .Zero}}b{{else if .Name}}c{{end}}", "c"),
        ("{{with .Nested.Inner}}{{.Value}}{{else}}none{{end}}", "7"),
        ("{{with .Empty}}x{{else}}{{.Name}}{{end}}", "web"),
        ("{{range .List}}<{{.}}>{{end}}", "<a><b>"),
        ("{{range $i, $e := .List}}{{$i}}{{$e}}{{end}}", "0a1b"),
        ("{{range $k, $v := .Map}}{{$k}}={{$v}};{{end}}", "k1=;k2=v2;"),
        ("{{range .Missing}}x{{else}}empty{{end}}", "empty"),
        ("{{range 3}}{{.}}{{end}}", "012"),
        ("{{range .List}}{{$.Name}}{{end}}", "webweb"),
        ("{{$n := .Name}}{{$n = upper $n}}{{$n}}", "WEB"),
        ('{{.Name | printf "%s!" | upper}}', "WEB!"),
        ("{{and .Name .Zero}} {{or .Empty .Name}} {{not .Zero}}", "0 web true"),
        ("{{and .Zero (index .List 9)}}", "0"),
        ("{{len .List}} {{len .Map}} {{len .Name}}", "2 2 3"),
        ('{{index .List 1}} {{index .Map "k2"}} {{index .Nested "Inner" "Value"}}', "b v2 7"),
        ("{{slice .Name 1}} {{slice .List 0 1}}", "eb [a]"),
        (
            '{{eq .Name "web"}} {{eq .Zero 1 2 0}} {{ne .Zero 0}} {{lt 1 2}} {{le 2 2}}',
            "true true false true true",
        ),
        ('{{gt 1.5 1}} {{ge "b" "a"}}', "true true"),
        ('{{print .Name 1 2 "x"}}', "web1 2x"),
        ("{{println .Name 1}}", "web 1\n"),
        (
            '{{printf "%-5s|%3d|%q|%v|%.2f|%t|%x|%%" .Name 7 .Name .List 1.5 true 255}}',
            'web  |  7|"web"|[a b]|1.50|true|ff|%',
        ),
        ('{{printf "%d" .Name}}', "%!d(string=web)"),
        ('{{printf "%s %s" .Name}}', "web %!s(MISSING)"),
    ],
)
def test_render(source: str, expected: str) -> None:
    assert render(source) == expected


def test_struct_fields_methods_and_json() -> None:
    assert render('{{.ID}} {{.Label "tier"}} [{{.Label "x"}}] {{.Replicas}}', ROW) == (
        "abc front [] 1/1"
    )
    assert render("{{json .}}", ROW) == '{"ID":"abc","Replicas":"1/1"}'
    typed = Struct("swarm.Node", {"Spec": Struct("swarm.NodeSpec", {"Name": ""}), "M": NIL})
    assert render("[{{.Spec.Name}}] {{.M}} {{.Spec}}", typed) == "[] <nil> {}"


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        (
            "{{.Nope}}",
            ROW,
            "at <.Nope>: can't evaluate field Nope in type *formatter.serviceContext",
        ),
        ("{{.ID.X}}", ROW, "at <.ID.X>: can't evaluate field X in type string"),
        ("{{.Name.X}}", DATA, "at <.Name.X>: can't evaluate field X in type string"),
        ("{{.Missing.X}}", DATA, "at <.Missing.X>: nil pointer evaluating interface {}.X"),
        (
            "{{.P.X}}",
            Struct("t", {"P": NilPointer("*swarm.ClusterInfo")}),
            "at <.P.X>: nil pointer evaluating *swarm.ClusterInfo.X",
        ),
        ("{{.Label}}", ROW, "at <.Label>: error calling Label: "),
        ("{{upper .Zero}}", DATA, "at <.Zero>: wrong type for value; expected string; got int"),
        ("{{join .List}}", DATA, "at <join>: wrong number of args for join: want 2 got 1"),
        ("{{eq}}", DATA, "at <eq>: wrong number of args for eq: want at least 1 got 0"),
        (
            "{{index .List 5}}",
            DATA,
            "at <index .List 5>: error calling index: index out of range: 5",
        ),
        (
            "{{eq .Name 1}}",
            DATA,
            "at <eq .Name 1>: error calling eq: incompatible types for comparison",
        ),
        (
            '{{join .Name ","}}',
            DATA,
            'at <join .Name ",">: error calling join: expected slice, got string',
        ),
        ("{{len .Zero}}", DATA, "at <len .Zero>: error calling len: len of type int"),
        ("{{range .Name}}{{end}}", DATA, "at <.Name>: range can't iterate over web"),
        ("{{.Name 1}}", DATA, "at <.Name>: Name is not a method but has arguments"),
        ("{{nil}}", DATA, "at <nil>: nil is not a command"),
        ("x\n  {{.ID.Y}}", ROW, "template: :2:4: executing"),
    ],
)
def test_execution_errors(source: str, data: Any, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        render(source, data)
    text = str(info.value)
    assert text.startswith("template: :1:") or "\n" in source
    assert message in text


def test_missingkey_error_names_the_key_and_position() -> None:
    with pytest.raises(TemplateError) as info:
        render("ab {{.Nested.Nope}}", missingkey_error=True)
    assert str(info.value) == (
        'template: :1:5: executing "" at <.Nested.Nope>: map has no entry for key "Nope"'
    )


def test_header_keeps_text_and_ignores_unknown_fields() -> None:
    template = Template("{{.ID}}\t{{upper .Name}}\t{{.Other}}\t{{json .ID}}")
    assert template.render_header({"ID": "ID", "Name": "NAME"}) == "ID\tNAME\t<no value>\tID"
    assert Template('{{.ID}} {{.Label "x"}} after').render_header({"ID": "ID"}) == "ID "
