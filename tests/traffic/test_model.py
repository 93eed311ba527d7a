"""Requests over the mesh and overlays: updates, partitions, the data path port, overload."""

from __future__ import annotations

import math

import pytest

from swarmsim.context import ClusterSettings
from swarmsim.errors import InvalidArgument
from swarmsim.metrics import requests_frame, success_rate
from swarmsim.swarm import Swarm


def ok(swarm: Swarm, line: str) -> None:
    result = swarm.docker(line)
    assert result.exit_code == 0, result.output


def web(replicas: int = 1, flags: str = "", **options: object) -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=2, **options)  # type: ignore[arg-type]
    ok(
        swarm,
        f"docker service create -d --name web --replicas {replicas} -p 8080:80 {flags} nginx:1",
    )
    swarm.advance(20)
    return swarm


def totals(swarm: Swarm, **kw: str) -> dict[str, int]:
    frame = requests_frame(swarm, by_reason=True, **kw)
    return {str(k): int(v) for k, v in frame.groupby("reason")["failed"].sum().items()}


def test_a_stop_first_update_of_one_replica_fails_requests() -> None:
    swarm = web(1)
    t0 = swarm.now
    load = swarm.traffic(":8080", rate=50)
    swarm.advance(5)
    ok(swarm, "docker service update -d --image nginx:2 web")
    swarm.advance(30)
    load.stop()
    frame = requests_frame(swarm)
    assert frame["sent"].sum() == 50 * 35
    failures = totals(swarm)
    # the old container leaves the load balancer, then nothing runs until the new one starts
    assert failures.get("task stopping", 0) > 0 and failures.get("no running task", 0) > 0
    assert frame[frame["time"] < t0 + 5]["failed"].sum() == 0  # before the update all served
    assert frame[frame["time"] >= t0 + 30]["failed"].sum() == 0  # and after it


@pytest.mark.parametrize(
    ("replicas", "flags"),
    [(1, "--update-order start-first"), (3, "--update-parallelism 1")],
)
def test_start_first_or_spare_replicas_serve_every_request(replicas: int, flags: str) -> None:
    swarm = web(replicas, flags)
    load = swarm.traffic(":8080", rate=50)
    swarm.advance(5)
    ok(swarm, "docker service update -d --image nginx:2 web")
    swarm.advance(60)
    load.stop()
    assert swarm.ctx.store.service_by_name("web").update_status.state.api_name == "completed"
    frame = requests_frame(swarm)
    assert frame["sent"].sum() == 50 * 65 and frame["failed"].sum() == 0


def test_a_published_port_answers_from_every_node() -> None:
    swarm = web(1)
    hosts = [node.hostname for node in swarm.ctx.store.nodes.values()]
    for host in hosts:
        swarm.traffic(":8080", rate=10, source=host, name=f"from-{host}")
    swarm.advance(3.5)
    frame = requests_frame(swarm)
    assert sorted(frame["load"].unique()) == sorted(f"from-{h}" for h in hosts)
    assert frame["failed"].sum() == 0 and frame["ok"].sum() == 30 * len(hosts)
    # a node without the task forwards over the ingress overlay: one more hop
    latencies = frame.groupby("load")["latency"].mean()
    assert latencies.min() < latencies.max()


def test_an_unpublished_port_is_not_found() -> None:
    swarm = web(1)
    swarm.traffic(":9090", rate=10)
    swarm.advance(2.5)
    assert totals(swarm) == {"not found": 20}


def test_a_service_is_reachable_by_name_only_over_a_shared_network() -> None:
    swarm = Swarm(seed=1, managers=1, workers=2)
    for net in ("back", "front"):
        ok(swarm, f"docker network create -d overlay --attachable {net}")
    ok(swarm, "docker service create -d --name db --network back redis")
    ok(swarm, "docker service create -d --name api --network front nginx")
    ok(swarm, "docker service create -d --name worker --network back nginx")
    ok(swarm, "docker service create -d --name cache --network back --endpoint-mode dnsrr redis")
    swarm.advance(20)
    swarm.traffic("cache:6379", rate=10, source="worker", name="dns")
    swarm.traffic("db:6379", rate=10, source="api", name="api")
    swarm.traffic("db:6379", rate=10, source="worker", name="worker")
    swarm.traffic("db:6379", rate=10, source="worker1", network="back", name="debug")
    swarm.advance(2.5)
    assert totals(swarm, load="api") == {"no shared network": 20}
    assert success_rate(swarm, load="worker") == 1.0
    assert success_rate(swarm, load="debug") == 1.0
    assert success_rate(swarm, load="dns") == 1.0  # DNS round robin over the tasks


