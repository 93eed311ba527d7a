"""Property tests over random clusters, services and operation sequences (shell lines)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from swarmsim import Swarm
from swarmsim.api import NodeRole, TaskState
from swarmsim.testing import invariants
from swarmsim.testing import strategies as sst


@given(sst.clusters(), sst.services())
def test_fresh_service_converges_balanced(
    cluster: sst.ClusterShape, shape: sst.ServiceShape
) -> None:
    swarm = sst.build_swarm(cluster, seed=1)
    assert sst.create_service(swarm, shape).ok, shape.line()
    swarm.advance(20)
    assert invariants.check_converged(swarm) == []
    service = swarm.ctx.store.service_by_name(shape.name)
    assert service is not None
    if shape.mode == "replicated" and not shape.preferences:
        assert invariants.check_spread(swarm, service) == []
    assert invariants.check_trace(swarm.trace) == []


@given(sst.clusters(), sst.jobs(constraints=st.sampled_from(((), ("node.role==worker",)))))
def test_a_fresh_job_completes_each_task_once_and_settles(
    cluster: sst.ClusterShape, shape: sst.JobShape
) -> None:
    swarm = sst.build_swarm(cluster, seed=1)
    swarm.advance(5)  # every node has joined and is ready
    assert sst.create_service(swarm, shape).ok, shape.line()
    assert swarm.settle(timeout=300), shape.line()
    service = swarm.ctx.store.service_by_name(shape.name)
    assert service is not None
    tasks = list(swarm.ctx.store.tasks_of_service(service.id))
    assert {t.state for t in tasks} <= {TaskState.COMPLETE}
    if shape.mode == "replicated-job":
        assert sorted(t.slot for t in tasks) == list(range(shape.completions))
        most = shape.completions if shape.max_concurrent is None else shape.max_concurrent
        assert _most_running_at_once(swarm, shape.name) <= most
    else:
        workers_only = bool(shape.constraints)
        nodes = swarm.ctx.store.nodes.values()
        wanted = {n.id for n in nodes if not workers_only or n.role == NodeRole.WORKER}
        assert sorted(t.node_id for t in tasks) == sorted(wanted)
    assert invariants.check_quiescent(swarm) == []


def _most_running_at_once(swarm: Swarm, service: str) -> int:
    running: set[str] = set()
    most = 0
    for record in swarm.trace:
        if record.kind == "task" and record.service == service:
            (running.add if record.state == "running" else running.discard)(record.id)
            most = max(most, len(running))
    return most


@st.composite
def _scenarios(draw: st.DrawFn) -> tuple[sst.ClusterShape, list[str]]:
    cluster = draw(sst.clusters(max_workers=4))
    shapes = [draw(sst.services("svc0")), draw(sst.services("svc1", image=st.just("bad:exit")))]
    ops = draw(st.lists(sst.operations(cluster.hostnames, ("svc0", "svc1")), max_size=8))
    return cluster, [shape.line() for shape in shapes] + ops


@given(_scenarios(), st.integers(0, 3))
def test_any_operation_sequence_keeps_the_invariants(
    scenario: tuple[sst.ClusterShape, list[str]], seed: int
) -> None:
    cluster, lines = scenario
    swarm = sst.build_swarm(cluster, seed=seed)
    for line in lines:
        result = sst.apply(swarm, line)
        assert "internal error" not in result.stderr, line
        assert invariants.check_step(swarm) == [], sst.script(seed, cluster.managers, lines)
    swarm.advance(600)
    assert invariants.check_quiescent(swarm) == [], sst.script(seed, cluster.managers, lines)


@given(_scenarios())
def test_same_seed_same_trace(scenario: tuple[sst.ClusterShape, list[str]]) -> None:
    cluster, lines = scenario

    def run() -> str:
        swarm = sst.build_swarm(cluster, seed=9)
        for line in lines:
            sst.apply(swarm, line)
        swarm.advance(20)
        return swarm.trace.dump()

    assert run() == run()


@settings(max_examples=5)
@given(st.data())
def test_overrides_fix_or_draw_each_part(data: st.DataObject) -> None:
    shape = data.draw(sst.clusters(managers=3, workers=2, labels={"rack": ["r1"]}, cpus=2.0))
    assert shape.managers == 3 and len(shape.workers) == 2
    assert shape.lines() == [
        "node add worker1 label.rack=r1 cpus=2",
        "node add worker2 label.rack=r1 cpus=2",
    ]
    service = data.draw(
        sst.services(
            "web",
            replicas=4,
            mode="replicated",
            constraints=["node.labels.rack==r1"],
            preferences=[],
            max_per_node=2,
            reserve_memory="64M",
            update=sst.update_configs(parallelism=2, order="start-first"),
        )
    )
    line = service.line()
    assert "--replicas 4 --constraint node.labels.rack==r1 --replicas-max-per-node 2" in line
    assert "--update-order=start-first" in line and "--update-parallelism=2" in line
    swarm = sst.build_swarm(shape)
    assert sst.create_service(swarm, service).ok
    swarm.advance(30)
    assert invariants.check_quiescent(swarm) == []


def test_a_paused_node_keeps_a_task_whose_constraints_it_no_longer_meets() -> None:
    # the constraint enforcer leaves paused nodes alone (constraint_enforcer.go),
    # so a converged swarm may run such a task there; a drained node keeps none
    swarm = Swarm(seed=2, managers=1, workers=2)
    for worker in ("worker1", "worker2"):
        swarm.docker(f"docker node update --label-add zone=a {worker}", check=True)
    swarm.docker(
        "docker service create -d --replicas 2 --constraint node.labels.zone==a --name db app",
        check=True,
    )
    swarm.advance(20)
    swarm.docker("docker node update --availability pause worker2", check=True)
    swarm.docker("docker node update --label-rm zone worker2", check=True)
    swarm.advance(20)
    on_worker2 = [t for t in swarm.ctx.store.tasks_on_node(swarm.node("worker2").id) if t.runnable]
    assert [t.state for t in on_worker2] == [TaskState.RUNNING]
    assert invariants.check_converged(swarm) == []
    swarm.docker("docker node update --availability drain worker2", check=True)
    assert invariants.check_converged(swarm)  # in this instant: it runs on a drained node
    swarm.advance(20)
    assert invariants.check_converged(swarm) == []
