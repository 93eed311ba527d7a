"""What a run cost a service: tasks that failed, tasks that had to move off a node.

Both count from the trace, with the *available* rule of :mod:`swarmsim.metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from swarmsim.metrics._sweep import FAILED, Classes, Sweep, checked_records
from swarmsim.trace import Trace, TraceRecord

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

__all__ = ["displaced_tasks", "failed_tasks"]


def failed_tasks(
    run: Swarm | Trace | Iterable[TraceRecord], service: str, *, since: float = 0.0
) -> int:
    """Tasks of ``service`` that became ``failed`` or ``rejected`` at or after ``since``.

    Examples
    --------
    >>> from swarmsim import Swarm
    >>> swarm = Swarm(seed=1)
    >>> swarm.images.set("bad:1", exits_after=2.0, exit_code=1)
    >>> swarm.docker("docker service create -d --name web bad:1").exit_code
    0
    >>> swarm.advance(20)
    >>> failed_tasks(swarm, "web") >= 2
    True
    """
    records, _ = checked_records(run, service, since=since)
    state: dict[str, str] = {}
    count = 0
    for rec in records:
        if rec.kind != "task" or rec.service != service:
            continue
        if rec.state in FAILED and state.get(rec.id) != rec.state and rec.time >= since:
            count += 1
        state[rec.id] = rec.state
    return count


def displaced_tasks(run: Swarm | Trace | Iterable[TraceRecord], service: str) -> int:
    """Available tasks of ``service`` on a node at the instant it stopped taking tasks.

    A node stops when it is drained, goes down or leaves the swarm: every
    task of the service running there must be moved to another node (what a
    drain or a node loss costs).  A node that was already drained or down is
    not counted again.
    """
    records, _ = checked_records(run, service)
    sweep = Sweep(Classes())
    drained: set[str] = set()
    count = 0

    def see(rec: TraceRecord) -> None:
        nonlocal count
        if rec.kind != "node":
            return
        node = rec.id
        before = node in drained or node in sweep.down
        (drained.add if rec.desired == "drain" else drained.discard)(node)
        after = node in drained or rec.state == "down" or rec.event == "delete"
        if after and not before:
            on_node = sweep.on_node.get(node)
            if on_node:
                count += sum(n for (name, _), n in on_node.items() if name == service)

    sweep.run(records, lambda now: False, see)
    return count
