"""What the scheduler tracks, end to end on a store: tasks, resources, failures (2.1, 2.2)."""

from __future__ import annotations

from scheduler_helpers import (
    CPU,
    add_node,
    add_service,
    add_task,
    hostname,
    run,
    set_desired,
    set_state,
)

from swarmsim.api.enums import NodeStatus, ServiceMode, TaskState
from swarmsim.context import Context
from swarmsim.manager.scheduler import Scheduler
from swarmsim.manager.scheduler.nodeinfo import MAX_FAILURES


# -------------------------------------------- which tasks are tracked (2.1)
def test_tasks_before_pending_are_ignored() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "worker-1")
    task = add_task(ctx, add_service(ctx), state=TaskState.NEW)
    run(ctx)
    assert task.state == TaskState.NEW
    set_state(ctx, task, TaskState.PENDING)  # the allocator's move
    run(ctx)
    assert task.state == TaskState.ASSIGNED


def test_each_tracked_task_carries_the_node_holding_it_until_forgotten() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    node = add_node(ctx, "a")
    service = add_service(ctx)
    queued, early = add_task(ctx, service), add_task(ctx, service, slot=2, state=TaskState.NEW)
    assert (queued.scheduler_node, early.scheduler_node) == ("", None)
    run(ctx)
    assert queued.scheduler_node == node.id  # assigned: held by the node's bookkeeping
    assert scheduler.node_info(node.id).tasks == {queued.id: queued}
    set_state(ctx, queued, TaskState.FAILED)
    assert queued.scheduler_node is None  # forgotten, and released on the node
    assert scheduler.node_info(node.id).tasks == {}
    running = add_task(ctx, service, slot=3, node=node, state=TaskState.RUNNING)
    assert running.scheduler_node == node.id
    ctx.leadership.set(False)  # a stopped scheduler tracks nothing
    assert running.scheduler_node is None
    ctx.leadership.set(True)  # the next leader's scheduler reads the store again
    assert running.scheduler_node == node.id
    ctx.store.delete_task(running.id)
    assert running.scheduler_node is None


def test_update_of_a_queued_task_requeues_it_whatever_its_desired_state() -> None:
    # swarmkit's updateTask does not look at the desired state: a PENDING task
    # scaled down before it was scheduled can still be assigned
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a", status=NodeStatus.DOWN)
    task = add_task(ctx, add_service(ctx))
    run(ctx)
    node.status = NodeStatus.READY
    task.desired_state = TaskState.REMOVE
    ctx.store.update_task(task)
    ctx.store.update_node(node)
    run(ctx)
    assert task.state == TaskState.ASSIGNED


def test_rebuild_skips_pending_tasks_no_longer_wanted() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    ctx.leadership.set(False)
    add_node(ctx, "a")
    service = add_service(ctx)
    removed = add_task(ctx, service, desired=TaskState.REMOVE)
    wanted = add_task(ctx, service, slot=2)
    ctx.leadership.set(True)
    run(ctx)
    assert scheduler.active
    assert removed.state == TaskState.PENDING
    assert removed.status.err == ""
    assert wanted.state == TaskState.ASSIGNED


def test_deleted_node_is_dropped() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    node = add_node(ctx, "a")
    run(ctx)
    ctx.store.delete_node(node.id)
    task = add_task(ctx, add_service(ctx))
    run(ctx)
    assert scheduler.node_info(node.id) is None
    assert task.status.err == "no suitable node"


# ------------------------------------------------ resource accounting (2.2)
def test_resources_held_until_observed_state_passes_running() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    node = add_node(ctx, "a", cpus=2)
    web = add_service(ctx, cpus=2)
    old = add_task(ctx, web, node=node, state=TaskState.RUNNING)
    run(ctx)
    info = scheduler.node_info(node.id)
    assert info is not None
    assert info.active_tasks_count == 1
    set_desired(ctx, old, TaskState.SHUTDOWN)
    assert info.active_tasks_count == 0  # counts drop at once
    assert info.service_count(web.id) == 0
    assert info.available_nano_cpus == 0  # resources still held
    new = add_task(ctx, web, slot=2)
    run(ctx)
    assert new.status.err == "no suitable node (insufficient resources on 1 node)"
    set_state(ctx, old, TaskState.SHUTDOWN)  # observed passes RUNNING: released
    assert info.available_nano_cpus == 2 * CPU
    run(ctx)
    assert new.state == TaskState.ASSIGNED
    assert new.node_id == node.id


def test_deleting_a_task_frees_resources_and_retries() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a", cpus=2)
    web = add_service(ctx, cpus=2)
    old = add_task(ctx, web, node=node, state=TaskState.ASSIGNED)
    new = add_task(ctx, web, slot=2)
    run(ctx)
    assert new.state == TaskState.PENDING
    ctx.store.delete_task(old.id)
    run(ctx)
    assert new.state == TaskState.ASSIGNED


def test_host_port_conflict() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    web = add_service(ctx, "web", host_port=8080)
    add_task(ctx, web, node=a, state=TaskState.RUNNING)
    other = add_task(ctx, add_service(ctx, "api", host_port=8080))
    run(ctx)
    assert other.status.err == "no suitable node (host-mode port already in use on 1 node)"
    add_node(ctx, "b")
    run(ctx)
    assert hostname(ctx, other) == "b"


# ---------------------------------------------------- recent failures (2.2)
def test_failures_of_preassigned_tasks_are_not_recorded() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    node = add_node(ctx, "a")
    service = add_service(ctx, mode=ServiceMode.GLOBAL)
    task = add_task(ctx, service, slot=0, node=node)
    run(ctx)
    set_state(ctx, task, TaskState.FAILED)
    info = scheduler.node_info(node.id)
    assert info is not None
    assert info.recent_failures == {}


def test_failures_count_per_spec_version() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    b = add_node(ctx, "b")
    web = add_service(ctx)
    for i in range(MAX_FAILURES):
        failed = add_task(ctx, web, slot=10 + i, node=a, state=TaskState.RUNNING)
        set_state(ctx, failed, TaskState.FAILED)
    add_task(ctx, web, node=b, state=TaskState.RUNNING, spec_version=2)
    web.spec_version = 2
    ctx.store.update_service(web)
    task = add_task(ctx, web, slot=2)
    run(ctx)
    assert hostname(ctx, task) == "a"  # the failures were of spec version 1
