"""Hypothesis strategies for clusters, services and fault/command sequences.

Everything drawn is plain data (:class:`ClusterShape`, :class:`ServiceShape`,
operation tuples), so a shrunk counter-example reads like a scenario:
``[("drain", "worker2"), ("scale", "svc0", 7), ("crash", "worker1")]``.
:func:`build_swarm` turns a shape into a running :class:`~swarmsim.swarm.Swarm`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from swarmsim.api.enums import RestartCondition, ServiceMode
from swarmsim.api.objects import Service
from swarmsim.api.specs import (
    ContainerSpec,
    Placement,
    RestartPolicy,
    ServiceSpec,
    TaskSpec,
    make_labels,
)
from swarmsim.swarm import Swarm

ZONES = ("east", "west", "south")


@dataclass(frozen=True)
class ClusterShape:
    """How many managers and workers, and the ``zone`` label of each worker."""

    managers: int
    zones: tuple[str, ...]  # one entry per worker; "" = no label


@dataclass(frozen=True)
class ServiceShape:
    """A service to create: replicas, mode, constraint, preference, cap, policy."""

    name: str
    replicas: int
    mode: ServiceMode = ServiceMode.REPLICATED
    constraint: str = ""
    spread: bool = False
    max_per_node: int = 0
    restart: RestartCondition = RestartCondition.ANY
    labels: dict[str, str] = field(default_factory=dict)

    def spec(self, image: str = "app:1") -> ServiceSpec:
        """The :class:`ServiceSpec` of this shape."""
        placement = Placement(
            constraints=(self.constraint,) if self.constraint else (),
            preferences=("node.labels.zone",) if self.spread else (),
            max_replicas=self.max_per_node,
        )
        task = TaskSpec(
            ContainerSpec(image),
            placement=placement,
            restart=RestartPolicy(condition=self.restart),
        )
        return ServiceSpec(
            self.name, task, mode=self.mode, replicas=self.replicas, labels=make_labels(self.labels)
        )


def clusters(max_workers: int = 6) -> st.SearchStrategy[ClusterShape]:
    """Small clusters: 1 or 3 managers, 1..max_workers workers with optional zones."""
    return st.builds(
        ClusterShape,
        managers=st.sampled_from((1, 3)),
        zones=st.lists(st.sampled_from(("", *ZONES)), min_size=1, max_size=max_workers).map(tuple),
    )


def services(name: str = "svc0") -> st.SearchStrategy[ServiceShape]:
    """Replicated or global services with optional constraint, spread and cap."""
    return st.builds(
        ServiceShape,
        name=st.just(name),
        replicas=st.integers(0, 12),
        mode=st.sampled_from((ServiceMode.REPLICATED, ServiceMode.REPLICATED, ServiceMode.GLOBAL)),
        constraint=st.sampled_from(
            ("", "node.role==worker", "node.labels.zone!=east", "node.labels.zone==west")
        ),
        spread=st.booleans(),
        max_per_node=st.sampled_from((0, 0, 1, 2)),
        restart=st.just(RestartCondition.ANY),
    )


Operation = tuple[str, ...] | tuple[str, str, int]


def operations(workers: int, service_names: tuple[str, ...]) -> st.SearchStrategy[Operation]:
    """One command or fault: drain/pause/activate/crash/recover a worker, scale a service."""
    node = st.integers(1, workers).map(lambda i: f"worker{i}")
    return st.one_of(
        st.tuples(st.sampled_from(("drain", "pause", "activate", "crash", "recover")), node),
        st.tuples(st.just("scale"), st.sampled_from(service_names), st.integers(0, 12)),
        st.tuples(st.just("wait"), st.sampled_from(("1", "5", "20"))),
    )


def build_swarm(shape: ClusterShape, seed: int = 0) -> Swarm:
    """A running swarm of this shape (fast image timings)."""
    swarm = Swarm(seed=seed, managers=shape.managers, workers=0)
    swarm.images.set("app:1", pull=0.5, create=0.1, start=0.2, stop=0.1)
    for index, zone in enumerate(shape.zones, start=1):
        swarm.add_node(f"worker{index}", labels={"zone": zone} if zone else None)
    return swarm


def create_service(swarm: Swarm, shape: ServiceShape) -> Service:
    """Create the service through the control API's store write."""
    ctx = swarm.ctx
    service = Service(ctx.ids.new(), shape.spec(), created_at=ctx.now)
    ctx.store.create_service(service)
    return service


def apply(swarm: Swarm, operation: Operation) -> None:
    """Carry out one operation drawn from :func:`operations`."""
    from dataclasses import replace

    from swarmsim.api.enums import Availability

    kind = operation[0]
    store = swarm.ctx.store
    if kind in ("drain", "pause", "activate"):
        node = swarm.node(str(operation[1]))
        node.availability = {
            "drain": Availability.DRAIN,
            "pause": Availability.PAUSE,
            "activate": Availability.ACTIVE,
        }[kind]
        store.update_node(node)
    elif kind == "crash":
        swarm.crash_node(str(operation[1]))
    elif kind == "recover":
        swarm.recover_node(str(operation[1]))
    elif kind == "scale":
        service = store.service_by_name(str(operation[1]))
        if service is not None and service.spec.mode == ServiceMode.REPLICATED:
            service.previous_spec = service.spec
            service.spec = replace(service.spec, replicas=int(operation[2]))
            service.spec_version += 1
            service.update_status = None
            store.update_service(service)
    elif kind == "wait":
        swarm.advance(float(operation[1]))
