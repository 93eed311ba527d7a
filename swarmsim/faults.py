"""What can go wrong under a swarm: machines that fail, links that break, containers that die.

:class:`FaultInjection` is the part of :class:`~swarmsim.swarm.Swarm` that
deals faults: a machine loses power and boots again, loses and regains its
links, the network splits into groups and heals, a link between two machines
or switches is cut, a container exits.  Each fault changes the machine, the
underlay or the agent, then lets :class:`~swarmsim.manager.sessions.Sessions`
recompute who reaches whom; what the managers make of it (a node going
``down``, tasks rescheduled, a leader stepping down) follows from the
simulation, as in a real swarm.

There is nothing in swarmkit to mirror: these are the faults a test lab
injects by hand (docs/network.md#faults).
"""

from __future__ import annotations

from collections.abc import Sequence

from swarmsim.agent.worker import Agent
from swarmsim.arguments import integer
from swarmsim.context import Context
from swarmsim.errors import InvalidArgument
from swarmsim.manager.sessions import Sessions
from swarmsim.membership import Membership
from swarmsim.net.underlay import SWITCH, Underlay

__all__ = ["FaultInjection"]


class FaultInjection:
    """The faults a :class:`~swarmsim.swarm.Swarm` can be dealt (a base class of it).

    Every machine is named by its hostname or by the ID of the node it runs
    as; an unknown name raises :class:`~swarmsim.errors.InvalidArgument`
    (``no such node: NAME``) and changes nothing.
    """

    ctx: Context
    members: Membership
    agents: dict[str, Agent]
    underlay: Underlay
    sessions: Sessions

    def _network_changed(self) -> None:
        """Who reaches whom changed: the sessions follow (a :class:`~swarmsim.swarm.Swarm`
        also completes the joins that timed out and now get through)."""
        self.sessions.refresh()

    def crash_node(self, name: str) -> None:
        """The machine loses power: containers stop, heartbeats stop, its CLI cannot connect."""
        machine = self.members.machine(name)
        machine.up = False
        agent = self.agents.get(machine.node_id)
        if agent is not None:
            agent.crash()
        self.underlay.set_up(machine.hostname, False)
        self._network_changed()

    def recover_node(self, name: str) -> None:
        """The machine boots again and rejoins if its links work (its containers are gone)."""
        machine = self.members.machine(name)
        machine.up = True
        agent = self.agents.get(machine.node_id)
        if agent is not None:
            agent.recover(connect=False)
        self.underlay.set_up(machine.hostname, True)
        self._network_changed()

    def disconnect_node(self, name: str) -> None:
        """Cut every link of the machine; its containers keep running."""
        self.underlay.cut_machine(self.members.machine(name).hostname)
        self._network_changed()

    def reconnect_node(self, name: str) -> None:
        """Heal every link of the machine."""
        self.underlay.cut_machine(self.members.machine(name).hostname, cut=False)
        self._network_changed()

    def partition(self, groups: Sequence[Sequence[str]]) -> None:
        """Split the machines into groups that cannot talk to each other.

        ``groups`` lists hostnames (or node ids); machines named in no group
        form one more group.  A partition replaces the previous one.

        Raises
        ------
        InvalidArgument
            For no group, an empty group, an unknown node or a node in two
            groups (nothing changes).
        """
        if isinstance(groups, str) or not isinstance(groups, Sequence):
            raise InvalidArgument(f"groups must be a list of lists of nodes, not {groups!r}")
        names: list[list[str]] = []
        for group in groups:
            if isinstance(group, str) or not isinstance(group, Sequence):
                raise InvalidArgument(f"a partition group is a list of nodes, not {group!r}")
            names.append([self.members.machine(name).hostname for name in group])
        self.underlay.partition(names)
        self._network_changed()

    def heal(self) -> None:
        """End the partition (machines disconnected one by one stay so)."""
        self.underlay.heal()
        self._network_changed()

    def cut_link(self, a: str, b: str, *, cut: bool = True) -> None:
        """Cut (or heal, ``cut=False``) the link between two machines or switches.

        A switch is ``switch`` (the core), ``zone:Z`` or ``rack:Z/R`` (``rack:R``
        for a rack in no zone): cutting ``rack:z1/r1`` from ``zone:z1`` cuts
        off the whole rack.
        """
        ends = [
            name
            if name == SWITCH or name.startswith(("rack:", "zone:"))
            else self.members.machine(name).hostname
            for name in (a, b)
        ]
        self.underlay.cut_link(ends[0], ends[1], cut)
        self._network_changed()

    def kill_task(self, task_id: str, exit_code: int = 1) -> bool:
        """Make a running task's container exit with ``exit_code``; False if not running.

        Raises
        ------
        InvalidArgument
            When no task has the id ``task_id``, or ``exit_code`` is not an
            integer from 0 to 255.
        """
        if not isinstance(task_id, str):
            raise InvalidArgument(f"a task is named by its id, not {task_id!r}")
        task = self.ctx.store.tasks.get(task_id)
        if task is None:
            raise InvalidArgument(f"no such task: {task_id}")
        code = integer(exit_code)
        if code is None:
            raise InvalidArgument(f"exit_code must be an integer, not {exit_code!r}")
        if not 0 <= code <= 255:
            raise InvalidArgument(f"exit_code must be between 0 and 255, not {code}")
        if not task.node_id:
            return False
        return self.agents[task.node_id].kill(task_id, code)
