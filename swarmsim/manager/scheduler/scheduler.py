"""The scheduler: assigns PENDING tasks to nodes.

Mirrors ``swarmkit: manager/scheduler/scheduler.go`` (``Run``, ``createTask``,
``updateTask``, ``deleteTask``, ``createOrUpdateNode``,
``processPreassignedTasks``, ``tick``, ``applySchedulingDecisions``,
``taskFitNode``, ``scheduleTaskGroup``, ``scheduleNTasksOnSubtree``,
``scheduleNTasksOnNodes``, ``noSuitableNode``) and reference sections 2.1–2.9.

Life cycle
----------
The scheduler runs only while ``ctx.leadership.active``.  On (re)gaining
leadership it rebuilds its bookkeeping from the store (tasks with
PENDING <= state <= RUNNING, skipping PENDING tasks whose desired state is
past COMPLETE, and all nodes), then, at the same virtual instant, confirms the
preassigned tasks and runs one tick.  Losing leadership drops everything
(recent failures included, as a new swarmkit leader starts a new scheduler).

Every store change is a commit: it starts a debounce timer of
``settings.scheduler_debounce`` (50 ms), or pushes it back when one is running;
if the timer has been running for more than ``settings.scheduler_max_latency``
(1 s) when a commit arrives, the scheduler runs at once instead.  A run first
confirms preassigned (global) tasks, then ticks over the unassigned queue if a
tick is required: after a task create/update that enqueues a task, a task
leaving PENDING..RUNNING or being deleted while holding resources, and any
node create/update (a node deletion only drops the node, as in swarmkit).
The scheduler's own writes are commits too, so a pending
error causes one more (no-op) tick 50 ms later, as in swarmkit.

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
* Active task counts use desired state <= COMPLETE (reference 2.2) where older
  swarmkit releases used <= RUNNING.

Cost: bookkeeping is updated per store event through indexes (node ID, task
ID, service); a tick touches only the queued tasks, shuffles the node list
once and visits every node once per batch (O(nodes) per batch, with a bounded
heap of the batch-size best nodes).
"""

from __future__ import annotations

from collections.abc import Mapping

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Node, Task
from swarmsim.context import Context
from swarmsim.manager.scheduler.nodeinfo import ACTIVE_DESIRED_MAX, NodeInfo
from swarmsim.manager.scheduler.nodeset import (
    DecisionTree,
    KeyFunc,
    NodeRanking,
    build_tree,
    parse_spread,
)
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.store.events import Action, NodeEvent, StoreEvent, TaskEvent

__all__ = [
    "ASSIGNED_MESSAGE",
    "NO_SUITABLE_NODE",
    "PREASSIGNED_MESSAGE",
    "Scheduler",
]

ASSIGNED_MESSAGE = "scheduler assigned task to node"
PREASSIGNED_MESSAGE = "scheduler confirmed task can run on preassigned node"
NO_SUITABLE_NODE = "no suitable node"

_PENDING = TaskState.PENDING
_ASSIGNED = TaskState.ASSIGNED
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN
_FAILURE_STATES = (TaskState.FAILED, TaskState.REJECTED)


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