def test_a_client_needs_a_service_or_an_attachable_network() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    ok(swarm, "docker network create -d overlay back")
    ok(swarm, "docker service create -d --name db --network back redis")
    with pytest.raises(InvalidArgument, match="not manually attachable"):
        swarm.traffic("db:6379", rate=1, source="worker1", network="back")
    with pytest.raises(InvalidArgument, match="a client of db:6379"):
        swarm.traffic("db:6379", rate=1)
    with pytest.raises(InvalidArgument, match="a target is :PORT or SERVICE:PORT"):
        swarm.traffic("db", rate=1)
    with pytest.raises(InvalidArgument, match="rate must be a positive"):
        swarm.traffic(":80", rate=0)
    with pytest.raises(InvalidArgument, match="no such node"):
        swarm.traffic(":80", rate=1, source="nowhere")
    swarm.traffic(":80", rate=1, name="a")
    with pytest.raises(InvalidArgument, match="already running"):
        swarm.traffic(":80", rate=1, name="a")


def vmware(port: int) -> Swarm:
    swarm = web(3, "--placement-pref spread=node.id", settings=ClusterSettings(data_path_port=port))
    swarm.underlay.take_udp_ports(swarm.node("worker2").id, frozenset({4789}))
    return swarm


def test_a_machine_holding_4789_breaks_overlay_traffic_until_the_port_changes() -> None:
    blocked = vmware(4789)
    blocked.traffic(":8080", rate=30, source="manager1")
    blocked.advance(2.5)
    # the task on worker2 is unreachable from manager1 over VXLAN
    assert totals(blocked) == {"data path blocked": 20}
    moved = vmware(7789)
    moved.traffic(":8080", rate=30, source="manager1")
    moved.advance(2.5)
    assert success_rate(moved) == 1.0


def test_a_partitioned_workers_tasks_fail_until_replaced() -> None:
    swarm = web(3, "--placement-pref spread=node.id")
    swarm.traffic(":8080", rate=30, source="manager1")
    swarm.advance(2)
    t0 = swarm.now
    swarm.partition([["manager1", "worker1"], ["worker2"]])
    swarm.advance(60)
    frame = requests_frame(swarm)
    during = frame[(frame["time"] >= t0) & (frame["time"] < t0 + 10)]
    assert during["failed"].sum() == during["sent"].sum() // 3
    assert set(during["reason"]) == {"partitioned"}
    # after the heartbeat timeout the worker is down and its task replaced
    assert frame[frame["time"] >= t0 + 20]["failed"].sum() == 0


def test_a_task_past_its_capacity_fails_the_excess() -> None:
    swarm = web(2)
    swarm.images.set("nginx:1", requests_per_second=10)
    swarm.traffic(":8080", rate=15, name="a")
    swarm.traffic(":8080", rate=15, name="b")  # loads share the tasks' capacity
    swarm.advance(10)
    assert success_rate(swarm) == pytest.approx(20 / 30, abs=0.01)
    assert set(totals(swarm)) == {"overloaded"}


def test_a_high_rate_for_an_hour_costs_one_record_per_window() -> None:
    swarm = web(3)
    before = len(swarm.trace)
    load = swarm.traffic(":8080", rate=1000, window=10)
    swarm.advance(3600)
    load.stop()
    frame = requests_frame(swarm)
    assert frame["sent"].sum() == 3_600_000 and frame["failed"].sum() == 0
    assert len(frame) == 360 and len(swarm.trace) - before < 400


def test_poisson_arrivals_are_seeded() -> None:
    def run(seed: int) -> list[int]:
        swarm = Swarm(seed=seed, workers=1)
        ok(swarm, "docker service create -d --name web -p 8080:80 nginx")
        swarm.traffic(":8080", rate=20, arrivals="poisson")
        swarm.advance(30)
        return list(requests_frame(swarm)["sent"])

    first = run(1)
    assert first == run(1) and first != run(2)
    assert math.isclose(sum(first) / len(first), 20, rel_tol=0.2)


def test_a_trace_with_requests_saves_and_loads(tmp_path: object) -> None:
    from pathlib import Path

    from swarmsim.trace import load

    swarm = web(1)
    swarm.traffic(":8080", rate=5)
    swarm.advance(3.5)
    path = Path(str(tmp_path)) / "run.jsonl"
    swarm.trace.save(path)
    assert requests_frame(load(path)).equals(requests_frame(swarm))


def test_a_host_mode_port_answers_only_where_a_task_runs() -> None:
    swarm = Swarm(seed=3, managers=1, workers=2)
    ok(swarm, "docker service create -d --name web -p mode=host,published=8080,target=80 nginx")
    swarm.advance(20)
    (task,) = [t for t in swarm.ctx.store.tasks.values() if t.state.api_name == "running"]
    for node in swarm.ctx.store.nodes.values():
        swarm.traffic(":8080", rate=10, source=node.hostname, name=node.hostname)
    swarm.advance(2.5)
    for node in swarm.ctx.store.nodes.values():
        expected = 1.0 if node.id == task.node_id else 0.0
        assert success_rate(swarm, load=node.hostname) == expected
    assert set(totals(swarm)) == {"not found"}
