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


def test_containers_are_listed_by_creation_and_a_stopped_one_keeps_its_place() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    swarm.images.set("app:1", pull=1.0, create=0.0, start=0.5, stop=0.2)
    assert swarm.docker("docker service create --name web -d --replicas 3 app:1").ok
    swarm.advance(5)
    assert swarm.docker("docker service create --name late -d app:1").ok
    swarm.advance(5)
    agent = swarm.agents[swarm.node("manager1").id]
    listed = containers_of(agent)
    # the three replicas were created in one instant: by slot, then the later service
    assert [(c.task.service_name, c.task.slot) for c in listed] == [
        ("web", 1),
        ("web", 2),
        ("web", 3),
        ("late", 1),
    ]
    assert len({c.created_at for c in listed[:3]}) == 1
    second = listed[1]
    assert swarm.kill_task(second.task_id, 1)
    swarm.advance(0.5)
    again = containers_of(agent)
    assert second in again and second.finished_at is not None
    assert again.index(second) == 1  # stopped, it keeps its place among the oldest
    assert container_of(agent, second.task_id) is second
