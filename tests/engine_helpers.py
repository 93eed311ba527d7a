"""Small builders shared by the engine tests (not a test module)."""

from __future__ import annotations

from dataclasses import replace

from swarmsim.api import (
    ContainerSpec,
    Placement,
    RestartPolicy,
    Service,
    ServiceMode,
    ServiceSpec,
    Task,
    TaskSpec,
    TaskState,
)
from swarmsim.swarm import Swarm


def spec(
    name: str = "web",
    image: str = "nginx:1",
    replicas: int = 3,
    *,
    mode: ServiceMode = ServiceMode.REPLICATED,
    restart: RestartPolicy | None = None,
    constraints: tuple[str, ...] = (),
) -> ServiceSpec:
    """A service spec with the given basics."""
    task = TaskSpec(
        ContainerSpec(image),
        restart=restart or RestartPolicy(),
        placement=Placement(constraints=constraints),
    )
    return ServiceSpec(name, task, mode=mode, replicas=replicas)


def create(swarm: Swarm, service_spec: ServiceSpec) -> Service:
    """Create a service straight in the store (as the control API does)."""
    ctx = swarm.ctx
    service = Service(ctx.ids.new(), service_spec, created_at=ctx.now)
    ctx.store.create_service(service)
    return service


def update(swarm: Swarm, service: Service, **changes: object) -> None:
    """Replace the spec of ``service`` as an API update does (5.2)."""
    service.previous_spec = service.spec
    service.spec = replace(service.spec, **changes)  # type: ignore[arg-type]
    service.spec_version += 1
    service.update_status = None
    swarm.ctx.store.update_service(service)


def tasks(swarm: Swarm, service: Service) -> list[Task]:
    """All tasks of a service, by slot then creation."""
    return sorted(
        swarm.ctx.store.tasks_of_service(service.id), key=lambda t: (t.slot, t.created_at)
    )


def running(swarm: Swarm, service: Service) -> list[Task]:
    """Tasks observed RUNNING and wanted running."""
    return [
        t
        for t in swarm.ctx.store.tasks_of_service(service.id)
        if t.state == TaskState.RUNNING and t.desired_state == TaskState.RUNNING
    ]


def hostname(swarm: Swarm, task: Task) -> str:
    """The hostname of the task's node."""
    return swarm.ctx.store.nodes[task.node_id].hostname
