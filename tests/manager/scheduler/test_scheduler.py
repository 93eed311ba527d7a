"""The scheduler's life cycle end to end on a store: debounce, ticks, leadership.

Behaviour: docs/behaviour.md#scheduler.
"""

from __future__ import annotations

import pytest
from scheduler_helpers import add_node, add_service, add_task, at, run

from swarmsim.api.enums import NodeStatus, TaskState
from swarmsim.api.objects import Task
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.manager.scheduler import Scheduler

ASSIGNED = "scheduler assigned task to node"


# -------------------------------------- basic assignment and debounce (2.1)
def test_pending_task_is_assigned() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "worker-1")
    task = add_task(ctx, add_service(ctx))
    run(ctx)
    assert task.state == TaskState.ASSIGNED
    assert task.node_id == node.id
    assert task.status.message == ASSIGNED
    assert task.status.err == ""


def test_debounce_assigns_50ms_after_a_single_commit() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "worker-1")
    service = add_service(ctx)
    run(ctx, 1.0)
    created: list[Task] = []
    at(ctx, 0.5, lambda: created.append(add_task(ctx, service)))
    run(ctx, 0.549)
    assert created[0].state == TaskState.PENDING
    run(ctx, 1.0)
    assert created[0].state == TaskState.ASSIGNED
    assert created[0].status.timestamp == pytest.approx(1.55)


def test_debounce_is_pushed_back_by_commits_but_capped_at_one_second() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "worker-1")
    service = add_service(ctx)
    other = add_service(ctx, "other")
    run(ctx, 1.0)
    task = add_task(ctx, service)  # t = 1.0: debounce starts

    def churn() -> None:  # a commit every 30 ms keeps pushing the timer back
        ctx.store.update_service(other)
        if ctx.now < 3.0:
            at(ctx, 0.03, churn)

    at(ctx, 0.03, churn)
    run(ctx, 0.99)
    assert task.state == TaskState.PENDING
    run(ctx, 1.5)
    # first commit more than 1 s after the debounce started: 1.0 + 34 * 0.03
    assert task.status.timestamp == pytest.approx(2.02)


# ---------------------------------------- node changes trigger a tick (2.1)
def test_retry_when_a_node_gets_the_label() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a")
    task = add_task(ctx, add_service(ctx, constraints=("node.labels.zone==east",)))
    run(ctx, 5)
    assert task.status.err == "no suitable node (scheduling constraints not satisfied on 1 node)"
    node.labels = make_labels({"zone": "east"})
    ctx.store.update_node(node)
    changed = ctx.now
    run(ctx)
    assert task.state == TaskState.ASSIGNED
    assert task.status.timestamp == pytest.approx(changed + 0.05)  # no back-off


def test_retry_when_a_node_becomes_ready() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a", status=NodeStatus.DOWN)
    task = add_task(ctx, add_service(ctx))
    run(ctx, 30)
    assert task.status.err == "no suitable node (1 node not available for new tasks)"
    node.status = NodeStatus.READY
    ctx.store.update_node(node)
    run(ctx)
    assert task.node_id == node.id


# --------------------------------------------------------------- leadership
def test_nothing_happens_without_a_leader_and_state_is_rebuilt() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    node = add_node(ctx, "a", cpus=2)
    web = add_service(ctx, cpus=1)
    running = add_task(ctx, web, node=node, state=TaskState.RUNNING)
    run(ctx)
    ctx.leadership.set(False)
    assert not scheduler.active
    task = add_task(ctx, web, slot=2)
    blocked = add_task(ctx, web, slot=3)
    run(ctx, 5)
    assert task.state == TaskState.PENDING
    ctx.leadership.set(True)
    info = scheduler.node_info(node.id)
    assert info is not None
    assert running.id in info.tasks
    regained = ctx.now
    run(ctx)
    assigned = [t for t in (task, blocked) if t.state == TaskState.ASSIGNED]
    assert len(assigned) == 1
    assert assigned[0].status.timestamp == regained  # at once, no debounce


def test_losing_leadership_cancels_a_pending_run() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "a")
    service = add_service(ctx)
    run(ctx)
    task = add_task(ctx, service)
    ctx.leadership.set(False)
    run(ctx)
    assert task.state == TaskState.PENDING
