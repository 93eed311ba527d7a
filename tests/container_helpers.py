"""A small swarm with containers on manager1, for the ``docker container`` tests."""

from __future__ import annotations

from swarmsim.cli.docker.container import container_id
from swarmsim.swarm import Swarm


def machine_with_two_services() -> Swarm:
    """``web`` (2 replicas, host port 8080) on both machines, ``job`` exited (3) on manager1."""
    swarm = Swarm(seed=3, managers=1, workers=1)
    swarm.images.set("nginx:alpine", pull=2.0, create=0.5, start=0.5)
    swarm.images.set("bad:1", exits_after=5.0, exit_code=3, pull=0.0, create=0.0, start=0.0)
    for line in (
        "docker service create --name web --replicas 2 -d"
        " --publish mode=host,published=8080,target=80 nginx:alpine",
        "docker service create --name job -d --restart-condition none"
        " --constraint node.role==manager bad:1 sh -c 'exit 3'",
    ):
        assert swarm.docker(line).ok
    swarm.advance(100)
    return swarm


def task_id(swarm: Swarm, service: str, node: str = "manager1") -> str:
    """The ID of the one task of ``service`` on ``node``."""
    node_id = swarm.node(node).id
    (task,) = [
        t
        for t in swarm.ctx.store.tasks.values()
        if t.service_name == service and t.node_id == node_id
    ]
    return task.id


def cid(swarm: Swarm, service: str, node: str = "manager1") -> str:
    """The full container ID of that task."""
    return container_id(swarm, task_id(swarm, service, node))


def slot(swarm: Swarm, task: str) -> int:
    """The slot of the task with ID ``task``."""
    return swarm.ctx.store.tasks[task].slot
