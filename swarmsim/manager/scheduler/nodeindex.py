"""An index of the node set by active task counts: a batch's best nodes without a full pass.

Mirrors no single swarmkit file: swarmkit's ``nodeSet.tree`` (``swarmkit:
manager/scheduler/nodeset.go``) visits every node for every batch, and so does
:func:`swarmsim.manager.scheduler.nodeset.build_tree`.  For the common batch
(no ``spread`` preference, only the readiness filter enabled, no node with
:data:`~swarmsim.manager.scheduler.nodeinfo.MAX_FAILURES` recent failures of
the batch) its result is simply the ``n`` nodes that pass the filters with the
smallest ``(key, offer position)``, where a node's key is its active task count
of the service, then its active task count in total (``nodeLess``).
:class:`NodeIndex` keeps the nodes bucketed by total count and, per service, the
nodes that run some of it, so :func:`best_nodes` reads only the buckets it needs:
the cost of a batch follows its size, not the cluster's.

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
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from swarmsim.manager.scheduler.nodeinfo import NodeInfo

__all__ = ["NodeIndex", "best_nodes"]

_SHIFT = 32  # as in nodeset: (by service << 32) | total


class NodeIndex:
    """Nodes by active task count in total, and by service they run.

    :class:`~swarmsim.manager.scheduler.nodeinfo.NodeInfo` calls :meth:`count`
    at every change of its active counts; the bookkeeping calls :meth:`add`
    and :meth:`remove` as nodes join and leave the node set.

    Attributes
    ----------
    by_total : dict of int to dict of str to NodeInfo
        Nodes by active task count (node ID to node info).
    by_service : dict of str to dict of str to NodeInfo
        Per service ID, the nodes with at least one active task of it.
    failing : dict of str to NodeInfo
        Nodes that remember recent failures (their rank may depend on them).
    """

    __slots__ = ("by_service", "by_total", "failing")

    def __init__(self) -> None:
        self.by_total: dict[int, dict[str, NodeInfo]] = {}
        self.by_service: dict[str, dict[str, NodeInfo]] = {}
        self.failing: dict[str, NodeInfo] = {}  # nodes with recent failures

    def add(self, info: NodeInfo) -> None:
        """A node joins the node set (with the counts it already has)."""
        node_id = info.node.id
        self.by_total.setdefault(info.active_tasks_count, {})[node_id] = info
        for service_id in info.active_tasks_count_by_service:
            self.by_service.setdefault(service_id, {})[node_id] = info

    def remove(self, info: NodeInfo) -> None:
        """A node leaves the node set."""
        node_id = info.node.id
        self._drop(self.by_total, info.active_tasks_count, node_id)
        for service_id in info.active_tasks_count_by_service:
            self._drop(self.by_service, service_id, node_id)
        self.failing.pop(node_id, None)

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
        by_total.setdefault(info.active_tasks_count, {})[node_id] = info
        if not by_service:
            self.by_service.setdefault(service_id, {})[node_id] = info
        elif service_id not in info.active_tasks_count_by_service:
            self._drop(self.by_service, service_id, node_id)

    @staticmethod
    def _drop(table: dict, key: object, node_id: str) -> None:  # type: ignore[type-arg]
        bucket = table[key]
        del bucket[node_id]
        if not bucket:
            del table[key]


def best_nodes(
    index: NodeIndex,
    service_id: str,
    limit: int,
    position: Callable[[str], int],
    available: Callable[[NodeInfo], bool],
    skip: frozenset[str] | set[str],
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
    position
        A node ID's offer position in this batch (ties favour smaller ones).
    available
        Whether a node passes the filters (called on the returned nodes only).
    skip
        IDs of nodes known to fail the filters (left out unseen).

    Returns
    -------
    list of NodeInfo or None
        Ordered by (active tasks of the service, active tasks, offer position).
        None when no node is available or ``available`` rejects one of them:
        the caller then builds the full tree (after resetting its pipeline),
        whose pass over every node also explains why nothing fits.
    """
    chosen: list[NodeInfo] = []
    runs = index.by_service.get(service_id, {})
    by_total = index.by_total
    for total in sorted(by_total):  # nodes without the service first, fewest tasks first
        # set.difference walks the bucket and probes ``runs``; ``keys() - keys()`` would
        # also walk all of ``runs`` (nearly every node once a service is spread out)
        ids = set(by_total[total]).difference(runs)
        if skip:
            ids.difference_update(skip)
        if not _take(chosen, ids, limit, position, by_total[total]):
            break
    if len(chosen) < limit and runs:
        classes: dict[int, list[str]] = {}
        for node_id, info in runs.items():
            if node_id not in skip:
                key = (info.active_tasks_count_by_service[service_id] << _SHIFT) | (
                    info.active_tasks_count
                )
                classes.setdefault(key, []).append(node_id)
        for key in sorted(classes):
            if not _take(chosen, classes[key], limit, position, runs):
                break
    if not chosen:
        return None
    for info in chosen:
        if not available(info):
            return None
    return chosen


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
