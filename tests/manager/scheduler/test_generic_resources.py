"""Generic resources: services reserve units a machine's engine announces (swarmkit HasEnough)."""

from __future__ import annotations

import pytest

from swarmsim.api.enums import TaskState
from swarmsim.api.genericresource import node_resources, parse_terms, service_reservations
from swarmsim.errors import InvalidArgument
from swarmsim.swarm import Swarm


def gpu_swarm() -> Swarm:
    swarm = Swarm(
        seed=3,
        machines=[
            "manager1",
            {"name": "gpu1", "generic_resources": ["gpu=2"]},
            {"name": "gpu2", "generic_resources": ["gpu=GPU-a", "gpu=GPU-b", "gpu=GPU-c"]},
        ],
    )
    assert swarm.docker("docker swarm init --availability drain").ok
    token = swarm.docker("docker swarm join-token -q worker").stdout.strip()
    for name in ("gpu1", "gpu2"):
        assert swarm.docker(f"docker swarm join --token {token} 192.168.65.2", on=name).ok
    return swarm


def placed(swarm: Swarm, service: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    store = swarm.ctx.store
    service_id = store.service_by_name(service).id  # type: ignore[union-attr]
    for task in store.tasks_of_service(service_id):
        if task.state == TaskState.RUNNING:
            host = store.nodes[task.node_id].hostname
            counts[host] = counts.get(host, 0) + 1
    return counts


def test_tasks_go_only_where_units_are_free_and_release_them() -> None:
    swarm = gpu_swarm()
    assert swarm.node("gpu2").generic_resources == (("gpu", 3),)
    create = "docker service create -d --generic-resource gpu=1 --replicas 6 --name train img"
    assert swarm.docker(create).ok
    swarm.advance(30)
    assert placed(swarm, "train") == {"gpu1": 2, "gpu2": 3}  # 5 units, 5 tasks
    pending = swarm.docker("docker service ps --no-trunc train").stdout
    assert (
        '"no suitable node (insufficient resources on 2 nodes; '
        '1 node not available for new tasks)"' in pending  # the drained manager
    )
    assert swarm.docker("docker service scale -d train=4").ok
    swarm.advance(30)
    assert sum(placed(swarm, "train").values()) == 4
    other = "docker service create -d --generic-resource gpu=1 --name infer img"
    assert swarm.docker(other).ok
    swarm.advance(30)
    assert sum(placed(swarm, "infer").values()) == 1  # a released unit is free again


def test_the_terms_parse_as_swarmkit_parses_them() -> None:
    assert parse_terms(["gpu=1", "fpga=x", "fpga=y"]) == ({"gpu": 1}, {"fpga": ["x", "y"]})
    assert node_resources(["ssd=0"]) == (("ssd", 0),)
    with pytest.raises(ValueError, match="cannot ask for negative resource gpu"):
        parse_terms(["gpu=-1"])
    with pytest.raises(
        ValueError, match=r"mixed discrete and named resources in expression 'gpu=\[1 a\]'"
    ):
        parse_terms(["gpu=1", "gpu=a"])
    with pytest.raises(ValueError, match=r"^invalid generic resource specification: could not"):
        service_reservations(["a=b=c"])
    with pytest.raises(InvalidArgument, match="generic_resources must be a list"):
        Swarm(seed=0, machines=[{"name": "m", "generic_resources": "gpu=1"}])


@pytest.mark.parametrize(
    ("flag", "error", "code"),
    [
        (
            "gpu",
            'invalid argument "gpu" for "--generic-resource" flag: invalid '
            "generic-resource format `gpu` expected `name=value`",
            125,
        ),
        (
            "gpu=GPU-1",
            "invalid generic-resource request `gpu=GPU-1`, Named Generic Resources is "
            "not supported for service create or update",
            1,
        ),
    ],
)
def test_bad_service_reservations_create_nothing(flag: str, error: str, code: int) -> None:
    swarm = gpu_swarm()
    result = swarm.docker(f"docker service create -d --generic-resource {flag} --name x img")
    assert (result.stderr, result.exit_code) == (f"{error}\n", code)
    assert not swarm.ctx.store.services