class Scheduler:
    """Assigns unassigned PENDING tasks to nodes and confirms preassigned ones.

    Parameters
    ----------
    ctx
        The swarm's context.  The scheduler watches ``ctx.store`` and follows
        ``ctx.leadership``; it needs no other component.

    Examples
    --------
    >>> from swarmsim.context import Context
    >>> ctx = Context.create(seed=1)
    >>> scheduler = Scheduler(ctx)
    >>> scheduler.node_infos
    {}
    """

    __slots__ = (
        "_active",
        "_ctx",
        "_deadline",
        "_debounce",
        "_debounce_started",
        "_epoch",
        "_holder",
        "_known",
        "_max_latency",
        "_nodes",
        "_pending_preassigned",
        "_preassigned",
        "_rng",
        "_run_requested",
        "_store",
        "_tick_required",
        "_timer_token",
        "_token",
        "_unassigned",
        "pipeline",
    )

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._rng = ctx.sim.rng("scheduler")
        self._debounce = ctx.settings.scheduler_debounce
        self._max_latency = ctx.settings.scheduler_max_latency
        self.pipeline = Pipeline()
        self._nodes: dict[str, NodeInfo] = {}
        self._known: set[str] = set()  # swarmkit's allTasks (membership only)
        self._holder: dict[str, str] = {}  # task ID -> node whose NodeInfo holds it
        self._unassigned: dict[str, Task] = {}
        self._pending_preassigned: dict[str, Task] = {}
        self._preassigned: set[str] = set()
        self._tick_required = False
        self._active = False
        self._epoch = 0
        self._timer_token: int | None = None
        self._token = 0
        self._deadline = 0.0
        self._debounce_started = 0.0
        self._run_requested = False
        ctx.store.watch(self._on_event)
        ctx.leadership.subscribe(self._on_leadership)
        if ctx.leadership.active:
            self._start()

    # ----------------------------------------------------------- inspection
    @property
    def active(self) -> bool:
        """Whether the scheduler is running (a leader exists)."""
        return self._active

    @property
    def node_infos(self) -> Mapping[str, NodeInfo]:
        """The node set: bookkeeping per node ID (read-only use)."""
        return self._nodes

    def node_info(self, node_id: str) -> NodeInfo | None:
        """The bookkeeping of one node, if the scheduler knows it."""
        return self._nodes.get(node_id)

    @property
    def queued(self) -> int:
        """Number of tasks waiting in the unassigned queue."""
        return len(self._unassigned)

    # ----------------------------------------------------------- leadership
    def _on_leadership(self, active: bool) -> None:
        if active and not self._active:
            self._start()
        elif not active and self._active:
            self._stop()

    def _start(self) -> None:
        self._active = True
        self._epoch += 1
        self._rebuild()
        self._ctx.sim.call_later(0.0, self._initial_run, self._epoch)

    def _stop(self) -> None:
        self._active = False
        self._epoch += 1
        self._timer_token = None
        self._run_requested = False
        self._clear()

    def _clear(self) -> None:
        self._nodes = {}
        self._known = set()
        self._holder = {}
        self._unassigned = {}
        self._pending_preassigned = {}
        self._preassigned = set()
        self._tick_required = False

    def _rebuild(self) -> None:
        """Load tasks and nodes from the store (``setupTasksList``, ``buildNodeSet``)."""
        self._clear()
        now = self._ctx.now
        by_node: dict[str, list[Task]] = {}
        for task in self._store.tasks.values():
            state = task.status.state
            if state < _PENDING or state > _RUNNING:
                continue
            if state == _PENDING and task.desired_state > ACTIVE_DESIRED_MAX:
                continue
            self._known.add(task.id)
            if not task.node_id:
                self._unassigned[task.id] = task
            elif state == _PENDING:
                self._preassigned.add(task.id)
                self._pending_preassigned[task.id] = task
            else:
                by_node.setdefault(task.node_id, []).append(task)
        for node in self._store.nodes.values():
            info = NodeInfo(node, now)
            self._nodes[node.id] = info
            for task in by_node.get(node.id, ()):
                info.add_task(task)
                self._holder[task.id] = node.id

    def _initial_run(self, epoch: int) -> None:
        if epoch != self._epoch or not self._active:
            return
        self._process_preassigned()
        self._tick_required = False
        self._tick()

    # --------------------------------------------------------------- events
    def _on_event(self, event: StoreEvent) -> None:
        if not self._active:
            return
        if isinstance(event, TaskEvent):
            action = event.action
            if action is Action.CREATE:
                required = self._create_task(event.task)
            elif action is Action.UPDATE:
                required = self._update_task(event)
            else:
                # deleting a task may free node resources: re-evaluate pending tasks
                required = self._delete_task(event.task.id)
            if required:
                self._tick_required = True
        elif isinstance(event, NodeEvent):
            if event.action is Action.DELETE:
                self._remove_node(event.node.id)
            else:
                self._create_or_update_node(event.node)
                self._tick_required = True
        self._commit()

    def _create_task(self, task: Task) -> bool:
        state = task.status.state
        if state < _PENDING or state > _RUNNING:
            return False
        self._known.add(task.id)
        if not task.node_id:
            self._unassigned[task.id] = task
            return True
        if state == _PENDING:
            # preassigned tasks do not contribute to running tasks count
            self._preassigned.add(task.id)
            self._pending_preassigned[task.id] = task
            return False
        self._hold(task, task.node_id)
        return False

    def _update_task(self, event: TaskEvent) -> bool:
        task = event.task
        state = task.status.state
        if state < _PENDING:
            return False
        known = task.id in self._known
        if state > _RUNNING:
            if not known:
                return False
            if (
                event.prev_state != state
                and state in _FAILURE_STATES
                and task.id not in self._preassigned
            ):
                # remember failures so that a node failing this service in a loop is
                # avoided; not for preassigned tasks, whose node the scheduler did not pick
                info = self._nodes.get(task.node_id)
                if info is not None:
                    info.task_failed((task.service_id, task.spec_version), self._ctx.now)
            self._delete_task(task.id)
            return True
        if not task.node_id:
            if known:
                self._delete_task(task.id)
            self._known.add(task.id)
            self._unassigned[task.id] = task
            return True
        if state == _PENDING:
            if known:
                self._delete_task(task.id)
            self._known.add(task.id)
            self._preassigned.add(task.id)
            self._pending_preassigned[task.id] = task
            return False
        self._known.add(task.id)
        self._hold(task, task.node_id)
        return False

    def _delete_task(self, task_id: str) -> bool:
        """Forget a task; True if a node released resources for it."""
        self._known.discard(task_id)
        self._preassigned.discard(task_id)
        self._pending_preassigned.pop(task_id, None)
        self._unassigned.pop(task_id, None)
        node_id = self._holder.pop(task_id, None)
        if node_id is None:
            return False
        info = self._nodes.get(node_id)
        return info is not None and info.remove_task(task_id)

    def _hold(self, task: Task, node_id: str) -> None:
        """Account ``task`` on ``node_id`` (or refresh its active flag there)."""
        previous = self._holder.get(task.id)
        if previous is not None and previous != node_id:
            old = self._nodes.get(previous)
            if old is not None:
                old.remove_task(task.id)
            del self._holder[task.id]
        info = self._nodes.get(node_id)
        if info is None:
            return
        info.add_task(task)
        self._holder[task.id] = node_id

    def _create_or_update_node(self, node: Node) -> None:
        info = self._nodes.get(node.id)
        if info is None:
            self._nodes[node.id] = NodeInfo(node, self._ctx.now)
        else:
            info.update_node(node)

    def _remove_node(self, node_id: str) -> None:
        info = self._nodes.pop(node_id, None)
        if info is None:
            return
        for task_id in info.tasks:
            if self._holder.get(task_id) == node_id:
                del self._holder[task_id]

    # ------------------------------------------------------------- debounce
    def _commit(self) -> None:
        now = self._ctx.now
        if self._timer_token is not None:
            if now - self._debounce_started > self._max_latency:
                self._timer_token = None
                self._request_run()
            else:
                self._deadline = now + self._debounce  # the pending timer re-arms itself
        else:
            self._debounce_started = now
            self._arm()

    def _arm(self) -> None:
        self._token += 1
        self._timer_token = self._token
        self._deadline = self._ctx.now + self._debounce
        self._ctx.sim.call_later(self._debounce, self._on_timer, self._token)

    def _on_timer(self, token: int) -> None:
        if token != self._timer_token:
            return
        remaining = self._deadline - self._ctx.now
        if remaining > 1e-9:
            # commits arrived meanwhile: one timer per debounce, re-armed, not one per commit
            self._ctx.sim.call_later(remaining, self._on_timer, token)
            return
        self._timer_token = None
        self._schedule()

    def _request_run(self) -> None:
        if not self._run_requested:
            self._run_requested = True
            self._ctx.sim.call_later(0.0, self._on_run_request, self._epoch)

    def _on_run_request(self, epoch: int) -> None:
        if epoch != self._epoch:
            return
        self._run_requested = False
        self._schedule()

    def _schedule(self) -> None:
        if not self._active:
            return
        if self._pending_preassigned:
            self._process_preassigned()
        if self._tick_required:
            self._tick_required = False
            self._tick()

    # ----------------------------------------------------------- scheduling
    def _process_preassigned(self) -> None:
        """Check each preassigned task against its own node (``taskFitNode``)."""
        tasks = list(self._pending_preassigned.values())
        if len(tasks) > 1:
            self._rng.shuffle(tasks)
        pipeline = self.pipeline
        decisions: list[_Decision] = []
        for task in tasks:
            info = self._nodes.get(task.node_id)
            if info is None:
                continue  # node unknown (maybe deleted): keep waiting
            pipeline.set_task(task)
            status = task.status
            if not pipeline.process(info):
                decisions.append(_Decision(task, status.state, status.message, pipeline.explain()))
                continue
            decisions.append(_Decision(task, _ASSIGNED, PREASSIGNED_MESSAGE, ""))
            self._hold(task, info.id)
        for decision in self._apply(decisions):
            if decision.state == _ASSIGNED:
                self._pending_preassigned.pop(decision.task.id, None)

    def _tick(self) -> None:
        """Schedule the unassigned queue, one batch per (service, spec version)."""
        queue = self._unassigned
        if not queue:
            return
        known = self._known
        groups: dict[tuple[str, int], list[Task]] = {}
        for task in queue.values():
            if task.id not in known or task.node_id:
                continue  # deleted, finished or already assigned
            groups.setdefault((task.service_id, task.spec_version), []).append(task)
        queue.clear()
        if not groups:
            return
        rng = self._rng
        batches = list(groups.values())
        if len(batches) > 1:
            rng.shuffle(batches)
        order = list(self._nodes.values())
        rng.shuffle(order)
        decisions: list[_Decision] = []
        for batch in batches:
            if len(batch) > 1:
                rng.shuffle(batch)
            self._schedule_batch(batch, order, decisions)
        self._apply(decisions)

    def _schedule_batch(
        self, batch: list[Task], order: list[NodeInfo], decisions: list[_Decision]
    ) -> None:
        """``scheduleTaskGroup``: place tasks sharing one service and spec version."""
        task = batch[0]  # all tasks of the batch are equal for the filters
        pipeline = self.pipeline
        pipeline.set_task(task)
        ranking = NodeRanking(task.service_id, (task.service_id, task.spec_version), self._ctx.now)
        nodes = order
        if len(order) > 1:
            offset = self._rng.randrange(len(order))
            if offset:
                nodes = order[offset:] + order[:offset]
        levels = parse_spread(task.spec.placement.preferences)
        tree = build_tree(nodes, ranking, levels, len(batch), pipeline.process)
        self._on_subtree(len(batch), batch, tree, decisions, ranking)
        if batch:
            self._no_suitable_node(batch, decisions)

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
            self._rng.shuffle(round_order)
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
        count = len(nodes)
        failed = [False] * count
        scheduled = 0
        i = 0
        while tasks:
            task = tasks.pop()
            info = nodes[i % count]
            decisions.append(_Decision(task, _ASSIGNED, ASSIGNED_MESSAGE, "", info.id))
            self._hold(task, info.id)
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
        for task in tasks:
            service = services.get(task.service_id)
            if service is None:
                continue  # service gone: drop the task from the scheduler
            status = task.status
            if service.spec_version > task.spec_version:
                # obsolete revision: never re-queued; shut down if no longer wanted
                if status.state == _PENDING and task.desired_state >= _SHUTDOWN:
                    decisions.append(_Decision(task, _SHUTDOWN, status.message, ""))
                continue
            decisions.append(_Decision(task, status.state, status.message, error))
            self._unassigned[task.id] = task

    def _apply(self, decisions: list[_Decision]) -> list[_Decision]:
        """Commit decisions, one task per store update; return the committed ones."""
        store = self._store
        tasks = store.tasks
        now = self._ctx.now
        applied: list[_Decision] = []
        for decision in decisions:
            task = decision.task
            if tasks.get(task.id) is not task:
                self._delete_task(task.id)  # task no longer exists: undo
                continue
            status = task.status
            if (
                status.state == decision.state
                and status.message == decision.message
                and status.err == decision.err
            ):
                continue  # no change: keep the first timestamp
            status.state = decision.state
            status.message = decision.message
            status.err = decision.err
            status.timestamp = now
            if decision.node_id:
                task.node_id = decision.node_id
            store.update_task(task)
            applied.append(decision)
        return applied
