"""The dispatcher: node sessions, heartbeats, assignments and status batching.

Mirrors ``swarmkit: manager/dispatcher/dispatcher.go`` (and ``nodes.go``,
``period.go``): a node that registers becomes READY; each heartbeat answer
hands the agent its next period, ``5 s ± 0.5 s``; a node whose last heartbeat
is older than ``period × 3`` is marked DOWN (``heartbeat failure``) and is no
longer registered, so its next heartbeat that gets through makes the agent
register again (a lossy link: ``markNodeNotReady`` deletes the node from the
dispatcher's node store, the heartbeat fails with ``node not registered``); nodes
inherited by a new leader are marked UNKNOWN with a doubled grace; after 24 h
DOWN the node's tasks become ORPHANED.  Status reports from agents are
batched and committed every 100 ms, only the latest status per task, and a
report that would move a task backwards is dropped.  Task assignments and
desired-state changes are pushed to the node's agent.

Agents are not called: sessions, heartbeats and reports arrive as the
messages of :mod:`swarmsim.net.messages` through :meth:`Dispatcher.receive`,
and assignments leave through the :class:`~swarmsim.net.transport.Transport`.

Differences
-----------
Messages travel along the underlay with its latencies
(``ClusterSettings.network_latency`` between two machines by default) instead
of over gRPC streams, and a node's whole task list is re-sent only when it
registers.  An agent whose heartbeat is refused (its node was marked down)
registers again in the same instant; swarmkit's agent opens its new session
after a back-off that starts at 100 ms (``swarmkit: agent/agent.go``).
The heartbeats of healthy sessions are not simulated one by one as they
come: :mod:`swarmsim.manager.heartbeats` runs them, with the same draws and
deadlines, when something could tell.
"""

from __future__ import annotations

from swarmsim.api.enums import NodeStatus, TaskState
from swarmsim.api.objects import Node, Task, TaskStatus
from swarmsim.context import Context, clock_of
from swarmsim.manager.dependencies import Dependencies, uses_dependencies
from swarmsim.manager.heartbeats import DeadlineBook, HeartbeatLeases
from swarmsim.net.messages import (
    Assign,
    Heartbeat,
    Register,
    Release,
    Remove,
    Reregister,
    StatusReport,
    Sync,
)
from swarmsim.net.transport import DISPATCHER, Transport
from swarmsim.store import Action, NodeEvent, StoreEvent, TaskEvent

# enum members as module constants: see swarmsim.api.enums (hot path)
_ASSIGNED = TaskState.ASSIGNED
_DELETE = Action.DELETE
_ORPHANED = TaskState.ORPHANED
_RUNNING = TaskState.RUNNING

UNKNOWN_MESSAGE = 'Node moved to "unknown" state due to leadership change in cluster'


