"""A swarm at a glance: what ``repr(swarm)`` prints in a terminal or a notebook.

:func:`overview` lists the clock, the nodes with their running tasks, the
machines in no swarm and the services with their running tasks and update
state, at most :data:`ROWS` of each.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable

from swarmsim.api.enums import TaskState
from swarmsim.context import Context
from swarmsim.machine import Machine
from swarmsim.units import format_duration

__all__ = ["ROWS", "overview"]

ROWS = 20
"""Nodes, machines and services shown; the rest are counted."""


def overview(ctx: Context, machines: Iterable[Machine]) -> str:
    """The swarm of ``ctx`` and its ``machines`` in a few lines."""
    store = ctx.store
    nodes = list(store.nodes.values())
    services = list(store.services.values())
    lines = [
        f"<Swarm seed={ctx.sim.seed} t={format_duration(ctx.now)}: "
        f"{len(nodes)} nodes, {len(services)} services>"
    ]
    width = max((len(n.hostname) for n in nodes[:ROWS]), default=0)
    for node in nodes[:ROWS]:
        running = sum(1 for t in store.tasks_on_node(node.id) if t.state == TaskState.RUNNING)
        lines.append(
            f"  {node.hostname:<{width}}  {node.role.api_name:<7}  {node.status.api_name:<5}"
            f"  {node.availability.api_name:<6}  {running} running"
        )
    if len(nodes) > ROWS:
        lines.append(f"  ... and {len(nodes) - ROWS} more nodes")
    outside = [m.hostname for m in machines if not m.in_swarm]
    if outside:
        shown = ", ".join(outside[:ROWS]) + (", ..." if len(outside) > ROWS else "")
        lines.append(f"  in no swarm: {shown}")
    for service in services[:ROWS]:
        running = sum(1 for t in store.tasks_of_service(service.id) if t.state == TaskState.RUNNING)
        update = service.update_status
        state = f", update {update.state.api_name}" if update else ""
        lines.append(f"  service {service.spec.name}: {running} running{state}")
    if len(services) > ROWS:
        lines.append(f"  ... and {len(services) - ROWS} more services")
    return "\n".join(line.rstrip() for line in lines)
