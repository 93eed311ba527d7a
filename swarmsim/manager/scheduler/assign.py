"""One scheduling pass: confirm preassigned tasks, place the unassigned queue, write decisions.

Mirrors the assignment half of ``swarmkit: manager/scheduler/scheduler.go``
(``processPreassignedTasks``, ``taskFitNode``, ``tick``, ``scheduleTaskGroup``,
``scheduleNTasksOnSubtree``, ``scheduleNTasksOnNodes``, ``noSuitableNode``,
``applySchedulingDecisions``) and docs/behaviour.md#ranking-nodes.  The candidate nodes of
a batch come from :mod:`swarmsim.manager.scheduler.nodeset`, the filters from
:mod:`swarmsim.manager.scheduler.pipeline`, and what is known about tasks and nodes from
:mod:`swarmsim.manager.scheduler.bookkeeping`.

What it writes
--------------
* ASSIGNED with ``scheduler assigned task to node`` and the node ID;
* ASSIGNED with ``scheduler confirmed task can run on preassigned node``;
* a PENDING task's ``err``: ``no suitable node (<explanation>)`` (bare
  explanation for a preassigned task), only when state/message/err change, so
  the timestamp keeps the time of the first identical error;
* SHUTDOWN (err cleared) for a never-scheduled PENDING task with desired state
  >= SHUTDOWN whose service has a newer spec version.

Randomness
----------
Go iterates maps (task groups, tasks of a group, nodes, spread branches) in
random order.  Here every such order is drawn from ``ctx.sim.rng("scheduler")``
and nothing else: preassigned tasks are shuffled per run; per tick the task
groups and the node list are shuffled once, each group's tasks are shuffled,
each batch offers the nodes starting at a random rotation of the tick's node
list, and the branches of a spread level are shuffled per distribution round.
The same seed therefore gives the same placements.

Differences
-----------
* Objects are shared, not copied: decisions are computed first, then applied by
  mutating the live task and calling ``store.update_task``; a decision for a
  task that left the store is undone instead of failing a transaction.  The
  node-version check of ``applySchedulingDecisions`` cannot fail in a
  single-threaded simulation and is omitted.
* A queued task that was deleted or left PENDING before the tick is skipped
  (swarmkit would still plan its stale copy and then drop the decision).
* Every task carries a spec version, so there are no one-off (unversioned)
  batches.
* Plugin, platform and CSI-volume filters are not modelled (see
  :mod:`swarmsim.manager.scheduler.filters`).

Cost: a tick touches only the queued tasks and shuffles the node list once.
A batch without spread preferences whose task only needs a ready node (the
common case) takes its best nodes from the node index
(:mod:`swarmsim.manager.scheduler.nodeindex`), reading only the counts it
needs; any other batch visits every node once (with a bounded heap of the
batch-size best nodes), as swarmkit does.  Both give the same placements.
"""

from __future__ import annotations

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task
from swarmsim.context import Context
from swarmsim.manager.orchestrator.task import is_task_dirty
from swarmsim.manager.scheduler.bookkeeping import Bookkeeping
from swarmsim.manager.scheduler.filters import ReadyFilter
from swarmsim.manager.scheduler.nodeindex import OfferOrder, best_nodes
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.nodeset import (
    DecisionTree,
    KeyFunc,
    NodeRanking,
    build_tree,
    node_key,
    parse_spread,
)
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.manager.scheduler.ranking import SPREAD, Ranking
from swarmsim.sim import shuffle

__all__ = [
    "ASSIGNED_MESSAGE",
    "NO_SUITABLE_NODE",
    "PREASSIGNED_MESSAGE",
    "Assigner",
]

ASSIGNED_MESSAGE = "scheduler assigned task to node"
PREASSIGNED_MESSAGE = "scheduler confirmed task can run on preassigned node"
NO_SUITABLE_NODE = "no suitable node"

_PENDING = TaskState.PENDING
_ASSIGNED = TaskState.ASSIGNED
_SHUTDOWN = TaskState.SHUTDOWN


class _TickNodes:
    """The node list of one tick in offer order (node IDs), with the node infos and
    the offer order the node index reads (each made on first use, once per tick)."""

    __slots__ = ("_infos", "_offer", "_order", "ids")

    def __init__(self, ids: list[str], infos: dict[str, NodeInfo]) -> None:
        self.ids = ids
        self._infos = infos
        self._order: list[NodeInfo] = []
        self._offer: OfferOrder | None = None

    @property
    def order(self) -> list[NodeInfo]:
        """The node infos in offer order."""
        if not self._order:
            infos = self._infos
            self._order = [infos[node_id] for node_id in self.ids]
        return self._order

    @property
    def offer(self) -> OfferOrder:
        """Each node's place in :attr:`ids`, and the index's buckets sorted by it."""
        if self._offer is None:
            ids = self.ids
            self._offer = OfferOrder(dict(zip(ids, range(len(ids)), strict=True)))
        return self._offer


