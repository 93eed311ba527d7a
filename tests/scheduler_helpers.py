"""Builders shared by the scheduler tests, run on a bare store (not a test module)."""

from __future__ import annotations

from collections import Counter

from swarmsim.api.enums import Availability, NodeStatus, PublishMode, ServiceMode, TaskState
from swarmsim.api.objects import Node, Service, Task, TaskStatus
from swarmsim.api.specs import (
    ContainerSpec,
    EndpointSpec,
    Placement,
    PortConfig,
    Resources,
    ServiceSpec,
    TaskSpec,
    make_labels,
)
from swarmsim.context import Context

CPU = 1_000_000_000
GIB = 1 << 30


def add_node(
    ctx: Context,
    name: str,
    *,
    cpus: float = 4,
    memory: int = 8 * GIB,
    labels: dict[str, str] | None = None,
    status: NodeStatus = NodeStatus.READY,
    availability: Availability = Availability.ACTIVE,
) -> Node:
    """A node (READY and ACTIVE by default) created in the store."""
    node = Node(
        ctx.ids.new(),
        name,
        availability=availability,
        labels=make_labels(labels or {}),
        status=status,
        nano_cpus=int(cpus * CPU),
        memory_bytes=memory,
        created_at=ctx.now,
    )
    ctx.store.create_node(node)
    return node


def add_service(
    ctx: Context,
    name: str = "web",
    *,
    cpus: float = 0,
    memory: int = 0,
    constraints: tuple[str, ...] = (),
    preferences: tuple[str, ...] = (),
    max_replicas: int = 0,
    host_port: int = 0,
    mode: ServiceMode = ServiceMode.REPLICATED,
) -> Service:
    """A replicated (or global) service at spec version 1, created in the store."""
    ports = (PortConfig(80, host_port, "tcp", PublishMode.HOST),) if host_port else ()
    spec = ServiceSpec(
        name,
        TaskSpec(
            ContainerSpec("nginx:latest"),
            reservations=Resources(int(cpus * CPU), memory),
            placement=Placement(constraints, preferences, max_replicas),
        ),
        mode=mode,
        endpoint=EndpointSpec(ports=ports),
    )
    service = Service(ctx.ids.new(), spec, spec_version=1, created_at=ctx.now)
    ctx.store.create_service(service)
    return service


def add_task(
    ctx: Context,
    service: Service,
    *,
    slot: int = 1,
    node: Node | None = None,
    state: TaskState = TaskState.PENDING,
    desired: TaskState = TaskState.RUNNING,
    spec_version: int | None = None,
) -> Task:
    """A task of ``service`` created in the store, PENDING and unassigned by default."""
    spec = service.spec
    task = Task(
        ctx.ids.new(),
        service.id,
        spec.name,
        slot,
        spec.task,
        service.spec_version if spec_version is None else spec_version,
        desired_state=desired,
        node_id=node.id if node else "",
        status=TaskStatus(state, ctx.now, "pending task scheduling"),
        created_at=ctx.now,
        endpoint=spec.endpoint,
        host_ports=spec.endpoint.ports,
    )
    ctx.store.create_task(task)
    return task


def add_tasks(ctx: Context, service: Service, count: int, **kwargs: object) -> list[Task]:
    """``count`` tasks of ``service`` in slots 1..count."""
    return [add_task(ctx, service, slot=i + 1, **kwargs) for i in range(count)]  # type: ignore[arg-type]


def run(ctx: Context, seconds: float = 1.0) -> None:
    """Run the simulation for ``seconds`` of virtual time."""
    ctx.sim.env.run(until=ctx.now + seconds)


def at(ctx: Context, delay: float, action: object) -> None:
    """Call ``action`` after ``delay`` virtual seconds."""
    ctx.sim.call_later(delay, action)


def hostname(ctx: Context, task: Task) -> str:
    """The hostname of the task's node, or ``""``."""
    return ctx.store.nodes[task.node_id].hostname if task.node_id else ""


def per_host(ctx: Context, tasks: list[Task]) -> Counter[str]:
    """How many of the ASSIGNED ``tasks`` each hostname got."""
    return Counter(hostname(ctx, t) for t in tasks if t.state == TaskState.ASSIGNED)


def set_state(ctx: Context, task: Task, state: TaskState) -> None:
    """Move a task to the observed ``state`` through the store."""
    task.status = TaskStatus(state, ctx.now, state.api_name)
    ctx.store.update_task(task)


def set_desired(ctx: Context, task: Task, desired: TaskState) -> None:
    """Change a task's desired state through the store."""
    task.desired_state = desired
    ctx.store.update_task(task)
