"""Rolling updates: failure counting, monitor windows, failing rollbacks, cancellation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from update_helpers import (
    NEW,
    OLD,
    check,
    check_restarted_at,
    current,
    fail_updater_tasks,
    images_running,
    make_swarm,
    redis,
    set_image,
    spans,
    statuses,
    track_updater_tasks,
    update,
)

from swarmsim.api import (
    FailureAction,
    Service,
    TaskState,
    UpdateConfig,
    UpdateOrder,
)
from swarmsim.swarm import Swarm


@pytest.mark.parametrize(
    ("failing", "expected"),
    [((0,), "completed"), ((0, 2), "completed"), ((0, 1, 3), "paused")],
)
def test_max_failure_ratio_is_compared_strictly(failing: tuple[int, ...], expected: str) -> None:
    swarm = make_swarm(workers=3)
    config = UpdateConfig(delay=0.0, max_failure_ratio=0.5)
    service = redis(swarm, replicas=4, update_config=config)
    killed = fail_updater_tasks(swarm, service, lambda n: n in failing, after=1.0)
    set_image(swarm, service, NEW)
    swarm.advance(120)
    assert len(killed) == len(failing)
    log = statuses(swarm, service)
    assert [state for _, state, _ in log] == ["updating", expected]
    if expected == "paused":  # 3/4 > 0.5: the third failure acts
        assert log[-1][2] == (
            f"update paused due to failure or early termination of task {killed[-1]}"
        )
        third = next(s for s in spans(swarm, service) if s.id == killed[-1])
        assert log[-1][0] == third.ended
    else:  # 1/4 and 2/4 are tolerated
        assert images_running(swarm, service) == [NEW] * 4


@pytest.mark.parametrize(("exits_after", "counted"), [(4.8, True), (5.2, False)])
def test_monitor_window_edges(exits_after: float, counted: bool) -> None:
    """A failure counts up to ``monitor`` (5 s) after the new task was seen RUNNING.

    Six slots on six nodes, so the first task fails while slots are still being
    handed out (its failure is judged at once).
    """
    swarm = make_swarm(workers=5)
    swarm.images.set(NEW, exits_after=exits_after, exit_code=1)
    service = redis(swarm, replicas=6, update_config=UpdateConfig(delay=0.0))
    created = track_updater_tasks(swarm, service)
    set_image(swarm, service, NEW)
    swarm.advance(90)
    by_id = {s.id: s for s in spans(swarm, service)}
    first = by_id[created[0]]
    assert first.ended is not None and first.running is not None
    assert first.ended - first.running == pytest.approx(exits_after, abs=1e-9)
    final = statuses(swarm, service)[-1]
    if counted:
        assert final == (
            first.ended,
            "paused",
            f"update paused due to failure or early termination of task {first.id}",
        )
        assert len(created) == 3  # the fourth slot was due 0.704 s after the failure
    else:
        assert final[1:] == ("completed", "update completed")
        assert len(created) == 6


def test_failures_during_the_last_slot_are_judged_when_the_workers_are_done() -> None:
    """While it waits for its workers the updater reads no failure; queued failures are
    judged afterwards, against the time elapsed by then (swarmkit's ``wg.Wait``)."""
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=4.8, exit_code=1)
    service = redis(swarm, update_config=UpdateConfig(delay=0.0))
    created = track_updater_tasks(swarm, service)
    set_image(swarm, service, NEW)
    swarm.advance(60)
    by_id = {s.id: s for s in spans(swarm, service)}
    first, second, third = (by_id[t] for t in created)
    # the first task failed 4.8 s after RUNNING, during the last slot: read only once the
    # last task ran, 5.504 s after the first did, so too late to count
    assert first.ended is not None and third.running is not None and first.running is not None
    assert first.ended < third.running
    assert third.running - first.running > 5.0
    # the second failed during the final monitor period: read at once and counted
    assert statuses(swarm, service)[-1] == (
        second.ended,
        "paused",
        f"update paused due to failure or early termination of task {second.id}",
    )


def test_delay_at_least_monitor_widens_the_last_window() -> None:
    """With delay >= monitor the final period is delay + 1 s, and failures queued while
    the workers finish are judged against it (swarmkit's closure sees the new value)."""
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=8.0, exit_code=1)  # > monitor 5 s, < delay + 1 = 11 s
    service = redis(swarm, update_config=UpdateConfig(delay=10.0))
    created = track_updater_tasks(swarm, service)
    set_image(swarm, service, NEW)
    swarm.advance(120)
    by_id = {s.id: s for s in spans(swarm, service)}
    assert len(created) == 3
    assert {by_id[t].slot for t in created} == {1, 2, 3}
    last = by_id[created[-1]]
    assert last.running is not None
    # the first two failures came 8 s after RUNNING while a slot waited: not counted;
    # the last one was queued during the worker's delay and judged at its end
    check(
        statuses(swarm, service)[-1],
        last.running + 10.0,
        "paused",
        f"update paused due to failure or early termination of task {last.id}",
    )


