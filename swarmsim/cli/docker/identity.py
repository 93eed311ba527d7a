"""A swarm's identity as its CLI sees it: the cluster ID, the root CA digest, the join tokens.

Mirrors ``swarmkit: ca/config.go`` ``GenerateJoinToken`` / ``ParseJoinToken``
and ``ca/server.go`` (which token admits which role) for the token format
``SWMTKN-1-<CA digest, 50 base-36 chars>-<secret, 25 base-36 chars>``, and
``swarmkit: manager/encryption`` for the unlock key's text.

Differences
-----------
There is no CA: the digest is drawn from the simulation's ``cluster`` random
stream (not from ``ctx.ids``, so asking for a token never changes the IDs of
later objects), and a token is a text checked for equality.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from swarmsim.api.enums import NodeRole
from swarmsim.ids import IdGenerator, to_base36

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["RAFT_PORT", "ClusterIdentity", "cluster_identity", "manager_address"]

RAFT_PORT = 2377


@dataclass
class ClusterIdentity:
    """The cluster ID, root CA digest and join-token secrets of one swarm."""

    ids: IdGenerator
    cluster_id: str
    ca_digest: str
    secrets: dict[str, str] = field(default_factory=dict)

    def token(self, role: str) -> str:
        """The current join token of ``role`` (``worker`` or ``manager``)."""
        if role not in self.secrets:
            self.secrets[role] = self.ids.secret()
        return f"SWMTKN-1-{self.ca_digest}-{self.secrets[role]}"

    def rotate(self, role: str) -> None:
        """Replace the secret of ``role``'s token (``--rotate``)."""
        self.token(role)
        self.secrets[role] = self.ids.secret()

    def role_of(self, token: str) -> NodeRole | None:
        """The role a join token admits (``swarmkit: ca/server.go``), ``None`` for neither."""
        for role in (NodeRole.MANAGER, NodeRole.WORKER):
            if token == self.token(role.api_name):
                return role
        return None

    def unlock_key(self, rng_bytes: bytes) -> str:
        """The human-readable unlock key of ``swarmkit: manager/encryption``."""
        return "SWMKEY-1-" + base64.b64encode(rng_bytes).decode().rstrip("=")


_IDENTITIES: WeakKeyDictionary[Engine, ClusterIdentity] = WeakKeyDictionary()


def cluster_identity(engine: Engine) -> ClusterIdentity:
    """The :class:`ClusterIdentity` of ``engine``'s swarm (created on first use, from the seed)."""
    identity = _IDENTITIES.get(engine)
    if identity is None:
        rng = engine.ctx.sim.rng("cluster")
        ids = IdGenerator(rng)
        cluster_id = ids.new()
        ca_digest = to_base36(rng.getrandbits(256), 50)
        identity = ClusterIdentity(ids, cluster_id, ca_digest)
        identity.token("worker")
        identity.token("manager")
        _IDENTITIES[engine] = identity
    return identity


def manager_address(engine: Engine) -> str:
    """The Raft address (``ip:2377``) of the node the CLI talks to."""
    return f"{engine.ctx.store.nodes[engine.current_node_id].addr}:{RAFT_PORT}"
