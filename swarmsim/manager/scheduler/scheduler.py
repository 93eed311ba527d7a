"""The scheduler: assigns PENDING tasks to nodes.

Mirrors ``swarmkit: manager/scheduler/scheduler.go`` (``New``, ``Run`` and its debounce of
store commits) and docs/behaviour.md#scheduler.  What the scheduler knows about tasks and nodes is
kept by :mod:`swarmsim.manager.scheduler.bookkeeping`; what a run decides and writes is
:mod:`swarmsim.manager.scheduler.assign`.

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

Cost: one debounce timer at a time, re-armed rather than replaced, whatever the
number of commits.
"""

from __future__ import annotations

from collections.abc import Mapping

from swarmsim.context import Context, clock_of
from swarmsim.manager.scheduler.assign import Assigner
from swarmsim.manager.scheduler.bookkeeping import Bookkeeping
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.pipeline import Pipeline
from swarmsim.manager.scheduler.ranking import Ranking
from swarmsim.store.events import (
    Action,
    NetworkEvent,
    NodeEvent,
    ServiceEvent,
    StoreEvent,
    TaskEvent,
)

# enum members as module constants: see swarmsim.api.enums (hot path)
_CREATE = Action.CREATE
_DELETE = Action.DELETE
_UPDATE = Action.UPDATE

__all__ = ["Scheduler"]


class Scheduler:
    """Assigns unassigned PENDING tasks to nodes and confirms preassigned ones.

    Parameters
    ----------
    ctx
        The swarm's context.  The scheduler watches ``ctx.store`` and follows
        ``ctx.leadership``; it needs no other component.

    Examples
    --------
    >>> from swarmsim.context import Context, clock_of
    >>> ctx = Context.create(seed=1)
    >>> scheduler = Scheduler(ctx)
    >>> scheduler.node_infos
    {}
    """

    __slots__ = (
        "_active",
        "_assigner",
        "_book",
        "_clock",
        "_ctx",
        "_deadline",
        "_debounce",
        "_debounce_started",
        "_epoch",
        "_max_latency",
        "_run_requested",
        "_tick_required",
        "_timer_token",
        "_token",
    )

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._clock = clock_of(ctx.sim.env)
        self._debounce = ctx.settings.scheduler_debounce
        self._max_latency = ctx.settings.scheduler_max_latency
        self._book = Bookkeeping(ctx)
        self._assigner = Assigner(ctx, self._book)
        self._tick_required = False
        self._active = False
        self._epoch = 0
        self._timer_token: int | None = None
        self._token = 0
        self._deadline = 0.0
        self._debounce_started = 0.0
        self._run_requested = False
        ctx.store.watch(self._on_task_event, TaskEvent)
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.store.watch(self._on_service_event, ServiceEvent)
        # any other commit (networks) still re-arms the debounce
        ctx.store.watch(self._on_other_event, NetworkEvent)
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
        return self._book.nodes

    def node_info(self, node_id: str) -> NodeInfo | None:
        """The bookkeeping of one node, if the scheduler knows it."""
        return self._book.nodes.get(node_id)

    @property
    def queued(self) -> int:
        """Number of tasks waiting in the unassigned queue."""
        return len(self._book.unassigned)

    @property
    def pipeline(self) -> Pipeline:
        """The filter pipeline nodes are run through (may be replaced)."""
        return self._assigner.pipeline

    @pipeline.setter
    def pipeline(self, pipeline: Pipeline) -> None:
        self._assigner.pipeline = pipeline

    @property
    def ranking(self) -> Ranking:
        """How a batch ranks the nodes passing the filters (replaceable; spread by default)."""
        return self._assigner.ranking

    @ranking.setter
    def ranking(self, ranking: Ranking) -> None:
        self._assigner.ranking = ranking

    # ----------------------------------------------------------- leadership
    def _on_leadership(self, active: bool) -> None:
        if active and not self._active:
            self._start()
        elif not active and self._active:
            self._stop()

    def _start(self) -> None:
        self._active = True
        self._epoch += 1
        self._tick_required = False
        self._book.rebuild()
        self._ctx.sim.call_later(0.0, self._initial_run, self._epoch)

    def _stop(self) -> None:
        self._active = False
        self._epoch += 1
        self._timer_token = None
        self._run_requested = False
        self._tick_required = False
        self._book.clear()

    def _initial_run(self, epoch: int) -> None:
        if epoch != self._epoch or not self._active:
            return
        self._assigner.process_preassigned()
        self._tick_required = False
        self._assigner.tick()

    # --------------------------------------------------------------- events
    def _on_task_event(self, event: TaskEvent) -> None:
        # every task commit comes here (progress steps included): the common case of
        # _commit, a pending timer pushed back, is inlined
        if not self._active:
            return
        action = event.action
        if action is _UPDATE:
            required = self._book.update_task(event)
        elif action is _CREATE:
            required = self._book.create_task(event.task)
        else:
            # deleting a task may free node resources: re-evaluate pending tasks
            required = self._book.delete_task(event.task)
        if required:
            self._tick_required = True
        now = self._clock()
        if self._timer_token is not None and now - self._debounce_started <= self._max_latency:
            self._deadline = now + self._debounce  # the pending timer re-arms itself
        else:
            self._commit()

    def _on_node_event(self, event: NodeEvent) -> None:
        if not self._active:
            return
        if event.action is _DELETE:
            self._book.remove_node(event.node.id)
        else:
            self._book.create_or_update_node(event.node)
            self._tick_required = True
        self._commit()

    def _on_service_event(self, event: ServiceEvent) -> None:
        if not self._active:
            return
        service = event.service
        current = None if event.action is _DELETE else service
        if self._book.aside and self._book.current_again(service.id, current):
            self._tick_required = True
        self._commit()

    def _on_other_event(self, event: StoreEvent) -> None:
        if self._active:
            self._commit()

    # ------------------------------------------------------------- debounce
    def _commit(self) -> None:
        now = self._clock()
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
        self._deadline = self._clock() + self._debounce
        self._ctx.sim.call_later(self._debounce, self._on_timer, self._token)

    def _on_timer(self, token: int) -> None:
        if token != self._timer_token:
            return
        remaining = self._deadline - self._clock()
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
        if self._book.pending_preassigned:
            self._assigner.process_preassigned()
        if self._tick_required:
            self._tick_required = False
            self._assigner.tick()
