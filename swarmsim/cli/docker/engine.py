"""What the docker CLI talks to: the engine of one machine, and the swarm it reaches.

The command handlers of :mod:`swarmsim.cli.docker` receive an :class:`Engine`,
never the :class:`~swarmsim.swarm.Swarm` facade (which implements this
protocol for the machine the CLI currently runs on), so the CLI sits below the
facade: the facade imports the CLI, never the other way round.  An engine
answers for its machine (``host``, ``current_node_id``: ``docker info``,
``docker ps``, the ``*`` of ``docker node ls``), reaches the managers' state
through the swarm it is part of (``ctx``, ``raft``, ``allocator``), and
changes its own membership (``init_swarm``, ``join_swarm``, ``leave_swarm``).

Mirrors the split of ``cli: cli/command/cli.go`` (the CLI holds an API
client of one daemon) and ``moby: daemon/cluster/cluster.go`` (each daemon's
view of the swarm).

Differences
-----------
The managers' state is read directly rather than over the API; whether the
machine reaches the leader is still checked (``ctx.leadership.visible``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from swarmsim.agent.images import ImageModel
    from swarmsim.agent.worker import Agent
    from swarmsim.api.enums import Availability, NodeRole
    from swarmsim.api.objects import Node
    from swarmsim.context import Context
    from swarmsim.machine import Machine
    from swarmsim.manager.allocator import Allocator
    from swarmsim.manager.raft import Raft

__all__ = ["Engine"]


class Engine(Protocol):
    """The docker engine of the machine the CLI runs on."""

    ctx: Context
    raft: Raft
    allocator: Allocator
    images: ImageModel

    @property
    def agents(self) -> Mapping[str, Agent]:
        """The agents of the swarm's nodes, by node ID."""
        ...

    @property
    def host(self) -> Machine:
        """The machine this engine runs on."""
        ...

    @property
    def current_node_id(self) -> str:
        """The node this machine runs as (``""`` outside a swarm)."""
        ...

    @property
    def now(self) -> float:
        """The virtual clock."""
        ...

    @property
    def swarm_created_at(self) -> float | None:
        """When the swarm was created (``None``: there is no swarm yet)."""
        ...

    def advance(self, seconds: float) -> None:
        """Let virtual time pass (a command that waits, e.g. ``--detach=false``)."""
        ...

    def manager_at(self, address: str) -> Node | None:
        """The manager advertising IP ``address``, if any."""
        ...

    def reaches(self, node_id: str) -> bool:
        """Whether this machine has a network path to the machine of ``node_id``."""
        ...

    def init_swarm(
        self, address: str, availability: Availability, settings: Mapping[str, Any]
    ) -> Node:
        """Create a swarm with this machine as its first manager, advertising ``address``."""
        ...

    def join_swarm(self, role: NodeRole, availability: Availability, address: str) -> Node:
        """Join the swarm as ``role``, advertising ``address``."""
        ...

    def leave_swarm(self) -> None:
        """Leave the swarm (the checks are the caller's)."""
        ...
