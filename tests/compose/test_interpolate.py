"""``${VAR}`` substitution as docker's ``template`` and ``interpolation`` packages do it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.compose.interpolate import InterpolationError, interpolate, substitute

ENV = {"SET": "value", "EMPTY": ""}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("$SET and ${SET}", "value and value"),
        ("${UNSET}|$UNSET", "|"),
        ("${SET:-d} ${EMPTY:-d} ${UNSET:-d}", "value d d"),
        ("${SET-d} ${EMPTY-d} ${UNSET-d}", "value  d"),
        ("${SET:?boom} ${EMPTY?fine}", "value "),
        ("$$SET costs $$5", "$SET costs $5"),
        ("${UNSET:-a-b}", "a-b"),
        ("no variables", "no variables"),
        ("${set}", ""),  # names are case-sensitive in the environment
    ],
)
def test_substitute(template: str, expected: str) -> None:
    assert substitute(template, ENV) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${UNSET:?needs a value}", "required variable UNSET is missing a value: needs a value"),
        ("${EMPTY:?not empty}", "required variable EMPTY is missing a value: not empty"),
        ("${UNSET?gone}", "required variable UNSET is missing a value: gone"),
        ("${SET", "${SET"),
        ("a $ b", "a $ b"),
        ("${}", "${}"),
    ],
)
def test_invalid_templates(template: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        substitute(template, ENV)
    assert str(info.value) == message


def test_a_later_good_variable_clears_an_earlier_bad_one_as_in_go() -> None:
    assert substitute("$ ${SET}", ENV) == " value"


def test_interpolate_casts_known_fields_and_reports_paths() -> None:
    config = {
        "services": {
            "web": {
                "image": "nginx:${TAG}",
                "deploy": {"replicas": "${N}", "update_config": {"max_failure_ratio": "${R}"}},
                "ports": [{"target": "${P}", "published": 8080}],
                "read_only": "${YES}",
                "environment": ["A=${N}"],
            }
        },
        "networks": {"front": {"external": "${NO}"}},
    }
    env = {"TAG": "1.25", "N": "3", "R": "0.5", "P": "80", "YES": "on", "NO": "false"}
    assert interpolate(config, env) == {
        "services": {
            "web": {
                "image": "nginx:1.25",
                "deploy": {"replicas": 3, "update_config": {"max_failure_ratio": 0.5}},
                "ports": [{"target": 80, "published": 8080}],
                "read_only": True,
                "environment": ["A=3"],
            }
        },
        "networks": {"front": {"external": False}},
    }
    with pytest.raises(InterpolationError) as info:
        interpolate({"services": {"w": {"environment": ["A=${X:?x}"]}}}, {})
    assert info.value.path == ("services", "w", "environment", 0)
    assert str(info.value) == (
        'invalid interpolation format for services.w.environment.[]: "required variable X is '
        'missing a value: x"; you may need to escape any $ with another $'
    )
    with pytest.raises(InterpolationError) as bad:
        interpolate({"services": {"w": {"tty": "${B}"}}}, {"B": "maybe"})
    assert str(bad.value) == (
        "error while interpolating services.w.tty: failed to cast to expected type: "
        "invalid boolean: maybe"
    )


@given(st.text(alphabet=st.characters(blacklist_characters="$"), max_size=30))
def test_text_without_dollars_is_unchanged(text: str) -> None:
    assert substitute(text, ENV) == text
