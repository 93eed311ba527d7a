"""Assignment decisions end to end on a store: explanations, ranking, spread.

Behaviour: docs/behaviour.md#ranking-nodes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from scheduler_helpers import (
    CPU,
    add_node,
    add_service,
    add_task,
    add_tasks,
    hostname,
    per_host,
    run,
    set_desired,
    set_state,
)

from swarmsim.api.enums import Availability, NodeStatus, ServiceMode, TaskState
from swarmsim.api.objects import Service
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.manager.scheduler import Scheduler
from swarmsim.manager.scheduler.nodeinfo import MAX_FAILURES, MONITOR_FAILURES

CONFIRMED = "scheduler confirmed task can run on preassigned node"


# --------------------------------------------------- explanations (2.3/2.4)
def test_no_suitable_node_lists_filters_by_count() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "small-1", cpus=1)
    add_node(ctx, "small-2", cpus=1)
    add_node(ctx, "drained", cpus=8, availability=Availability.DRAIN)
    task = add_task(ctx, add_service(ctx, cpus=2))
    run(ctx)
    assert task.state == TaskState.PENDING
    assert task.node_id == ""
    assert task.status.err == (
        "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
    )
    assert task.status.message == "pending task scheduling"


def test_explanation_ties_keep_pipeline_order() -> None:
    ctx = Context.create(seed=3)
    Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    add_node(ctx, "down", status=NodeStatus.DOWN)
    add_node(ctx, "elsewhere", labels={"zone": "west"})
    task = add_task(ctx, add_service(ctx, cpus=2, constraints=("node.labels.zone==east",)))
    run(ctx)
    assert task.status.err == (
        "no suitable node (1 node not available for new tasks; insufficient resources on 1 node; "
        "scheduling constraints not satisfied on 1 node)"
    )


def test_no_nodes_gives_the_bare_no_suitable_node() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    task = add_task(ctx, add_service(ctx))
    run(ctx)
    assert task.status.err == "no suitable node"


def test_max_replicas_text_has_no_count() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "a")
    add_node(ctx, "b")
    tasks = add_tasks(ctx, add_service(ctx, max_replicas=1), 3)
    run(ctx)
    assert per_host(ctx, tasks) == Counter({"a": 1, "b": 1})
    pending = [t for t in tasks if t.state == TaskState.PENDING]
    assert len(pending) == 1
    assert pending[0].status.err == "no suitable node (max replicas per node limit exceed)"


def test_counters_reset_when_a_node_passes() -> None:
    # the down node fails first, but later passes of "a"/"b" wipe its count
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "a")
    add_node(ctx, "b")
    add_node(ctx, "down", status=NodeStatus.DOWN)
    tasks = add_tasks(ctx, add_service(ctx, max_replicas=1), 3)
    run(ctx, 0.01)  # first tick only
    (pending,) = [t for t in tasks if t.state == TaskState.PENDING]
    assert pending.status.err == "no suitable node (max replicas per node limit exceed)"
    # the error write is a commit: 50 ms later the task is retried alone, no node
    # passes and the counts are complete
    run(ctx)
    assert pending.status.err == (
        "no suitable node (max replicas per node limit exceed; 1 node not available for new tasks)"
    )
    assert pending.status.timestamp == pytest.approx(0.05)


def test_identical_error_keeps_its_first_timestamp() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    task = add_task(ctx, service)
    run(ctx)
    first = task.status.timestamp
    assert task.status.err == "no suitable node (insufficient resources on 1 node)"
    add_node(ctx, "small-2", cpus=1)  # node change: retried, different text
    run(ctx)
    assert task.status.err == "no suitable node (insufficient resources on 2 nodes)"
    second = task.status.timestamp
    assert second > first
    ctx.store.update_node(ctx.store.node_by_name("small-2"))  # type: ignore[arg-type]
    run(ctx)
    assert task.status.timestamp == second  # same error: not rewritten


# ------------------------------------------------------- node ranking (2.5)
def test_fewer_service_tasks_beats_fewer_total_tasks() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    b = add_node(ctx, "b")
    web = add_service(ctx, "web")
    db = add_service(ctx, "db")
    add_task(ctx, web, node=a, state=TaskState.RUNNING)
    for i in range(5):
        add_task(ctx, db, slot=i + 1, node=b, state=TaskState.RUNNING)
    task = add_task(ctx, web, slot=2)
    run(ctx)
    assert hostname(ctx, task) == "b"


def test_fewer_total_tasks_breaks_ties() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    add_node(ctx, "b")
    db = add_service(ctx, "db")
    add_task(ctx, db, node=a, state=TaskState.RUNNING)
    task = add_task(ctx, add_service(ctx, "web"))
    run(ctx)
    assert hostname(ctx, task) == "b"


def test_fill_to_the_next_nodes_level_then_move_on() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    b = add_node(ctx, "b")
    c = add_node(ctx, "c")
    web = add_service(ctx, "web")
    add_task(ctx, add_service(ctx, "db"), node=a, state=TaskState.RUNNING)
    existing = [
        add_task(ctx, web, slot=s, node=n, state=TaskState.RUNNING)
        for s, n in ((1, b), (2, b), (3, c), (4, c))
    ]
    new = add_tasks(ctx, web, 4, spec_version=1)
    run(ctx)
    # a is filled until it is no better than b/c (2 web tasks, more in total),
    # then b and c get one each
    assert per_host(ctx, new) == Counter({"a": 2, "b": 1, "c": 1})
    assert all(t.state == TaskState.RUNNING for t in existing)


def test_round_robin_after_the_first_pass() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    for name in ("a", "b", "c"):
        add_node(ctx, name)
    tasks = add_tasks(ctx, add_service(ctx), 7)
    run(ctx)
    assert sorted(per_host(ctx, tasks).values()) == [2, 2, 3]


def test_resources_are_a_filter_not_a_score() -> None:
    ctx = Context.create(seed=2)
    Scheduler(ctx)
    add_node(ctx, "big", cpus=64)
    add_node(ctx, "small", cpus=1)
    tasks = add_tasks(ctx, add_service(ctx, cpus=1), 4)
    run(ctx)
    assert per_host(ctx, tasks) == Counter({"big": 3, "small": 1})


def test_faulty_node_rule() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    b = add_node(ctx, "b")
    web = add_service(ctx)
    add_task(ctx, web, node=b, state=TaskState.RUNNING)
    for i in range(MAX_FAILURES):
        failed = add_task(ctx, web, slot=10 + i, node=a, state=TaskState.RUNNING)
        set_state(ctx, failed, TaskState.FAILED)
    run(ctx, 10)
    task = add_task(ctx, web, slot=2)
    run(ctx)
    assert hostname(ctx, task) == "b"  # a has fewer web tasks but 5 recent failures
    run(ctx, MONITOR_FAILURES)
    later = add_task(ctx, web, slot=3)
    run(ctx)
    assert hostname(ctx, later) == "a"  # failures expired


def test_four_failures_do_not_make_a_node_faulty() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    a = add_node(ctx, "a")
    b = add_node(ctx, "b")
    web = add_service(ctx)
    add_task(ctx, web, node=b, state=TaskState.RUNNING)
    for i in range(MAX_FAILURES - 1):
        failed = add_task(ctx, web, slot=10 + i, node=a, state=TaskState.RUNNING)
        set_state(ctx, failed, TaskState.REJECTED)
    task = add_task(ctx, web, slot=2)
    run(ctx)
    assert hostname(ctx, task) == "a"


def test_host_port_tasks_of_one_batch_spread_one_per_node() -> None:
    ctx = Context.create(seed=4)
    Scheduler(ctx)
    add_node(ctx, "a")
    add_node(ctx, "b")
    tasks = add_tasks(ctx, add_service(ctx, host_port=80), 3)
    run(ctx)
    assert per_host(ctx, tasks) == Counter({"a": 1, "b": 1})
    (pending,) = [t for t in tasks if t.state == TaskState.PENDING]
    assert pending.status.err == "no suitable node (host-mode port already in use on 2 nodes)"


# ------------------------------------------------------------- spread (2.7)
def test_spread_balances_per_label_value() -> None:
    ctx = Context.create(seed=5)
    Scheduler(ctx)
    for name, zone in [
        ("e1", "east"),
        ("e2", "east"),
        ("e3", "east"),
        ("s1", "south"),
        ("s2", "south"),
        ("w1", "west"),
    ]:
        add_node(ctx, name, labels={"zone": zone})
    tasks = add_tasks(ctx, add_service(ctx, preferences=("node.labels.zone",)), 9)
    run(ctx)
    hosts = per_host(ctx, tasks)
    by_zone = Counter({"east": 0, "south": 0, "west": 0})
    for host, count in hosts.items():
        by_zone[{"e": "east", "s": "south", "w": "west"}[host[0]]] += count
    assert by_zone == Counter({"east": 3, "south": 3, "west": 3})
    assert hosts == Counter({"e1": 1, "e2": 1, "e3": 1, "s1": 2, "s2": 1, "w1": 3}) or hosts == (
        Counter({"e1": 1, "e2": 1, "e3": 1, "s1": 1, "s2": 2, "w1": 3})
    )


def test_unlabeled_nodes_form_one_value() -> None:
    ctx = Context.create(seed=6)
    Scheduler(ctx)
    add_node(ctx, "east", labels={"zone": "east"})
    add_node(ctx, "west", labels={"zone": "west"})
    add_node(ctx, "bare-1")
    add_node(ctx, "bare-2")
    tasks = add_tasks(ctx, add_service(ctx, preferences=("node.labels.zone",)), 6)
    run(ctx)
    assert per_host(ctx, tasks) == Counter({"east": 2, "west": 2, "bare-1": 1, "bare-2": 1})


def test_spread_counts_existing_tasks_and_redistributes_shortfall() -> None:
    ctx = Context.create(seed=7)
    Scheduler(ctx)
    east = add_node(ctx, "east", labels={"zone": "east"})
    add_node(ctx, "west", labels={"zone": "west"})
    add_node(ctx, "north-down", labels={"zone": "north"}, status=NodeStatus.DOWN)
    web = add_service(ctx, preferences=("node.labels.zone",))
    for i in range(2):
        add_task(ctx, web, slot=10 + i, node=east, state=TaskState.RUNNING)
    tasks = add_tasks(ctx, web, 4)
    run(ctx)
    # target (2 + 4) / 3 = 2 per value; north cannot take its 2: west gets them
    assert per_host(ctx, tasks) == Counter({"west": 4})


def test_preferences_never_override_constraints() -> None:
    ctx = Context.create(seed=8)
    Scheduler(ctx)
    add_node(ctx, "east", labels={"zone": "east", "tier": "front"})
    add_node(ctx, "west", labels={"zone": "west"})
    service = add_service(
        ctx, constraints=("node.labels.tier==front",), preferences=("node.labels.zone",)
    )
    tasks = add_tasks(ctx, service, 4)
    run(ctx)
    assert per_host(ctx, tasks) == Counter({"east": 4})


def test_engine_label_spread() -> None:
    ctx = Context.create(seed=9)
    Scheduler(ctx)
    for name, rack in (("a", "1"), ("b", "1"), ("c", "2")):
        node = add_node(ctx, name)
        node.engine_labels = make_labels({"rack": rack})
        ctx.store.update_node(node)
    tasks = add_tasks(ctx, add_service(ctx, preferences=("engine.labels.rack",)), 4)
    run(ctx)
    hosts = per_host(ctx, tasks)
    assert hosts["c"] == 2
    assert hosts["a"] + hosts["b"] == 2


# -------------------------------------------------------- preassigned (2.8)
def test_preassigned_task_is_confirmed() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a")
    task = add_task(ctx, add_service(ctx, mode=ServiceMode.GLOBAL), slot=0, node=node)
    run(ctx)
    assert task.state == TaskState.ASSIGNED
    assert task.node_id == node.id
    assert task.status.message == CONFIRMED


def test_preassigned_task_that_does_not_fit_gets_the_bare_explanation() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    small = add_node(ctx, "small", cpus=1)
    drained = add_node(ctx, "drained", availability=Availability.DRAIN)
    service = add_service(ctx, cpus=2, mode=ServiceMode.GLOBAL)
    on_small = add_task(ctx, service, slot=0, node=small)
    on_drained = add_task(ctx, service, slot=0, node=drained)
    run(ctx)
    assert on_small.state == TaskState.PENDING
    assert on_small.status.err == "insufficient resources on 1 node"
    assert on_drained.status.err == "1 node not available for new tasks"
    info = scheduler.node_info(small.id)
    assert info is not None
    assert info.tasks == {}  # not held while pending
    small.nano_cpus = 4 * CPU  # retried on every scheduling pass
    ctx.store.update_node(small)
    run(ctx)
    assert on_small.state == TaskState.ASSIGNED
    assert on_small.status.message == CONFIRMED
    assert on_small.status.err == ""


def test_preassigned_tasks_go_before_unassigned_ones() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    node = add_node(ctx, "a", cpus=2)
    replicated = add_task(ctx, add_service(ctx, "web", cpus=2))
    global_task = add_task(
        ctx, add_service(ctx, "agent", cpus=2, mode=ServiceMode.GLOBAL), slot=0, node=node
    )
    run(ctx)
    assert global_task.state == TaskState.ASSIGNED
    assert replicated.status.err == "no suitable node (insufficient resources on 1 node)"


# --------------------------------------------------- no suitable node (2.9)
def _new_image(service: Service) -> None:
    """Give the service a new spec version with a different image (its tasks are dirty)."""
    container = replace(service.spec.task.container, image="nginx:next")
    service.spec = replace(service.spec, task=replace(service.spec.task, container=container))
    service.spec_version += 1


def test_obsolete_pending_task_is_shut_down_by_the_scheduler() -> None:
    ctx = Context.create(seed=1)
    Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    task = add_task(ctx, service)
    run(ctx)
    assert task.status.err.startswith("no suitable node")
    _new_image(service)
    ctx.store.update_service(service)
    set_desired(ctx, task, TaskState.SHUTDOWN)
    run(ctx)
    assert task.state == TaskState.SHUTDOWN
    assert task.status.err == ""
    assert task.node_id == ""


def test_obsolete_task_still_wanted_is_left_alone() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    task = add_task(ctx, service, spec_version=1)
    service.spec_version = 1
    _new_image(service)
    ctx.store.update_service(service)
    run(ctx)
    assert task.state == TaskState.PENDING
    assert task.status.err == ""
    assert scheduler.queued == 0  # set aside until the task changes again


def test_an_older_version_with_the_same_spec_stays_queued() -> None:
    """After a scale the pending task is current: it is placed once a node fits."""
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    task = add_task(ctx, service, spec_version=1)
    service.spec = replace(service.spec, replicas=service.spec.replicas + 1)
    service.spec_version = 2
    ctx.store.update_service(service)
    run(ctx)
    assert task.status.err.startswith("no suitable node")
    assert scheduler.queued == 1
    add_node(ctx, "big", cpus=4)
    run(ctx)
    assert (task.state, hostname(ctx, task)) == (TaskState.ASSIGNED, "big")


def test_a_rollback_makes_a_set_aside_task_current_and_queues_it_again() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    small = add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    task = add_task(ctx, service, spec_version=1)
    service.spec_version = 1
    original = service.spec
    _new_image(service)
    ctx.store.update_service(service)
    run(ctx)
    assert scheduler.queued == 0
    add_node(ctx, "big", cpus=4)  # a node that fits, while the task is still obsolete
    run(ctx)
    assert task.state == TaskState.PENDING
    service.spec, service.spec_version = original, 1  # a rollback restores spec and version
    ctx.store.update_service(service)
    run(ctx)
    assert task.state == TaskState.ASSIGNED
    assert hostname(ctx, task) == "big"
    assert small.id != task.node_id


def test_set_aside_tasks_of_a_deleted_service_are_forgotten() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    add_node(ctx, "small", cpus=1)
    service = add_service(ctx, cpus=2)
    add_task(ctx, service, spec_version=1)
    service.spec_version = 1
    _new_image(service)
    ctx.store.update_service(service)
    run(ctx)
    assert scheduler._book.aside
    ctx.store.delete_service(service.id)
    run(ctx)
    assert scheduler.queued == 0
    assert scheduler._book.aside == {}


def test_tasks_of_a_deleted_service_are_dropped() -> None:
    ctx = Context.create(seed=1)
    scheduler = Scheduler(ctx)
    service = add_service(ctx)
    task = add_task(ctx, service)
    ctx.store.delete_service(service.id)
    run(ctx)
    assert task.status.err == ""
    assert scheduler.queued == 0


# -------------------------------------------------------------- determinism
def placements(seed: int) -> list[str]:
    ctx = Context.create(seed=seed)
    Scheduler(ctx)
    for i in range(10):
        add_node(ctx, f"n{i}")
    tasks = add_tasks(ctx, add_service(ctx), 3)
    run(ctx)
    return [hostname(ctx, t) for t in tasks]


def test_same_seed_same_placements() -> None:
    assert placements(11) == placements(11)


def test_ties_are_broken_by_the_seed() -> None:
    results = {tuple(placements(seed)) for seed in range(8)}
    assert len(results) > 1
    for result in results:
        assert len(set(result)) == 3  # always one per node
