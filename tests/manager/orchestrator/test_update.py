"""Rolling updates through the real engine: timelines, order, parallelism, rollback."""

from __future__ import annotations

import pytest
from update_helpers import (
    NEW,
    OLD,
    Span,
    cached_slot_time,
    check,
    current,
    images_running,
    make_swarm,
    redis,
    rollback,
    set_image,
    slot_time,
    spans,
    statuses,
    update,
)

from swarmsim.api import (
    FailureAction,
    HealthConfig,
    ServiceMode,
    TaskState,
    UpdateConfig,
    UpdateOrder,
    UpdateState,
)
from swarmsim.api.objects import Task, TaskStatus
from swarmsim.api.specs import ContainerSpec, TaskSpec
from swarmsim.manager.orchestrator.update import _copy_task


def test_class_notes_update_one_task_at_a_time() -> None:
    """11.3 B: 3 replicas, parallelism 1, delay 10 s, stop-first, monitor 5 s."""
    swarm = make_swarm()
    service = redis(swarm)
    old = {t.slot: t.id for t in current(swarm, service)}
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(120)

    d = slot_time(swarm)
    assert d == pytest.approx(2.752)
    new = [s for s in spans(swarm, service) if s.version == 1]
    assert [s.created - t0 for s in new] == pytest.approx([0.0, d + 10, 2 * d + 20], abs=1e-9)
    assert [s.running - t0 for s in new if s.running] == pytest.approx(
        [d, 2 * d + 10, 3 * d + 20], abs=1e-9
    )
    # the slot's old task is told to shut down in the same instant the new task is created
    by_id = {s.id: s for s in spans(swarm, service)}
    for s in new:
        assert by_id[old[s.slot]].shutdown_asked == s.created
        assert by_id[old[s.slot]].ended is not None
        assert by_id[old[s.slot]].ended < s.running  # type: ignore[operator]
    assert sorted(s.slot for s in new) == [1, 2, 3]
    # UPDATING at t0; COMPLETED after the last slot, its 10 s delay and 11 s of monitoring
    assert statuses(swarm, service) == [
        (t0, "updating", "update in progress"),
        (pytest.approx(t0 + 3 * d + 41, abs=1e-9), "completed", "update completed"),
    ]
    status = service.update_status
    assert status is not None
    assert status.started_at == t0
    assert status.completed_at == pytest.approx(t0 + 49.256, abs=1e-9)
    assert images_running(swarm, service) == [NEW] * 3
    assert swarm.updates.updaters == {}


def test_bad_release_pauses_at_the_first_failure() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    service = redis(swarm)
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(60)

    first = next(s for s in spans(swarm, service) if s.version == 1)
    assert first.running == pytest.approx(t0 + slot_time(swarm), abs=1e-9)
    assert first.end_state == "failed"
    assert first.ended == pytest.approx(first.running + 3.0, abs=1e-9)  # type: ignore[operator]
    message = f"update paused due to failure or early termination of task {first.id}"
    assert statuses(swarm, service) == [
        (t0, "updating", "update in progress"),
        (first.ended, "paused", message),
    ]
    status = service.update_status
    assert status is not None and status.state == UpdateState.PAUSED
    assert status.completed_at is None  # swarmkit's pauseUpdate leaves CompletedAt unset
    # no other slot was touched; the failing slot keeps being restarted from the new spec
    others = [t for t in current(swarm, service) if t.slot != first.slot]
    assert [t.spec.container.image for t in others] == [OLD, OLD]
    assert all(t.spec_version == 0 for t in others)
    restarted = [s for s in spans(swarm, service) if s.slot == first.slot and s.version == 1]
    assert len(restarted) > 1


def test_a_later_update_resumes_a_paused_update() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    service = redis(swarm)
    set_image(swarm, service, NEW)
    swarm.advance(30)
    assert service.update_status is not None
    assert service.update_status.state == UpdateState.PAUSED
    swarm.images.set(NEW, exits_after=None)  # the fixed release
    swarm.advance(30)
    t1 = swarm.now
    update(swarm, service)  # docker service update redis (no change)
    assert swarm.ctx.store.services[service.id].update_status is None
    swarm.advance(120)
    states = [(state, msg) for time, state, msg in statuses(swarm, service) if time >= t1]
    assert states == [("updating", "update in progress"), ("completed", "update completed")]
    assert images_running(swarm, service) == [NEW] * 3
    # the resumed update only replaced the two slots still on the old spec
    resumed = [s for s in spans(swarm, service) if s.created >= t1]
    assert len(resumed) == 2
    assert service.previous_spec is not None
    assert service.previous_spec.image == NEW  # the pre-update spec is lost


