"""The agent of one node: heartbeats, assignments, status reports.

Mirrors ``swarmkit: agent/agent.go``, ``agent/session.go`` and
``agent/worker.go``: the agent keeps a session with the dispatcher, sends a
heartbeat every period the dispatcher hands back, runs one controller per
assigned task (:class:`~swarmsim.agent.executor.TaskController`) and reports
every status change.

The agent and the dispatcher never call each other: they exchange the
messages of :mod:`swarmsim.net.messages` over the
:class:`~swarmsim.net.transport.Transport`, which delivers them along the
underlay with its latencies and loses them across cut links and partitions.

Differences
-----------
Unary calls (register, heartbeat) are answered in the same instant; stream
messages take the path's latency.  A node can *crash* (the
agent and its containers stop at once; on recovery the containers are gone) or
be *disconnected* (containers keep running, messages are lost both ways; on
reconnection the agent re-reports the status of every task it runs).  A
recovering node's tasks that the manager still wants running are reported
FAILED with ``task: non-zero exit (137)``; the Engine's real behaviour after a
power loss depends on its restart settings.  Once a heartbeat got through on
a path that loses nothing, the next ones may be leased
(:mod:`swarmsim.manager.heartbeats`) until the session could change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from swarmsim.agent.containers import container_of, forget, keep_only, remember
from swarmsim.agent.executor import CRASH, ContainerExit, TaskController, exit_error
from swarmsim.agent.images import ContainerDraw, ImageModel
from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Statuses, Task, TaskStatus
from swarmsim.net.messages import (
    Assign,
    Heartbeat,
    Register,
    Release,
    Remove,
    Reregister,
    StatusReport,
    Sync,
)
from swarmsim.net.transport import DISPATCHER, Transport
from swarmsim.sim import Simulation

# enum members as module constants: see swarmsim.api.enums (hot path)
_ASSIGNED = TaskState.ASSIGNED
_COMPLETE = TaskState.COMPLETE
_FAILED = TaskState.FAILED
_RUNNING = TaskState.RUNNING
_SHUTDOWN = TaskState.SHUTDOWN
_STARTING = TaskState.STARTING

DEFAULT_HEARTBEAT_PERIOD = 5.0  # until the dispatcher answers (swarmkit's default)


class HeartbeatLeaser(Protocol):
    """Takes over the heartbeats of healthy sessions (:mod:`swarmsim.manager.heartbeats`)."""

    def offer(self, agent: Agent, epoch: int) -> bool:
        """Take the agent's next heartbeats (True), or leave them to it (False)."""
        ...  # pragma: no cover

    def release(self, node_id: str) -> None:
        """Hand the node's heartbeats back to its agent, as due."""
        ...  # pragma: no cover


