"""Filters, their order and the pipeline's explanation (docs/behaviour.md#filters)."""

from __future__ import annotations

from swarmsim.api.enums import Availability, NodeStatus, PublishMode, TaskState
from swarmsim.api.objects import Node, Task
from swarmsim.api.specs import (
    ContainerSpec,
    Placement,
    PortConfig,
    Resources,
    TaskSpec,
    make_labels,
)
from swarmsim.manager.scheduler.filters import (
    ConstraintFilter,
    HostPortFilter,
    MaxReplicasFilter,
    ReadyFilter,
    ResourceFilter,
)
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.pipeline import Pipeline

GIB = 1 << 30
CPU = 1_000_000_000


def make_task(
    task_id: str = "t1",
    service_id: str = "svc",
    *,
    cpus: float = 0,
    memory: int = 0,
    constraints: tuple[str, ...] = (),
    max_replicas: int = 0,
    ports: tuple[PortConfig, ...] = (),
    desired: TaskState = TaskState.RUNNING,
) -> Task:
    spec = TaskSpec(
        ContainerSpec("nginx"),
        reservations=Resources(int(cpus * CPU), memory),
        placement=Placement(constraints=constraints, max_replicas=max_replicas),
    )
    return Task(task_id, service_id, "web", 1, spec, 1, desired_state=desired, host_ports=ports)


def make_info(
    name: str = "n1",
    *,
    cpus: float = 4,
    memory: int = 8 * GIB,
    status: NodeStatus = NodeStatus.READY,
    availability: Availability = Availability.ACTIVE,
    labels: dict[str, str] | None = None,
) -> NodeInfo:
    node = Node(
        name,
        name,
        availability=availability,
        status=status,
        labels=make_labels(labels or {}),
        nano_cpus=int(cpus * CPU),
        memory_bytes=memory,
    )
    return NodeInfo(node)


HOST_80 = PortConfig(80, 8080, "tcp", PublishMode.HOST)


# -------------------------------------------------------------------- filters
def test_ready_filter_needs_ready_and_active() -> None:
    flt = ReadyFilter()
    assert flt.set_task(make_task())
    assert flt.check(make_info())
    for status in (NodeStatus.DOWN, NodeStatus.UNKNOWN, NodeStatus.DISCONNECTED):
        assert not flt.check(make_info(status=status))
    for availability in (Availability.PAUSE, Availability.DRAIN):
        assert not flt.check(make_info(availability=availability))
    assert flt.explain(1) == "1 node not available for new tasks"
    assert flt.explain(3) == "3 nodes not available for new tasks"


def test_resource_filter_applies_only_with_reservations() -> None:
    flt = ResourceFilter()
    assert not flt.set_task(make_task())
    assert flt.set_task(make_task(cpus=2))
    assert flt.check(make_info(cpus=2))
    assert not flt.check(make_info(cpus=1.5))
    assert flt.set_task(make_task(memory=GIB))
    assert not flt.check(make_info(memory=GIB - 1))
    assert flt.explain(1) == "insufficient resources on 1 node"
    assert flt.explain(2) == "insufficient resources on 2 nodes"


def test_constraint_filter() -> None:
    flt = ConstraintFilter()
    assert not flt.set_task(make_task())
    assert not flt.set_task(make_task(constraints=("bad",)))  # unparseable: disabled
    assert flt.set_task(make_task(constraints=("node.labels.zone==east",)))
    assert flt.check(make_info(labels={"zone": "east"}))
    assert not flt.check(make_info())
    assert flt.explain(1) == "scheduling constraints not satisfied on 1 node"
    assert flt.explain(5) == "scheduling constraints not satisfied on 5 nodes"


