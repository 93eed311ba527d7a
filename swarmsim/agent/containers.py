"""The containers one machine's engine holds: running ones and stopped ones kept.

Every :class:`~swarmsim.agent.executor.TaskController` is remembered here under
its agent from the moment it is created; :func:`containers_of` answers which
of them still have a container on the machine, the way ``swarmkit:
agent/worker.go`` (``reconcileTaskState``) keeps a task's container until the
task is no longer assigned to the node and then removes it
(``agent/exec/dockerapi/controller.go`` ``Remove``).  The agent hears that a
task is no longer assigned from the dispatcher (a removal when the task leaves
the store — reaped past the history limit, or its service removed — or a full
assignment set after it re-registers) and calls :func:`forget`.

* a running or starting container is one the agent still controls
  (:func:`live_controllers`, the only place that reads ``Agent.controllers``);
* a stopped container (it exited, failed or was shut down) is kept until the
  machine hears that its task is no longer assigned;
* a container that never was created (pull error, shut down while preparing),
  or was lost with its machine (crash), is gone.

Differences
-----------
The table lives on the agent object (an attribute this module owns), so it
goes with a dropped swarm.  Entries of containers that no longer exist are
pruned lazily: when a listing is asked for, and when a machine has remembered
twice as many controllers as at its last pruning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from swarmsim.agent.executor import TaskController

__all__ = [
    "container_of",
    "containers_of",
    "forget",
    "keep_only",
    "live_controllers",
    "remember",
]


class Engine(Protocol):
    """What this module reads of an agent: the controllers it runs now."""

    @property
    def controllers(self) -> Mapping[str, TaskController]:
        """Task id -> controller of every container the agent still controls."""
        ...


class _Table:
    __slots__ = ("controllers", "pruned_size")

    def __init__(self) -> None:
        self.controllers: dict[str, TaskController] = {}
        self.pruned_size = 64


_ATTRIBUTE = "_engine_containers"
"""The attribute of an agent holding its table (owned by this module, dropped with the agent)."""


def _table(agent: object) -> _Table | None:
    table: _Table | None = getattr(agent, _ATTRIBUTE, None)
    return table


def live_controllers(agent: Engine) -> Mapping[str, TaskController]:
    """The controllers the agent runs now (task id -> controller)."""
    return agent.controllers


def remember(agent: Engine, controller: TaskController) -> None:
    """Record a new controller of ``agent``'s machine."""
    table = _table(agent)
    if table is None:
        table = _Table()
        setattr(agent, _ATTRIBUTE, table)
    table.controllers[controller.task.id] = controller
    if len(table.controllers) > 2 * table.pruned_size:
        _prune(agent, table)


def forget(agent: Engine, task_id: str) -> None:
    """The machine heard that ``task_id`` is no longer assigned: its container goes."""
    table = _table(agent)
    if table is not None:
        table.controllers.pop(task_id, None)


def keep_only(agent: Engine, assigned: set[str]) -> None:
    """A full assignment set: the containers of tasks not in it go."""
    table = _table(agent)
    if table is not None:
        table.controllers = {t: c for t, c in table.controllers.items() if t in assigned}


def _exists(controller: TaskController, live: Mapping[str, TaskController]) -> bool:
    """Whether the controller's container is on the machine (running, or stopped and kept)."""
    if live.get(controller.task.id) is controller:
        return True
    return controller.finished_at is not None  # else never created, or lost in a crash


def _prune(agent: Engine, table: _Table) -> None:
    live = live_controllers(agent)
    table.controllers = {t: c for t, c in table.controllers.items() if _exists(c, live)}
    table.pruned_size = max(64, len(table.controllers))


def containers_of(agent: Engine) -> list[TaskController]:
    """The controllers whose container exists on ``agent``'s machine, oldest first."""
    table = _table(agent)
    if table is None:
        return []
    _prune(agent, table)
    return [c for c in table.controllers.values() if c.created_at is not None]


def container_of(agent: Engine, task_id: str) -> TaskController | None:
    """The controller of ``task_id`` if its container exists on ``agent``'s machine."""
    table = _table(agent)
    controller = None if table is None else table.controllers.get(task_id)
    if controller is None or controller.created_at is None:
        return None
    return controller if _exists(controller, live_controllers(agent)) else None