class Dispatcher:
    """Talks to every agent on behalf of the leader."""

    def __init__(self, ctx: Context, transport: Transport) -> None:
        self.ctx = ctx
        self.transport = transport
        self.sessions: dict[str, None] = {}  # node ids that opened a session, in order
        self._rng = ctx.sim.rng("dispatcher")
        self._clock = clock_of(ctx.sim.env)  # read on every heartbeat
        self._deadline: dict[str, float] = {}
        self._timer_at: dict[str, float] = {}  # one pending deadline check per node
        self._grace: dict[str, int] = {}
        self._updates: dict[str, TaskStatus] = {}
        self._flush_scheduled = False
        self._down_since: dict[str, float] = {}
        self.dependencies = Dependencies(ctx.store)
        # the heartbeats of healthy sessions, run when needed (manager/heartbeats.py)
        book = DeadlineBook(
            self._rng, self._deadline, self._timer_at, self._grace, self._check_deadline
        )
        self.leases = HeartbeatLeases(ctx, transport, book)
        transport.underlay.listeners.append(self.leases.routes_changed)
        ctx.store.watch(self._on_task_event, TaskEvent, progress=False)
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.leadership.subscribe(self._on_leadership)

    # -------------------------------------------------------------- messages
    def receive(self, message: Register | Heartbeat | StatusReport) -> float | None:
        """A message from an agent; a heartbeat is answered with the next period."""
        if isinstance(message, StatusReport):
            # about five reports per task replaced by an update: _receive inlined
            self._updates[message.task_id] = message.status
            if not self._flush_scheduled and self.ctx.leadership.active:
                self._schedule_flush()
            return None
        if isinstance(message, Heartbeat):
            return self.heartbeat(message.node_id)
        self.register(message.node_id)
        return None

    def _send(self, node_id: str, message: Assign | Remove | Release) -> None:
        self.transport.send(self.transport.where(DISPATCHER), node_id, message)

    # -------------------------------------------------------------- sessions
    def register(self, node_id: str) -> None:
        """A node's agent opens a session: the node becomes READY and gets its tasks."""
        self.leases.release(node_id)
        self.sessions[node_id] = None
        if not self.ctx.leadership.active:
            return
        node = self.ctx.store.nodes.get(node_id)
        if node is None:
            return
        self._down_since.pop(node.id, None)
        self._grace[node.id] = self.ctx.settings.grace_multiplier
        # the deadline runs from registration, before the first heartbeat
        self._arm_deadline(node.id, self.ctx.settings.heartbeat_period)
        if node.status != NodeStatus.READY or node.status_message:
            node.status = NodeStatus.READY
            node.status_message = ""
            self.ctx.store.update_node(node)
        tasks = tuple(t for t in self.ctx.store.tasks_on_node(node.id) if t.state >= _ASSIGNED)
        under_way = (t for t in tasks if t.state <= _RUNNING)
        dependencies = self.dependencies.sync(node.id, under_way)
        self.transport.post(self.transport.where(DISPATCHER), node.id, Sync(tasks, dependencies))

    def heartbeat(self, node_id: str) -> float:
        """Record a heartbeat and return the period until the next one."""
        self.leases.catch_up(self._clock())  # the leased beats before it draw first
        settings = self.ctx.settings
        eps = settings.heartbeat_epsilon
        period = settings.heartbeat_period + self._rng.uniform(-eps, eps)
        if not self.ctx.leadership.active:
            return period
        if node_id not in self._deadline:
            # marked down, the node is no longer registered (markNodeNotReady deletes it
            # from the dispatcher's node store): the heartbeat fails, the agent registers again
            self._reregister(node_id)
            return period
        self._arm_deadline(node_id, period)
        return period

    def _arm_deadline(self, node_id: str, period: float) -> None:
        multiplier = self._grace.get(node_id, self.ctx.settings.grace_multiplier)
        deadline = self._clock() + period * multiplier
        self._deadline[node_id] = deadline
        pending = self._timer_at.get(node_id)
        if pending is None or pending > deadline:
            self._start_timer(node_id, deadline)
        # else the pending timer fires first and re-arms itself for the new deadline

    def _start_timer(self, node_id: str, at: float) -> None:
        self._timer_at[node_id] = at
        self.ctx.sim.call_later(at - self._clock(), self._check_deadline, node_id, at)

    def _check_deadline(self, node_id: str, at: float) -> None:
        leases = self.leases
        if leases.leased(node_id):
            leases.catch_up(self._clock())  # its heartbeats up to now
        if self._timer_at.get(node_id) != at:
            return  # superseded by an earlier timer
        del self._timer_at[node_id]
        deadline = self._deadline.get(node_id)
        if deadline is None or not self.ctx.leadership.active:
            return
        if deadline > self._clock():
            # heartbeats came meanwhile: check again at the new deadline
            if not leases.check_due(node_id, deadline):
                self._start_timer(node_id, deadline)
            return
        node = self.ctx.store.nodes.get(node_id)
        if node is None or node.status == NodeStatus.DOWN:
            return
        self.mark_down(node)

    def mark_down(self, node: Node) -> None:
        """Declare a node DOWN after a missed heartbeat deadline."""
        self.leases.release(node.id)
        unknown = node.status == NodeStatus.UNKNOWN
        node.status = NodeStatus.DOWN
        node.status_message = (
            'heartbeat failure for node in "unknown" state' if unknown else "heartbeat failure"
        )
        self._deadline.pop(node.id, None)
        self.ctx.store.update_node(node)
        since = self.ctx.now
        self._down_since[node.id] = since
        self.ctx.sim.call_later(
            self.ctx.settings.node_down_orphan_period, self._orphan_tasks, node.id, since
        )

    def _orphan_tasks(self, node_id: str, since: float) -> None:
        if self._down_since.get(node_id) != since or not self.ctx.leadership.active:
            return
        store = self.ctx.store
        for task in list(store.tasks_on_node(node_id)):
            if _ASSIGNED <= task.state <= _RUNNING:
                task.status = self.ctx.statuses.stamp(self.ctx.now, _ORPHANED, task.status.message)
                store.update_task(task)

    def _on_leadership(self, active: bool) -> None:
        self.leases.release_all()
        if not active:
            self._deadline.clear()
            return
        # a new leader: every node not already down is UNKNOWN until it re-registers
        settings = self.ctx.settings
        for node in list(self.ctx.store.nodes.values()):
            if node.status == NodeStatus.DOWN:
                continue
            node.status = NodeStatus.UNKNOWN
            node.status_message = UNKNOWN_MESSAGE
            self.ctx.store.update_node(node)
            self._grace[node.id] = settings.grace_multiplier * 2
            self._arm_deadline(node.id, settings.heartbeat_period)
        for node_id in list(self.sessions):
            self.ctx.sim.call_later(settings.heartbeat_period, self._reregister, node_id)
        if self._updates and not self._flush_scheduled:
            self._schedule_flush()

    def _reregister(self, node_id: str) -> None:
        # the agents still in session (they hear it) open a new one at once
        if self.ctx.leadership.active:
            self.transport.call(self.transport.where(DISPATCHER), node_id, Reregister())

    # ---------------------------------------------------------- status flow
    def _receive(self, task_id: str, status: TaskStatus) -> None:
        # (inlined in receive: keep the two alike)
        self._updates[task_id] = status
        if not self._flush_scheduled and self.ctx.leadership.active:
            self._schedule_flush()

    def _schedule_flush(self) -> None:
        self._flush_scheduled = True
        self.ctx.sim.call_later(self.ctx.settings.dispatcher_batch, self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if not self.ctx.leadership.active:
            return
        updates, self._updates = self._updates, {}
        store = self.ctx.store
        tasks = store.tasks
        update_task = store.update_task
        now = self.ctx.now
        for task_id, status in updates.items():
            task = tasks.get(task_id)
            if task is None:
                continue  # task deleted
            state = status.state
            known = task.status.state
            if state < known:
                continue  # an invalid backwards transition
            if state == known and (not status.message or status is task.status):
                continue  # a re-report of what the manager already knows
            task.status = status
            task.applied_at = now
            update_task(task)

    # ---------------------------------------------------------- assignments
    def _on_node_event(self, event: StoreEvent) -> None:
        """A deleted node's session ends (its machine stops its containers)."""
        assert isinstance(event, NodeEvent)
        if event.action is _DELETE:
            self.leases.release(event.node.id)
            self._deadline.pop(event.node.id, None)
            self.sessions.pop(event.node.id, None)
            self.dependencies.forget(event.node.id)

    def _on_task_event(self, event: TaskEvent) -> None:
        # one unpacking of the event tuple is cheaper than four attribute reads
        action, task, prev_state, prev_desired, prev_node = event
        if action is _DELETE:
            if prev_node and prev_state is not None:
                self._send(prev_node, Remove(task.id))
                if prev_state <= _RUNNING and uses_dependencies(task):
                    self._release(prev_node, task)
            return
        node_id = task.node_id
        state = task.status.state
        if not node_id or state < _ASSIGNED:
            return
        desired = task.desired_state
        if prev_state is None or prev_state < _ASSIGNED:
            # newly assigned: with the secrets and configs it needs
            if uses_dependencies(task):
                self._send(node_id, Assign(task, desired, self.dependencies.assign(node_id, task)))
            else:
                self._send(node_id, Assign(task, desired))
        elif prev_desired != desired:
            self._send(node_id, Assign(task, desired))
        if (
            state > _RUNNING
            and (prev_state is None or prev_state <= _RUNNING)
            and uses_dependencies(task)
        ):
            self._release(node_id, task)  # it ended: its secrets and configs may go

    def _release(self, node_id: str, task: Task) -> None:
        unused = self.dependencies.release(node_id, task)
        if unused:
            self._send(node_id, Release(unused))
