"""``docker stack config`` output: yaml.v3's block style and quoting."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from swarmsim.api.enums import PublishMode
from swarmsim.api.specs import PortConfig
from swarmsim.compose.dump import dump_config


def test_sections_ports_and_empty_entries() -> None:
    config = {
        "version": "3.13",
        "services": {
            "web": {
                "image": "nginx",
                "ports": [PortConfig(80, 8080, "tcp", PublishMode.HOST)],
                "networks": {"front": None},
                "labels": {},
                "environment": {"EMPTY": "", "YES": "yes"},
            }
        },
        "networks": {"front": {}},
        "x-extra": {"n": 1},
    }
    assert dump_config(config) == (
        'version: "3.13"\n'
        "services:\n"
        "  web:\n"
        "    environment:\n"
        '      EMPTY: ""\n'
        '      "YES": "yes"\n'
        "    image: nginx\n"
        "    networks:\n"
        "      front: null\n"
        "    ports:\n"
        "      - mode: host\n"
        "        target: 80\n"
        "        published: 8080\n"
        "        protocol: tcp\n"
        "networks:\n"
        "  front: {}\n"
        "x-extra:\n"
        '  "n": 1\n'
    )


@given(st.text(max_size=12))
def test_every_string_reads_back_as_itself(text: str) -> None:
    dumped = dump_config({"version": "3.8", "services": {"web": {"image": text}}})
    assert YAML(typ="safe").load(dumped)["services"]["web"]["image"] == text
