"""The containers one machine's engine holds: running ones and stopped ones kept.

A running or starting container is one the agent still controls: its
:class:`~swarmsim.agent.executor.TaskController` is in ``Agent.controllers``
(:func:`live_controllers`, the only place that reads it).  When the container
stops (it exited, failed or was shut down) the agent lets the controller go
and calls :func:`remember`: the stopped container is kept until the machine
hears that its task is no longer assigned, as ``swarmkit: agent/worker.go``
(``reconcileTaskState``) keeps a task's container until the task leaves the
node and then removes it (``agent/exec/dockerapi/controller.go`` ``Remove``).
The agent hears it from the dispatcher (a removal when the task leaves the
store — reaped past the history limit, or its service removed — or a full
assignment set after it re-registers) and calls :func:`forget` or
:func:`keep_only`.  A container that never was created (pull error, shut
down while preparing), or was lost with its machine (crash), is gone.

Differences
-----------
The table of stopped containers lives on the agent object (an attribute this
module owns), so it goes with a dropped swarm.  Containers created in the
same instant of virtual time (a tie real clocks do not have) are listed by
their task's creation, then slot and ID.
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
    __slots__ = ("stopped",)

    def __init__(self) -> None:
        self.stopped: dict[str, TaskController] = {}  # task id -> its stopped container


_ATTRIBUTE = "_engine_containers"
"""The attribute of an agent holding its table (owned by this module, dropped with the agent)."""


def _table(agent: object) -> _Table | None:
    table: _Table | None = getattr(agent, _ATTRIBUTE, None)
    return table


def live_controllers(agent: Engine) -> Mapping[str, TaskController]:
    """The controllers the agent runs now (task id -> controller)."""
    return agent.controllers


def remember(agent: Engine, controller: TaskController) -> None:
    """The agent let ``controller`` go: keep its container if one stopped."""
    if controller.finished_at is None:
        return  # never created
    table = _table(agent)
    if table is None:
        table = _Table()
        setattr(agent, _ATTRIBUTE, table)
    table.stopped[controller.task.id] = controller


def forget(agent: Engine, task_id: str) -> None:
    """The machine heard that ``task_id`` is no longer assigned: its container goes."""
    table = _table(agent)
    if table is not None:
        table.stopped.pop(task_id, None)


def keep_only(agent: Engine, assigned: set[str]) -> None:
    """A full assignment set: the stopped containers of tasks not in it go."""
    table = _table(agent)
    if table is not None:
        table.stopped = {t: c for t, c in table.stopped.items() if t in assigned}


def containers_of(agent: Engine) -> list[TaskController]:
    """The controllers whose container exists on ``agent``'s machine, oldest first."""
    live = live_controllers(agent)
    found = [c for c in live.values() if c.created_at is not None]
    table = _table(agent)
    if table is not None:
        # a task made again on the machine has one container (named after the task)
        found.extend(c for t, c in table.stopped.items() if t not in live)
    found.sort(key=_age)
    return found


def container_of(agent: Engine, task_id: str) -> TaskController | None:
    """The controller of ``task_id`` if its container exists on ``agent``'s machine."""
    controller = live_controllers(agent).get(task_id)
    if controller is not None:
        return controller if controller.created_at is not None else None
    table = _table(agent)
    return None if table is None else table.stopped.get(task_id)


def _age(controller: TaskController) -> tuple[float, float, int, str]:
    task = controller.task
    created = controller.created_at
    return (0.0 if created is None else created, task.created_at, task.slot, task.id)
