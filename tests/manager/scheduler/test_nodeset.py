"""Decision tree and bounded node heap (``nodeset.go``; docs/behaviour.md#spread-preferences)."""

from __future__ import annotations

from swarmsim.api.enums import NodeStatus, TaskState
from swarmsim.api.objects import Node, Task
from swarmsim.api.specs import ContainerSpec, TaskSpec, make_labels
from swarmsim.manager.scheduler.nodeinfo import MAX_FAILURES, NodeInfo
from swarmsim.manager.scheduler.nodeset import NodeRanking, build_tree, parse_spread

SPEC = TaskSpec(ContainerSpec("nginx"))


def make_info(name: str, svc_tasks: int = 0, other_tasks: int = 0, **labels: str) -> NodeInfo:
    info = NodeInfo(Node(name, name, labels=make_labels(labels)))
    for i in range(svc_tasks):
        info.add_task(Task(f"{name}-s{i}", "svc", "web", i, SPEC, 1))
    for i in range(other_tasks):
        info.add_task(Task(f"{name}-o{i}", "other", "db", i, SPEC, 1))
    return info


key_for = NodeRanking("svc", ("svc", 1), 100.0)


def test_parse_spread_keeps_label_descriptors_only() -> None:
    assert parse_spread(["node.labels.zone", "ENGINE.labels.rack", "node.id", "node.labels."]) == (
        (False, "zone"),
        (True, "rack"),
    )


def test_node_key_orders_like_node_less() -> None:
    idle = make_info("idle")
    busy_other = make_info("busy", other_tasks=5)
    one_svc = make_info("one", svc_tasks=1)
    assert key_for(idle) < key_for(busy_other) < key_for(one_svc)
    faulty = make_info("faulty")
    for t in range(MAX_FAILURES):
        faulty.task_failed(("svc", 1), float(t))
    assert key_for(faulty) > key_for(make_info("loaded", svc_tasks=50))
    four = make_info("four")
    for t in range(MAX_FAILURES - 1):
        four.task_failed(("svc", 1), float(t))
    assert key_for(four) == key_for(idle)  # below the threshold failures do not count


def test_leaf_keeps_only_the_n_best_nodes_sorted() -> None:
    nodes = [make_info(f"n{i}", svc_tasks=i) for i in (3, 0, 2, 1, 4)]
    evaluated: list[str] = []

    def process(info: NodeInfo) -> bool:
        evaluated.append(info.node.hostname)
        return True

    tree = build_tree(nodes, key_for, (), 2, process)
    assert tree.children is None
    assert tree.tasks == 10
    assert [n.node.hostname for n in tree.ordered_nodes(process, key_for)] == ["n0", "n1"]
    # n4 is not better than the worst kept node when it is offered: never evaluated
    assert evaluated == ["n3", "n0", "n2", "n1"]


def test_ties_keep_offer_order() -> None:
    nodes = [make_info(name) for name in ("c", "a", "b")]
    tree = build_tree(nodes, key_for, (), 3, lambda _: True)
    assert [n.node.hostname for n in tree.ordered_nodes(lambda _: True, key_for)] == [
        "c",
        "a",
        "b",
    ]


def test_spread_tree_counts_tasks_of_nodes_failing_the_filters() -> None:
    east_ok = make_info("e1", 1, zone="east")
    east_down = make_info("e2", 2, zone="east")
    east_down.node.status = NodeStatus.DOWN
    west = make_info("w1", 0, zone="west")
    bare = make_info("x1", 4)

    def process(info: NodeInfo) -> bool:
        return info.node.status is NodeStatus.READY

    levels = parse_spread(["node.labels.zone"])
    tree = build_tree([east_ok, east_down, west, bare], key_for, levels, 3, process)
    assert tree.children is not None
    assert tree.tasks == 7
    assert set(tree.children) == {"east", "west", ""}
    east = tree.children["east"]
    assert east.tasks == 3
    assert [n.node.hostname for n in east.ordered_nodes(process, key_for)] == ["e1"]
    assert tree.children[""].tasks == 4


def test_two_level_tree() -> None:
    nodes = [
        make_info("a", zone="east", rack="1"),
        make_info("b", zone="east", rack="2"),
        make_info("c", zone="west", rack="1"),
    ]
    levels = parse_spread(["node.labels.zone", "node.labels.rack"])
    tree = build_tree(nodes, key_for, levels, 1, lambda _: True)
    assert tree.children is not None
    east = tree.children["east"]
    assert east.children is not None
    assert set(east.children) == {"1", "2"}
    assert tree.children["west"].children is not None


def test_revisited_leaf_reruns_the_filters_and_resorts() -> None:
    nodes = [make_info("a"), make_info("b")]
    tree = build_tree(nodes, key_for, (), 2, lambda _: True)
    first = tree.ordered_nodes(lambda _: True, key_for)
    assert [n.node.hostname for n in first] == ["a", "b"]
    nodes[0].add_task(Task("x", "svc", "web", 1, SPEC, 1, desired_state=TaskState.RUNNING))
    again = tree.ordered_nodes(lambda info: True, key_for)
    assert [n.node.hostname for n in again] == ["b", "a"]
    only_a = tree.ordered_nodes(lambda info: info.node.hostname == "a", key_for)
    assert [n.node.hostname for n in only_a] == ["a"]
