"""Version colours by image, and the one table of translations."""

from __future__ import annotations

import pytest

from swarmsim.trace import TraceRecord
from swarmsim.viz.i18n import TEXTS, text
from swarmsim.viz.versions import FAILED_COLOR, VERSION_COLORS, version_palette


def svc(name: str, version: int, image: str, replicas: int = 3) -> TraceRecord:
    return TraceRecord(0.0, "service", "update", name, name, replicas, "", "", image, "", version)


def test_a_scale_keeps_the_colour_and_a_new_image_gets_the_next() -> None:
    records = [svc("redis", 0, "redis:3.0.6"), svc("redis", 1, "redis:3.0.6", 5)]
    records += [svc("redis", 2, "redis:3.0.7"), svc("redis", 3, "redis:3.0.6")]
    palette = version_palette(records)
    assert palette.of("redis", 1) == palette.of("redis", 0) == palette.of("redis", 3)
    assert palette.of("redis", 2).color == VERSION_COLORS[1]
    assert [v.label for v in palette.versions] == ["redis:3.0.6", "redis:3.0.7"]


def test_two_services_are_labelled_by_service_and_image() -> None:
    palette = version_palette([svc("web", 0, "nginx:1"), svc("api", 0, "nginx:1")])
    assert [v.label for v in palette.versions] == ["web: nginx:1", "api: nginx:1"]
    assert palette.of("web", 0).color != palette.of("api", 0).color
    # a version without an image (an old trace) is named by its number
    assert version_palette([svc("web", 4, "")]).of("web", 4).image == "v4"


def test_failures_have_a_colour_of_their_own() -> None:
    assert FAILED_COLOR not in VERSION_COLORS
    assert len(set(VERSION_COLORS)) == len(VERSION_COLORS)


def test_every_text_has_both_languages() -> None:
    for key, (en, es) in TEXTS.items():
        assert en and es, key
        assert en.count("{") == es.count("{"), key
    assert text("state:running", "es") == "en ejecución"
    with pytest.raises(ValueError, match="unknown language"):
        text("state:running", "de")
