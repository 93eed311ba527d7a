"""The metrics' one calling order (run, service, options), NaN for unfinished updates,
failed and displaced tasks, and hostnames in the trace frame."""

from __future__ import annotations

import math

import pytest

from swarmsim import Swarm
from swarmsim.errors import InvalidArgument
from swarmsim.metrics import (
    displaced_tasks,
    failed_tasks,
    min_available,
    time_to_converge,
    update_frame,
    update_reports,
)


def _swarm() -> Swarm:
    swarm = Swarm(seed=2, managers=1, workers=3)
    swarm.images.set("app:1", start=1.0)
    swarm.images.set("app:2", start=1.0)
    swarm.images.set("bad:1", exits_after=2.0, exit_code=1)
    swarm.docker("docker service create -d --replicas 6 --name web app:1", check=True)
    swarm.settle()
    return swarm


def test_a_swarm_and_its_trace_give_the_same_figures() -> None:
    swarm = _swarm()
    swarm.docker("docker service update -d --update-delay 5s --image app:2 web", check=True)
    swarm.settle()
    assert update_reports(swarm, "web") == update_reports(swarm.trace, "web")
    assert time_to_converge(swarm, "web") == time_to_converge(swarm.trace, "web")
    assert min_available(swarm, "web", 10.0) == min_available(swarm.trace, "web", 10.0, None)


def test_the_store_is_refused_with_a_hint() -> None:
    swarm = _swarm()
    with pytest.raises(InvalidArgument, match="pass the Swarm itself"):
        update_reports(swarm.trace, swarm.ctx.store)  # type: ignore[arg-type]


def test_an_unfinished_update_is_nan_in_a_float_column() -> None:
    swarm = _swarm()
    swarm.docker("docker service update -d --update-delay 30s --image app:2 web", check=True)
    swarm.advance(10)
    frame = update_frame(swarm, "web")
    assert frame["ended_at"].dtype == float and frame["duration"].dtype == float
    assert math.isnan(frame.loc[0, "duration"]) and frame.loc[0, "final_state"] == "updating"
    empty = update_frame(Swarm(seed=0))
    assert empty.empty and empty["duration"].dtype == float and empty["min_running"].dtype == int


def test_failed_tasks_counts_each_failure_once() -> None:
    swarm = _swarm()
    assert failed_tasks(swarm, "web") == 0
    t0 = swarm.now
    swarm.docker(
        "docker service update -d --update-failure-action pause --image bad:1 web", check=True
    )
    swarm.settle()
    (report,) = update_reports(swarm, "web")
    assert report.final_state == "paused"
    total = failed_tasks(swarm, "web", since=t0)
    assert total >= report.failed_tasks >= 1
    assert failed_tasks(swarm, "web", since=swarm.now + 1) == 0


def test_displaced_tasks_counts_what_a_drain_and_a_node_loss_moved() -> None:
    swarm = _swarm()
    on = {h: 0 for h in ("manager1", "worker1", "worker2", "worker3")}
    store = swarm.ctx.store
    for task in store.tasks.values():
        on[store.nodes[task.node_id].hostname] += 1
    swarm.docker("docker node update --availability drain worker1", check=True)
    swarm.settle()
    assert displaced_tasks(swarm, "web") == on["worker1"]
    swarm.docker("docker node update --availability drain worker1", check=True)  # again
    swarm.settle()
    assert displaced_tasks(swarm, "web") == on["worker1"]
    running_on_2 = sum(
        1
        for t in store.tasks.values()
        if t.node_id == swarm.node("worker2").id and t.state.api_name == "running"
    )
    swarm.crash_node("worker2")
    swarm.settle()
    assert displaced_tasks(swarm, "web") == on["worker1"] + running_on_2


def test_the_trace_frame_names_nodes_by_hostname_with_ids_aside() -> None:
    swarm = _swarm()
    frame = swarm.dataframe()
    tasks = frame[frame["kind"] == "task"]
    hostnames = {"manager1", "worker1", "worker2", "worker3"}
    placed = tasks[tasks["node_id"] != ""]
    assert set(placed["node"]) <= hostnames and not placed.empty
    for row in placed.itertuples():
        assert swarm.node(row.node_id).hostname == row.node
    nodes = frame[frame["kind"] == "node"]
    assert (nodes["node_id"] == nodes["id"]).all() and set(nodes["node"]) == hostnames
