"""Per-node bookkeeping (``nodeinfo.go``; docs/behaviour.md#per-node-bookkeeping)."""

from __future__ import annotations

import dataclasses

from swarmsim.api.enums import PublishMode, TaskState
from swarmsim.api.objects import Node, Task
from swarmsim.api.specs import ContainerSpec, PortConfig, Resources, TaskSpec
from swarmsim.manager.scheduler.nodeinfo import MONITOR_FAILURES, NodeInfo

CPU = 1_000_000_000
GIB = 1 << 30


def make_task(
    task_id: str,
    service_id: str = "svc",
    *,
    cpus: int = 1,
    desired: TaskState = TaskState.RUNNING,
    ports: tuple[PortConfig, ...] = (),
) -> Task:
    spec = TaskSpec(ContainerSpec("nginx"), reservations=Resources(cpus * CPU, GIB))
    return Task(task_id, service_id, "web", 1, spec, 3, desired_state=desired, host_ports=ports)


def make_info() -> NodeInfo:
    return NodeInfo(Node("n1", "n1", nano_cpus=4 * CPU, memory_bytes=8 * GIB))


def test_add_and_remove_task() -> None:
    info = make_info()
    port = PortConfig(80, 8080, "tcp", PublishMode.HOST)
    assert info.add_task(make_task("a", ports=(port,)))
    assert not info.add_task(make_task("a", ports=(port,)))  # already held
    assert info.available_nano_cpus == 3 * CPU
    assert info.available_memory_bytes == 7 * GIB
    assert info.active_tasks_count == 1
    assert info.service_count("svc") == 1
    assert info.used_host_ports == {("tcp", 8080)}
    assert info.remove_task("a")
    assert not info.remove_task("a")
    assert info.available_nano_cpus == 4 * CPU
    assert info.active_tasks_count == 0
    assert info.active_tasks_count_by_service == {}
    assert info.used_host_ports == set()


def test_active_counts_follow_desired_state_but_resources_stay() -> None:
    info = make_info()
    task = make_task("a", cpus=2)
    info.add_task(task)
    task.desired_state = TaskState.SHUTDOWN
    assert info.add_task(task)
    assert info.active_tasks_count == 0
    assert info.service_count("svc") == 0
    assert info.available_nano_cpus == 2 * CPU  # still reserved
    task.desired_state = TaskState.COMPLETE  # (not normally lowered, but counted again)
    assert info.add_task(task)
    assert info.active_tasks_count == 1


def test_tasks_desired_ready_or_complete_count_as_active() -> None:
    info = make_info()
    info.add_task(make_task("a", desired=TaskState.READY))
    info.add_task(make_task("b", desired=TaskState.COMPLETE))
    info.add_task(make_task("c", desired=TaskState.REMOVE))
    assert info.active_tasks_count == 2
    assert info.available_nano_cpus == 1 * CPU


def test_removing_a_task_no_longer_counted_releases_only_its_resources() -> None:
    info = make_info()
    info.add_task(make_task("a", cpus=2))
    stopping = make_task("b")
    info.add_task(stopping)
    stopping.desired_state = TaskState.SHUTDOWN
    info.add_task(stopping)  # still held, no longer counted
    assert info.inactive == {"b"}
    assert info.remove_task("b")
    assert info.active_tasks_count == 1  # "a" only: "b" was uncounted once, not twice
    assert info.service_count("svc") == 1
    assert info.available_nano_cpus == 2 * CPU
    assert info.inactive == set()
    held_stopped = make_task("c", desired=TaskState.SHUTDOWN)
    assert info.add_task(held_stopped)  # held from the start without counting
    assert info.active_tasks_count == 1
    assert info.remove_task("c")
    assert info.active_tasks_count == 1
    assert info.inactive == set()


def test_update_node_recomputes_available_resources() -> None:
    info = make_info()
    info.add_task(make_task("a", cpus=3))
    bigger = dataclasses.replace(info.node, nano_cpus=8 * CPU)
    info.update_node(bigger)
    assert info.node is bigger
    assert info.available_nano_cpus == 5 * CPU


def test_recent_failures_are_counted_within_five_minutes() -> None:
    info = make_info()
    key = ("svc", 3)
    for t in (0.0, 10.0, 20.0):
        info.task_failed(key, t)
    assert info.count_recent_failures(key, 20.0) == 3
    assert info.count_recent_failures(("svc", 4), 20.0) == 0  # per spec version
    assert info.count_recent_failures(key, MONITOR_FAILURES + 5.0) == 2
    assert info.count_recent_failures(key, MONITOR_FAILURES + 20.0) == 1
    info.task_failed(key, MONITOR_FAILURES + 15.0)  # drops the expired entries
    assert info.recent_failures[key] == [20.0, MONITOR_FAILURES + 15.0]


def test_old_failure_entries_are_cleaned_up() -> None:
    info = make_info()
    info.task_failed(("old", 1), 0.0)
    info.task_failed(("new", 1), 2 * MONITOR_FAILURES)
    assert set(info.recent_failures) == {("new", 1)}
