"""The agent's sessions: what a (re)registration's complete assignment set does."""

from __future__ import annotations

from swarmsim.api.enums import TaskState
from swarmsim.swarm import Swarm


def test_a_full_sync_removes_containers_whose_tasks_left_the_store() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker(
        "docker service create -d --name web --replicas 1 --constraint node.role==worker nginx"
    ).ok
    swarm.advance(30)
    worker = swarm.agents[swarm.node("worker1").id]
    (kept,) = [t for t in swarm.ctx.store.tasks.values() if t.node_id == worker.node_id]
    assert list(worker.controllers) == [kept.id]
    # a task the managers deleted while the agent could not hear: only the sync says so
    worker.disconnect()
    stray = swarm.ctx.store.tasks[kept.id]
    swarm.ctx.store.delete_task(stray.id)
    swarm.advance(1)
    assert list(worker.controllers) == [stray.id]  # the removal message was lost
    worker.reconnect()
    swarm.advance(1)
    assert stray.id not in worker.controllers
    # what it runs now is what the store assigns it (the orchestrator's replacement)
    assigned = {t.id for t in swarm.ctx.store.tasks_on_node(worker.node_id)}
    assert set(worker.controllers) <= assigned


def test_a_full_sync_keeps_the_containers_it_lists() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    assert swarm.docker(
        "docker service create -d --name web --replicas 2 --constraint node.role==worker nginx"
    ).ok
    swarm.advance(30)
    worker = swarm.agents[swarm.node("worker1").id]
    before = dict(worker.controllers)
    worker.disconnect()
    swarm.advance(1)
    worker.reconnect()
    swarm.advance(1)
    assert worker.controllers == before
    assert all(c.state == TaskState.RUNNING for c in worker.controllers.values())
