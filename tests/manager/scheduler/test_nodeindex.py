"""The node index gives a plain batch the same candidates as the full decision tree."""

from __future__ import annotations

import random

import pytest

from swarmsim.api.enums import Availability, NodeStatus, TaskState
from swarmsim.api.objects import Node, Task
from swarmsim.api.specs import ContainerSpec, TaskSpec
from swarmsim.manager.scheduler.assign import Assigner
from swarmsim.manager.scheduler.filters import ReadyFilter
from swarmsim.manager.scheduler.nodeindex import NodeIndex, OfferOrder, best_nodes
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.nodeset import NodeRanking, build_tree
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.swarm import Swarm

SPEC = TaskSpec(ContainerSpec("app"))
SERVICES = ("a", "b", "c")


def _cluster(
    rng: random.Random, size: int, tasks_per_node: int = 3
) -> tuple[list[NodeInfo], NodeIndex]:
    index = NodeIndex(ReadyFilter().check)
    infos = []
    for n in range(size):
        status = NodeStatus.DOWN if rng.random() < 0.1 else NodeStatus.READY
        availability = Availability.DRAIN if rng.random() < 0.1 else Availability.ACTIVE
        info = NodeInfo(Node(f"n{n}", f"n{n}", status=status, availability=availability))
        info.index = index
        index.add(info)
        infos.append(info)
    for serial in range(size * tasks_per_node):  # tasks come and go, some stop counting
        info = rng.choice(infos)
        task = Task(f"t{serial}", rng.choice(SERVICES), "svc", serial, SPEC, 1)
        info.add_task(task)
        if rng.random() < 0.3:
            info.remove_task(task.id)
        elif rng.random() < 0.2:
            task.desired_state = TaskState.SHUTDOWN
            info.add_task(task)  # held, no longer active
    return infos, index


def _tree_candidates(
    infos: list[NodeInfo], offset: int, limit: int, ranking: NodeRanking, pipeline: Pipeline
) -> list[NodeInfo]:
    nodes = infos[offset:] + infos[:offset]
    tree = build_tree(nodes, ranking, (), limit, pipeline.process)
    return tree.ordered_nodes(pipeline.process, ranking)


@pytest.mark.parametrize("tasks_per_node", [1, 6])  # "a" on few nodes / on most nodes
@pytest.mark.parametrize("seed", range(40))
def test_best_nodes_are_the_trees_candidates_in_the_same_order(
    seed: int, tasks_per_node: int
) -> None:
    rng = random.Random(seed)
    infos, index = _cluster(rng, rng.randint(1, 40), tasks_per_node)
    pipeline = Pipeline()
    pipeline.set_task(Task("x", "a", "svc", 1, SPEC, 1))
    ranking = NodeRanking("a", ("a", 1), 0.0)
    order = OfferOrder({info.id: i for i, info in enumerate(infos)})
    for _ in range(5):
        offset = rng.randrange(len(infos))
        limit = rng.randint(1, len(infos) + 3)
        expected = _tree_candidates(infos, offset, limit, ranking, pipeline)
        got = best_nodes(index, "a", limit, order, offset, pipeline.process)
        assert (got or []) == expected