def test_failures_of_tasks_the_update_did_not_create_do_not_count() -> None:
    swarm = make_swarm()
    service = redis(swarm, update_config=UpdateConfig(delay=10.0))
    set_image(swarm, service, NEW)
    swarm.advance(5.0)
    old = next(t for t in current(swarm, service) if t.spec_version == 0)
    assert swarm.kill_task(old.id)
    swarm.advance(120)
    assert swarm.ctx.store.tasks[old.id].state == TaskState.FAILED
    assert [state for _, state, _ in statuses(swarm, service)] == ["updating", "completed"]
    assert images_running(swarm, service) == [NEW] * 3


def _failing_rollback(rollback_action: FailureAction) -> tuple[Swarm, Service, list[str]]:
    """The second new task is killed: rollback; every new 3.0.6 task then exits after 1 s."""
    swarm = make_swarm()
    service = redis(
        swarm,
        update_config=UpdateConfig(delay=0.0, failure_action=FailureAction.ROLLBACK),
        rollback_config=UpdateConfig(failure_action=rollback_action),
    )
    created = track_updater_tasks(swarm, service)
    killed = fail_updater_tasks(swarm, service, lambda n: n == 1, after=1.0)
    swarm.images.set(OLD, exits_after=1.0, exit_code=1)  # the old release now fails too
    set_image(swarm, service, NEW)
    swarm.advance(120)
    assert len(killed) == 1
    return swarm, service, [t for t in created if t not in killed]


def test_a_failing_automatic_rollback_pauses() -> None:
    swarm, service, created = _failing_rollback(FailureAction.PAUSE)
    log = statuses(swarm, service)
    assert [state for _, state, _ in log] == ["updating", "rollback_started", "rollback_paused"]
    assert log[1][2].startswith("update rolled back due to failure or early termination of task")
    by_id = {s.id: s for s in spans(swarm, service)}
    rollback_tasks = [by_id[t] for t in created if by_id[t].version == 0]
    first_rollback, last_rollback = rollback_tasks[0], rollback_tasks[-1]
    assert len(rollback_tasks) == 3
    # the first rollback task failed during the last slot; its failure was read (and
    # counted, 1.75 s after it ran) once the last rollback task was RUNNING
    # the rollback config's action is pause: pauseUpdate's message says "update"
    assert log[-1] == (
        last_rollback.running,
        "rollback_paused",
        f"update paused due to failure or early termination of task {first_rollback.id}",
    )
    assert service.spec.image == OLD


def test_rollback_action_during_a_rollback_pauses_then_completes_like_swarmkit() -> None:
    """``rollback`` in the rollback config: never roll back a rollback.  swarmkit pauses
    without stopping the updater, which then monitors and marks the update completed."""
    swarm, service, created = _failing_rollback(FailureAction.ROLLBACK)
    log = statuses(swarm, service)
    states = [state for _, state, _ in log]
    assert states == ["updating", "rollback_started", "rollback_paused", "completed"]
    by_id = {s.id: s for s in spans(swarm, service)}
    rollback_tasks = [by_id[t] for t in created if by_id[t].version == 0]
    first_rollback, last_rollback = rollback_tasks[0], rollback_tasks[-1]
    assert len(rollback_tasks) == 3
    # the first rollback task failed during the last slot; its failure was read (and
    # counted, 1.75 s after it ran) once the last rollback task was RUNNING
    assert log[2] == (
        last_rollback.running,
        "rollback_paused",
        f"rollback paused due to failure or early termination of task {first_rollback.id}",
    )
    assert log[-1][1:] == ("completed", "update completed")
    status = service.update_status
    assert status is not None and status.completed_at == log[-1][0]


def test_a_new_spec_cancels_the_running_update() -> None:
    swarm = make_swarm()
    service = redis(swarm)
    set_image(swarm, service, NEW)
    swarm.advance(15.0)  # slot one done, slot two in progress
    t1 = swarm.now
    set_image(swarm, service, "redis:3.0.8")
    swarm.advance(120)
    check_restarted_at(swarm, service, t1)
    assert images_running(swarm, service) == ["redis:3.0.8"] * 3


def test_an_existing_clean_task_is_reused() -> None:
    """A start-first slot interrupted by a spec change outside the task template keeps its
    new task: the next updater only shuts the old one down (``useExistingTask``)."""
    swarm = make_swarm()
    config = UpdateConfig(order=UpdateOrder.START_FIRST, delay=10.0)
    service = redis(swarm, update_config=config)
    set_image(swarm, service, NEW)
    swarm.advance(1.0)  # the first new task is still pulling
    (first,) = [s for s in spans(swarm, service) if s.version == 1]
    old = next(t for t in current(swarm, service) if t.slot == first.slot and t.id != first.id)
    t1 = swarm.now
    # not part of the task spec: the tasks stay clean, but the updater is replaced
    update(swarm, service, update=replace(config, parallelism=0))
    swarm.advance(60)
    by_id = {s.id: s for s in spans(swarm, service)}
    assert by_id[old.id].shutdown_asked == t1  # without waiting for the new task to run
    first_running = by_id[first.id].running
    assert first_running is not None and first_running > t1
    in_slot = [s for s in by_id.values() if s.slot == first.slot and s.created >= t1]
    assert in_slot == []  # nothing new in that slot
    others = [s for s in by_id.values() if s.created == t1]
    assert len(others) == 2  # the two other slots, at once (parallelism 0)
    assert images_running(swarm, service) == [NEW] * 3