def test_failure_action_rollback_returns_to_the_previous_spec() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    service = redis(
        swarm, update_config=UpdateConfig(delay=10.0, failure_action=FailureAction.ROLLBACK)
    )
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(120)

    first = next(s for s in spans(swarm, service) if s.version == 1)
    log = statuses(swarm, service)
    assert log[0] == (t0, "updating", "update in progress")
    assert log[1] == (
        first.ended,
        "rollback_started",
        f"update rolled back due to failure or early termination of task {first.id}",
    )
    assert log[-1][1:] == ("rollback_completed", "rollback completed")
    assert [state for _, state, _ in log] == ["updating", "rollback_started", "rollback_completed"]
    assert service.spec.image == OLD
    assert service.previous_spec is None
    assert service.spec_version == 0  # the restored spec keeps its version
    assert images_running(swarm, service) == [OLD] * 3
    status = service.update_status
    assert status is not None and status.started_at == t0
    assert status.completed_at == log[-1][0]


def test_manual_rollback_after_a_completed_update() -> None:
    swarm = make_swarm()
    service = redis(swarm, rollback_config=UpdateConfig(parallelism=0))
    set_image(swarm, service, NEW)
    swarm.advance(120)
    assert images_running(swarm, service) == [NEW] * 3
    t1 = swarm.now
    rollback(swarm, service)
    swarm.advance(60)
    log = [(state, msg) for time, state, msg in statuses(swarm, service) if time >= t1]
    assert log == [
        ("rollback_started", "manually requested rollback"),
        ("rollback_completed", "rollback completed"),
    ]
    assert images_running(swarm, service) == [OLD] * 3
    # the rollback config (parallelism 0) was used: every slot replaced at once
    rolled = [s for s in spans(swarm, service) if s.created >= t1]
    assert [s.created for s in rolled] == [t1] * 3


def test_rollback_after_a_scale_reverts_the_replica_count() -> None:
    swarm = make_swarm()
    service = redis(swarm)
    update(swarm, service, replicas=5)
    swarm.advance(30)
    assert service.update_status is None  # a pure scale never creates an update status
    assert len(images_running(swarm, service)) == 5
    t1 = swarm.now
    rollback(swarm, service)
    swarm.advance(30)
    assert service.spec.replicas == 3
    assert len(images_running(swarm, service)) == 3
    assert statuses(swarm, service) == [
        (t1, "rollback_started", "manually requested rollback"),
        (t1, "rollback_completed", "rollback completed"),
    ]


def test_parallelism_two_is_a_sliding_window() -> None:
    swarm = make_swarm(workers=3)
    service = redis(swarm, replicas=4, update_config=UpdateConfig(parallelism=2, delay=10.0))
    t0 = swarm.now
    set_image(swarm, service, NEW)
    # once the first two new tasks are assigned, one node gets the image pre-pulled
    swarm.advance(swarm.ctx.settings.scheduler_debounce + 0.0005)
    first_two = [s for s in spans(swarm, service) if s.version == 1]
    assert [s.created for s in first_two] == [t0, t0]
    fast = swarm.ctx.store.tasks[first_two[0].id]
    swarm.agents[fast.node_id].image_cache.add(NEW)
    swarm.advance(120)

    d = slot_time(swarm)
    quick = cached_slot_time(swarm)
    assert quick == pytest.approx(1.004)
    new = [s for s in spans(swarm, service) if s.version == 1]
    assert len(new) == 4
    by_id = {s.id: s for s in new}
    assert by_id[first_two[0].id].running == pytest.approx(t0 + quick, abs=1e-9)
    assert by_id[first_two[1].id].running == pytest.approx(t0 + d, abs=1e-9)
    # each worker takes its next slot `delay` after its own slot ran, not after the batch
    assert [s.created - t0 for s in new] == pytest.approx([0.0, 0.0, quick + 10, d + 10], abs=1e-9)
    assert max_in_flight(new) == 2
    assert service.update_status is not None
    assert service.update_status.state == UpdateState.COMPLETED


def max_in_flight(new: list[Span]) -> int:
    """Most updater tasks created and not yet RUNNING/terminal at one instant."""
    events: list[tuple[float, int]] = []
    for s in new:
        events.append((s.created, 1))
        done = min(t for t in (s.running, s.ended, float("inf")) if t is not None)
        events.append((done, -1))
    events.sort(key=lambda e: (e[0], e[1]))  # finishing before starting at one instant
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def test_parallelism_zero_updates_every_slot_at_once() -> None:
    swarm = make_swarm()
    service = redis(swarm, update_config=UpdateConfig(parallelism=0, delay=10.0))
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(60)
    new = [s for s in spans(swarm, service) if s.version == 1]
    assert [s.created for s in new] == [t0] * 3
    assert images_running(swarm, service) == [NEW] * 3
    last_running = max(s.running for s in new if s.running)
    check(statuses(swarm, service)[-1], last_running + 10 + 11, "completed", "update completed")


