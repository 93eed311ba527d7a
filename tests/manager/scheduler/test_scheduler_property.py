"""Property: whatever the cluster, every assignment passes every filter."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from swarmsim.api.enums import Availability, NodeStatus, PublishMode, TaskState
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
from swarmsim.manager.constraint import node_matches, parse_constraints
from swarmsim.manager.scheduler import Scheduler

CPU = 1_000_000_000
MIB = 1 << 20

CONSTRAINTS = [
    (),
    ("node.labels.zone==a",),
    ("node.labels.zone!=a",),
    ("node.role==worker",),
    ("node.labels.zone==b", "node.labels.disk==ssd"),
]

node_strategy = st.fixed_dictionaries(
    {
        "cpus": st.integers(0, 8),
        "memory": st.integers(0, 4096),
        "zone": st.sampled_from(["a", "b", ""]),
        "disk": st.sampled_from(["ssd", ""]),
        "status": st.sampled_from([NodeStatus.READY] * 3 + [NodeStatus.DOWN]),
        "availability": st.sampled_from([Availability.ACTIVE] * 3 + [Availability.DRAIN]),
    }
)

service_strategy = st.fixed_dictionaries(
    {
        "replicas": st.integers(1, 12),
        "cpus": st.sampled_from([0, 0.5, 1, 2, 3]),
        "memory": st.sampled_from([0, 256, 1024]),
        "constraints": st.sampled_from(CONSTRAINTS),
        "spread": st.booleans(),
        "max_replicas": st.integers(0, 3),
        "host_port": st.sampled_from([0, 0, 8080]),
        "running": st.integers(0, 3),
    }
)


def build(ctx: Context, nodes: list[dict[str, object]], services: list[dict[str, object]]) -> None:
    node_objs: list[Node] = []
    for i, spec in enumerate(nodes):
        labels = {k: str(spec[k]) for k in ("zone", "disk") if spec[k]}
        node = Node(
            ctx.ids.new(),
            f"n{i}",
            availability=spec["availability"],  # type: ignore[arg-type]
            labels=make_labels(labels),
            status=spec["status"],  # type: ignore[arg-type]
            nano_cpus=int(spec["cpus"]) * CPU,  # type: ignore[call-overload]
            memory_bytes=int(spec["memory"]) * MIB,  # type: ignore[call-overload]
        )
        ctx.store.create_node(node)
        node_objs.append(node)
    for j, spec in enumerate(services):
        host_port = int(spec["host_port"])  # type: ignore[call-overload]
        ports = (PortConfig(80, host_port, "tcp", PublishMode.HOST),) if host_port else ()
        task_spec = TaskSpec(
            ContainerSpec("img"),
            reservations=Resources(
                int(float(spec["cpus"]) * CPU),  # type: ignore[arg-type]
                int(spec["memory"]) * MIB,  # type: ignore[call-overload]
            ),
            placement=Placement(
                spec["constraints"],  # type: ignore[arg-type]
                ("node.labels.zone",) if spec["spread"] else (),
                int(spec["max_replicas"]),  # type: ignore[call-overload]
            ),
        )
        service = Service(
            ctx.ids.new(),
            ServiceSpec(f"s{j}", task_spec, endpoint=EndpointSpec(ports=ports)),
            spec_version=1,
        )
        ctx.store.create_service(service)
        for slot in range(int(spec["replicas"])):  # type: ignore[call-overload]
            ctx.store.create_task(
                Task(
                    ctx.ids.new(),
                    service.id,
                    service.name,
                    slot + 1,
                    task_spec,
                    1,
                    status=TaskStatus(TaskState.PENDING, 0.0, "pending task scheduling"),
                    host_ports=ports,
                )
            )


@given(
    nodes=st.lists(node_strategy, min_size=0, max_size=8),
    services=st.lists(service_strategy, min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_assignments_respect_every_filter(
    nodes: list[dict[str, object]], services: list[dict[str, object]], seed: int
) -> None:
    ctx = Context.create(seed=seed)
    Scheduler(ctx)
    build(ctx, nodes, services)
    ctx.sim.env.run(until=3.0)

    used_cpu: Counter[str] = Counter()
    used_memory: Counter[str] = Counter()
    per_service: Counter[tuple[str, str]] = Counter()
    ports: Counter[tuple[str, int]] = Counter()
    for task in ctx.store.tasks.values():
        if task.state == TaskState.PENDING:
            assert task.node_id == ""
            assert task.status.err.startswith("no suitable node")
            continue
        assert task.state == TaskState.ASSIGNED
        assert task.status.message == "scheduler assigned task to node"
        node = ctx.store.nodes[task.node_id]
        assert node.status is NodeStatus.READY
        assert node.availability is Availability.ACTIVE
        assert node_matches(parse_constraints(task.spec.placement.constraints), node)
        used_cpu[node.id] += task.spec.reservations.nano_cpus
        used_memory[node.id] += task.spec.reservations.memory_bytes
        per_service[node.id, task.service_id] += 1
        max_replicas = task.spec.placement.max_replicas
        if max_replicas:
            assert per_service[node.id, task.service_id] <= max_replicas
        for port in task.host_ports:
            ports[node.id, port.published_port] += 1
            assert ports[node.id, port.published_port] == 1
    for node in ctx.store.nodes.values():
        assert used_cpu[node.id] <= node.nano_cpus
        assert used_memory[node.id] <= node.memory_bytes


@given(
    nodes=st.lists(node_strategy, min_size=1, max_size=6),
    services=st.lists(service_strategy, min_size=1, max_size=3),
    seed=st.integers(0, 1000),
)
def test_same_seed_same_outcome(
    nodes: list[dict[str, object]], services: list[dict[str, object]], seed: int
) -> None:
    outcomes = []
    for _ in range(2):
        ctx = Context.create(seed=seed)
        Scheduler(ctx)
        build(ctx, nodes, services)
        ctx.sim.env.run(until=3.0)
        outcomes.append(
            [(t.slot, t.node_id, t.state, t.status.err) for t in ctx.store.tasks.values()]
        )
    assert outcomes[0] == outcomes[1]
