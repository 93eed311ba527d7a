"""Update reports, convergence and availability computed from traces."""

from __future__ import annotations

import pytest
from update_helpers import (
    NEW,
    make_swarm,
    redis,
    set_image,
    slot_time,
    spans,
    update,
)

from swarmsim.api import FailureAction, UpdateConfig, UpdateOrder
from swarmsim.metrics import (
    UpdateReport,
    min_available,
    replica_series,
    time_to_converge,
    update_frame,
    update_reports,
)
from swarmsim.trace import TraceRecord


def task(
    time: float, tid: str, state: str, node: str = "n1", version: int = 0, slot: int = 1
) -> TraceRecord:
    return TraceRecord(
        time, "task", "update", tid, "web", slot, node, state, "running", "", version
    )


def service(
    time: float, state: str = "", version: int = 0, replicas: int = 2, event: str = "update"
) -> TraceRecord:
    return TraceRecord(time, "service", event, "s1", "web", replicas, "", state, "", "", version)


def node(time: float, nid: str, status: str) -> TraceRecord:
    return TraceRecord(time, "node", "update", nid, "", 0, nid, status, "active", "", 0)


def test_class_notes_update_report() -> None:
    swarm = make_swarm()
    svc = redis(swarm)
    t0 = swarm.now
    set_image(swarm, svc, NEW)
    swarm.advance(120)
    d = slot_time(swarm)
    (report,) = update_reports(swarm.trace, swarm.ctx.store)
    assert report == UpdateReport(
        service="redis",
        started_at=t0,
        ended_at=pytest.approx(t0 + 3 * d + 41, abs=1e-9),  # type: ignore[arg-type]
        final_state="completed",
        message="update completed",
        from_version=0,
        to_version=1,
        min_running=2,  # stop-first: one slot down at a time
        min_running_new=0,
        failed_tasks=0,
        rolled_back=False,
    )
    assert report.duration == pytest.approx(3 * d + 41, abs=1e-9)
    # converged once the third new task runs; the status says completed 21 s later
    assert time_to_converge(swarm.trace, "redis", since=t0) == pytest.approx(t0 + 3 * d + 20)
    assert time_to_converge(swarm.trace, "redis") == pytest.approx(d)
    assert min_available(swarm.trace, "redis", t0, swarm.now) == 2
    assert min_available(swarm.trace, "redis", 0.0, swarm.now) == 0


def test_start_first_keeps_every_replica_available() -> None:
    swarm = make_swarm()
    svc = redis(swarm, update_config=UpdateConfig(order=UpdateOrder.START_FIRST))
    set_image(swarm, svc, NEW)
    swarm.advance(60)
    (report,) = update_reports(swarm.trace)
    assert report.min_running == 3
    assert report.final_state == "completed"


def test_rollback_report_and_convergence_to_the_old_spec() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    config = UpdateConfig(delay=10.0, failure_action=FailureAction.ROLLBACK)
    svc = redis(swarm, update_config=config)
    t0 = swarm.now
    set_image(swarm, svc, NEW)
    swarm.advance(60)
    (report,) = update_reports(swarm.trace)
    assert report.rolled_back
    assert report.final_state == "rollback_completed"
    assert report.failed_tasks == 1
    assert (report.from_version, report.to_version) == (0, 1)
    # after the rollback the tasks of version 0 hold the current spec again (version 2)
    replacement = [s for s in spans(swarm, svc) if s.version == 2]
    assert len(replacement) == 1
    assert time_to_converge(swarm.trace, "redis", since=t0) == replacement[0].running
    frame = update_frame(swarm.trace)
    assert list(frame["final_state"]) == ["rollback_completed"]
    assert frame.loc[0, "duration"] == pytest.approx(report.duration)


def test_a_no_op_update_needs_the_store_to_see_the_same_spec() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    svc = redis(swarm)
    set_image(swarm, svc, NEW)
    swarm.advance(30)
    swarm.images.set(NEW, exits_after=None)
    swarm.advance(30)
    t1 = swarm.now
    update(swarm, svc)  # resumes the paused update with a new version of the same spec
    swarm.advance(120)
    reports = update_reports(swarm.trace, swarm.ctx.store)
    assert [r.final_state for r in reports] == ["paused", "completed"]
    assert reports[0].failed_tasks >= 1
    assert (reports[1].from_version, reports[1].to_version) == (1, 2)
    converged = time_to_converge(swarm.trace, "redis", since=t1, store=swarm.ctx.store)
    assert converged is not None and converged > t1
    # from the trace alone the version-1 task of the paused slot is out of date forever
    assert time_to_converge(swarm.trace, "redis", since=t1) is None


def test_reports_for_superseded_and_removed_updates() -> None:
    records = [
        service(0.0, event="create"),
        service(10.0, "", 1),
        service(10.0, "updating", 1),
        service(20.0, "", 2),  # a new update before the first one ended
        service(20.0, "updating", 2),
        service(30.0, "", 2, event="delete"),
    ]
    reports = update_reports(records)
    assert [(r.started_at, r.ended_at, r.final_state) for r in reports] == [
        (10.0, 20.0, "superseded"),
        (20.0, 30.0, "removed"),
    ]
    assert [(r.from_version, r.to_version) for r in reports] == [(0, 1), (1, 2)]


def test_an_update_still_running_has_no_end() -> None:
    records = [service(0.0, event="create"), service(5.0, "", 1), service(5.0, "updating", 1)]
    (report,) = update_reports(records)
    assert report.ended_at is None and report.duration is None
    assert report.final_state == "updating"


def test_a_stop_and_a_start_in_one_instant_is_no_dip() -> None:
    records = [
        service(0.0, event="create"),
        task(1.0, "a", "running"),
        task(1.0, "b", "running", node="n2", slot=2),
        task(5.0, "a", "shutdown"),
        task(5.0, "c", "running", version=1),
        task(9.0, "b", "failed", node="n2", slot=2),
    ]
    assert min_available(records, "web", 2.0, 8.0) == 2
    assert min_available(records, "web", 2.0, 9.0) == 1
    assert min_available(records, "web", 0.0, 0.5) == 0


def test_tasks_on_a_down_node_are_not_available() -> None:
    records = [
        service(0.0, event="create"),
        task(1.0, "a", "running", node="n1"),
        task(1.0, "b", "running", node="n2", slot=2),
        node(10.0, "n2", "down"),
        node(20.0, "n2", "ready"),
    ]
    series = replica_series(records, "web")
    assert list(series.itertuples(index=False, name=None)) == [
        (0.0, 0, 0, 2),
        (1.0, 2, 2, 2),
        (10.0, 1, 1, 2),
        (20.0, 2, 2, 2),
    ]
    assert min_available(records, "web", 5.0, 15.0) == 1
    assert time_to_converge(records, "web", since=12.0) == 20.0
    assert time_to_converge(records, "web", since=2.0) == 2.0
    assert time_to_converge(records, "web", since=25.0) == 25.0