class Agent:
    """The swarm agent of one node."""

    def __init__(
        self,
        sim: Simulation,
        node_id: str,
        transport: Transport,
        images: ImageModel,
        *,
        machine: str = "",
        statuses: Statuses | None = None,
    ) -> None:
        self.sim = sim
        # the statuses it reports, shared with equal ones of the instant (the swarm's table)
        self.statuses = Statuses() if statuses is None else statuses
        self.node_id = node_id
        self.machine = machine or node_id  # where its messages leave from on the underlay
        self.transport = transport
        self.images = images
        self.image_cache: set[str] = set()
        self.controllers: dict[str, TaskController] = {}
        # the secrets and configs the dispatcher sent (agent/secrets, agent/configs)
        self.dependencies: set[str] = set()
        self.up = False  # the machine runs (agent and containers)
        self.connected = False  # messages reach the managers
        self._epoch = 0  # bumps on every crash/disconnect to stop old heartbeat loops
        self._outbox: dict[str, TaskStatus] = {}
        self.period = DEFAULT_HEARTBEAT_PERIOD  # the last one the dispatcher handed back
        self.leases: HeartbeatLeaser | None = None

    # ------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Boot the node: register with the dispatcher and start heartbeating."""
        self.up = True
        self._connect()

    def crash(self) -> None:
        """The machine stops: containers die, heartbeats stop."""
        if not self.up:
            return
        if self.leases is not None and self.connected:
            self.leases.release(self.node_id)
        self.up = False
        self.connected = False
        self._epoch += 1
        for controller in list(self.controllers.values()):
            controller.interrupt(CRASH)
        self.controllers.clear()
        self._outbox.clear()
        self.dependencies.clear()  # kept in the agent's memory only

    def recover(self, *, connect: bool = True) -> None:
        """The machine boots again and re-registers; its old containers are gone.

        With ``connect=False`` it boots cut off from the managers (it registers
        on :meth:`reconnect`).
        """
        if self.up:
            return
        self.up = True
        if connect:
            self._connect()

    def disconnect(self) -> None:
        """The network to the managers fails; containers keep running."""
        if self.up and self.connected:
            if self.leases is not None:
                self.leases.release(self.node_id)
            self.connected = False
            self._epoch += 1

    def reconnect(self) -> None:
        """The network comes back: register again and re-report every task."""
        if self.up and not self.connected:
            self._outbox.update(
                {
                    tid: self.statuses.stamp(self.sim.now, c.state)
                    for tid, c in self.controllers.items()
                    if tid not in self._outbox
                }
            )
            self._connect()

    def _connect(self) -> None:
        self.connected = True
        self._epoch += 1
        # queued where SimPy would queue a new process's first step (see _heartbeat)
        self.sim.call_urgent(self._heartbeat, self._epoch)
        self._register()
        outbox, self._outbox = self._outbox, {}
        for task_id, status in outbox.items():
            self.report(task_id, status)

    def _heartbeat(self, epoch: int) -> None:
        """Send one heartbeat and queue the next, while the session of ``epoch`` lasts.

        A chain of timed callbacks rather than a SimPy process: every node beats
        every five virtual seconds, so a long run on a large swarm spends a
        noticeable share of its time resuming generators.  Each callback is queued
        exactly where the process's step would be (first step urgent, then a
        timeout of the period), so events still run in the same order.
        """
        if not (self.connected and self._epoch == epoch):
            return
        period = self.transport.call(self.machine, DISPATCHER, Heartbeat(self.node_id))
        if period is not None:  # else lost: try again after the last period
            self.period = period
            if self.leases is not None and self.leases.offer(self, epoch):
                return  # beats on, computed by the leases while nothing changes
        self.sim.call_later(self.period, self._heartbeat, epoch)

    def resume_heartbeats(self, at: float, period: float, epoch: int) -> None:
        """Take the heartbeats back from the leases: the next one is due at ``at``."""
        self.period = period
        self.sim.call_at(at, self._heartbeat, epoch)

    def _register(self) -> None:
        self.transport.call(self.machine, DISPATCHER, Register(self.node_id))

    # -------------------------------------------------------------- messages
    def receive(self, message: Sync | Assign | Remove | Release | Reregister) -> None:
        """A message from the dispatcher; ignored while the session is down."""
        if not self.connected:
            return
        if isinstance(message, Assign):
            if message.dependencies:
                self.dependencies.update(message.dependencies)
            self.assign(message.task, message.desired)
        elif isinstance(message, Remove):
            self.remove(message.task_id)
        elif isinstance(message, Release):
            self.dependencies.difference_update(message.object_ids)
        elif isinstance(message, Sync):
            self.dependencies = set(message.dependencies)
            self.sync(message.tasks)
        else:
            self._register()

    # ----------------------------------------------------------- assignments
    def sync(self, tasks: Sequence[Task]) -> None:
        """Take the full list of tasks assigned to this node (after (re)registration).

        The list is complete, as swarmkit's first ``COMPLETE`` assignment message
        after a session starts (``agent/worker.go``, ``reconcileTaskState`` with
        ``fullSync``): a container whose task is not in it — deleted while the node
        could not hear it — is stopped and removed.  A task whose state the list
        shows behind its container's is reported again (``agent/reporter.go`` keeps
        a status until a session accepts it; here a lost message is gone, so the
        new session's list tells what the managers missed).
        """
        assigned = {task.id for task in tasks}
        for task_id in [tid for tid in self.controllers if tid not in assigned]:
            self.remove(task_id)
        keep_only(self, assigned)
        for task in tasks:
            controller = self.controllers.get(task.id)
            if controller is not None:
                if controller.reported is not None and controller.state > task.status.state:
                    # a report the managers never got (sent while the path to the
                    # leader was cut): swarmkit's status reporter keeps a status until
                    # a session accepts it, so the new session carries it
                    self.report(task.id, controller.reported)
                controller.set_desired(task.desired_state)
            elif task.state < _COMPLETE and task.state > _ASSIGNED:
                ended = container_of(self, task.id)
                end = None if ended is None else ended.reported
                if end is not None and end.state >= _COMPLETE:
                    # its container ended while the managers could not hear it
                    self.report(task.id, end)
                # else the container of this task did not survive: report its end
                elif task.desired_state >= _SHUTDOWN:
                    self.report(task.id, self.statuses.stamp(self.sim.now, _SHUTDOWN, "shutdown"))
                else:
                    self.report(
                        task.id,
                        self.statuses.stamp(self.sim.now, _FAILED, "started", exit_error(137), 137),
                    )
            else:
                self.assign(task, task.desired_state)

    def assign(self, task: Task, desired: TaskState) -> None:
        """A task is assigned to this node, or its desired state changed."""
        if not self.connected:
            return
        controller = self.controllers.get(task.id)
        if controller is not None:
            controller.set_desired(desired)
        elif task.status.state < _COMPLETE:  # Task.state is a property: one call less
            self.controllers[task.id] = TaskController(self, task, desired)

    def remove(self, task_id: str) -> None:
        """The task left the store: stop and remove its container without reporting."""
        controller = self.controllers.pop(task_id, None)
        if controller is not None:
            controller.interrupt(CRASH)
        forget(self, task_id)

    def kill(self, task_id: str, exit_code: int) -> bool:
        """Make a task's container exit with ``exit_code`` now (a fault)."""
        controller = self.controllers.get(task_id)
        if controller is None or controller.state not in (_STARTING, _RUNNING):
            return False
        controller.interrupt(ContainerExit(exit_code))
        return True

    # --------------------------------------------------------------- helpers
    def prepare_time(self, image: str, profile: ContainerDraw) -> float:
        """Pull (if not cached) plus create time of ``image`` on this node."""
        if image in self.image_cache or self.images.profile(image).pull_error:
            return profile.create
        return profile.pull + profile.create

    def report(self, task_id: str, status: TaskStatus) -> None:
        """Send a status change to the managers (kept for later while disconnected)."""
        if status.state >= _COMPLETE:
            ended = self.controllers.pop(task_id, None)
            if ended is not None:
                remember(self, ended)  # its stopped container stays until the task leaves
        if not self.up:
            return
        if not self.connected:
            self._outbox[task_id] = status
            return
        self.transport.send(self.machine, DISPATCHER, StatusReport(task_id, status))
