"""What the scheduler knows: the tasks it tracks and the node set.

Mirrors the bookkeeping of ``swarmkit: manager/scheduler/scheduler.go`` (the maps
``allTasks``, ``unassignedTasks``, ``preassignedTasks`` and ``pendingPreassignedTasks``, the
node set, ``setupTasksList``, ``buildNodeSet``, ``createTask``, ``updateTask``, ``deleteTask``
and ``createOrUpdateNode``) and docs/behaviour.md#per-node-bookkeeping:

* a task is known while PENDING <= state <= RUNNING;
* a known task without a node waits in the unassigned queue, a PENDING task that already
  carries a node (a global task) waits to be confirmed on it, any other known task is held by
  its node's :class:`NodeInfo`;
* a task leaving PENDING..RUNNING is forgotten, and a FAILED or REJECTED task that the
  scheduler placed counts as a recent failure of its service on its node.

The task and node changes report whether the scheduler needs a tick: when a task was queued,
or a node released resources for a task.  Which events reach them, and when the scheduler
runs, is :mod:`swarmsim.manager.scheduler.scheduler`'s business.

Differences
-----------
* Objects are shared, not copied: the queues hold the live tasks, and each tracked task
  carries its entry of swarmkit's ``allTasks``, the node whose :class:`NodeInfo` holds it
  (:class:`~swarmsim.api.objects.Scheduled`), which replaces swarmkit's search through
  copies.
* Active task counts use desired state <= COMPLETE (docs/behaviour.md#per-node-bookkeeping)
  where older swarmkit releases used <= RUNNING.
* swarmkit's ``noSuitableNode`` drops from the queue for good a PENDING task whose spec
  version is older than its service's.  Here the task is dropped only if its spec is
  really out of date (``IsTaskDirty``: a scale or a no-op update leaves it current and
  queued), and then *set aside* per service (:meth:`Bookkeeping.set_aside`); when a
  rollback makes it current again it goes back into the queue
  (:meth:`Bookkeeping.current_again`).  In swarmkit nothing re-queues such a task, so
  after a scale or an automatic rollback a replica can wait PENDING forever although a
  node that fits it joins.

Cost: every change goes through indexes (node ID, task ID); a rebuild reads the store once.
"""

from __future__ import annotations

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Node, Service, Task
from swarmsim.context import Context
from swarmsim.manager.orchestrator.task import is_task_dirty
from swarmsim.manager.scheduler.filters import ReadyFilter
from swarmsim.manager.scheduler.nodeindex import NodeIndex
from swarmsim.manager.scheduler.nodeinfo import ACTIVE_DESIRED_MAX, NodeInfo
from swarmsim.store.events import TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_FAILED = TaskState.FAILED
_REJECTED = TaskState.REJECTED

__all__ = ["Bookkeeping"]

_PENDING = TaskState.PENDING
_RUNNING = TaskState.RUNNING
_FAILURE_STATES = (_FAILED, _REJECTED)


