"""The store: a slot's tasks in creation order through deletions; which watchers hear what."""

from __future__ import annotations

from collections.abc import Callable

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Task
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
    task = Task("t", "svc", "web", 1, SPEC, 0, node_id="n1")
    task.status.state = TaskState.ASSIGNED
    store.create_task(task)
    heard.clear()
    for state in (TaskState.PREPARING, TaskState.RUNNING, TaskState.FAILED):
        task.status.state = state
        store.update_task(task)
    everyone = ["all", "running", "none", "all again"]
    assert heard == [
        ("all", TaskState.PREPARING),
        ("all again", TaskState.PREPARING),
        *[(name, TaskState.RUNNING) for name in everyone if name != "none"],
        *[(name, TaskState.FAILED) for name in everyone],  # not a progress step
    ]
