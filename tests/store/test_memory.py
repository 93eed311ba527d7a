"""The store's slot index: a slot's tasks in creation order, through deletions."""

from __future__ import annotations

from swarmsim.api.objects import Task
from swarmsim.api.specs import ContainerSpec, TaskSpec
from swarmsim.store import Store
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
