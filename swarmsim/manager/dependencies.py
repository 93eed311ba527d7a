"""The secrets and configs the dispatcher hands each node along with its tasks.

Mirrors the dependency half of ``swarmkit: manager/dispatcher/assignments.go``
(``addTaskDependencies``, ``assignSecret``, ``assignConfig``,
``releaseTaskDependencies``): per node, each secret or config is tracked with
the tasks that use it.

* A task newly assigned to the node (observed ASSIGNED..RUNNING) sends each
  secret it references that the store still has, and each config it
  references that no other task of the node uses yet and the store still has.
  A reference to an object the store no longer has sends nothing, but counts
  as a use all the same.
* A task that ends (observed past RUNNING) or leaves the store stops using its
  secrets and configs; one that no task of the node uses any more is removed
  from the node.
* A new session starts from nothing: the complete list sends whatever the
  node's tasks under way reference and the store has.

The agent keeps what it was sent (``swarmkit: agent/secrets``,
``agent/configs``), and a container that references a secret or config its
node does not hold fails to start
(:func:`swarmsim.agent.executor.missing_dependency`).  Only a rollback
(``docker service rollback`` or an update's failure action) gets there: the
control API refuses to remove a secret or config that a service's current
spec references, but not one its previous spec does.

Differences
-----------
Secrets have no drivers: none is given a value per task (``DoNotReuse``).
Volumes' secrets and the ``ResourceReferences`` of tasks are not modelled.
"""

from __future__ import annotations

from collections.abc import Iterable

from swarmsim.api.objects import Task
from swarmsim.store import Store

__all__ = ["Dependencies", "uses_dependencies"]


def uses_dependencies(task: Task) -> bool:
    """Whether the task's container references a secret or a config."""
    container = task.spec.container
    return bool(container.secrets or container.configs)


class Dependencies:
    """Which node uses which secret or config, for which tasks."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # node id -> secret or config id -> ids of the node's tasks that use it
        self._users: dict[str, dict[str, set[str]]] = {}

    def assign(self, node_id: str, task: Task) -> tuple[str, ...]:
        """A task newly assigned to the node: the IDs of the objects to send with it."""
        users = self._users.setdefault(node_id, {})
        container = task.spec.container
        send: list[str] = []
        for secret in container.secrets:
            tasks = users.setdefault(secret.secret_id, set())
            if task.id not in tasks and secret.secret_id in self._store.secrets:
                send.append(secret.secret_id)  # assignSecret: fetched again for every task
            tasks.add(task.id)
        for config in container.configs:
            tasks = users.setdefault(config.config_id, set())
            if not tasks and config.config_id in self._store.configs:
                send.append(config.config_id)
            tasks.add(task.id)
        return tuple(dict.fromkeys(send))

    def release(self, node_id: str, task: Task) -> tuple[str, ...]:
        """A task of the node ended or left: the IDs the node no longer needs."""
        users = self._users.get(node_id)
        if not users:
            return ()
        container = task.spec.container
        gone: list[str] = []
        for object_id in (
            *(s.secret_id for s in container.secrets),
            *(c.config_id for c in container.configs),
        ):
            tasks = users.get(object_id)
            if tasks is None or task.id not in tasks:
                continue
            tasks.discard(task.id)
            if not tasks:
                del users[object_id]
                gone.append(object_id)
        return tuple(gone)

    def sync(self, node_id: str, tasks: Iterable[Task]) -> tuple[str, ...]:
        """A new session: forget the node's uses, then assign its tasks under way again."""
        self._users.pop(node_id, None)
        send: dict[str, None] = {}
        for task in tasks:
            if uses_dependencies(task):
                send.update(dict.fromkeys(self.assign(node_id, task)))
        return tuple(send)

    def forget(self, node_id: str) -> None:
        """The node left the swarm."""
        self._users.pop(node_id, None)
