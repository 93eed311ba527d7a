"""The update supervisor: which updater runs for which service, and when it stops."""

from __future__ import annotations

from update_helpers import (
    NEW,
    check_restarted_at,
    images_running,
    make_swarm,
    redis,
    set_image,
    slot_time,
    spans,
    statuses,
    update,
)

from swarmsim.api import UpdateState


def test_a_no_op_update_during_an_update_restarts_the_updater_with_a_status() -> None:
    """An identical spec that cleared the status starts a new run, which marks the
    service UPDATING again and completes (swarmkit's kept run would write nothing)."""
    swarm = make_swarm()
    service = redis(swarm)
    set_image(swarm, service, NEW)
    swarm.advance(5.0)
    updater = swarm.updates.updaters[service.id]
    t1 = swarm.now
    update(swarm, service)
    swarm.advance(0.5)
    assert swarm.updates.updaters[service.id] is not updater
    assert updater.stopped
    swarm.advance(120)
    assert images_running(swarm, service) == [NEW] * 3
    check_restarted_at(swarm, service, t1)


def test_an_update_kept_by_an_identical_spec_is_not_restarted_by_reconciles() -> None:
    """Reconciles that do not touch the status keep the running updater."""
    swarm = make_swarm()
    service = redis(swarm)
    set_image(swarm, service, NEW)
    swarm.advance(5.0)
    updater = swarm.updates.updaters[service.id]
    swarm.updates.update(service, [])  # what a reconcile after a node event does
    assert swarm.updates.updaters[service.id] is updater


def test_removing_the_service_cancels_its_update() -> None:
    swarm = make_swarm()
    service = redis(swarm)
    set_image(swarm, service, NEW)
    swarm.advance(5.0)
    assert service.id in swarm.updates.updaters
    swarm.ctx.store.delete_service(service.id)
    swarm.advance(60)
    assert swarm.updates.updaters == {}
    assert not [t for t in swarm.ctx.store.tasks_of_service(service.id) if t.runnable]


def test_losing_leadership_stops_the_update_and_a_new_leader_resumes_it() -> None:
    swarm = make_swarm()
    service = redis(swarm)
    t0 = swarm.now
    set_image(swarm, service, NEW)
    swarm.advance(5.0)
    swarm.ctx.leadership.set(False)
    assert swarm.updates.updaters == {}
    swarm.advance(30)
    during = [s for s in spans(swarm, service) if s.version == 1]
    assert len(during) == 1  # nothing new while there is no leader
    swarm.ctx.leadership.set(True)
    swarm.advance(180)
    log = statuses(swarm, service)
    assert [state for _, state, _ in log] == ["updating", "completed"]
    assert service.update_status is not None and service.update_status.started_at == t0
    assert images_running(swarm, service) == [NEW] * 3
    assert slot_time(swarm) > 0
    assert service.update_status.state == UpdateState.COMPLETED
