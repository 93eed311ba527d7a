"""The in-memory store: tables, indexes and watch notifications.

Mirrors ``swarmkit: manager/state/store/`` (``memory.go`` and the per-table
files with their indexes: tasks by service, by node, by slot, by desired
state).  Components talk to each other only through it: they change an object
and commit it; the store moves it between indexes, writes a trace record and
notifies the watchers.

Differences
-----------
Objects are shared, not copied: a component mutates the live object and then
calls ``update_*``.  The store remembers the node, desired state and observed
state each task was last committed with, in the task's own
:class:`~swarmsim.api.objects.Committed` slots (service and slot never
change), so that it can move the task between indexes and tell watchers what
changed.  The index by desired
state leaves out RUNNING and SHUTDOWN, the desired states of nearly every task
(:data:`SCANNED_DESIRED`): their few readers scan the tasks instead.  Raft is modelled
separately (:mod:`swarmsim.manager.raft`): the store itself never refuses a
write, the components that run only on the leader simply stop while there is
none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from typing import Any, Literal, TypeVar, overload

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Config, Network, Node, Secret, Service, Task
from swarmsim.store.events import (
    Action,
    NetworkEvent,
    NodeEvent,
    ServiceEvent,
    StoreEvent,
    TaskEvent,
)
from swarmsim.trace import Trace

# enum members as module constants: see swarmsim.api.enums (hot path)
_CREATE = Action.CREATE
_DELETE = Action.DELETE

Watcher = Callable[[StoreEvent], None]
Progress = bool | Literal["running"]  # which progress steps a task watcher hears of
_Event = TypeVar("_Event", TaskEvent, NodeEvent, ServiceEvent, NetworkEvent)
_new_event = tuple.__new__  # builds a TaskEvent without the named tuple's Python __new__
_UPDATE = Action.UPDATE
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN

SCANNED_DESIRED = frozenset({_RUNNING, _SHUTDOWN})
"""Desired states not indexed: nearly every task has one of them (about 40 bytes a
task), and only a new leader's allocator and the test checks ask for their tasks."""
_ASSIGNED = TaskState.ASSIGNED
# what a task's last commit indexed: node, desired, observed (its slot never changes)


