"""Who can reach whom: agents' sessions and Raft's reachable managers.

After every change of the underlay (a crash, a cut, a partition, a heal)
and every change of leader, :class:`Sessions` recomputes

- which promoted nodes join Raft: those whose machine has a path to the
  leader's (:class:`~swarmsim.manager.raft.Raft`, "joining");
- which managers Raft counts as reachable: those on the side of the network
  holding a quorum of managers; without one, the leader's side; without a
  leader, the side with the most managers (the first one in join order on a
  tie).  A leader off that side steps down at once, and the side with a
  quorum elects a new one after an election timeout
  (:class:`~swarmsim.manager.raft.Raft`);
- which agents keep their session: an agent needs a working link and, while
  there is a leader, a path to the leader's machine.  An agent that loses it
  stops heartbeating (its node goes DOWN after the heartbeat timeout) but
  keeps its containers; one that gets it back registers again and re-reports
  its tasks.

Mirrors the effect of ``swarmkit: agent/session.go`` (a session broken by
the network ends; the agent reconnects) and of Raft's ``CheckQuorum`` in
``manager/state/raft/raft.go``.

Differences
-----------
Reachability is decided for the whole swarm at once (one view), not by each
manager from its own heartbeats.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from swarmsim.manager.raft import Raft, quorum
from swarmsim.net.underlay import Underlay


class Station(Protocol):
    """What the sessions need from an agent."""

    up: bool
    connected: bool
    machine: str

    def disconnect(self) -> None:
        """The network to the managers fails."""
        ...

    def reconnect(self) -> None:
        """The network to the managers comes back."""
        ...


class Sessions:
    """Keeps agents' sessions and Raft's view in step with the underlay."""

    def __init__(
        self,
        underlay: Underlay,
        raft: Raft,
        agents: Mapping[str, Station],
        machine_of: Mapping[str, str],
    ) -> None:
        self.underlay = underlay
        self.raft = raft
        self.agents = agents
        self.machine_of = machine_of  # node id -> the machine it runs on (if it still does)
        raft.ctx.leadership.subscribe(self._on_leadership)
        raft.on_promote(self.refresh)

    def refresh(self) -> None:
        """Apply the underlay's state: promoted nodes that reach the leader join Raft,
        then agents, then Raft's reachable members (a lost leader steps down)."""
        self._admit_joining()
        reachable = self.reachable_managers()
        leader = self.raft.leader if self.raft.leader in reachable else None
        self._refresh_agents(leader)
        raft = self.raft
        for member in list(raft.members):
            wanted = member in reachable
            if wanted != (member in raft.reachable):
                raft.set_reachable(member, wanted)

    def reachable_managers(self) -> set[str]:
        """The managers Raft counts as reachable (see the module docstring)."""
        underlay, raft, machine_of = self.underlay, self.raft, self.machine_of
        sides: list[list[str]] = []  # node ids; the first one's machine stands for the side
        for member in raft.members:
            machine = machine_of.get(member)
            if machine is None or not underlay.attached(machine):
                continue  # its engine left the swarm, or its machine is off the network
            for side in sides:
                if underlay.route(machine_of[side[0]], machine) is not None:
                    side.append(member)
                    break
            else:
                sides.append([member])
        if not sides:
            return set()
        needed = quorum(len(raft.members))
        for side in sides:
            if len(side) >= needed:
                return set(side)
        for side in sides:
            if raft.leader in side:
                return set(side)
        biggest: list[str] = max(sides, key=len)
        return set(biggest)

    def reaches_leader(self, machine: str) -> bool:
        """Whether ``machine`` runs and has a path to the leader's machine (the CLI's view)."""
        leader = self._leader_machine(self.raft.leader)
        return leader is not None and self.underlay.route(machine, leader) is not None

    def _leader_machine(self, leader: str | None) -> str | None:
        return None if leader is None else self.machine_of.get(leader)

    def _on_leadership(self, active: bool) -> None:
        if active:
            self._admit_joining()
        self._refresh_agents(self.raft.leader)

    def _admit_joining(self) -> None:
        """Promoted nodes whose machine has a path to the leader's join Raft."""
        raft = self.raft
        if not raft.joining:
            return
        leader = self._leader_machine(raft.leader)
        if leader is None:
            return  # a join is a Raft change: only a leader commits it
        for node_id in list(raft.joining):
            machine = self.machine_of.get(node_id)
            if machine is not None and self.underlay.route(machine, leader) is not None:
                raft.admit(node_id)

    def refresh_agent(self, node_id: str) -> None:
        """Apply the underlay's state to one agent (a worker that just joined)."""
        agent = self.agents.get(node_id)
        if agent is not None:
            self._refresh_agent(agent, self._leader_machine(self.raft.leader))

    def _refresh_agents(self, leader: str | None) -> None:
        target = self._leader_machine(leader)
        for agent in list(self.agents.values()):
            self._refresh_agent(agent, target)

    def _refresh_agent(self, agent: Station, target: str | None) -> None:
        """Keep or end ``agent``'s session: it needs a path to ``target``, the
        leader's machine (with no leader, a working link)."""
        if not agent.up:
            return
        if target is None:
            wanted = self.underlay.attached(agent.machine)
        else:
            wanted = self.underlay.route(agent.machine, target) is not None
        if wanted and not agent.connected:
            agent.reconnect()
        elif not wanted and agent.connected:
            agent.disconnect()