@pytest.mark.parametrize("seed", range(30))
def test_a_ticks_sorted_buckets_follow_the_counts_between_batches(seed: int) -> None:
    """One offer order serves every batch of a tick while tasks are placed between
    them: nodes entering, leaving and re-entering buckets, buckets emptied."""
    rng = random.Random(seed)
    infos, index = _cluster(rng, rng.randint(2, 60), rng.choice([0, 1, 2]))
    pipeline = Pipeline()
    order = OfferOrder({info.id: i for i, info in enumerate(infos)})
    serial = 0
    for _ in range(12):
        service = rng.choice(SERVICES)
        pipeline.set_task(Task("x", service, "svc", 1, SPEC, 1))
        ranking = NodeRanking(service, (service, 1), 0.0)
        offset = rng.randrange(len(infos))
        limit = rng.randint(1, len(infos) + 3)
        expected = _tree_candidates(infos, offset, limit, ranking, pipeline)
        got = best_nodes(index, service, limit, order, offset, pipeline.process)
        assert (got or []) == expected
        for info in rng.sample(infos, rng.randint(0, len(infos))):  # the batch's placements
            serial += 1
            info.add_task(Task(f"p{serial}", service, "svc", serial, SPEC, 1))
        for info in rng.sample(infos, rng.randint(0, len(infos) // 3)):  # and some exits
            if info.tasks:
                info.remove_task(rng.choice(sorted(info.tasks)))


def test_the_index_follows_every_count_change() -> None:
    infos, index = _cluster(random.Random(7), 30)
    by_total: dict[int, set[str]] = {}
    for info in infos:
        by_total.setdefault(info.active_tasks_count, set()).add(info.id)
    assert {t: set(b) for t, b in index.by_total.items()} == by_total
    everyone = {info.id for info in infos}
    for service in SERVICES:
        runs = {i.id for i in infos if i.active_tasks_count_by_service.get(service)}
        assert set(index.by_service.get(service, {})) == runs
        if service in index.lacking:
            assert set(index.lacking[service]) == everyone - runs
    assert index.lacking  # three services over 30 nodes: each runs on most of them
    index.remove(infos[0])
    assert all(infos[0].id not in bucket for bucket in index.by_total.values())
    assert all(infos[0].id not in lacking for lacking in index.lacking.values())


def test_the_index_knows_which_nodes_are_not_ready_for_new_tasks() -> None:
    infos, index = _cluster(random.Random(11), 30)
    check = ReadyFilter().check
    assert index.unready == {i.id for i in infos if not check(i)}
    ready = next(i for i in infos if check(i))
    unready = next(i for i in infos if not check(i))
    ready.node.availability = Availability.PAUSE
    index.node_changed(ready)
    unready.node.status, unready.node.availability = NodeStatus.READY, Availability.ACTIVE
    index.node_changed(unready)
    assert ready.id in index.unready
    assert unready.id not in index.unready
    index.remove(ready)
    assert ready.id not in index.unready


def _node_of(index: NodeIndex, name: str) -> NodeInfo:
    info = NodeInfo(Node(name, name))
    info.index = index
    index.add(info)
    return info


def test_nodes_lacking_a_service_are_kept_from_half_the_nodes_down_to_a_quarter() -> None:
    index = NodeIndex(ReadyFilter().check)
    infos = [_node_of(index, f"n{n}") for n in range(8)]
    tasks = [Task(f"t{n}", "a", "svc", n, SPEC, 1) for n in range(8)]
    tracked = []
    for info, task in zip(infos, tasks, strict=True):
        info.add_task(task)
        tracked.append("a" in index.lacking)
    assert tracked == [False, False, False, True, True, True, True, True]
    assert index.lacking["a"] == {}
    newcomer = _node_of(index, "n8")  # a node joining lacks the service...
    assert set(index.lacking["a"]) == {"n8"}
    index.remove(newcomer)  # ...until it leaves
    assert index.lacking["a"] == {}
    infos[0].add_task(Task("t8", "a", "svc", 8, SPEC, 1))  # a second task: still runs there
    infos[0].remove_task("t0")
    assert index.lacking["a"] == {}
    tracked = []
    for info, task in zip(infos[1:], tasks[1:], strict=True):
        info.remove_task(task.id)
        tracked.append("a" in index.lacking)
        if "a" in index.lacking:
            assert set(index.lacking["a"]) == {i.id for i in infos} - set(index.by_service["a"])
    assert tracked == [True, True, True, True, True, True, False]
    for info, task in zip(infos[1:4], tasks[1:4], strict=True):
        info.add_task(task)
    assert "a" in index.lacking  # back on half the nodes: the set is rebuilt
    assert set(index.lacking["a"]) == {"n4", "n5", "n6", "n7"}


def test_nodes_lacking_a_service_keep_their_order_as_the_set_shrinks() -> None:
    index = NodeIndex(ReadyFilter().check)
    infos = [_node_of(index, f"n{n}") for n in range(40)]
    for n, info in enumerate(infos[:20]):
        info.add_task(Task(f"t{n}", "a", "svc", n, SPEC, 1))
    order = list(index.lacking["a"])
    assert sorted(order) == sorted(i.id for i in infos[20:])
    tables = set()
    for n, info in enumerate(infos[20:39], start=20):
        info.add_task(Task(f"t{n}", "a", "svc", n, SPEC, 1))
        tables.add(id(index.lacking["a"]))
        assert list(index.lacking["a"]) == [i for i in order if i not in index.by_service["a"]]
    # a copy sized for what is left at 16, 8, 4, 2 and 1 nodes (a dict never shrinks)
    assert len(tables) == 6


SCRIPT = [
    "docker service create -d --name web --replicas 12 --update-parallelism 3 app:1",
    "docker service create -d --name api --replicas 7 --update-delay 2s app:1",
    "docker service create -d --name pinned --replicas 4 --constraint node.role==worker app:1",
    "docker service create -d --name spread --replicas 6 "
    "--placement-pref spread=node.labels.zone app:1",
    "docker service create -d --name big --replicas 3 --reserve-memory 6G app:1",
    "docker node update --availability drain worker2",
    "docker service update -d --image app:2 web",
    "docker service scale api=11",
    "docker node update --availability active worker2",
    "docker service update -d --image app:2 api",
]


def _run(disable_index: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    if disable_index:
        monkeypatch.setattr(Assigner, "_indexed", lambda *args: None)
    swarm = Swarm(seed=5, managers=1, workers=6)
    swarm.advance(2)
    for line in SCRIPT:
        assert swarm.docker(line).exit_code == 0, line
        swarm.advance(7)
    swarm.crash_node("worker3")
    swarm.advance(40)
    swarm.recover_node("worker3")
    swarm.advance(40)
    monkeypatch.undo()
    return swarm.trace.dump()


def test_a_run_with_the_index_is_the_run_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    with_index = _run(False, monkeypatch)
    assert with_index == _run(True, monkeypatch)
    assert "scheduler assigned task to node" in with_index