class Bookkeeping:
    """The tasks and nodes one scheduler knows, kept in step with the store.

    Parameters
    ----------
    ctx
        The swarm's context: its store is read by :meth:`rebuild`, its clock stamps node
        bookkeeping and recent failures.

    Attributes
    ----------
    nodes : dict of str to NodeInfo
        The node set, by node ID.
    index : NodeIndex
        The node set by active task counts, kept in step by every node info.
    unassigned : dict of str to Task
        The unassigned queue, by task ID.
    pending_preassigned : dict of str to Task
        Preassigned tasks waiting for confirmation, by task ID.
    preassigned : set of str
        IDs of every tracked task that came with its node (their failures are not recorded).
    aside : dict of str to dict of str to Task
        PENDING tasks of an old spec version left out of the queue, by service ID then task ID.
    """

    __slots__ = (
        "_aside_service",
        "_ctx",
        "aside",
        "index",
        "nodes",
        "pending_preassigned",
        "preassigned",
        "unassigned",
    )

    nodes: dict[str, NodeInfo]
    index: NodeIndex
    unassigned: dict[str, Task]
    pending_preassigned: dict[str, Task]
    preassigned: set[str]
    aside: dict[str, dict[str, Task]]
    _aside_service: dict[str, str]  # task ID -> service ID, for tasks set aside

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.clear()

    def clear(self) -> None:
        """Forget every task and node."""
        for task in self._ctx.store.tasks.values():  # those tracked are in the store
            task.account(None)
        self.nodes = {}
        self.index = NodeIndex(ReadyFilter().check)
        self.unassigned = {}
        self.pending_preassigned = {}
        self.preassigned = set()
        self.aside = {}
        self._aside_service = {}

    def rebuild(self) -> None:
        """Load tasks and nodes from the store (``setupTasksList``, ``buildNodeSet``)."""
        self.clear()
        now = self._ctx.now
        by_node: dict[str, list[Task]] = {}
        for task in self._ctx.store.tasks.values():
            state = task.status.state
            if state < _PENDING or state > _RUNNING:
                continue
            if state == _PENDING and task.desired_state > ACTIVE_DESIRED_MAX:
                continue
            task.account("")
            if not task.node_id:
                self.unassigned[task.id] = task
            elif state == _PENDING:
                self.preassigned.add(task.id)
                self.pending_preassigned[task.id] = task
            else:
                by_node.setdefault(task.node_id, []).append(task)
        for node in self._ctx.store.nodes.values():
            info = NodeInfo(node, now)
            self.nodes[node.id] = info
            for task in by_node.get(node.id, ()):
                info.add_task(task)
                task.account(node.id)
            self._index(info)

    # ---------------------------------------------------------------- tasks
    def create_task(self, task: Task) -> bool:
        """Track a new task (``createTask``); True if it was queued."""
        state = task.status.state
        if state < _PENDING or state > _RUNNING:
            task.account(None)
            return False
        task.account("")
        if not task.node_id:
            self.unassigned[task.id] = task
            return True
        if state == _PENDING:
            # preassigned tasks do not contribute to running tasks count
            self.preassigned.add(task.id)
            self.pending_preassigned[task.id] = task
            return False
        self.hold(task, task.node_id)
        return False

    def update_task(self, event: TaskEvent) -> bool:
        """Follow a task update (``updateTask``); True if a tick is needed."""
        # every task commit comes here: the event is unpacked once (cheaper than
        # attribute reads) and a task already held on its node is dealt with first
        _, task, prev_state, prev_desired, _ = event
        state = task.status.state
        if state < _PENDING:
            return False
        try:
            holder = task.scheduler_node
        except AttributeError:  # a task the scheduler has not met
            holder = None
        known = holder is not None
        if holder and _PENDING < state <= _RUNNING:
            node_id = task.node_id
            if holder == node_id:
                if prev_desired != task.desired_state:
                    # what hold() does for a task already held on node_id: its
                    # active flag may change with its desired state
                    info = self.nodes.get(node_id)
                    if info is not None:
                        info.add_task(task)
                return False  # else a status step: nothing to account
        if state > _RUNNING:
            if not known:
                return False
            if prev_state != state and state in _FAILURE_STATES and task.id not in self.preassigned:
                # remember failures so that a node failing this service in a loop is
                # avoided; not for preassigned tasks, whose node the scheduler did not pick
                info = self.nodes.get(task.node_id)
                if info is not None:
                    info.task_failed((task.service_id, task.spec_version), self._ctx.now)
            self.delete_task(task)
            return True
        if not task.node_id:
            if known:
                self.delete_task(task)
            task.account("")
            self.unassigned[task.id] = task
            return True
        if state == _PENDING:
            if known:
                self.delete_task(task)
            task.account("")
            self.preassigned.add(task.id)
            self.pending_preassigned[task.id] = task
            return False
        self.hold(task, task.node_id)
        return False

    def delete_task(self, task: Task) -> bool:
        """Forget a task (``deleteTask``); True if a node released resources for it."""
        task_id = task.id
        try:
            node_id = task.scheduler_node
        except AttributeError:  # a task the scheduler has not met
            node_id = None
        task.account(None)
        self.preassigned.discard(task_id)
        self.pending_preassigned.pop(task_id, None)
        self.unassigned.pop(task_id, None)
        if self._aside_service:
            self._forget_aside(task_id)
        if not node_id:
            return False
        info = self.nodes.get(node_id)
        return info is not None and info.remove_task(task_id)

    def set_aside(self, task: Task) -> None:
        """Leave an old-revision PENDING task out of the queue until its version is current."""
        self.unassigned.pop(task.id, None)
        self.aside.setdefault(task.service_id, {})[task.id] = task
        self._aside_service[task.id] = task.service_id

    def current_again(self, service_id: str, service: Service | None) -> bool:
        """Re-queue the set-aside tasks of a service whose spec they match again.

        ``service`` is ``None`` when the service was deleted: its tasks are forgotten.
        True if a task went back into the queue.
        """
        tasks = self.aside.get(service_id)
        if not tasks:
            return False
        if service is None:
            for task_id in list(tasks):
                self._forget_aside(task_id)
            return False
        back = [t for t in tasks.values() if not is_task_dirty(service, t, None)]
        for task in back:
            self._forget_aside(task.id)
            self.unassigned[task.id] = task
        return bool(back)

    def _forget_aside(self, task_id: str) -> None:
        service_id = self._aside_service.pop(task_id, None)
        if service_id is None:
            return
        tasks = self.aside[service_id]
        del tasks[task_id]
        if not tasks:
            del self.aside[service_id]

    def hold(self, task: Task, node_id: str) -> None:
        """Track ``task`` and account it on ``node_id`` (or refresh its active flag there)."""
        try:
            previous = task.scheduler_node
        except AttributeError:  # a task the scheduler has not met
            previous = None
        if previous and previous != node_id:
            old = self.nodes.get(previous)
            if old is not None:
                old.remove_task(task.id)
        info = self.nodes.get(node_id)
        if info is None:
            task.account("")
            return
        info.add_task(task)
        task.account(node_id)

    # ---------------------------------------------------------------- nodes
    def create_or_update_node(self, node: Node) -> None:
        """Add a node to the node set or refresh it (``createOrUpdateNode``)."""
        info = self.nodes.get(node.id)
        if info is None:
            info = self.nodes[node.id] = NodeInfo(node, self._ctx.now)
            self._index(info)
        else:
            info.update_node(node)
            self.index.node_changed(info)

    def _index(self, info: NodeInfo) -> None:
        info.index = self.index
        self.index.add(info)

    def remove_node(self, node_id: str) -> None:
        """Drop a deleted node and what it held."""
        info = self.nodes.pop(node_id, None)
        if info is None:
            return
        self.index.remove(info)
        info.index = None
        for task in info.tasks.values():
            if task.scheduler_node == node_id:
                task.account("")  # still tracked, held by no node
