"""Decoding compose YAML with positions, anchors and yaml.v3's scalars."""

from __future__ import annotations

import pytest

from swarmsim.compose.yamlfile import ComposeError, parse_compose


def test_values_positions_and_merge_keys() -> None:
    text = (
        "x-base: &base\n"
        "  image: nginx\n"
        "services:\n"
        "  web:\n"
        "    <<: *base\n"
        "    mode: 0440\n"
        "    flag: yes\n"
        "    ratio: 0.5\n"
        "    list: [a, 1]\n"
    )
    parsed = parse_compose(text, "s.yml")
    web = parsed.data["services"]["web"]
    assert web == {"mode": 0o440, "flag": "yes", "ratio": 0.5, "list": ["a", 1], "image": "nginx"}
    assert parsed.position(("services", "web", "mode")) == (6, 5)
    assert parsed.position(("services", "web", "list", 1)) == (9, 15)
    assert parsed.position(("services", "web", "image")) == (4, 3)  # merged: its mapping
    error = parsed.error("boom", ("services", "web", "ratio"))
    assert str(error) == "s.yml:8:5: boom"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]\n", "s.yml: top-level object must be a mapping"),
        ("", "s.yml: top-level object must be a mapping"),
        ("services:\n  1: {}\n", "s.yml: non-string key in services: 1"),
        ("a: [\n", "s.yml:2:1: yaml: line 2: expected the node content, but found '<stream end>'"),
    ],
)
def test_rejected_documents(text: str, message: str) -> None:
    with pytest.raises(ComposeError) as info:
        parse_compose(text, "s.yml")
    assert str(info.value) == message
