"""Which containers a machine's engine holds (running, and stopped ones kept)."""

from __future__ import annotations

from swarmsim.agent.containers import container_of, containers_of
from swarmsim.swarm import Swarm


def _names(swarm: Swarm, node: str = "manager1") -> list[tuple[str, bool, bool]]:
    """(image, started, finished) of the machine's containers, oldest first."""
    agent = swarm.agents[swarm.node(node).id]
    return [
        (c.image, c.started_at is not None, c.finished_at is not None) for c in containers_of(agent)
    ]


def test_running_and_stopped_containers_until_the_task_leaves_the_store() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("once:1", exits_after=1.0, exit_code=0)
    assert swarm.docker("docker service create --name web -d web:1").ok
    assert swarm.docker("docker service create --name once -d --restart-condition none once:1").ok
    swarm.advance(10)
    assert sorted(_names(swarm)) == [("once:1", True, True), ("web:1", True, False)]
    assert swarm.docker("docker service rm once").ok
    swarm.advance(5)
    assert _names(swarm) == [("web:1", True, False)]


def test_an_image_that_cannot_be_pulled_makes_no_container() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("missing:1", pull_error=True)
    assert swarm.docker("docker service create --name m -d missing:1").ok
    swarm.advance(5)
    assert _names(swarm) == []
    tasks = list(swarm.ctx.store.tasks.values())
    assert tasks  # rejected, and retried
    assert all(container_of(swarm.agents[t.node_id], t.id) is None for t in tasks)


def test_a_crash_loses_the_running_containers() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    line = "docker service create --name web -d --constraint node.role==worker web:1"
    assert swarm.docker(line).ok
    swarm.advance(5)
    agent = swarm.agents[swarm.node("worker1").id]
    (before,) = containers_of(agent)
    assert container_of(agent, before.task_id) is before
    swarm.crash_node("worker1")
    swarm.recover_node("worker1")
    swarm.advance(30)
    after = containers_of(agent)
    assert before not in after
    assert [c.started_at is not None and c.finished_at is None for c in after] == [True]


def test_a_stopped_container_records_its_exit_code() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("bad:1", exits_after=2.0, exit_code=7)
    assert swarm.docker("docker service create --name bad -d --restart-condition none bad:1").ok
    swarm.advance(10)
    agent = swarm.agents[swarm.node("manager1").id]
    (container,) = containers_of(agent)
    assert (container.exit_code, container.finished_at) == (7, container.started_at + 2.0)
