"""An index of the node set by active task counts: a batch's best nodes without a full pass.

Mirrors no single swarmkit file: swarmkit's ``nodeSet.tree`` (``swarmkit:
manager/scheduler/nodeset.go``) visits every node for every batch, and so does
:func:`swarmsim.manager.scheduler.nodeset.build_tree`.  For the common batch
(no ``spread`` preference, only the readiness filter enabled, no node with
:data:`~swarmsim.manager.scheduler.nodeinfo.MAX_FAILURES` recent failures of
the batch) its result is simply the ``n`` nodes that pass the filters with the
smallest ``(key, offer position)``, where a node's key is its active task count
of the service, then its active task count in total (``nodeLess``).
:class:`NodeIndex` keeps the nodes bucketed by total count, per service the
nodes that run some of it, and the nodes not ready for new tasks (updated at
every node event), so :func:`best_nodes` reads only the buckets it needs.
A service that runs on at least half the nodes (a large replicated or a global
service) also keeps the nodes that *lack* it: a batch of such a service is
first offered those few nodes, found without reading the others.  The set is
dropped again once the service runs on fewer than a quarter of the nodes, so
building it (one pass over the nodes) happens at most once per quarter of the
nodes' count changes, and it never holds more than three entries per node the
service runs on.  Within a bucket a batch wants the nodes earliest in its offer
order, the tick's shuffled node list read from a random offset: an
:class:`OfferOrder` keeps, for the tick, each bucket's node IDs sorted by their
place in that list, so a batch finds its offset by bisection and reads the
nodes it takes (and those it must pass over) rather than the whole bucket.  The
sorted list is made when a batch first reads the bucket and kept while the
bucket only loses nodes (a node that left is passed over); a node entering the
bucket, or the bucket shrinking to half, makes the next reader sort it again.
Many batches in one tick (a stack deployed, a failed node's tasks, many small
services) thus share one sort per bucket instead of each reading every node.
The cost of a batch therefore follows its size, not the cluster's.

Differences
-----------
None in behaviour: :func:`best_nodes` returns exactly the ordered candidates
that ``build_tree`` followed by ``DecisionTree.ordered_nodes`` returns for such
a batch, and it declines (returns None) whenever that cannot be guaranteed, so
the caller then builds the tree.  The pipeline's failure counters may differ
from those a full pass leaves, but they are only read to explain unplaced
tasks, which cannot happen here: with the readiness filter alone a node that
passes once passes for the whole batch.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from swarmsim.manager.scheduler.nodeinfo import NodeInfo

__all__ = ["NodeIndex", "OfferOrder", "best_nodes"]

_SHIFT = 32  # as in nodeset: (by service << 32) | total


class NodeIndex:
    """Nodes by active task count in total, by service they run, and by widely run
    service they lack.

    :class:`~swarmsim.manager.scheduler.nodeinfo.NodeInfo` calls :meth:`count`
    at every change of its active counts; the bookkeeping calls :meth:`add`
    and :meth:`remove` as nodes join and leave the node set.

    Attributes
    ----------
    by_total : dict of int to dict of str to NodeInfo
        Nodes by active task count (node ID to node info).
    by_service : dict of str to dict of str to NodeInfo
        Per service ID, the nodes with at least one active task of it.
    lacking : dict of str to dict of str to NodeInfo
        Per service ID that runs on at least half the nodes (until it runs on
        fewer than a quarter), the nodes with no active task of it.
    failing : dict of str to NodeInfo
        Nodes that remember recent failures (their rank may depend on them).
    unready : set of str
        IDs of the nodes that are not ready for new tasks.
    entered : dict of int to int
        Per active task count, how many times a node entered that bucket (an
        :class:`OfferOrder` re-sorts a bucket that gained a node since it sorted it).

    Parameters
    ----------
    ready
        Whether a node is ready for new tasks (the readiness filter's check);
        :meth:`node_changed` must be called whenever its answer may change.
    """

    __slots__ = (
        "_ready",
        "by_service",
        "by_total",
        "entered",
        "failing",
        "lacking",
        "size",
        "unready",
    )

    def __init__(self, ready: Callable[[NodeInfo], bool]) -> None:
        self._ready = ready
        self.unready: set[str] = set()
        self.by_total: dict[int, dict[str, NodeInfo]] = {}
        self.by_service: dict[str, dict[str, NodeInfo]] = {}
        self.lacking: dict[str, dict[str, NodeInfo]] = {}
        self.failing: dict[str, NodeInfo] = {}  # nodes with recent failures
        self.entered: dict[int, int] = {}
        self.size = 0  # nodes in the index

    def add(self, info: NodeInfo) -> None:
        """A node joins the node set (with the counts it already has)."""
        node_id = info.node.id
        self.size += 1
        self.node_changed(info)
        self._enter(info.active_tasks_count, node_id, info)
        counts = info.active_tasks_count_by_service
        for service_id in counts:
            self.by_service.setdefault(service_id, {})[node_id] = info
        for service_id, lacking in self.lacking.items():
            if service_id not in counts:
                lacking[node_id] = info

    def remove(self, info: NodeInfo) -> None:
        """A node leaves the node set."""
        node_id = info.node.id
        self.size -= 1
        self._drop(self.by_total, info.active_tasks_count, node_id)
        for service_id in info.active_tasks_count_by_service:
            self._leave(service_id, node_id)
        for lacking in self.lacking.values():
            lacking.pop(node_id, None)
        self.failing.pop(node_id, None)
        self.unready.discard(node_id)

    def node_changed(self, info: NodeInfo) -> None:
        """``info``'s node was updated (its readiness may have changed)."""
        if self._ready(info):
            self.unready.discard(info.node.id)
        else:
            self.unready.add(info.node.id)

    def failures_changed(self, info: NodeInfo) -> None:
        """``info``'s recent failures were recorded or cleaned up."""
        if info.recent_failures:
            self.failing[info.node.id] = info
        else:
            self.failing.pop(info.node.id, None)

    def count(self, info: NodeInfo, total: int, service_id: str, by_service: int) -> None:
        """``info``'s counts changed by one: it had ``total`` tasks and ``by_service`` of
        ``service_id``; its fields already hold the new counts."""
        node_id = info.node.id
        by_total = self.by_total
        self._drop(by_total, total, node_id)
        now = info.active_tasks_count
        by_total.setdefault(now, {})[node_id] = info  # _enter inlined: two per task placed
        entered = self.entered
        entered[now] = entered.get(now, 0) + 1
        if not by_service:  # the node starts running the service
            runs = self.by_service.setdefault(service_id, {})
            runs[node_id] = info
            lacking = self.lacking.get(service_id)
            if lacking is not None:
                del lacking[node_id]
                left = len(lacking)
                if not left & (left - 1):
                    # a dict keeps its table as it empties: a copy (same order) is
                    # sized for what is left, at each power of two (linear in all)
                    self.lacking[service_id] = dict(lacking)
            elif 2 * len(runs) >= self.size:
                self.lacking[service_id] = {
                    other_id: other
                    for bucket in by_total.values()
                    for other_id, other in bucket.items()
                    if other_id not in runs
                }
        elif service_id not in info.active_tasks_count_by_service:  # it stops
            self._leave(service_id, node_id)
            lacking = self.lacking.get(service_id)
            if lacking is not None:
                lacking[node_id] = info

    def _enter(self, total: int, node_id: str, info: NodeInfo) -> None:
        """``node_id`` now has ``total`` active tasks."""
        self.by_total.setdefault(total, {})[node_id] = info
        entered = self.entered
        entered[total] = entered.get(total, 0) + 1

    def _leave(self, service_id: str, node_id: str) -> None:
        """``node_id`` no longer runs ``service_id`` (or leaves the index)."""
        runs = self.by_service[service_id]
        del runs[node_id]
        if not runs:
            del self.by_service[service_id]
            self.lacking.pop(service_id, None)
        elif 4 * len(runs) < self.size:
            self.lacking.pop(service_id, None)

    @staticmethod
    def _drop(table: dict, key: object, node_id: str) -> None:  # type: ignore[type-arg]
        bucket = table[key]
        del bucket[node_id]
        if not bucket:
            del table[key]


class OfferOrder:
    """One tick's offer order: each node's place in the tick's shuffled node list,
    and per bucket of the index its node IDs sorted by that place.

    A batch offers the nodes from a random place (its offset) onwards, wrapping
    around, so within a bucket its best nodes are those at or after the offset,
    then those before it: a bisection in the sorted IDs, then a walk.

    Parameters
    ----------
    position
        Node ID to its place in the tick's node list (every node of the index).

    Examples
    --------
    >>> order = OfferOrder({"a": 2, "b": 0, "c": 1})
    >>> order.offered("a", 1), order.offered("b", 1)
    (1, 2)
    """

    __slots__ = ("_sorted", "count", "position")

    def __init__(self, position: dict[str, int]) -> None:
        self.position = position
        self.count = len(position)
        # active task count -> (its count of entries then, its size then, sorted IDs)
        self._sorted: dict[int, tuple[int, int, list[str]]] = {}

    def offered(self, node_id: str, offset: int) -> int:
        """Where ``node_id`` comes in the offer of a batch starting at ``offset``."""
        return (self.position[node_id] - offset) % self.count

    def sorted_bucket(self, index: NodeIndex, total: int, bucket: dict[str, NodeInfo]) -> list[str]:
        """The IDs of the nodes that were in ``bucket`` (``index.by_total[total]``) when it
        was last sorted, by place; every node now in it is among them."""
        entered = index.entered.get(total, 0)
        cached = self._sorted.get(total)
        if cached is not None:
            entries, size, ids = cached
            # still valid while the bucket only lost nodes, and at least half remain
            # (a bucket emptied and made again has had a node enter it)
            if entries == entered and 2 * len(bucket) >= size:
                return ids
        ids = sorted(bucket, key=self.position.__getitem__)
        self._sorted[total] = (entered, len(bucket), ids)
        return ids


def best_nodes(
    index: NodeIndex,
    service_id: str,
    limit: int,
    order: OfferOrder,
    offset: int,
    available: Callable[[NodeInfo], bool],
) -> list[NodeInfo] | None:
    """The ``limit`` best nodes for a batch of ``service_id``, best first.

    Parameters
    ----------
    index
        The node set's index.
    service_id
        The batch's service.
    limit
        Number of tasks in the batch.
    order
        The tick's offer order.
    offset
        Where the batch's offer starts in it (ties favour nodes offered first).
    available
        Whether a node passes the filters (called on the returned nodes only).

    Returns
    -------
    list of NodeInfo or None
        Ordered by (active tasks of the service, active tasks, offer position).
        None when no node is available or ``available`` rejects one of them:
        the caller then builds the full tree (after resetting its pipeline),
        whose pass over every node also explains why nothing fits.
    """
    chosen: list[NodeInfo] = []
    skip = index.unready  # left out unseen
    runs = index.by_service.get(service_id, {})
    lacking = index.lacking.get(service_id)

    def position(node_id: str) -> int:
        return order.offered(node_id, offset)

    # nodes without the service first, fewest tasks first
    if lacking is not None:
        _take_classes(chosen, _by_total(lacking, skip), limit, position, lacking)
    else:
        by_total = index.by_total
        for total in sorted(by_total):
            bucket = by_total[total]
            ids = order.sorted_bucket(index, total, bucket)
            start = bisect_left(ids, offset, key=order.position.__getitem__)
            if not _take_from(chosen, ids, start, limit, bucket, runs, skip):
                break
    if len(chosen) < limit and runs:
        classes: dict[int, list[str]] = {}
        for node_id, info in runs.items():
            if node_id not in skip:
                key = (info.active_tasks_count_by_service[service_id] << _SHIFT) | (
                    info.active_tasks_count
                )
                classes.setdefault(key, []).append(node_id)
        _take_classes(chosen, classes, limit, position, runs)
    if not chosen:
        return None
    for info in chosen:
        if not available(info):
            return None
    return chosen


def _take_from(
    chosen: list[NodeInfo],
    ids: list[str],
    start: int,
    limit: int,
    bucket: dict[str, NodeInfo],
    runs: dict[str, NodeInfo],
    skip: set[str],
) -> bool:
    """Append the nodes of ``bucket`` that lack the service and are ready, in offer
    order (``ids`` read from ``start``, wrapping around), up to ``limit`` in all;
    False once ``chosen`` is full."""
    room = limit - len(chosen)
    # negative indexes first: ids[start:], then ids[:start], without copying
    for at in range(start - len(ids), start):
        node_id = ids[at]
        info = bucket.get(node_id)
        if info is None or node_id in runs or node_id in skip:
            continue  # left the bucket since it was sorted, runs the service, or not ready
        chosen.append(info)
        room -= 1
        if not room:
            return False
    return True


def _by_total(infos: dict[str, NodeInfo], skip: set[str]) -> dict[int, list[str]]:
    """The IDs of ``infos`` not in ``skip``, by active task count."""
    classes: dict[int, list[str]] = {}
    for node_id, info in infos.items():
        if node_id not in skip:
            classes.setdefault(info.active_tasks_count, []).append(node_id)
    return classes


def _take_classes(
    chosen: list[NodeInfo],
    classes: dict[int, list[str]],
    limit: int,
    position: Callable[[str], int],
    infos: dict[str, NodeInfo],
) -> None:
    """Append nodes class by class (smallest key first) up to ``limit`` in all."""
    for key in sorted(classes):
        if not _take(chosen, classes[key], limit, position, infos):
            return


def _take(
    chosen: list[NodeInfo],
    ids: set[str] | list[str],
    limit: int,
    position: Callable[[str], int],
    infos: dict[str, NodeInfo],
) -> bool:
    """Append the nodes of one key class to ``chosen`` by offer position, up to
    ``limit`` in all; False once ``chosen`` is full."""
    room = limit - len(chosen)
    if len(ids) <= room:
        chosen.extend(infos[i] for i in sorted(ids, key=position))
        return len(ids) < room
    chosen.extend(infos[i] for i in heapq.nsmallest(room, ids, key=position))
    return False
