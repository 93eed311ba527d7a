"""The task controller's steps and interrupts, driven directly on a bare clock.

The controller is a chain of timed callbacks; these tests pin the virtual
times of its reports and what each interrupt does at each step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from swarmsim.agent.executor import CRASH, SHUTDOWN_REQUEST, ContainerExit, TaskController
from swarmsim.agent.images import ContainerDraw, ImageModel, ImageProfile
from swarmsim.api import ContainerSpec, TaskSpec, TaskState
from swarmsim.api.objects import Statuses, Task, TaskStatus
from swarmsim.sim import Simulation

PROFILE = ImageProfile(pull=2.0, create=0.5, start=1.0, stop=0.3)


class FakeAgent:
    """Just what a controller uses of its agent; records every report."""

    def __init__(self, **image: Any) -> None:
        self.sim = Simulation(seed=1)
        self.images = ImageModel(PROFILE)
        if image:
            self.images.set("app:1", **image)
        self.image_cache: set[str] = set()
        self.statuses = Statuses()
        self.reports: list[tuple[float, str, str]] = []

    def prepare_time(self, image: str, profile: ContainerDraw) -> float:
        return profile.pull + profile.create

    def report(self, task_id: str, status: TaskStatus) -> None:
        self.reports.append((round(self.sim.now, 6), status.state.api_name, status.err))

    def run(self, until: float) -> None:
        self.sim.run(until)


def start(agent: FakeAgent, desired: TaskState = TaskState.RUNNING) -> TaskController:
    task = Task("t1", "s1", "web", 1, TaskSpec(ContainerSpec("app:1")), 1)
    task.status = TaskStatus(TaskState.ASSIGNED)
    return TaskController(agent, task, desired)  # type: ignore[arg-type]


def test_walks_to_running_with_the_image_timings() -> None:
    agent = FakeAgent()
    start(agent)
    agent.run(10)
    assert agent.reports == [(0, "preparing", ""), (2.5, "starting", ""), (3.5, "running", "")]


def test_the_controller_knows_the_profile_its_container_was_drawn_from() -> None:
    agent = FakeAgent()
    controller = start(agent)
    assert controller.profile is None  # not looked up before the first step
    agent.run(5)
    assert controller.profile is PROFILE
    agent.images.set("app:1", stop=5.0)  # a later profile change leaves the container's
    controller.set_desired(TaskState.SHUTDOWN)
    agent.run(20)
    assert controller.profile is PROFILE
    assert agent.reports[-1] == (5 + 5.0, "shutdown", "")  # stopped with the new profile's time


def test_a_container_stops_in_its_own_draws_time_while_its_profile_stands() -> None:
    agent = FakeAgent(stop="uniform(1s,2s)")
    controller = start(agent)
    agent.run(5)
    draw = controller._draw
    assert draw is not None and controller.profile is draw.profile
    controller.set_desired(TaskState.SHUTDOWN)
    agent.run(20)
    assert agent.reports[-1] == (round(5 + draw.stop, 6), "shutdown", "")


def test_waits_at_ready_until_desired_running() -> None:
    agent = FakeAgent()
    controller = start(agent, TaskState.READY)
    agent.run(10)
    assert agent.reports[-1] == (2.5, "ready", "")
    controller.set_desired(TaskState.RUNNING)
    agent.run(20)
    assert agent.reports[-2:] == [(10, "starting", ""), (11, "running", "")]


def test_desired_shutdown_before_the_first_step_reports_shutdown_at_once() -> None:
    agent = FakeAgent()
    start(agent, TaskState.SHUTDOWN)
    agent.run(5)
    assert agent.reports == [(0, "shutdown", "")]


def test_shutdown_of_a_running_container_waits_for_the_stop() -> None:
    agent = FakeAgent()
    controller = start(agent)
    agent.run(5)
    controller.set_desired(TaskState.SHUTDOWN)
    agent.run(10)
    assert agent.reports[-1] == (5.3, "shutdown", "")


@pytest.mark.parametrize(
    ("second", "reports"),
    [
        # a crash ends the stop silently
        (CRASH, [(0, "preparing", ""), (2.5, "starting", ""), (3.5, "running", "")]),
        # the container exiting ends the stop at once
        (
            ContainerExit(1),
            [
                (0, "preparing", ""),
                (2.5, "starting", ""),
                (3.5, "running", ""),
                (5.1, "shutdown", ""),
            ],
        ),
    ],
)
def test_an_interrupt_while_stopping(second: object, reports: list[tuple[float, str, str]]) -> None:
    agent = FakeAgent()
    controller = start(agent)
    agent.run(5)
    controller.interrupt(SHUTDOWN_REQUEST)
    agent.run(5.1)
    controller.interrupt(second)
    agent.run(10)
    assert agent.reports == reports


@pytest.mark.parametrize(
    ("interrupt", "reports"),
    [
        # a crash cancels the pending steps
        (lambda c: c.interrupt(CRASH), [(0, "preparing", "")]),
        # a shutdown needs no stop: no container runs yet
        (
            lambda c: c.set_desired(TaskState.SHUTDOWN),
            [(0, "preparing", ""), (1, "shutdown", "")],
        ),
    ],
)
def test_an_interrupt_during_the_pull(
    interrupt: Callable[[TaskController], None], reports: list[tuple[float, str, str]]
) -> None:
    agent = FakeAgent()
    controller = start(agent)
    agent.run(1)
    interrupt(controller)
    agent.run(10)
    assert agent.reports == reports


def test_a_container_that_exits_fails_with_its_code() -> None:
    agent = FakeAgent(exits_after=3.0, exit_code=2)
    start(agent)
    agent.run(10)
    assert agent.reports[-2:] == [(3.5, "running", ""), (6.5, "failed", "task: non-zero exit (2)")]


def test_a_clean_exit_completes() -> None:
    agent = FakeAgent(exits_after=1.0, exit_code=0)
    start(agent)
    agent.run(10)
    assert agent.reports[-1] == (4.5, "complete", "")


def test_a_second_interrupt_in_the_same_instant_reaches_the_stop() -> None:
    # the shutdown starts the stop; the crash queued right after it cancels it
    agent = FakeAgent()
    controller = start(agent)
    agent.run(5)
    controller.interrupt(SHUTDOWN_REQUEST)
    controller.interrupt(CRASH)
    agent.run(10)
    assert agent.reports[-1] == (3.5, "running", "")