def test_host_port_filter() -> None:
    flt = HostPortFilter()
    assert not flt.set_task(make_task())
    ingress = PortConfig(80, 8080, "tcp", PublishMode.INGRESS)
    assert not flt.set_task(make_task(ports=(ingress,)))
    assert not flt.set_task(make_task(ports=(PortConfig(80, 0, "tcp", PublishMode.HOST),)))
    assert flt.set_task(make_task(ports=(HOST_80,)))
    info = make_info()
    assert flt.check(info)
    info.add_task(make_task("other", "svc2", ports=(HOST_80,)))
    assert not flt.check(info)
    info.remove_task("other")
    info.add_task(make_task("udp", "svc2", ports=(PortConfig(80, 8080, "udp", PublishMode.HOST),)))
    assert flt.check(info)  # another protocol
    assert flt.explain(2) == "host-mode port already in use on 2 nodes"


def test_max_replicas_filter() -> None:
    flt = MaxReplicasFilter()
    assert not flt.set_task(make_task())
    assert flt.set_task(make_task(max_replicas=2))
    info = make_info()
    info.add_task(make_task("a"))
    assert flt.check(info)
    info.add_task(make_task("b"))
    assert not flt.check(info)
    info.add_task(make_task("b", desired=TaskState.SHUTDOWN))  # stops counting at once
    assert flt.check(info)
    assert flt.explain(1) == flt.explain(7) == "max replicas per node limit exceed"


# ------------------------------------------------------------------- pipeline
def test_filters_run_in_swarmkit_order() -> None:
    names = [type(f).__name__ for f in Pipeline().filters]
    assert names == [
        "ReadyFilter",
        "ResourceFilter",
        "ConstraintFilter",
        "HostPortFilter",
        "MaxReplicasFilter",
    ]


def test_only_the_first_failing_filter_counts() -> None:
    pipeline = Pipeline()
    pipeline.set_task(make_task(cpus=8, constraints=("node.labels.zone==east",)))
    # down and too small and unlabeled: counted as "not available" only
    assert not pipeline.process(make_info(status=NodeStatus.DOWN, cpus=1))
    assert pipeline.failure_counts == (1, 0, 0, 0, 0)
    assert not pipeline.process(make_info(cpus=1))
    assert not pipeline.process(make_info(cpus=1))
    assert not pipeline.process(make_info(cpus=16))
    assert pipeline.failure_counts == (1, 2, 1, 0, 0)
    assert pipeline.explain() == (
        "insufficient resources on 2 nodes; 1 node not available for new tasks; "
        "scheduling constraints not satisfied on 1 node"
    )


def test_explain_ties_keep_pipeline_order() -> None:
    pipeline = Pipeline()
    pipeline.set_task(make_task(cpus=8, constraints=("node.labels.zone==east",)))
    assert not pipeline.process(make_info(cpus=16))  # constraints
    assert not pipeline.process(make_info(cpus=1))  # resources
    assert not pipeline.process(make_info(availability=Availability.DRAIN))  # ready
    assert pipeline.explain() == (
        "1 node not available for new tasks; insufficient resources on 1 node; "
        "scheduling constraints not satisfied on 1 node"
    )


def test_a_passing_node_resets_every_counter() -> None:
    pipeline = Pipeline()
    pipeline.set_task(make_task(cpus=2))
    assert not pipeline.process(make_info(status=NodeStatus.DOWN))
    assert not pipeline.process(make_info(cpus=1))
    assert pipeline.process(make_info())
    assert pipeline.failure_counts == (0, 0, 0, 0, 0)
    assert pipeline.explain() == ""
    assert not pipeline.process(make_info(cpus=1))
    assert pipeline.explain() == "insufficient resources on 1 node"


def test_set_task_resets_counters_and_disables_filters() -> None:
    pipeline = Pipeline()
    pipeline.set_task(make_task(cpus=2))
    assert not pipeline.process(make_info(cpus=1))
    pipeline.set_task(make_task())  # no reservation: resource filter off
    assert pipeline.failure_counts == (0, 0, 0, 0, 0)
    assert pipeline.process(make_info(cpus=0, memory=0))