class Store:
    """Tables of nodes, services, tasks, networks, secrets and configs, with indexes.

    Parameters
    ----------
    trace
        Receives one record per task, node and service change.
    clock
        Returns the current virtual time (for trace records).
    """

    def __init__(self, trace: Trace, clock: Callable[[], float]) -> None:
        self.trace = trace
        self._clock = clock
        self.nodes: dict[str, Node] = {}
        self.services: dict[str, Service] = {}
        self.tasks: dict[str, Task] = {}
        self.networks: dict[str, Network] = {}
        self.secrets: dict[str, Secret] = {}
        self.configs: dict[str, Config] = {}
        self._hostnames: dict[str, str] = {}  # hostname -> node id, first node wins
        self._by_service: defaultdict[str, dict[str, Task]] = defaultdict(dict)
        self._by_node: defaultdict[str, dict[str, Task]] = defaultdict(dict)
        # service id -> slot -> its task, or its tasks in creation order once the
        # slot has a history: most slots hold one task, kept without a list or a
        # (service, slot) key tuple (about 150 bytes a task)
        self._by_slot: defaultdict[str, dict[int, Task | list[Task]]] = defaultdict(dict)
        self._by_desired: defaultdict[TaskState, dict[str, Task]] = defaultdict(dict)
        self._watchers: dict[type, list[Watcher]] = {
            TaskEvent: [],
            NodeEvent: [],
            ServiceEvent: [],
            NetworkEvent: [],
        }
        self._progress_watchers: list[Watcher] = []  # progress steps below RUNNING
        self._running_watchers: list[Watcher] = []  # progress steps to RUNNING
        # the TaskEvent list itself, read directly by the task methods (the hot path)
        self._task_watchers = self._watchers[TaskEvent]

    # ------------------------------------------------------------------ watch
    @overload
    def watch(
        self,
        callback: Callable[[_Event], None],
        kind: type[_Event],
        /,
        *,
        progress: Progress = True,
    ) -> None: ...

    @overload
    def watch(self, callback: Watcher, *kinds: type, progress: Progress = True) -> None: ...

    def watch(
        self, callback: Callable[[Any], None], *kinds: type, progress: Progress = True
    ) -> None:
        """Call ``callback(event)`` after every committed change from now on.

        ``kinds`` restricts the calls to those event classes (``TaskEvent``,
        ``NodeEvent``...); by default the callback sees every event.  A
        component usually registers one handler per kind, typed for it.  With
        ``progress=False`` the callback is spared *progress* task updates: a
        task moving forward up to RUNNING on the same node with the same
        desired state, without becoming assigned (PENDING, PREPARING, READY,
        STARTING, RUNNING), which only the scheduler's bookkeeping and the
        updater need — like a swarmkit watcher whose event filter does not
        match them.  With ``progress="running"`` it hears of the progress steps
        to RUNNING only (the updater waits for RUNNING: the steps below it are
        about half of all task updates).  Watchers are called in the order
        they registered, whichever events they hear of.
        """
        for kind in kinds or tuple(self._watchers):
            self._watchers[kind].append(callback)
            if kind is TaskEvent and progress:
                self._running_watchers.append(callback)
                if progress is True:
                    self._progress_watchers.append(callback)

    def _publish(self, event: StoreEvent) -> None:
        for watcher in self._watchers[type(event)]:
            watcher(event)

    # ------------------------------------------------------------------ nodes
    def create_node(self, node: Node) -> None:
        """Add a node."""
        self.nodes[node.id] = node
        self._hostnames.setdefault(node.hostname, node.id)
        self.trace.node(self._clock(), node, "create")
        self._publish(NodeEvent(_CREATE, node))

    def update_node(self, node: Node) -> None:
        """Commit changes made to ``node``."""
        node.updated_at = self._clock()
        self.trace.node(self._clock(), node, "update")
        self._publish(NodeEvent(_UPDATE, node))

    def delete_node(self, node_id: str) -> None:
        """Remove a node (its tasks stay: the caller orphans them)."""
        node = self.nodes.pop(node_id)
        if self._hostnames.get(node.hostname) == node_id:
            del self._hostnames[node.hostname]
            for other in self.nodes.values():
                if other.hostname == node.hostname:
                    self._hostnames[node.hostname] = other.id
                    break
        self.trace.node(self._clock(), node, "delete")
        self._publish(NodeEvent(_DELETE, node))

    def node_by_name(self, name: str) -> Node | None:
        """The node whose hostname is ``name`` (the earliest one if several share it)."""
        node_id = self._hostnames.get(name)
        return None if node_id is None else self.nodes[node_id]

    # --------------------------------------------------------------- services
    def create_service(self, service: Service) -> None:
        """Add a service."""
        self.services[service.id] = service
        self.trace.service(self._clock(), service, "create")
        self._publish(ServiceEvent(_CREATE, service))

    def update_service(self, service: Service) -> None:
        """Commit changes made to ``service`` (spec or update status)."""
        service.updated_at = self._clock()
        self.trace.service(self._clock(), service, "update")
        self._publish(ServiceEvent(_UPDATE, service))

    def delete_service(self, service_id: str) -> None:
        """Remove a service (its tasks are removed by the orchestrator and reaper)."""
        service = self.services.pop(service_id)
        self.trace.service(self._clock(), service, "delete")
        self._publish(ServiceEvent(_DELETE, service))

    def service_by_name(self, name: str) -> Service | None:
        """The service called ``name``."""
        for service in self.services.values():
            if service.spec.name == name:
                return service
        return None

    # --------------------------------------------------------------- networks
    def create_network(self, network: Network) -> None:
        """Add a network."""
        self.networks[network.id] = network
        self._publish(NetworkEvent(_CREATE, network))

    def delete_network(self, network_id: str) -> None:
        """Remove a network."""
        network = self.networks.pop(network_id)
        self._publish(NetworkEvent(_DELETE, network))

    # ------------------------------------------------------- secrets, configs
    # No trace records and no watch events: nothing reacts to them, and a
    # secret's data must never reach the trace.
    def create_secret(self, secret: Secret) -> None:
        """Add a secret."""
        self.secrets[secret.id] = secret

    def delete_secret(self, secret_id: str) -> None:
        """Remove a secret."""
        del self.secrets[secret_id]

    def secret_by_name(self, name: str) -> Secret | None:
        """The secret called ``name`` (names are unique)."""
        for secret in self.secrets.values():
            if secret.spec.name == name:
                return secret
        return None

    def create_config(self, config: Config) -> None:
        """Add a config."""
        self.configs[config.id] = config

    def delete_config(self, config_id: str) -> None:
        """Remove a config."""
        del self.configs[config_id]

    def config_by_name(self, name: str) -> Config | None:
        """The config called ``name`` (names are unique)."""
        for config in self.configs.values():
            if config.spec.name == name:
                return config
        return None

    # ------------------------------------------------------------------ tasks
    def create_task(self, task: Task) -> None:
        """Add a task and index it."""
        self.tasks[task.id] = task
        self._by_service[task.service_id][task.id] = task
        slots = self._by_slot[task.service_id]
        held = slots.get(task.slot)
        if held is None:
            slots[task.slot] = task
        elif isinstance(held, list):
            held.append(task)
        else:
            slots[task.slot] = [held, task]
        if task.desired_state not in SCANNED_DESIRED:
            self._by_desired[task.desired_state][task.id] = task
        if task.node_id:
            self._by_node[task.node_id][task.id] = task
        task.commit(task.node_id, task.desired_state, task.status.state)
        self.trace.task(self._clock(), task, None, None)
        event = _new_event(TaskEvent, (_CREATE, task, None, None, ""))
        for watcher in self._task_watchers:
            watcher(event)

    def update_task(self, task: Task) -> None:
        """Commit changes made to ``task``: re-index it and notify watchers."""
        # about nine commits per task replaced by a rolling update: each comparison
        # is made once and kept in a local
        tid = task.id
        node = task.node_id
        desired = task.desired_state
        state = task.status.state
        old_node = task.committed_node_id
        old_desired = task.committed_desired
        old_state = task.committed_state
        moved = old_node != node
        if moved:
            if old_node:
                self._by_node[old_node].pop(tid, None)
            if node:
                self._by_node[node][tid] = task
        redesired = old_desired != desired
        if redesired:
            if old_desired not in SCANNED_DESIRED:
                del self._by_desired[old_desired][tid]
            if desired not in SCANNED_DESIRED:
                self._by_desired[desired][tid] = task
        task.commit(node, desired, state)
        if redesired or old_state != state:
            self.trace.task(self._clock(), task, old_state, old_desired)
        event = _new_event(TaskEvent, (_UPDATE, task, old_state, old_desired, old_node))
        if moved or redesired or state > _RUNNING or (state >= _ASSIGNED > old_state):
            watchers = self._task_watchers
        else:
            # a progress step: see watch()
            watchers = self._running_watchers if state == _RUNNING else self._progress_watchers
        for watcher in watchers:
            watcher(event)

    def delete_task(self, task_id: str) -> None:
        """Remove a task from the store and every index (a task never changes slot)."""
        task = self.tasks.pop(task_id)
        node = task.committed_node_id
        desired = task.committed_desired
        state = task.committed_state
        slot = task.slot
        by_service = self._by_service[task.service_id]
        del by_service[task_id]
        if not by_service:
            del self._by_service[task.service_id]
        slots = self._by_slot[task.service_id]
        held = slots[slot]
        if isinstance(held, list):
            for index, mate in enumerate(held):
                if mate is task:
                    del held[index]
                    break
            if len(held) == 1:
                slots[slot] = held[0]
        else:
            del slots[slot]
            if not slots:
                del self._by_slot[task.service_id]
        if desired not in SCANNED_DESIRED:
            del self._by_desired[desired][task_id]
        if node:
            del self._by_node[node][task_id]
        self.trace.task_deleted(self._clock(), task)
        event = _new_event(TaskEvent, (_DELETE, task, state, desired, node))
        for watcher in self._task_watchers:
            watcher(event)

    def tasks_of_service(self, service_id: str) -> Collection[Task]:
        """Every task of a service, history included (a live view: copy before mutating)."""
        return self._by_service.get(service_id, {}).values()

    def tasks_on_node(self, node_id: str) -> Collection[Task]:
        """Every task assigned to a node (a live view)."""
        return self._by_node.get(node_id, {}).values()

    def tasks_in_slot(self, service_id: str, slot: int) -> Collection[Task]:
        """Every task of one slot (global services: slot 0 holds all tasks)."""
        held = self._by_slot.get(service_id, {}).get(slot)
        if held is None:
            return ()
        if isinstance(held, list):
            return held
        return (held,)

    def tasks_with_desired(self, state: TaskState) -> Collection[Task]:
        """Every task whose desired state is ``state``, in the order it got it.

        A live view, except for the states of :data:`SCANNED_DESIRED`: their
        tasks are found by a scan and listed in creation order.
        """
        if state in SCANNED_DESIRED:
            return [t for t in self.tasks.values() if t.desired_state == state]
        return self._by_desired.get(state, {}).values()