class _Decision:
    """A status change to commit for one task (``schedulingDecision``)."""

    __slots__ = ("err", "message", "node_id", "state", "task")

    def __init__(
        self, task: Task, state: TaskState, message: str, err: str, node_id: str = ""
    ) -> None:
        self.task = task
        self.state = state
        self.message = message
        self.err = err
        self.node_id = node_id


class Assigner:
    """Decides where tasks go and writes the decisions to the store.

    Parameters
    ----------
    ctx
        The swarm's context: its store receives the decisions, its ``scheduler`` random
        stream orders everything Go leaves to map iteration.
    book
        The scheduler's bookkeeping, read for the queues and nodes and updated as tasks are
        placed.

    Attributes
    ----------
    pipeline : Pipeline
        The filters nodes are run through.
    ranking : Ranking
        Makes each batch's node ranking (:mod:`swarmsim.manager.scheduler.ranking`;
        swarmkit's spread by default).
    """

    __slots__ = ("_book", "_ctx", "_rng", "_store", "pipeline", "ranking")

    def __init__(self, ctx: Context, book: Bookkeeping) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._rng = ctx.sim.rng("scheduler")
        self._book = book
        self.pipeline = Pipeline()
        self.ranking: Ranking = SPREAD

    def process_preassigned(self) -> None:
        """Check each preassigned task against its own node (``taskFitNode``)."""
        book = self._book
        tasks = list(book.pending_preassigned.values())
        if len(tasks) > 1:
            shuffle(self._rng, tasks)
        pipeline = self.pipeline
        decisions: list[_Decision] = []
        for task in tasks:
            info = book.nodes.get(task.node_id)
            if info is None:
                continue  # node unknown (maybe deleted): keep waiting
            pipeline.set_task(task)
            status = task.status
            if not pipeline.process(info):
                decisions.append(_Decision(task, status.state, status.message, pipeline.explain()))
                continue
            decisions.append(_Decision(task, _ASSIGNED, PREASSIGNED_MESSAGE, ""))
            book.hold(task, info.id)
        for decision in self._apply(decisions):
            if decision.state == _ASSIGNED:
                book.pending_preassigned.pop(decision.task.id, None)

    def tick(self) -> None:
        """Schedule the unassigned queue, one batch per (service, spec version)."""
        book = self._book
        queue = book.unassigned
        if not queue:
            return
        groups: dict[tuple[str, int], list[Task]] = {}
        for task in queue.values():
            if task.scheduler_node is None or task.node_id:
                continue  # deleted, finished or already assigned
            groups.setdefault((task.service_id, task.spec_version), []).append(task)
        queue.clear()
        if not groups:
            return
        rng = self._rng
        batches = list(groups.values())
        if len(batches) > 1:
            shuffle(rng, batches)
        ids = list(book.nodes)  # shuffled as Go's map order (same draws as the infos)
        shuffle(rng, ids)
        tick_nodes = _TickNodes(ids, book.nodes)
        decisions: list[_Decision] = []
        for batch in batches:
            if len(batch) > 1:
                shuffle(rng, batch)
            self._schedule_batch(batch, tick_nodes, decisions)
        self._apply(decisions)

    def _schedule_batch(
        self, batch: list[Task], tick_nodes: _TickNodes, decisions: list[_Decision]
    ) -> None:
        """``scheduleTaskGroup``: place tasks sharing one service and spec version."""
        task = batch[0]  # all tasks of the batch are equal for the filters
        pipeline = self.pipeline
        pipeline.set_task(task)
        ranking: NodeRanking = self.ranking(
            task.service_id, (task.service_id, task.spec_version), self._ctx.now
        )
        count = len(tick_nodes.ids)
        offset = 0
        if count > 1:
            offset = self._rng.randrange(count)
        levels = parse_spread(task.spec.placement.preferences)
        indexed = None if levels else self._indexed(len(batch), tick_nodes, offset, ranking)
        if indexed is not None:
            self._on_nodes(len(batch), batch, indexed, decisions, ranking)
        else:
            pipeline.set_task(task)  # counters as if no node had been looked at
            order = tick_nodes.order
            nodes = order[offset:] + order[:offset] if offset else order
            tree = build_tree(nodes, ranking, levels, len(batch), pipeline.process)
            self._on_subtree(len(batch), batch, tree, decisions, ranking)
        if batch:
            self._no_suitable_node(batch, decisions)

    def _indexed(
        self, limit: int, tick_nodes: _TickNodes, offset: int, ranking: KeyFunc
    ) -> list[NodeInfo] | None:
        """The batch's ordered candidates from the node index, or None when the batch
        needs the full tree: other filters than readiness, a custom ranking, or a
        node whose recent failures of the batch change its rank."""
        if type(ranking) is not NodeRanking or any(
            type(flt) is not ReadyFilter for flt in self.pipeline.enabled
        ):
            return None
        index = self._book.index
        for info in index.failing.values():
            if ranking(info) != node_key(info, ranking.service_id, ("", -1), ranking.now):
                return None
        return best_nodes(
            index, ranking.service_id, limit, tick_nodes.offer, offset, self.pipeline.process
        )

    def _on_subtree(
        self,
        n: int,
        tasks: list[Task],
        tree: DecisionTree,
        decisions: list[_Decision],
        key: KeyFunc,
    ) -> int:
        """``scheduleNTasksOnSubtree``: split ``n`` tasks evenly over label values."""
        children = tree.children
        if children is None:
            nodes = tree.ordered_nodes(self.pipeline.process, key)
            if not nodes:
                return 0
            return self._on_nodes(n, tasks, nodes, decisions, key)
        branches = list(children.values())
        scheduled = 0
        usable_tasks = tree.tasks
        no_room: set[int] = set()  # ids of full branches
        while scheduled != n and len(no_room) != len(branches):
            usable = len(branches) - len(no_room)
            target, remainder = divmod(usable_tasks + n - scheduled, usable)
            round_order = branches[:]
            shuffle(self._rng, round_order)
            progressed = False
            for branch in round_order:
                if id(branch) in no_room:
                    continue
                existing = branch.tasks
                if existing < target or (existing == target and remainder > 0):
                    ask = target - existing + (1 if remainder > 0 else 0)
                    placed = self._on_subtree(ask, tasks, branch, decisions, key)
                    if placed < ask:
                        no_room.add(id(branch))
                        usable_tasks -= existing
                    elif remainder > 0:
                        remainder -= 1
                    scheduled += placed
                    progressed = True
            if not progressed:
                break
        return scheduled

    def _on_nodes(
        self,
        n: int,
        tasks: list[Task],
        nodes: list[NodeInfo],
        decisions: list[_Decision],
        key: KeyFunc,
    ) -> int:
        """``scheduleNTasksOnNodes``: fill up to the next node's level, then round robin."""
        process = self.pipeline.process
        hold = self._book.hold
        count = len(nodes)
        failed = [False] * count
        scheduled = 0
        i = 0
        while tasks:
            task = tasks.pop()
            info = nodes[i % count]
            decisions.append(_Decision(task, _ASSIGNED, ASSIGNED_MESSAGE, "", info.id))
            hold(task, info.id)
            scheduled += 1
            if scheduled == n:
                return scheduled
            if i + 1 < count:
                # first pass: move on only once the next node is strictly better
                if key(nodes[i + 1]) < key(info):
                    i += 1
            else:
                # later passes: one task per node that still passes the filters
                i += 1
            start = i
            while failed[i % count] or not process(nodes[i % count]):
                failed[i % count] = True
                i += 1
                if i - start == count:
                    return scheduled  # no node passes any more
        return scheduled

    def _no_suitable_node(self, tasks: list[Task], decisions: list[_Decision]) -> None:
        """Record why the remaining tasks of a batch stay PENDING (``noSuitableNode``)."""
        explanation = self.pipeline.explain()
        error = f"{NO_SUITABLE_NODE} ({explanation})" if explanation else NO_SUITABLE_NODE
        services = self._store.services
        unassigned = self._book.unassigned
        for task in tasks:
            service = services.get(task.service_id)
            if service is None:
                continue  # service gone: drop the task from the scheduler
            status = task.status
            if service.spec_version > task.spec_version and is_task_dirty(service, task, None):
                # obsolete revision: out of the queue (set aside until a rollback makes
                # it current again); shut down if no longer wanted
                if status.state == _PENDING and task.desired_state >= _SHUTDOWN:
                    decisions.append(_Decision(task, _SHUTDOWN, status.message, ""))
                else:
                    self._book.set_aside(task)
                continue
            decisions.append(_Decision(task, status.state, status.message, error))
            unassigned[task.id] = task

    def _apply(self, decisions: list[_Decision]) -> list[_Decision]:
        """Commit decisions, one task per store update; return the committed ones."""
        store = self._store
        tasks = store.tasks
        now = self._ctx.now
        statuses = self._ctx.statuses
        applied: list[_Decision] = []
        for decision in decisions:
            task = decision.task
            if tasks.get(task.id) is not task:
                self._book.delete_task(task)  # task no longer exists: undo
                continue
            status = task.status
            if (
                status.state == decision.state
                and status.message == decision.message
                and status.err == decision.err
            ):
                continue  # no change: keep the first timestamp
            task.status = statuses.stamp(
                now, decision.state, decision.message, decision.err, status.exit_code
            )
            if decision.node_id:
                task.node_id = decision.node_id
            store.update_task(task)
            applied.append(decision)
        return applied
