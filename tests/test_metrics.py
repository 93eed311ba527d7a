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
    StepSeries,
    UpdateReport,
    UpdateSpan,
    min_available,
    replica_series,
    replica_timeline,
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
    (report,) = update_reports(swarm)
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
    # the rollback restores version 0: one task of it replaces the failed one
    replacement = [s for s in spans(swarm, svc) if s.version == 0 and s.created > t0]
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
    reports = update_reports(swarm)
    assert [r.final_state for r in reports] == ["paused", "completed"]
    assert reports[0].failed_tasks >= 1
    assert (reports[1].from_version, reports[1].to_version) == (1, 2)
    converged = time_to_converge(swarm, "redis", since=t1)
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


# ------------------------------------------------------------ counts over time


def test_rolling_update_counts_per_version_old_falling_new_rising() -> None:
    swarm = make_swarm()
    svc = redis(swarm)  # 3 replicas, stop-first, one at a time, 10 s delay
    t0 = swarm.now
    set_image(swarm, svc, NEW)
    swarm.advance(120)
    d = slot_time(swarm)
    timeline = replica_timeline(swarm.trace, "redis")
    old, new = timeline.by_version[0], timeline.by_version[1]
    # slot k's new task runs at t0 + k*d + (k-1)*10; sample inside each delay
    checks = [(t0 - 1, 3, 0), (t0 + d + 5, 2, 1), (t0 + 2 * d + 15, 1, 2), (swarm.now, 0, 3)]
    for time, old_count, new_count in checks:
        assert (old.at(time), new.at(time)) == (old_count, new_count), time
        assert timeline.running.at(time) == 3
        assert timeline.current.at(time) == (new_count if time >= t0 else old_count)
    assert old.values == [3, 2, 1, 0] and new.values == [1, 2, 3]
    assert all(old.at(t) + new.at(t) == timeline.running.at(t) for t in timeline.running.times)
    assert (timeline.replicas.times, timeline.replicas.values) == ([0.0], [3])
    assert timeline.desired_running.at(swarm.now) == 3
    # the fewest available during the update is the report's min_running
    (report,) = update_reports(swarm.trace)
    assert report.ended_at is not None
    during = [timeline.running.at(report.started_at)]
    during += [
        v
        for t, v in zip(timeline.running.times, timeline.running.values, strict=True)
        if report.started_at <= t <= report.ended_at
    ]
    assert min(during) == report.min_running == 2
    assert timeline.updates == [UpdateSpan(t0, report.ended_at, "updating", "update in progress")]
    assert not timeline.global_mode


def test_a_rollback_has_an_updating_then_a_rolling_back_span() -> None:
    swarm = make_swarm()
    swarm.images.set(NEW, exits_after=3.0, exit_code=1)
    svc = redis(swarm, update_config=UpdateConfig(failure_action=FailureAction.ROLLBACK))
    t0 = swarm.now
    set_image(swarm, svc, NEW)
    swarm.advance(60)
    timeline = replica_timeline(swarm.trace, "redis")
    (report,) = update_reports(swarm.trace)
    updating, rolling_back = timeline.updates
    assert (updating.state, updating.start) == ("updating", t0)
    assert rolling_back.state == "rollback_started"
    assert updating.end == rolling_back.start < rolling_back.end == report.ended_at
    # v1 came up once, then its task failed; v0 (restored) replaced it
    assert sorted(timeline.by_version) == [0, 1]
    assert timeline.by_version[1].values[-1] == 0
    assert timeline.current.at(swarm.now) == timeline.running.at(swarm.now) == 3


