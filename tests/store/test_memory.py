"""The store: a slot's tasks in creation order through deletions; a task's index keys through
commits; which watchers hear what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace

import pytest

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task, TaskStatus
from swarmsim.api.specs import ContainerSpec, TaskSpec
from swarmsim.store import Store, TaskEvent
from swarmsim.trace import Trace

SPEC = TaskSpec(ContainerSpec("app"))


def test_a_slot_keeps_its_tasks_in_creation_order_through_deletions() -> None:
    store = Store(Trace(), lambda: 0.0)
    tasks = [Task(f"t{i}", "svc", "web", 1, SPEC, i) for i in range(4)]
    other = Task("o", "svc", "web", 2, SPEC, 0)
    for task in [*tasks, other]:
        store.create_task(task)
    store.delete_task("t1")
    assert [t.id for t in store.tasks_in_slot("svc", 1)] == ["t0", "t2", "t3"]
    assert [t.id for t in store.tasks_in_slot("svc", 2)] == ["o"]
    for task_id in ("t0", "t2", "t3"):
        store.delete_task(task_id)
    assert list(store.tasks_in_slot("svc", 1)) == []
    assert [r.event for r in store.trace if r.id == "t1"] == ["create", "delete"]


def test_a_slot_grows_a_history_and_shrinks_back_to_one_task() -> None:
    store = Store(Trace(), lambda: 0.0)
    first, second, third = (Task(f"t{i}", "svc", "web", 3, SPEC, i) for i in range(3))
    store.create_task(first)
    assert [t.id for t in store.tasks_in_slot("svc", 3)] == ["t0"]
    store.create_task(second)
    store.delete_task("t0")  # the history shrinks to the newer task
    assert [t.id for t in store.tasks_in_slot("svc", 3)] == ["t1"]
    store.create_task(third)  # and grows again after it
    assert [t.id for t in store.tasks_in_slot("svc", 3)] == ["t1", "t2"]
    store.delete_task("t2")
    store.delete_task("t1")
    assert list(store.tasks_in_slot("svc", 3)) == []
    assert list(store.tasks_in_slot("gone", 3)) == []
    store.create_task(first)  # a service whose last task left starts afresh
    assert [t.id for t in store.tasks_in_slot("svc", 3)] == ["t0"]


def test_task_watchers_hear_the_progress_steps_they_asked_for_in_registration_order() -> None:
    store = Store(Trace(), lambda: 0.0)
    heard: list[tuple[str, TaskState]] = []

    def watcher(name: str) -> Callable[[TaskEvent], None]:
        return lambda event: heard.append((name, event.task.status.state))

    store.watch(watcher("all"), TaskEvent)
    store.watch(watcher("running"), TaskEvent, progress="running")
    store.watch(watcher("none"), TaskEvent, progress=False)
    store.watch(watcher("all again"), TaskEvent, progress=True)
    task = Task("t", "svc", "web", 1, SPEC, 0, node_id="n1", status=TaskStatus(TaskState.ASSIGNED))
    store.create_task(task)
    heard.clear()
    for state in (TaskState.PREPARING, TaskState.RUNNING, TaskState.FAILED):
        task.status = TaskStatus(state)
        store.update_task(task)
    everyone = ["all", "running", "none", "all again"]
    assert heard == [
        ("all", TaskState.PREPARING),
        ("all again", TaskState.PREPARING),
        *[(name, TaskState.RUNNING) for name in everyone if name != "none"],
        *[(name, TaskState.FAILED) for name in everyone],  # not a progress step
    ]


def test_a_commit_moves_the_task_between_indexes_by_the_keys_it_was_last_committed_under() -> None:
    store = Store(Trace(), lambda: 0.0)
    events: list[TaskEvent] = []
    store.watch(events.append, TaskEvent)
    task = Task("t", "svc", "web", 1, SPEC, 0)
    store.create_task(task)
    assert (task.committed_node_id, task.committed_desired, task.committed_state) == (
        "",
        TaskState.RUNNING,
        TaskState.NEW,
    )
    task.node_id = "n1"
    task.status = TaskStatus(TaskState.ASSIGNED)
    store.update_task(task)
    assert list(store.tasks_on_node("n1")) == [task]
    assert (events[-1].prev_state, events[-1].prev_node) == (TaskState.NEW, "")
    task.node_id = "n2"
    task.desired_state = TaskState.SHUTDOWN
    store.update_task(task)
    assert list(store.tasks_on_node("n1")) == []
    assert list(store.tasks_on_node("n2")) == [task]
    assert list(store.tasks_with_desired(TaskState.RUNNING)) == []
    assert list(store.tasks_with_desired(TaskState.SHUTDOWN)) == [task]
    assert (events[-1].prev_desired, events[-1].prev_node) == (TaskState.RUNNING, "n1")
    store.delete_task("t")  # the index keys of the last commit, not the task's fields
    assert list(store.tasks_on_node("n2")) == []
    assert (events[-1].prev_state, events[-1].prev_desired) == (
        TaskState.ASSIGNED,
        TaskState.SHUTDOWN,
    )


def test_the_index_keys_are_not_fields_of_a_task() -> None:
    task = Task("t", "svc", "web", 1, SPEC, 0)
    Store(Trace(), lambda: 0.0).create_task(task)
    assert not [f.name for f in fields(task) if f.name.startswith("committed")]
    copy = replace(task)
    assert copy == task  # equality ignores them
    with pytest.raises(AttributeError):
        copy.committed_state  # noqa: B018 - a copy is not in the store: unset


def test_tasks_with_a_desired_state_whether_indexed_or_scanned() -> None:
    store = Store(Trace(), lambda: 0.0)
    tasks = [Task(f"t{i}", "svc", "web", i, SPEC, 0) for i in range(4)]
    for task in tasks:
        store.create_task(task)
    for task in (tasks[2], tasks[0]):  # READY is indexed: listed in the order they got it
        task.desired_state = TaskState.READY
        store.update_task(task)
    assert [t.id for t in store.tasks_with_desired(TaskState.READY)] == ["t2", "t0"]
    tasks[2].desired_state = TaskState.RUNNING  # RUNNING is scanned: creation order
    store.update_task(tasks[2])
    assert [t.id for t in store.tasks_with_desired(TaskState.RUNNING)] == ["t1", "t2", "t3"]
    tasks[3].desired_state = TaskState.SHUTDOWN
    store.update_task(tasks[3])
    store.delete_task("t0")
    assert [t.id for t in store.tasks_with_desired(TaskState.READY)] == []
    assert [t.id for t in store.tasks_with_desired(TaskState.SHUTDOWN)] == ["t3"]
    assert [t.id for t in store.tasks_with_desired(TaskState.RUNNING)] == ["t1", "t2"]
