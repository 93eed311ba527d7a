"""Image behaviour drawn per container: distributions, failures at start, crashes, exit codes."""

from __future__ import annotations

import random
import statistics

import pytest

from swarmsim import Swarm
from swarmsim.agent.distributions import (
    Choice,
    DistributionError,
    Exponential,
    LogNormal,
    Normal,
    Uniform,
    parse_rate,
    parse_time,
)
from swarmsim.agent.images import ImageProfile
from swarmsim.api.enums import TaskState
from swarmsim.shell.transcript import run_script
from swarmsim.sim import Simulation


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2s", 2.0),
        ("1.5", 1.5),
        ("fixed(1m)", 60.0),
        ("uniform(1s,3s)", Uniform(1.0, 3.0)),
        ("normal(2s, 500ms)", Normal(2.0, 0.5)),
        ("lognormal(2s,0.5)", LogNormal(2.0, 0.5)),
        ("exponential(3s)", Exponential(3.0)),
    ],
)
def test_times_parse_and_print_back(text: str, value: object) -> None:
    parsed = parse_time(text)
    assert parsed == value
    if not isinstance(parsed, float):
        assert parse_time(str(parsed)) == parsed  # the text form round-trips


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("lognormal(2s,x)", "shape 'x' is not a number", 13),
        ("normal(2s)", "normal takes 2 arguments", 6),
        ("gamma(1s)", "unknown distribution 'gamma'", 0),
        ("uniform(1s,-1s)", "is not a time from 0s", 11),
        ("soon", 'time: invalid duration "soon"', 0),
    ],
)
def test_bad_times_say_where(text: str, message: str, offset: int) -> None:
    with pytest.raises(DistributionError, match=message) as caught:
        parse_time(text)
    assert caught.value.offset == offset


def test_rates_are_per_second() -> None:
    assert parse_rate("1/h") == pytest.approx(1 / 3600)
    assert parse_rate("6/1m") == pytest.approx(0.1)
    with pytest.raises(DistributionError, match="above 0"):
        parse_rate("1/0s")


def test_constant_profiles_touch_no_stream() -> None:
    def no_stream(name: str) -> random.Random:
        raise AssertionError(f"drew from {name}")

    draw = ImageProfile(start=3.0, exits_after=5.0, exit_code=2).draw(no_stream)
    assert (draw.start, draw.exits_after, draw.exit_code) == (3.0, 5.0, 2)


def test_draws_follow_their_distribution_and_the_seed() -> None:
    profile = ImageProfile(start="lognormal(2s,0.5)")
    sim = Simulation(seed=7)
    starts = [profile.draw(sim.rng).start for _ in range(2000)]
    assert statistics.median(starts) == pytest.approx(2.0, rel=0.05)
    assert min(starts) > 0 and max(starts) > 4.0  # a real spread, not a constant
    again = Simulation(seed=7)
    assert [profile.draw(again.rng).start for _ in range(2000)] == starts


def test_a_new_random_field_does_not_shift_the_others() -> None:
    plain = ImageProfile(start="uniform(1s,3s)")
    crashing = ImageProfile(start="uniform(1s,3s)", crash_rate="1/m", exit_code="choice(2,3)")
    one, two = Simulation(seed=3), Simulation(seed=3)
    starts = [plain.draw(one.rng).start for _ in range(50)]
    draws = [crashing.draw(two.rng) for _ in range(50)]
    assert [d.start for d in draws] == starts
    assert {d.exit_code for d in draws} == {2, 3}
    assert statistics.mean(d.exits_after or 0 for d in draws) == pytest.approx(60, rel=0.35)


def test_failure_at_start_exits_at_once_with_a_non_zero_code() -> None:
    profile = ImageProfile(fail_at_start=1.0)
    draw = profile.draw(Simulation(seed=1).rng)
    assert (draw.exits_after, draw.exit_code) == (0.0, 1)
    assert profile.random and not ImageProfile().random


def test_choice_needs_codes_in_range() -> None:
    assert ImageProfile(exit_code="choice(1,137)").exit_code == Choice((1, 137))


def seeded_swarm(seed: int) -> Swarm:
    swarm = Swarm(seed=seed, managers=1, workers=3)
    run_script(swarm, "image flaky:1 start=exponential(4s) fail_at_start=0.3 crash_rate=1/10m\n")
    return swarm


def running_times(swarm: Swarm) -> list[float]:
    swarm.docker("docker service create -d --name web --replicas 8 flaky:1")
    swarm.advance(1800)
    return sorted(
        record.time for record in swarm.trace if record.kind == "task" and record.state == "running"
    )


def test_per_seed_behaviour_is_reproducible_and_differs_across_seeds() -> None:
    first = running_times(seeded_swarm(1))
    assert running_times(seeded_swarm(1)) == first
    assert running_times(seeded_swarm(2)) != first
    swarm = seeded_swarm(1)
    running_times(swarm)
    failed = [t for t in swarm.ctx.store.tasks.values() if t.state == TaskState.FAILED]
    assert failed, "fail_at_start and crash_rate make tasks fail"
    assert {t.status.err for t in failed} == {"task: non-zero exit (1)"}


def test_health_and_pull_times_are_drawn_per_container() -> None:
    swarm = Swarm(seed=5, managers=1, workers=3)
    run_script(swarm, "image app:1 pull=uniform(1s,10s) healthy_after=uniform(2s,20s)\n")
    health = "--health-cmd true --health-interval 1s"
    swarm.docker(f"docker service create -d --name web --replicas 8 {health} app:1")
    swarm.advance(60)
    running = [r.time for r in swarm.trace if r.kind == "task" and r.state == "running"]
    assert len(running) == 8 and len(set(running)) == 8  # each container its own times
    assert max(running) - min(running) > 5