def test_start_first_runs_both_tasks_of_a_slot_for_a_moment() -> None:
    swarm = make_swarm()
    service = redis(swarm, update_config=UpdateConfig(order=UpdateOrder.START_FIRST))
    old = {t.slot: t.id for t in current(swarm, service)}
    set_image(swarm, service, NEW)
    swarm.advance(60)
    by_id = {s.id: s for s in spans(swarm, service)}
    new = [s for s in by_id.values() if s.version == 1]
    assert len(new) == 3
    for s in new:
        previous = by_id[old[s.slot]]
        assert s.running is not None and previous.ended is not None
        # the old task is stopped only once the new one runs: both RUNNING meanwhile
        assert previous.shutdown_asked == s.running
        assert previous.ended > s.running
    assert images_running(swarm, service) == [NEW] * 3


def test_start_first_leaves_the_old_task_running_when_the_new_one_fails() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, pull_error=True)
    service = redis(swarm, update_config=UpdateConfig(order=UpdateOrder.START_FIRST))
    old = {t.id for t in current(swarm, service)}
    set_image(swarm, service, NEW)
    swarm.advance(30)
    status = service.update_status
    assert status is not None and status.state == UpdateState.PAUSED
    first = next(s for s in spans(swarm, service) if s.version == 1)
    assert first.end_state == "rejected"
    assert status.message.endswith(first.id)
    for task_id in old:
        task = swarm.ctx.store.tasks[task_id]
        assert task.state == TaskState.RUNNING
        assert task.desired_state == TaskState.RUNNING
    assert images_running(swarm, service) == [OLD] * 3


def test_failure_action_continue_does_not_watch_failures() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=1.0, exit_code=1)
    service = redis(
        swarm, update_config=UpdateConfig(delay=0.0, failure_action=FailureAction.CONTINUE)
    )
    set_image(swarm, service, NEW)
    swarm.advance(60)
    new = [s for s in spans(swarm, service) if s.version == 1]
    assert {s.slot for s in new} == {1, 2, 3}
    assert [state for _, state, _ in statuses(swarm, service)] == ["updating", "completed"]


def test_health_check_gates_each_slot() -> None:
    swarm = make_swarm()
    health = HealthConfig(test=("CMD", "true"), interval=5.0)
    swarm.images.set(NEW, healthy_after=7.0)  # probes at 5 s (fails) and 10 s (passes)
    service = redis(swarm, health=health)
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(120)
    d = slot_time(swarm, healthy=10.0)
    new = [s for s in spans(swarm, service) if s.version == 1]
    assert [s.created - t0 for s in new] == pytest.approx([0.0, d + 10, 2 * d + 20], abs=1e-9)
    check(statuses(swarm, service)[-1], t0 + 3 * d + 41, "completed", "update completed")


def test_never_healthy_release_pauses() -> None:
    swarm = make_swarm()
    health = HealthConfig(test=("CMD", "true"), interval=2.0, retries=3)
    swarm.images.set(NEW, never_healthy=True)
    service = redis(swarm, health=health)
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(30)
    first = next(s for s in spans(swarm, service) if s.version == 1)
    assert first.running is None  # stuck in STARTING, then failed as unhealthy
    assert first.end_state == "failed"
    # started at d - 0.1 - 0.001 (agent time), unhealthy 3 probes × 2 s later
    s = swarm.ctx.settings
    started = t0 + slot_time(swarm) - s.dispatcher_batch - s.network_latency
    assert first.ended == pytest.approx(started + 6.0 + s.network_latency + s.dispatcher_batch)
    assert statuses(swarm, service)[-1] == (
        first.ended,
        "paused",
        f"update paused due to failure or early termination of task {first.id}",
    )


def test_global_service_updates_node_by_node() -> None:
    swarm = make_swarm()
    service = redis(swarm, mode=ServiceMode.GLOBAL)
    assert len(images_running(swarm, service)) == 3
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(120)
    new = [s for s in spans(swarm, service) if s.version == 1]
    d = slot_time(swarm)  # preassigned tasks are confirmed after the same debounce
    assert len({s.node for s in new}) == 3
    assert all(s.slot == 0 for s in new)
    assert [s.created - t0 for s in new] == pytest.approx([0.0, d + 10, 2 * d + 20], abs=1e-9)
    assert images_running(swarm, service) == [NEW] * 3
    check(statuses(swarm, service)[-1], t0 + 3 * d + 41, "completed", "update completed")


def test_the_updaters_copy_of_a_task_keeps_its_state_when_the_live_task_moves_on() -> None:
    live = Task("t1", "svc", "web", 3, TaskSpec(ContainerSpec("app:1")), 2, node_id="n1")
    snapshot = _copy_task(live)
    assert snapshot == live and snapshot is not live
    live.status = TaskStatus(TaskState.RUNNING)
    live.desired_state = TaskState.SHUTDOWN
    assert snapshot.state == TaskState.NEW and snapshot.desired_state == TaskState.RUNNING
    assert snapshot.spec is live.spec  # immutable parts are shared, as copy.copy shares them
