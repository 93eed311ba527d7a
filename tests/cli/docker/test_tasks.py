"""The shared task table and task filters (docs/behaviour.md#tables)."""

from __future__ import annotations

import pytest

from swarmsim.api import (
    ContainerSpec,
    PortConfig,
    PublishMode,
    TaskSpec,
    TaskState,
    TaskStatus,
)
from swarmsim.api.objects import Task
from swarmsim.cli.docker.tasks import (
    display_image,
    ellipsis,
    filter_tasks,
    render_tasks,
    task_name,
)
from swarmsim.errors import DaemonError
from swarmsim.swarm import Swarm


@pytest.fixture
def swarm() -> Swarm:
    swarm = Swarm(seed=2, managers=1, workers=2)
    swarm.advance(100)
    return swarm


def make_task(
    swarm: Swarm,
    task_id: str,
    slot: int,
    *,
    node: str = "worker1",
    state: TaskState = TaskState.RUNNING,
    desired: TaskState = TaskState.RUNNING,
    since: float = 26.0,
    created: float = 0.0,
    err: str = "",
    image: str = "redis:3.0.6",
    service: str = "redis",
    ports: tuple[PortConfig, ...] = (),
    labels: tuple[tuple[str, str], ...] = (),
) -> Task:
    node_id = swarm.node(node).id if node else ""
    return Task(
        id=task_id,
        service_id=f"svc{service}",
        service_name=service,
        slot=slot,
        spec=TaskSpec(ContainerSpec(image)),
        spec_version=0,
        desired_state=desired,
        node_id=node_id,
        status=TaskStatus(state, swarm.now - since, err=err),
        created_at=created,
        host_ports=ports,
        service_labels=labels,
    )


def test_ellipsis_and_image_display() -> None:
    assert ellipsis("x" * 30, 30) == "x" * 30
    assert ellipsis("x" * 31, 30) == "x" * 29 + "…"
    assert ellipsis("界" * 20, 30) == "界" * 14 + "…"
    assert ellipsis("abc", 0) == ""
    digest = "sha256:" + "0" * 64
    assert display_image(f"redis:3.0.6@{digest}") == "redis:3.0.6"
    assert display_image(f"docker.io/library/redis:3@{digest}") == "redis:3"
    assert display_image(f"redis@{digest}") == f"redis@{digest}"
    assert display_image("registry:5000/team/app:1") == "registry:5000/team/app:1"
    assert display_image("Not A Ref") == "Not A Ref"


def test_history_rows_natural_order_and_columns(swarm: Swarm) -> None:
    tasks = [
        make_task(swarm, "a" * 25, 10, node="manager1", since=3 * 3600),
        make_task(swarm, "b" * 25, 2, since=26.0, created=50.0),
        make_task(
            swarm,
            "c" * 25,
            2,
            node="worker2",
            state=TaskState.FAILED,
            desired=TaskState.SHUTDOWN,
            since=90.0,
            created=10.0,
            err="task: non-zero exit (1): something went badly wrong",
        ),
        make_task(swarm, "d" * 25, 1, state=TaskState.PENDING, node="", since=0.2),
    ]
    assert render_tasks(swarm, tasks) == (
        "ID             NAME          IMAGE         NODE       DESIRED STATE   "
        "CURRENT STATE                    ERROR                              PORTS\n"
        "dddddddddddd   redis.1       redis:3.0.6              Running         "
        "Pending less than a second ago                                      \n"
        "bbbbbbbbbbbb   redis.2       redis:3.0.6   worker1    Running         "
        "Running 26 seconds ago                                              \n"
        "cccccccccccc    \\_ redis.2   redis:3.0.6   worker2    Shutdown        "
        'Failed about a minute ago        "task: non-zero exit (1): some…"   \n'
        "aaaaaaaaaaaa   redis.10      redis:3.0.6   manager1   Running         "
        "Running 3 hours ago                                                 \n"
    )


