"""Image profiles: the ``logs`` lines a container prints when it starts."""

from __future__ import annotations

import pytest

from swarmsim.agent.images import ImageModel, ImageProfile
from swarmsim.errors import InvalidArgument


def test_logs_default_to_nothing_and_lists_become_tuples() -> None:
    model = ImageModel()
    assert model.profile("any").logs == ()
    model.set("web:1", logs=["booting", "ready"])
    assert model.profile("web:1").logs == ("booting", "ready")
    assert ImageProfile(logs=["a"]) == ImageProfile(logs=("a",))


@pytest.mark.parametrize("logs", ["ready", ["ok", 3], ["two\nlines"], None])
def test_logs_must_be_one_line_strings(logs: object) -> None:
    model = ImageModel()
    with pytest.raises(InvalidArgument, match="logs must be a list of one-line strings"):
        model.set("web:1", logs=logs)
    assert model.profile("web:1") == model.default