def test_update_spans_follow_the_service_records() -> None:
    records = [
        service(0.0, event="create"),
        service(10.0, "", 1),
        service(10.0, "updating", 1)._replace(detail="update in progress"),
        service(15.0, "updating", 1)._replace(detail="still going"),  # same state: same span
        service(20.0, "paused", 1)._replace(detail="update paused"),
        service(30.0, "", 2),
        service(30.0, "updating", 2),
        service(30.0, "rollback_started", 3),  # no time in ``updating``: no span
        service(45.0, "rollback_completed", 3),
        service(50.0, "", 4),
        service(50.0, "updating", 4),
        service(60.0, "", 4, event="delete"),
    ]
    spans = [(s.start, s.end, s.state, s.message) for s in replica_timeline(records, "web").updates]
    assert spans == [
        (10.0, 20.0, "updating", "update in progress"),
        (20.0, 30.0, "paused", "update paused"),
        (30.0, 45.0, "rollback_started", ""),
        (50.0, 60.0, "updating", ""),
    ]
    cut = replica_timeline(records, "web", until=55.0)
    assert cut.end == 55.0 and cut.updates[-1] == UpdateSpan(50.0, 55.0, "updating", "")
    timeline = replica_timeline(records, "web")
    assert (timeline.replicas.times, timeline.replicas.values) == ([0.0, 60.0], [2, 0])


def test_available_and_desired_running_differ_while_a_task_stops() -> None:
    records = [
        service(0.0, event="create", replicas=1),
        task(1.0, "a", "running"),
        task(5.0, "a", "running")._replace(desired="shutdown"),  # asked to stop
        task(5.5, "b", "pending", node="n2", version=1),
        task(6.0, "a", "shutdown")._replace(desired="shutdown"),
        task(7.0, "b", "running", node="n2", version=1),
        node(9.0, "n2", "down"),
    ]
    timeline = replica_timeline(records, "web")
    running, desired = timeline.running, timeline.desired_running
    assert (running.times, running.values) == ([0.0, 1.0, 6.0, 7.0, 9.0], [0, 1, 0, 1, 0])
    # desired running drops as soon as a is asked to stop; a stays available until it stops
    assert (desired.times, desired.values) == ([0.0, 1.0, 5.0, 5.5], [0, 1, 0, 1])
    assert {v: (s.times, s.values) for v, s in timeline.by_version.items()} == {
        0: ([1.0, 6.0], [1, 0]),
        1: ([7.0, 9.0], [1, 0]),  # on a node that went down
    }
    frame = timeline.frame()
    assert list(frame.columns) == ["time", "running", "current", "desired_running", "replicas"]
    assert list(frame["time"]) == [0.0, 1.0, 5.0, 5.5, 6.0, 7.0, 9.0]
    assert list(frame["desired_running"]) == [0, 1, 0, 1, 1, 1, 1]
    assert list(frame["current"]) == [0, 1, 1, 1, 0, 0, 0]  # b holds version 1, not current
    with pytest.raises(ValueError, match="unknown columns"):
        timeline.frame(["available"])


def test_replica_series_is_the_timeline_as_a_frame() -> None:
    records = [
        service(0.0, event="create"),
        task(1.0, "a", "running"),
        task(2.0, "a", "running")._replace(desired="shutdown"),  # no change of the 3 columns
        task(3.0, "a", "shutdown"),
        service(4.0, "", 0, event="delete"),
    ]
    assert list(replica_series(records, "web").itertuples(index=False, name=None)) == [
        (0.0, 0, 0, 2),
        (1.0, 1, 1, 2),
        (3.0, 0, 0, 2),
        (4.0, 0, 0, 0),  # no replicas wanted once removed
    ]
    assert replica_series(records, "api").empty
    with pytest.raises(ValueError, match="no record of service 'api'"):
        replica_timeline(records, "api")


def test_step_series_merges_instants_and_equal_values() -> None:
    steps = StepSeries()
    for time, value in [(0.0, 0), (1.0, 2), (1.0, 3), (2.0, 3), (3.0, 1), (3.0, 3)]:
        steps.set(time, value)
    assert (steps.times, steps.values) == ([0.0, 1.0], [0, 3])
    assert steps.at(-1) == 0 and steps.at(1.0) == 3 and steps.maximum() == 3


def test_bad_metric_requests_are_swarmsim_errors() -> None:
    from swarmsim.errors import InvalidArgument

    records = [service(0.0, event="create")]
    with pytest.raises(InvalidArgument, match="no record of service 'api'"):
        replica_timeline(records, "api")
    with pytest.raises(InvalidArgument, match="unknown columns"):
        replica_timeline(records, "web").frame(["available"])
