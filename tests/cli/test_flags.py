"""Tests for swarmsim.cli.flags: pflag parsing rules, Go conversions and exact error texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.flags import (
    FlagError,
    FlagKind,
    FlagSpec,
    HelpRequested,
    ParsedFlags,
    parse_flags,
)

SPECS = [
    FlagSpec("replicas", None, FlagKind.UINT64, None, "Number of tasks"),
    FlagSpec("name", None, FlagKind.STRING, "", "Service name"),
    FlagSpec("mode", None, FlagKind.STRING, "replicated", "Service mode"),
    FlagSpec("detach", "d", FlagKind.BOOL, False, "Exit immediately"),
    FlagSpec("quiet", "q", FlagKind.BOOL, False, "Suppress progress output"),
    FlagSpec("count", "n", FlagKind.INT, 0, "A signed count"),
    FlagSpec("publish", "p", FlagKind.ARRAY, None, "Publish a port"),
    FlagSpec("env", "e", FlagKind.ARRAY, None, "Set environment variables"),
    FlagSpec("compose-file", "c", FlagKind.LIST, None, "Compose files"),
    FlagSpec("constraint", None, FlagKind.ARRAY, ("node.role==worker",), "Constraints"),
    FlagSpec("limit-cpu", None, FlagKind.NANOCPUS, 0, "Limit CPUs"),
    FlagSpec("limit-memory", None, FlagKind.BYTES, 0, "Limit memory"),
    FlagSpec("update-delay", None, FlagKind.DURATION, 0.0, "Delay between updates"),
    FlagSpec("update-max-failure-ratio", None, FlagKind.FLOAT, 0.0, "Failure rate"),
]


def parse(*args: str, interspersed: bool = True) -> ParsedFlags:
    return parse_flags(list(args), SPECS, interspersed=interspersed)


def error_of(*args: str, specs: list[FlagSpec] | None = None) -> str:
    with pytest.raises(FlagError) as excinfo:
        parse_flags(list(args), SPECS if specs is None else specs)
    return str(excinfo.value)


# --- basic forms ----------------------------------------------------------------------------


def test_defaults_are_filled_and_nothing_changed() -> None:
    parsed = parse()
    assert parsed.values == {
        "replicas": None,
        "name": "",
        "mode": "replicated",
        "detach": False,
        "quiet": False,
        "count": 0,
        "publish": [],
        "env": [],
        "compose-file": [],
        "constraint": ["node.role==worker"],
        "limit-cpu": 0,
        "limit-memory": 0,
        "update-delay": 0.0,
        "update-max-failure-ratio": 0.0,
    }
    assert parsed.changed == set()
    assert parsed.args == []
    assert parsed.args_len_at_dash == -1
    assert parsed.warnings == []


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "web"],
        ["--name=web"],
    ],
)
def test_long_flag_value_forms(args: list[str]) -> None:
    parsed = parse(*args)
    assert parsed.values["name"] == "web"
    assert parsed.changed == {"name"}


@pytest.mark.parametrize("args", [["-n", "3"], ["-n3"], ["-n=3"], ["--count", "3"], ["--count=3"]])
def test_shorthand_value_forms(args: list[str]) -> None:
    parsed = parse(*args)
    assert parsed.values["count"] == 3
    assert parsed.changed == {"count"}


def test_shorthand_equals_keeps_rest_of_value() -> None:
    assert parse("-p=80:80").values["publish"] == ["80:80"]
    assert parse("-p80:80").values["publish"] == ["80:80"]
    assert parse("-p", "80:80").values["publish"] == ["80:80"]
    assert parse("-e=A=B").values["env"] == ["A=B"]
    assert parse("--env=A=B=C").values["env"] == ["A=B=C"]


def test_shorthand_with_bare_equals_takes_equals_as_value() -> None:
    # pflag only treats "-p=..." as the "=value" form when something follows the "=";
    # "-p=" falls through to "-pVALUE" with VALUE "=".
    assert parse("-p=").values["publish"] == ["="]
    assert parse("-c=").values["compose-file"] == ["="]
    assert parse("--env=").values["env"] == [""]


def test_combined_bool_shorthands() -> None:
    parsed = parse("-dq")
    assert parsed.values["detach"] is True
    assert parsed.values["quiet"] is True
    assert parsed.changed == {"detach", "quiet"}


def test_combined_shorthands_ending_with_value_flag() -> None:
    assert parse("-dqn3").values["count"] == 3
    parsed = parse("-dqn", "4", "img")
    assert parsed.values["count"] == 4
    assert parsed.values["detach"] is True
    assert parsed.args == ["img"]


def test_value_letter_swallows_the_rest_of_the_group() -> None:
    # -nd: "d" is the value of -n, not the detach flag.
    with pytest.raises(FlagError) as excinfo:
        parse("-nd")
    assert str(excinfo.value) == (
        'invalid argument "d" for "-n, --count" flag: strconv.ParseInt: parsing "d": invalid syntax'
    )


@pytest.mark.parametrize(
    ("args", "detach", "positionals"),
    [
        (["--detach"], True, []),
        (["--detach=false"], False, []),
        (["--detach=true"], True, []),
        (["--detach=0"], False, []),
        (["--detach=T"], True, []),
        (["--detach", "false"], True, ["false"]),
        (["-d"], True, []),
        (["-d=false"], False, []),
        (["-d", "false"], True, ["false"]),
        (["--detach", "--detach=false"], False, []),
    ],
)
def test_bool_flags_never_consume_the_next_argument(
    args: list[str], detach: bool, positionals: list[str]
) -> None:
    parsed = parse(*args)
    assert parsed.values["detach"] is detach
    assert parsed.args == positionals
    assert "detach" in parsed.changed


def test_value_flag_consumes_next_argument_even_if_it_looks_like_a_flag() -> None:
    parsed = parse("--name", "--detach")
    assert parsed.values["name"] == "--detach"
    assert parsed.values["detach"] is False
    assert parse("-n", "-5").values["count"] == -5
    assert parse("--name", "").values["name"] == ""


def test_double_dash_ends_flags() -> None:
    parsed = parse("-d", "svc", "--", "--name", "x", "-q")
    assert parsed.args == ["svc", "--name", "x", "-q"]
    assert parsed.args_len_at_dash == 1
    assert parsed.values["name"] == ""
    assert parsed.values["quiet"] is False


def test_lone_dash_and_empty_string_are_positionals() -> None:
    parsed = parse("-", "", "-d")
    assert parsed.args == ["-", ""]
    assert parsed.values["detach"] is True


def test_interspersed_flags_after_positionals() -> None:
    parsed = parse("nginx", "--name", "web", "echo", "-d")
    assert parsed.args == ["nginx", "echo"]
    assert parsed.values["name"] == "web"
    assert parsed.values["detach"] is True


def test_non_interspersed_stops_at_first_positional() -> None:
    parsed = parse("--name", "web", "nginx", "echo", "--name", "x", "-d", interspersed=False)
    assert parsed.args == ["nginx", "echo", "--name", "x", "-d"]
    assert parsed.values["name"] == "web"
    assert parsed.values["detach"] is False
    assert parsed.changed == {"name"}


def test_non_interspersed_stops_at_lone_dash() -> None:
    parsed = parse("-", "-d", interspersed=False)
    assert parsed.args == ["-", "-d"]
    assert parsed.values["detach"] is False


def test_no_prefix_abbreviations() -> None:
    assert error_of("--repl", "3") == "unknown flag: --repl"
    assert error_of("--detac") == "unknown flag: --detac"


# --- repetition -----------------------------------------------------------------------------


def test_repeated_scalar_last_wins() -> None:
    parsed = parse("--name", "a", "--name=b", "-n", "1", "-n2")
    assert parsed.values["name"] == "b"
    assert parsed.values["count"] == 2


def test_repeated_array_appends_without_splitting() -> None:
    parsed = parse("-e", "A=1,B=2", "--env", "C=3", "-eD=4")
    assert parsed.values["env"] == ["A=1,B=2", "C=3", "D=4"]


def test_first_occurrence_replaces_list_default() -> None:
    parsed = parse("--constraint", "node.role==manager", "--constraint", "node.labels.a==b")
    assert parsed.values["constraint"] == ["node.role==manager", "node.labels.a==b"]
    assert parse().values["constraint"] == ["node.role==worker"]


def test_list_splits_as_csv_and_appends() -> None:
    parsed = parse("-c", "a.yml,b.yml", "--compose-file", "c.yml")
    assert parsed.values["compose-file"] == ["a.yml", "b.yml", "c.yml"]
    assert parse("-c", '"x,y.yml",z.yml').values["compose-file"] == ["x,y.yml", "z.yml"]
    assert parse("-c", "").values["compose-file"] == []
    assert parse("-c", " a , b").values["compose-file"] == [" a ", " b"]


def test_defaults_are_not_shared_between_parses() -> None:
    first = parse("-e", "A=1")
    second = parse()
    assert first.values["env"] == ["A=1"]
    assert second.values["env"] == []
    assert SPECS[9].default == ("node.role==worker",)


# --- value conversion -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("0", 0), ("0x10", 16), ("010", 8), ("0o17", 15), ("0b101", 5), ("1_000", 1000)],
)
def test_uint_values_use_go_base_prefixes(text: str, value: int) -> None:
    assert parse("--replicas", text).values["replicas"] == value


def test_typed_values() -> None:
    parsed = parse(
        "--limit-cpu=0.5",
        "--limit-memory",
        "512M",
        "--update-delay",
        "1m30s",
        "--update-max-failure-ratio",
        "0.25",
        "-n=-7",
    )
    assert parsed.values["limit-cpu"] == 500_000_000
    assert parsed.values["limit-memory"] == 536_870_912
    assert parsed.values["update-delay"] == 90.0
    assert parsed.values["update-max-failure-ratio"] == 0.25
    assert parsed.values["count"] == -7
    assert parsed.get_int("limit-cpu") == 500_000_000
    assert parsed.get_float("update-delay") == 90.0
    assert parsed.get_int("count") == -7


def test_getters() -> None:
    parsed = parse("-d", "--name", "web", "-e", "A=1")
    assert parsed.get_bool("detach") is True
    assert parsed.get_str("name") == "web"
    assert parsed.get_list("env") == ["A=1"]
    assert parsed.get_int("replicas") is None
    assert parsed.get_float("replicas") is None
    with pytest.raises(TypeError):
        parsed.get_bool("name")
    with pytest.raises(TypeError):
        parsed.get_int("detach")
    with pytest.raises(TypeError):
        parsed.get_list("name")


# --- error texts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replica", "3"], "unknown flag: --replica"),
        (["--replica=3"], "unknown flag: --replica"),
        (["-x"], "unknown shorthand flag: 'x' in -x"),
        (["-xyz"], "unknown shorthand flag: 'x' in -xyz"),
        (["-dxq"], "unknown shorthand flag: 'x' in -xq"),
        (["-="], "unknown shorthand flag: '=' in -="),
        (["--name"], "flag needs an argument: --name"),
        (["-d", "--name"], "flag needs an argument: --name"),
        (["-n"], "flag needs an argument: 'n' in -n"),
        (["-dn"], "flag needs an argument: 'n' in -n"),
        (["---x"], "bad flag syntax: ---x"),
        (["--=x"], "bad flag syntax: --=x"),
        (["---"], "bad flag syntax: ---"),
        (
            ["--replicas", "x"],
            'invalid argument "x" for "--replicas" flag: '
            'strconv.ParseUint: parsing "x": invalid syntax',
        ),
        (
            ["--replicas=-1"],
            'invalid argument "-1" for "--replicas" flag: '
            'strconv.ParseUint: parsing "-1": invalid syntax',
        ),
        (
            ["--replicas", "+1"],
            'invalid argument "+1" for "--replicas" flag: '
            'strconv.ParseUint: parsing "+1": invalid syntax',
        ),
        (
            ["--replicas", ""],
            'invalid argument "" for "--replicas" flag: '
            'strconv.ParseUint: parsing "": invalid syntax',
        ),
        (
            ["--replicas", "18446744073709551616"],
            'invalid argument "18446744073709551616" for "--replicas" flag: '
            'strconv.ParseUint: parsing "18446744073709551616": value out of range',
        ),
        (
            ["--replicas", "1_"],
            'invalid argument "1_" for "--replicas" flag: '
            'strconv.ParseUint: parsing "1_": invalid syntax',
        ),
        (
            ["--replicas", "09"],
            'invalid argument "09" for "--replicas" flag: '
            'strconv.ParseUint: parsing "09": invalid syntax',
        ),
        (
            ["-n", "x"],
            'invalid argument "x" for "-n, --count" flag: '
            'strconv.ParseInt: parsing "x": invalid syntax',
        ),
        (
            ["--count=9223372036854775808"],
            'invalid argument "9223372036854775808" for "-n, --count" flag: '
            'strconv.ParseInt: parsing "9223372036854775808": value out of range',
        ),
        (
            ["--count=-99999999999999999999"],
            'invalid argument "-99999999999999999999" for "-n, --count" flag: '
            'strconv.ParseInt: parsing "-99999999999999999999": value out of range',
        ),
        (
            ["--update-max-failure-ratio", "x"],
            'invalid argument "x" for "--update-max-failure-ratio" flag: '
            'strconv.ParseFloat: parsing "x": invalid syntax',
        ),
        (
            ["--update-max-failure-ratio", "1e400"],
            'invalid argument "1e400" for "--update-max-failure-ratio" flag: '
            'strconv.ParseFloat: parsing "1e400": value out of range',
        ),
        (
            ["--update-delay", "x"],
            'invalid argument "x" for "--update-delay" flag: time: invalid duration "x"',
        ),
        (
            ["--update-delay=10"],
            'invalid argument "10" for "--update-delay" flag: time: missing unit in duration "10"',
        ),
        (
            ["--update-delay", "10q"],
            'invalid argument "10q" for "--update-delay" flag: '
            'time: unknown unit "q" in duration "10q"',
        ),
        (
            ["--detach=maybe"],
            'invalid argument "maybe" for "-d, --detach" flag: '
            'strconv.ParseBool: parsing "maybe": invalid syntax',
        ),
        (
            ["-d=yes"],
            'invalid argument "yes" for "-d, --detach" flag: '
            'strconv.ParseBool: parsing "yes": invalid syntax',
        ),
        (
            ["--detach="],
            'invalid argument "" for "-d, --detach" flag: '
            'strconv.ParseBool: parsing "": invalid syntax',
        ),
        (
            ["--limit-memory", "1x"],
            'invalid argument "1x" for "--limit-memory" flag: invalid size: \'1x\'',
        ),
        (
            ["--limit-cpu", "x"],
            'invalid argument "x" for "--limit-cpu" flag: failed to parse x as a rational number',
        ),
        (
            ["--limit-cpu", "0.0000000001"],
            'invalid argument "0.0000000001" for "--limit-cpu" flag: value is too precise',
        ),
        (
            ["-c", 'a"b'],
            'invalid argument "a\\"b" for "-c, --compose-file" flag: '
            'parse error on line 1, column 2: bare " in non-quoted-field',
        ),
        (
            ["--replicas", "a\tb"],
            'invalid argument "a\\tb" for "--replicas" flag: '
            'strconv.ParseUint: parsing "a\\tb": invalid syntax',
        ),
    ],
)
def test_error_texts(args: list[str], message: str) -> None:
    assert error_of(*args) == message


def test_invalid_argument_names_shorthand_flag_however_it_was_used() -> None:
    specs = [FlagSpec("replicas", "r", FlagKind.UINT64)]
    expected = (
        'invalid argument "x" for "-r, --replicas" flag: '
        'strconv.ParseUint: parsing "x": invalid syntax'
    )
    assert error_of("-r", "x", specs=specs) == expected
    assert error_of("--replicas=x", specs=specs) == expected
    assert error_of("-rx", specs=specs) == expected


def test_first_error_wins() -> None:
    assert error_of("--bogus", "--replicas", "x") == "unknown flag: --bogus"
    assert error_of("--replicas", "x", "--bogus").startswith('invalid argument "x"')


def test_help_without_help_flag() -> None:
    with pytest.raises(HelpRequested) as excinfo:
        parse("--help")
    assert str(excinfo.value) == "pflag: help requested"
    with pytest.raises(HelpRequested):
        parse("-h")
    with pytest.raises(HelpRequested):
        parse("-dh")


def test_help_flag_when_declared_is_a_plain_bool() -> None:
    specs = [*SPECS, FlagSpec("help", "h", FlagKind.BOOL)]
    assert parse_flags(["--help"], specs).values["help"] is True
    assert parse_flags(["-h"], specs).values["help"] is True


def test_non_ascii_unknown_shorthand_is_named_by_first_byte() -> None:
    assert error_of("-é") == "unknown shorthand flag: 'Ã' in -é"


# --- deprecation and declaration ------------------------------------------------------------


def test_deprecation_warnings() -> None:
    specs = [
        FlagSpec("old", None, FlagKind.BOOL, deprecated="use --new"),
        FlagSpec("help", "h", FlagKind.BOOL, shorthand_deprecated="use --help"),
        FlagSpec("level", "l", FlagKind.INT, 0, shorthand_deprecated="use --level"),
    ]
    parsed = parse_flags(["--old", "-h", "--help"], specs)
    assert parsed.warnings == [
        "Flag --old has been deprecated, use --new",
        "Flag shorthand -h has been deprecated, use --help",
    ]
    with pytest.raises(FlagError) as excinfo:
        parse_flags(["-l", "x"], specs)
    assert str(excinfo.value) == (
        'invalid argument "x" for "--level" flag: strconv.ParseInt: parsing "x": invalid syntax'
    )


def test_no_opt_default_for_value_flags() -> None:
    specs = [FlagSpec("progress", None, FlagKind.STRING, "auto", no_opt_default="plain")]
    assert parse_flags(["--progress"], specs).values["progress"] == "plain"
    assert parse_flags(["--progress", "tty"], specs).args == ["tty"]
    assert parse_flags(["--progress=tty"], specs).values["progress"] == "tty"


def test_duplicate_declarations_are_rejected() -> None:
    with pytest.raises(ValueError):
        parse_flags([], [FlagSpec("a"), FlagSpec("a")])
    with pytest.raises(ValueError):
        parse_flags([], [FlagSpec("a", "x"), FlagSpec("b", "x")])


@pytest.mark.parametrize(
    ("name", "shorthand"), [("", None), ("-a", None), ("a=b", None), ("a", "ab"), ("a", "é")]
)
def test_malformed_specs(name: str, shorthand: str | None) -> None:
    with pytest.raises(ValueError):
        FlagSpec(name, shorthand)


def test_spec_helpers() -> None:
    spec = FlagSpec("detach", "d", FlagKind.BOOL)
    assert spec.display_name == "-d, --detach"
    assert spec.implicit_value == "true"
    assert spec.initial_value() is False
    assert FlagSpec("name").display_name == "--name"
    assert FlagSpec("name").implicit_value is None
    assert FlagSpec("x", kind=FlagKind.ARRAY, default=["a"]).default == ("a",)
    assert FlagKind.LIST.value == "stringSlice"


# --- hypothesis: equivalent spellings -------------------------------------------------------


@given(st.text())
def test_equals_and_separate_forms_agree_for_strings(value: str) -> None:
    joined = parse(f"--name={value}")
    separate = parse("--name", value)
    assert joined.values == separate.values
    assert joined.values["name"] == value
    assert joined.args == separate.args == []


@given(st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_equals_and_separate_forms_agree_for_uint(number: int) -> None:
    text = str(number)
    assert parse(f"--replicas={text}").values == parse("--replicas", text).values
    assert parse("--replicas", text).values["replicas"] == number


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters=',"\r\n'), min_size=1), min_size=1)
)
def test_equals_and_separate_forms_agree_for_lists(items: list[str]) -> None:
    value = ",".join(items)
    joined = parse(f"--compose-file={value}", f"-c={value}")
    separate = parse("--compose-file", value, "-c", value)
    assert joined.values == separate.values
    assert joined.values["compose-file"] == items + items


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_shorthand_forms_agree(value: str) -> None:
    forms = [parse("-p", value)]
    if value:
        forms.append(parse(f"-p={value}"))
        if not value.startswith("="):
            forms.append(parse(f"-p{value}"))
    assert all(form.values["publish"] == [value] for form in forms)
