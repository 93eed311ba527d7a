"""A figure of one service reads only its records and the nodes' (Trace.of_service):
the same figures as a pass over every record, on random fault schedules."""

from __future__ import annotations

import pytest

from swarmsim import Swarm
from swarmsim.metrics import (
    displaced_tasks,
    failed_tasks,
    min_available,
    replica_series,
    replica_timeline,
    time_to_converge,
    update_reports,
)
from swarmsim.metrics._sweep import version_classes
from swarmsim.shell.interpreter import Interpreter
from swarmsim.testing.fuzz import schedule_for
from swarmsim.trace import Trace, TraceRecord
from swarmsim.viz.tasks import scan


def _run(index: int) -> Swarm:
    schedule = schedule_for(20261206, index)
    swarm = Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers)
    shell = Interpreter(swarm)
    for line in schedule.steps:
        shell.execute(line)
    swarm.advance(60)
    return swarm


def _figures(run: Trace | list[TraceRecord], service: str, times: list[float]) -> list[object]:
    figures: list[object] = [failed_tasks(run, service), displaced_tasks(run, service)]
    for at in times:
        figures.append(time_to_converge(run, service, since=at))
        figures.append(min_available(run, service, at))
        figures.append(min_available(run, service, 0.0, at))
        figures.append(failed_tasks(run, service, since=at))
    figures.append(update_reports(run, service))
    frame = replica_series(run, service)
    figures.append(frame.to_dict("list"))
    return figures


@pytest.mark.parametrize("index", range(8))
def test_one_services_records_give_the_figures_of_the_whole_trace(index: int) -> None:
    swarm = _run(index)
    trace = swarm.trace
    every = list(trace)  # a plain list: every record is read
    names = [*sorted({r.service for r in every if r.kind == "service"}), "worker", "absent"]
    end = trace.end
    times = [0.0, end / 3, end / 2, end - 1.0, end + 5.0]
    for name in names:
        expected = [
            r
            for r in every
            if r.kind == "node"
            or (r.kind != "command" and r.kind != "requests" and r.service == name)
        ]
        assert trace.of_service(name) == expected
        assert _figures(trace, name, times) == _figures(every, name, times)
        if any(r.kind == "task" and r.service == name for r in every):
            for until in (None, end / 2):
                assert replica_timeline(trace, name, until=until) == replica_timeline(
                    every, name, until=until
                )


@pytest.mark.parametrize("index", range(8))
def test_one_services_version_classes_are_those_of_every_service(index: int) -> None:
    swarm = _run(index)
    records = list(swarm.trace)
    store = swarm.ctx.store
    everyone = version_classes(records, store)
    versions = {(r.service, r.spec_version) for r in records if r.kind in ("task", "service")}
    for name in {service for service, _ in versions}:
        alone = version_classes(records, store, name)
        for key in sorted(k for k in versions if k[0] == name):
            assert alone.find(key) == everyone.find(key)


@pytest.mark.parametrize("index", range(8))
def test_a_task_chart_of_one_service_reads_its_records_as_a_full_pass_would(index: int) -> None:
    """The Gantt chart's scan of one service (its records and the nodes' from
    Trace.of_service) gives the bars, rows and end of a pass over every record."""
    swarm = _run(index)
    trace = swarm.trace
    every = list(trace)
    names = [*sorted({r.service for r in every if r.kind == "service"}), "worker", "absent"]
    end = trace.end
    for name in names:
        for until in (None, end / 3, end + 5.0):
            assert scan(trace, name, until) == scan(every, name, until), (name, until)
