"""Property tests over random clusters, services and drain/down/scale sequences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from swarmsim.api import ServiceMode
from swarmsim.testing import invariants
from swarmsim.testing import strategies as sst


@given(sst.clusters(), sst.services())
def test_fresh_service_converges_balanced(
    cluster: sst.ClusterShape, shape: sst.ServiceShape
) -> None:
    swarm = sst.build_swarm(cluster, seed=1)
    service = sst.create_service(swarm, shape)
    swarm.advance(20)
    assert invariants.check_converged(swarm) == []
    if shape.mode == ServiceMode.REPLICATED and not shape.spread:
        assert invariants.check_spread(swarm, service) == []
    assert invariants.check_trace(swarm.trace) == []


@st.composite
def _scenarios(
    draw: st.DrawFn,
) -> tuple[sst.ClusterShape, list[sst.ServiceShape], list[sst.Operation]]:
    cluster = draw(sst.clusters(max_workers=5))
    shapes = [draw(sst.services("svc0")), draw(sst.services("svc1"))]
    ops = draw(
        st.lists(sst.operations(len(cluster.zones), ("svc0", "svc1")), min_size=1, max_size=8)
    )
    return cluster, shapes, ops


@given(_scenarios(), st.integers(0, 3))
def test_any_fault_sequence_settles(
    scenario: tuple[sst.ClusterShape, list[sst.ServiceShape], list[sst.Operation]], seed: int
) -> None:
    cluster, shapes, ops = scenario
    swarm = sst.build_swarm(cluster, seed=seed)
    for shape in shapes:
        sst.create_service(swarm, shape)
    swarm.advance(5)
    for op in ops:
        sst.apply(swarm, op)
        swarm.advance(0.5)
    # long enough for down detection (<= 16.5 s), restart delays and starts
    swarm.advance(60)
    assert invariants.check_converged(swarm) == []
    assert invariants.check_trace(swarm.trace) == []


@given(_scenarios())
def test_same_seed_same_trace(
    scenario: tuple[sst.ClusterShape, list[sst.ServiceShape], list[sst.Operation]],
) -> None:
    cluster, shapes, ops = scenario

    def run() -> str:
        swarm = sst.build_swarm(cluster, seed=9)
        for shape in shapes:
            sst.create_service(swarm, shape)
        swarm.advance(3)
        for op in ops:
            sst.apply(swarm, op)
            swarm.advance(0.5)
        swarm.advance(20)
        return swarm.trace.dump()

    assert run() == run()
