"""Constraint enforcer (docs/behaviour.md#constraint-enforcer)."""

from __future__ import annotations

from engine_helpers import create, hostname, running, spec, tasks

from swarmsim.api import TaskState, make_labels
from swarmsim.swarm import Swarm


def test_label_removal_rejects_and_restarts_elsewhere() -> None:
    swarm = Swarm(seed=2, managers=1, workers=2)
    swarm.images.set("app:1", pull=0.2, create=0.0, start=0.1)
    for name in ("worker1", "worker2"):
        node = swarm.node(name)
        node.labels = make_labels({"disk": "ssd"})
        swarm.ctx.store.update_node(node)
    service = create(swarm, spec(image="app:1", replicas=2, constraints=("node.labels.disk==ssd",)))
    swarm.advance(3)
    assert sorted(hostname(swarm, t) for t in running(swarm, service)) == ["worker1", "worker2"]
    worker1 = swarm.node("worker1")
    worker1.labels = ()
    swarm.ctx.store.update_node(worker1)
    swarm.advance(0.01)
    (rejected,) = [t for t in tasks(swarm, service) if t.state == TaskState.REJECTED]
    assert rejected.status.message == "task rejected by constraint enforcer"
    assert rejected.status.err == "assigned node no longer meets constraints"
    swarm.advance(10)
    # the only matching node is worker2 now
    assert sorted(hostname(swarm, t) for t in running(swarm, service)) == ["worker2", "worker2"]
