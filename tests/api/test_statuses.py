"""Task statuses are values: tasks moved on together share one (swarmsim.api.objects)."""

from __future__ import annotations

import dataclasses

import pytest
from engine_helpers import create, running, spec

from swarmsim.api import TaskState
from swarmsim.api.objects import Statuses, TaskStatus
from swarmsim.swarm import Swarm


def test_a_status_cannot_be_changed_once_made() -> None:
    status = TaskStatus(TaskState.RUNNING, 1.0, "started")
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.state = TaskState.FAILED  # type: ignore[misc]


def test_equal_statuses_of_an_instant_are_one_object_and_the_next_instant_starts_afresh() -> None:
    statuses = Statuses()
    now, later = 2.0, 2.5
    running = statuses.stamp(now, TaskState.RUNNING, "started")
    assert statuses.stamp(now, TaskState.RUNNING, "started") is running
    failed = statuses.stamp(now, TaskState.FAILED, "started", "task: non-zero exit (1)", 1)
    assert (failed.state, failed.err, failed.exit_code) == (
        TaskState.FAILED,
        "task: non-zero exit (1)",
        1,
    )
    assert (
        statuses.stamp(now, TaskState.FAILED, "started", "task: non-zero exit (2)", 2) is not failed
    )
    moved_on = statuses.stamp(later, TaskState.RUNNING, "started")
    assert moved_on is not running and moved_on.timestamp == later
    assert running.timestamp == now  # the earlier one is untouched


def test_tasks_started_together_share_a_status_and_one_task_moving_on_leaves_the_others() -> None:
    swarm = Swarm(seed=3, managers=1, workers=0)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    service = create(swarm, spec(image="app:1", replicas=4))
    swarm.advance(5)
    tasks = running(swarm, service)
    assert len(tasks) == 4
    assert len({id(t.status) for t in tasks}) == 1  # one status object for the four
    first, *others = tasks
    assert swarm.kill_task(first.id, 3)
    swarm.advance(0.5)
    assert first.status.state == TaskState.FAILED and first.status.exit_code == 3
    assert [t.status.state for t in others] == [TaskState.RUNNING] * 3
    assert len({id(t.status) for t in others}) == 1