def test_no_trunc_quiet_and_no_resolve(swarm: Swarm) -> None:
    digest = "sha256:" + "1" * 64
    task = make_task(swarm, "e" * 25, 1, image=f"redis:3@{digest}", err="x" * 40)
    wide = render_tasks(swarm, [task], no_trunc=True)
    assert "e" * 25 in wide and f"redis:3@{digest}" in wide and f'"{"x" * 40}"' in wide
    assert render_tasks(swarm, [task], quiet=True) == "e" * 25 + "\n"
    plain = render_tasks(swarm, [task], no_resolve=True).splitlines()[1].split()
    assert plain[1:4] == ["svcredis.1", "redis:3", swarm.node("worker1").id]


def test_global_task_names_use_the_node_id(swarm: Swarm) -> None:
    node_id = swarm.node("worker2").id
    task = make_task(swarm, "f" * 25, 0, node="worker2", service="mon")
    assert render_tasks(swarm, [task]).splitlines()[1].split()[1] == f"mon.{node_id}"
    assert task_name("mon", task) == f"mon.{node_id}.{'f' * 25}"


def test_host_ports_show_once_started(swarm: Swarm) -> None:
    ports = (
        PortConfig(80, 8080, "tcp", PublishMode.HOST),
        PortConfig(53, 5353, "udp", PublishMode.HOST),
    )
    running = make_task(swarm, "g" * 25, 1, ports=ports)
    pending = make_task(swarm, "h" * 25, 2, ports=ports, state=TaskState.ASSIGNED)
    lines = render_tasks(swarm, [running, pending]).splitlines()
    assert lines[1].endswith("   *:8080->80/tcp,*:5353->53/udp")
    assert lines[2].endswith("   ")


def test_empty_table_is_the_header() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    assert render_tasks(swarm, []) == (
        "ID        NAME      IMAGE     NODE      DESIRED STATE   CURRENT STATE   ERROR     PORTS\n"
    )


def test_filters(swarm: Swarm) -> None:
    running = make_task(swarm, "abc" + "0" * 22, 1, labels=(("tier", "front"),))
    old = make_task(
        swarm, "abd" + "0" * 22, 1, node="worker2", desired=TaskState.SHUTDOWN, service="redis"
    )
    other = make_task(swarm, "x" * 25, 12, node="manager1")
    tasks = [running, old, other]

    def ids(filters: dict[str, list[str]]) -> list[str]:
        return [t.id[:3] for t in filter_tasks(swarm, tasks, filters)]

    assert ids({}) == ["abc", "abd", "xxx"]
    assert ids({"desired-state": ["running"]}) == ["abc", "xxx"]
    assert ids({"desired-state": ["Shutdown", "accepted"]}) == ["abd"]
    assert ids({"desired-state": [""]}) == ["abc", "abd", "xxx"]
    assert ids({"node": ["worker2"]}) == ["abd"]
    assert ids({"node": ["self"]}) == ["xxx"]
    assert ids({"node": [swarm.node("worker1").id[:10], "manager1"]}) == ["abc", "xxx"]
    assert ids({"id": ["ab"]}) == ["abc", "abd"]
    assert ids({"name": ["redis.1"]}) == ["abc", "abd", "xxx"]  # prefix of redis.12.<id>
    assert ids({"name": ["redis.1.abd"]}) == ["abd"]
    assert ids({"label": ["tier"]}) == ["abc"]
    assert ids({"label": ["tier=back"]}) == []


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"colour": ["red"]}, "invalid filter 'colour'"),
        ({"desired-state": ["sleeping"]}, "Invalid desired-state filter: 'sleeping'"),
        ({"node": ["nowhere"]}, "node nowhere not found"),
        ({"service": ["nothing"]}, "service nothing not found"),
    ],
)
def test_filter_errors(swarm: Swarm, filters: dict[str, list[str]], message: str) -> None:
    with pytest.raises(DaemonError) as error:
        filter_tasks(swarm, [], filters)
    assert str(error.value) == message
