"""Candidate nodes of a batch: the ``spread`` decision tree and the bounded node heap.

Mirrors ``swarmkit: manager/scheduler/nodeset.go`` (``nodeSet.tree``),
``decision_tree.go`` (``decisionTree``, ``orderedNodes``) and ``nodeheap.go``
(``nodeMaxHeap``), docs/behaviour.md#spread-preferences.

Tree building visits every node of the node set once.  For each placement
preference level it looks up the node's label value in the copies kept by
:class:`NodeInfo` at the last node event (a missing label is the value
``""``) and descends into that branch, adding the node's active task count of
the service to every level's ``tasks`` counter, **whether or not the node
passes the filters**.  The leaf keeps at most ``n`` best nodes (``n`` = tasks
in the batch) in a max-heap whose root is the worst kept node: a node is run
through the pipeline only while the heap has room or when it is strictly
better than that root, which it then replaces.

Nodes are ranked by an integer key (smaller is better) that encodes
swarmkit's ``nodeLess``: nodes with at least :data:`MAX_FAILURES` recent
failures of this service and spec version rank by failure count first, then
come active tasks of the service, then active tasks in total.

Differences
-----------
Go breaks ties through heap shape and map iteration order.  Here ties are
broken by the order in which nodes were offered (``seq``); the scheduler
offers nodes in an order drawn from the ``scheduler`` random stream, so ties
are random but reproducible per seed.  The re-ordering of a leaf that is
visited a second time (spread rounds) re-runs the pipeline on the kept nodes
in their previous order, as swarmkit does, and breaks ties by previous
position.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

from swarmsim.manager.constraint import ENGINE_LABEL_PREFIX, NODE_LABEL_PREFIX
from swarmsim.manager.scheduler.nodeinfo import MAX_FAILURES, FailureKey, NodeInfo

__all__ = [
    "DecisionTree",
    "KeyFunc",
    "NodeRanking",
    "ProcessFunc",
    "SpreadLevel",
    "build_tree",
    "node_key",
    "parse_spread",
]

ProcessFunc = Callable[[NodeInfo], bool]
"""Runs a node through the pipeline (counts failures, resets on a pass)."""

KeyFunc = Callable[[NodeInfo], int]
"""Ranks a node for the batch; smaller is better."""

SpreadLevel = tuple[bool, str]
"""``(engine label?, label key)`` of one ``spread`` preference."""

_SHIFT = 32


def node_key(info: NodeInfo, service_id: str, failure_key: FailureKey, now: float) -> int:
    """Rank ``info`` for a batch of ``failure_key`` (smaller is better).

    Equivalent to swarmkit's ``nodeLess``: ``node_key(a) < node_key(b)`` exactly
    when ``nodeLess(a, b)``.
    """
    failures = 0
    if info.recent_failures:
        failures = info.count_recent_failures(failure_key, now)
        if failures < MAX_FAILURES:
            failures = 0
    by_service = info.active_tasks_count_by_service.get(service_id, 0)
    return (((failures << _SHIFT) | by_service) << _SHIFT) | info.active_tasks_count


class NodeRanking:
    """:func:`node_key` bound to one batch (a :data:`KeyFunc`).

    Parameters
    ----------
    service_id
        The batch's service.
    failure_key
        ``(service ID, spec version)`` whose recent failures count.
    now
        The time at which failures are counted (fixed for the batch).
    """

    __slots__ = ("failure_key", "now", "service_id")

    def __init__(self, service_id: str, failure_key: FailureKey, now: float) -> None:
        self.service_id = service_id
        self.failure_key = failure_key
        self.now = now

    def __call__(self, info: NodeInfo) -> int:
        return node_key(info, self.service_id, self.failure_key, self.now)


def parse_spread(descriptors: Iterable[str]) -> tuple[SpreadLevel, ...]:
    """The usable ``spread`` levels: ``node.labels.<k>`` or ``engine.labels.<k>``.

    The prefix is matched case-insensitively and must be followed by a
    non-empty key; any other descriptor is ignored.

    Examples
    --------
    >>> parse_spread(["Node.Labels.zone", "node.hostname", "engine.labels.rack"])
    ((False, 'zone'), (True, 'rack'))
    """
    levels: list[SpreadLevel] = []
    for descriptor in descriptors:
        for prefix, engine in ((NODE_LABEL_PREFIX, False), (ENGINE_LABEL_PREFIX, True)):
            if len(descriptor) > len(prefix) and descriptor[: len(prefix)].lower() == prefix:
                levels.append((engine, descriptor[len(prefix) :]))
                break
    return tuple(levels)


class DecisionTree:
    """One level of the spread tree; a leaf holds the bounded heap of candidates.

    Attributes
    ----------
    tasks
        Active tasks of the service on every node below this point (including
        nodes that fail the filters).
    children
        Sub-trees by label value, or None for a leaf.
    """

    __slots__ = ("_heap", "_ordered", "children", "tasks")

    def __init__(self) -> None:
        self.tasks = 0
        self.children: dict[str, DecisionTree] | None = None
        # max-heap of the best nodes: entries (-key, -seq, node); root = worst kept node
        self._heap: list[tuple[int, int, NodeInfo]] = []
        self._ordered: list[NodeInfo] | None = None

    def child(self, value: str) -> DecisionTree:
        """The sub-tree for label ``value`` (created on first use)."""
        children = self.children
        if children is None:
            children = self.children = {}
        sub = children.get(value)
        if sub is None:
            sub = children[value] = DecisionTree()
        return sub

    def ordered_nodes(self, process: ProcessFunc, key: KeyFunc) -> list[NodeInfo]:
        """The kept nodes, best first (only valid on a leaf).

        The first call sorts the heap.  Later calls (a leaf visited again in a
        further spread round) re-run the pipeline on the kept nodes, drop the
        ones that fail now and sort again with the current keys.
        """
        if self._ordered is None:
            entries = sorted(self._heap, key=lambda e: (-e[0], -e[1]))
            self._heap = []
            self._ordered = [e[2] for e in entries]
        else:
            kept = [info for info in self._ordered if process(info)]
            ranked = sorted(enumerate(kept), key=lambda p: (key(p[1]), p[0]))
            self._ordered = [info for _, info in ranked]
        return self._ordered

    def __repr__(self) -> str:
        if self.children is None:
            return f"DecisionTree(tasks={self.tasks}, leaf={len(self._heap)})"
        return f"DecisionTree(tasks={self.tasks}, children={sorted(self.children)})"


def build_tree(
    nodes: Sequence[NodeInfo],
    ranking: NodeRanking,
    levels: Sequence[SpreadLevel],
    limit: int,
    process: ProcessFunc,
) -> DecisionTree:
    """Build the decision tree of one batch (``nodeSet.tree``).

    Parameters
    ----------
    nodes
        Every node of the node set, in the order they are to be offered (ties
        between equally ranked nodes favour earlier ones).
    ranking
        The batch's node rank (its service's active counts also fill ``tasks``).
    levels
        The parsed spread preferences (:func:`parse_spread`), top level first.
    limit
        Number of tasks in the batch: each leaf keeps at most this many nodes.
    process
        The pipeline's ``process`` (called for candidates only).
    """
    root = DecisionTree()
    if limit <= 0:
        return root
    service_id = ranking.service_id
    push = heapq.heappush
    replace = heapq.heapreplace
    seq = 0
    # the spread key is inlined below; any other ranking (ranking.py) is always called
    other = type(ranking) is not NodeRanking
    if not levels:
        # hot path without preferences: a single leaf
        heap = root._heap
        total = 0
        remaining = iter(nodes)
        if len(heap) < limit:
            for info in remaining:  # fill phase: the heap has room
                total += info.active_tasks_count_by_service.get(service_id, 0)
                seq += 1
                if process(info):
                    push(heap, (-ranking(info), -seq, info))
                    if len(heap) >= limit:
                        break
        worst = -heap[0][0] if heap else 0
        for info in remaining:  # the heap is full: only better nodes are evaluated
            count = info.active_tasks_count_by_service.get(service_id, 0)
            total += count
            seq += 1
            key = (
                ranking(info)
                if info.recent_failures or other
                else (count << _SHIFT) | info.active_tasks_count
            )
            if key < worst and process(info):
                replace(heap, (-key, -seq, info))
                worst = -heap[0][0]
        root.tasks = total
        return root
    for info in nodes:
        count = info.active_tasks_count_by_service.get(service_id, 0)
        tree = root
        for engine, label in levels:
            # a missing label is the value "": just another branch
            value = (info.engine_labels if engine else info.labels).get(label, "")
            tree.tasks += count
            tree = tree.child(value)
        tree.tasks += count
        # offer the node to its leaf's bounded heap
        seq += 1
        heap = tree._heap
        if len(heap) < limit:
            if process(info):
                push(heap, (-ranking(info), -seq, info))
            continue
        key = (
            ranking(info)
            if info.recent_failures or other
            else (count << _SHIFT) | info.active_tasks_count
        )
        if key < -heap[0][0] and process(info):
            replace(heap, (-key, -seq, info))
    return root
