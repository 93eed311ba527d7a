"""The containers one machine's engine holds: running ones and stopped ones kept.

Every :class:`~swarmsim.agent.executor.TaskController` is remembered here under
its agent from the moment it is created; :func:`containers_of` answers which
of them still have a container on the machine, the way ``swarmkit:
agent/worker.go`` (``reconcileTaskState``) keeps a task's container until the
task is no longer assigned to the node and then removes it
(``agent/exec/dockerapi/controller.go`` ``Remove``).  A task stops being
assigned when it leaves the store: the task reaper deletes it past the task
history limit, or the service is removed.

* a running or starting container is one the agent still controls
  (:func:`live_controllers`, the only place that reads ``Agent.controllers``);
* a stopped container (it exited, failed or was shut down) is kept while its
  task is still in the store;
* a container that never was created (pull error, shut down while preparing),
  or was lost with its machine (crash) or removed with its task, is gone.

Differences
-----------
A stopped container follows the managers' store even on a machine that cannot
hear them (partitioned); the real agent would keep it until it hears of the
deletion.  The table lives on the agent object (an attribute this module
owns), so it goes with a dropped swarm.  Entries are pruned lazily: when a
listing is asked for, and when a machine has remembered twice as many
controllers as at its last pruning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from swarmsim.agent.executor import TaskController
    from swarmsim.agent.worker import Agent

__all__ = ["container_of", "containers_of", "live_controllers", "remember"]


class _Table:
    __slots__ = ("controllers", "pruned_size")

    def __init__(self) -> None:
        self.controllers: dict[str, TaskController] = {}
        self.pruned_size = 64


_ATTRIBUTE = "_engine_containers"
"""The attribute of an agent holding its table (owned by this module, dropped with the agent)."""


def _table(agent: Agent) -> _Table | None:
    table: _Table | None = getattr(agent, _ATTRIBUTE, None)
    return table


def live_controllers(agent: Agent) -> Mapping[str, TaskController]:
    """The controllers the agent runs now (task id -> controller)."""
    return agent.controllers


def _assigned_tasks(agent: Agent) -> Mapping[str, object] | None:
    """The store's tasks as the agent's managers see them, if reachable."""
    dispatcher = getattr(agent, "dispatcher", None)
    store = getattr(getattr(dispatcher, "ctx", None), "store", None)
    return getattr(store, "tasks", None)


def _keep(agent: Agent, tasks: Mapping[str, object] | None) -> Callable[[TaskController], bool]:
    live = live_controllers(agent)

    def keep(controller: TaskController) -> bool:
        if controller.task_id in live and live[controller.task_id] is controller:
            return True
        if controller.finished_at is None:
            return False  # never created, crashed, or removed while it ran
        return tasks is None or controller.task_id in tasks

    return keep


def remember(agent: Agent, controller: TaskController) -> None:
    """Record a new controller of ``agent`` (pruning the machine's table now and then)."""
    table = _table(agent)
    if table is None:
        table = _Table()
        setattr(agent, _ATTRIBUTE, table)
    table.controllers[controller.task_id] = controller
    if len(table.controllers) > 2 * table.pruned_size:
        _prune(agent, table, _assigned_tasks(agent))


def _prune(agent: Agent, table: _Table, tasks: Mapping[str, object] | None) -> None:
    keep = _keep(agent, tasks)
    table.controllers = {tid: c for tid, c in table.controllers.items() if keep(c)}
    table.pruned_size = max(64, len(table.controllers))


def containers_of(agent: Agent, tasks: Mapping[str, object] | None = None) -> list[TaskController]:
    """The controllers whose container exists on ``agent``'s machine, oldest first.

    ``tasks`` is the store's task table (a stopped container is kept while its
    task is in it); without it, the agent's managers' store is used.
    """
    table = _table(agent)
    if table is None:
        return []
    if tasks is None:
        tasks = _assigned_tasks(agent)
    _prune(agent, table, tasks)
    return [c for c in table.controllers.values() if c.created_at is not None]


def container_of(
    agent: Agent, task_id: str, tasks: Mapping[str, object] | None = None
) -> TaskController | None:
    """The controller of ``task_id`` if its container exists on ``agent``'s machine.

    ``tasks`` is as for :func:`containers_of`.
    """
    table = _table(agent)
    controller = None if table is None else table.controllers.get(task_id)
    if controller is None or controller.created_at is None:
        return None
    if tasks is None:
        tasks = _assigned_tasks(agent)
    return controller if _keep(agent, tasks)(controller) else None
