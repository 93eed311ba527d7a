"""The constraint enforcer: rejects tasks whose node no longer fits them.

Mirrors ``swarmkit: manager/orchestrator/constraintenforcer/constraint_enforcer.go``.
On every node update (and when a leader starts), for ACTIVE nodes only: each
task on the node with ASSIGNED <= desired <= COMPLETE and observed < COMPLETE
whose service's current constraints no longer match the node, or whose
reservations no longer fit the node's resources (counted cumulatively), is
set to REJECTED with message ``task rejected by constraint enforcer`` and
error ``assigned node no longer meets constraints``.  The orchestrators then
restart it elsewhere according to the restart policy.

Differences
-----------
A node's generic resources never change after it joins, so only CPU and
memory reservations are re-checked; the check runs one instant after the node
commit instead of on the enforcer's own watch queue.
"""

from __future__ import annotations

from swarmsim.api.enums import Availability, TaskState
from swarmsim.context import Context
from swarmsim.manager.constraint import placement_matches
from swarmsim.store import Action, NodeEvent

MESSAGE = "task rejected by constraint enforcer"
ERROR = "assigned node no longer meets constraints"


class ConstraintEnforcer:
    """Rejects tasks on nodes that stopped meeting their service's constraints."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        ctx.store.watch(self._on_node_event, NodeEvent)
        ctx.leadership.subscribe(self._on_leadership)

    def _on_node_event(self, event: NodeEvent) -> None:
        if event.action is not Action.DELETE:
            self.ctx.sim.call_later(0, self.enforce, event.node.id)

    def _on_leadership(self, active: bool) -> None:
        if active:
            for node_id in list(self.ctx.store.nodes):
                self.enforce(node_id)

    def enforce(self, node_id: str) -> None:
        """Check every task on one node."""
        if not self.ctx.leadership.active:
            return
        store = self.ctx.store
        node = store.nodes.get(node_id)
        if node is None or node.availability != Availability.ACTIVE:
            return
        cpus, memory = node.nano_cpus, node.memory_bytes
        rejected = []
        for task in store.tasks_on_node(node_id):
            if not (TaskState.ASSIGNED <= task.desired_state <= TaskState.COMPLETE):
                continue
            if task.state >= TaskState.COMPLETE:
                continue
            service = store.services.get(task.service_id)
            if service is None:
                continue
            if not placement_matches(service.spec.task.placement.constraints, node):
                rejected.append(task)
                continue
            reservations = task.spec.reservations
            if reservations:
                cpus -= reservations.nano_cpus
                memory -= reservations.memory_bytes
                if (reservations.nano_cpus and cpus < 0) or (
                    reservations.memory_bytes and memory < 0
                ):
                    rejected.append(task)
        now = self.ctx.now
        for task in rejected:
            task.status = self.ctx.statuses.stamp(now, TaskState.REJECTED, MESSAGE, ERROR)
            task.applied_at = now
            store.update_task(task)
