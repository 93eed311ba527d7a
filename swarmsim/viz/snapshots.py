"""The cluster at chosen virtual times, replayed from a trace: what each animation frame draws.

:func:`snapshots` walks the records once and, at each requested time, takes
every machine (hostname, role, status, availability) with the tasks assigned
to it that have not reached a terminal state, the last docker command or
fault, and the services whose update is in progress or paused.  These are
states of single objects, not counts (counts come from :mod:`swarmsim.metrics`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from swarmsim.trace import TraceRecord
from swarmsim.viz.commands import Mark
from swarmsim.viz.style import NODE_DOWN, TERMINAL, UPDATE_COLORS


@dataclass(frozen=True, slots=True)
class Chip:
    """A task on a machine in a snapshot."""

    service: str
    slot: int
    spec_version: int
    state: str


@dataclass(slots=True)
class Machine:
    """A node in a snapshot."""

    id: str
    hostname: str
    role: str
    status: str = "ready"
    availability: str = "active"
    chips: list[Chip] = field(default_factory=list)

    @property
    def down(self) -> bool:
        """Whether its status is down or disconnected."""
        return self.status in NODE_DOWN


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The cluster at one virtual time: machines in order of joining, the last command,
    and the services whose update is in progress or paused (name → update state)."""

    time: float
    machines: list[Machine]
    command: Mark | None
    updates: dict[str, str] = field(default_factory=dict)


def snapshots(records: Iterable[TraceRecord], times: Sequence[float]) -> list[Snapshot]:
    """The cluster at each of ``times`` (ascending), in one pass over the records.

    A machine shows the tasks assigned to it whose observed state is not yet
    terminal; the command is the last docker command or fault at or before the time.
    """
    nodes: dict[str, Machine] = {}
    tasks: dict[str, tuple[str, Chip]] = {}  # task id -> (node id, chip)
    last: Mark | None = None
    number = 0
    updates: dict[str, str] = {}
    out: list[Snapshot] = []
    pending = list(times)
    index = 0

    def take(time: float) -> None:
        machines = {
            nid: Machine(m.id, m.hostname, m.role, m.status, m.availability)
            for nid, m in nodes.items()
        }
        for node_id, chip in tasks.values():
            if node_id in machines:
                machines[node_id].chips.append(chip)
        for machine in machines.values():
            machine.chips.sort(key=lambda c: (c.service, c.slot))
        out.append(Snapshot(time, list(machines.values()), last, dict(updates)))

    for rec in records:
        while index < len(pending) and rec.time > pending[index]:
            take(pending[index])
            index += 1
        if rec.kind == "task":
            if rec.event == "delete" or rec.state in TERMINAL or not rec.node:
                tasks.pop(rec.id, None)
            else:
                tasks[rec.id] = (rec.node, Chip(rec.service, rec.slot, rec.spec_version, rec.state))
        elif rec.kind == "node":
            if rec.event == "delete":
                nodes.pop(rec.id, None)
            else:
                machine = nodes.setdefault(rec.id, Machine(rec.id, rec.node, rec.service))
                machine.hostname, machine.role = rec.node, rec.service
                machine.status, machine.availability = rec.state, rec.desired
        elif rec.kind == "service":
            if rec.event != "delete" and rec.state in UPDATE_COLORS:
                updates[rec.service] = rec.state
            else:
                updates.pop(rec.service, None)
        elif rec.kind == "command" and rec.event in ("docker", "fault"):
            number += 1
            last = Mark(number, rec.time, rec.event, rec.detail, rec.slot)
    while index < len(pending):
        take(pending[index])
        index += 1
    return out
