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


def test_a_constant_profile_shares_one_draw_and_a_random_one_draws_anew() -> None:
    from swarmsim.sim import Simulation

    sim = Simulation(seed=1)
    model = ImageModel()
    model.set("app:2", start="uniform(1s,3s)")
    constant, random = model.profile("app:1"), model.profile("app:2")
    assert model.draw(constant, sim.rng) is model.draw(constant, sim.rng)
    first, second = model.draw(random, sim.rng), model.draw(random, sim.rng)
    assert first is not second and first.start != second.start
    # the same numbers as drawing from the profile itself, stream for stream
    again = Simulation(seed=1)
    assert [first.start, second.start] == [random.draw(again.rng).start for _ in range(2)]
    # a changed profile is drawn from, not an old shared draw
    model.set("app:1", start=4.0)
    assert model.draw(model.profile("app:1"), sim.rng).start == 4.0


@pytest.mark.parametrize(
    ("image", "start"),
    [("app", 7.0), ("reg:5000/app", 8.0), ("reg:5000/app:1", 0.5)],  # 0.5: the default
)
def test_an_untagged_reference_finds_its_latest_profile(image: str, start: float) -> None:
    model = ImageModel()
    model.set("app:latest", start=7.0)
    model.set("reg:5000/app:latest", start=8.0)
    assert model.profile(image).start == start
