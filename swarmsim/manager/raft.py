"""Managers and Raft: who leads, and whether there is a quorum.

Mirrors the parts of ``swarmkit: manager/state/raft/raft.go`` that change
what a user sees: a quorum is ``⌊N/2⌋ + 1`` of the N managers; a follower
starts an election after 10–19 ticks of 1 s without a leader; a leader that
cannot reach a quorum steps down (``CheckQuorum``); without a leader every
control-plane request fails and the leader-only components (dispatcher,
allocator, scheduler, orchestrators) stop.  ``docker node ls`` shows each
manager as ``Leader``, ``Reachable`` or ``Unreachable``.

Which managers are reachable is read from the underlay's partitions and cut
links by :class:`~swarmsim.manager.sessions.Sessions`, which calls
:meth:`Raft.set_reachable` after every network fault.

A node promoted with ``docker node promote`` only changes role in the store
(``swarmkit: manager/role_manager.go``, "Promotion can proceed right away");
it becomes a Raft member when its own manager starts and asks the leader to
join (``swarmkit: node/node.go``, ``manager/state/raft/raft.go`` ``Join``).
Until then it is *joining*: not counted in the quorum, shown without a
MANAGER STATUS, and refused by ``docker node demote`` with ``can't find
manager in raft memberlist``.  A node whose machine is down or cut off from
the leader when promoted joins when it reaches the leader again; one that
never does leaves the quorum as it was.

Differences
-----------
The log, terms and votes are not simulated: an election succeeds exactly
when a quorum of managers is reachable, and the new leader is drawn from the
reachable managers with the ``raft`` random stream.  Without a leader a
request fails at once with the no-leader error; swarmkit blocks it for the
first ~10 ticks and only then fails fast.
"""

from __future__ import annotations

from collections.abc import Callable

from swarmsim.context import Context

NO_LEADER = (
    "The swarm does not have a leader. It's possible that too few managers are online. "
    "Make sure more than half of the managers are online."
)
ELECTION_TICKS = 10
TICK = 1.0


def quorum(members: int) -> int:
    """Managers needed for a quorum.

    Examples
    --------
    >>> [quorum(n) for n in range(1, 8)]
    [1, 2, 2, 3, 3, 4, 4]
    """
    return members // 2 + 1


class Raft:
    """Tracks manager membership and reachability and elects leaders."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.members: dict[str, None] = {}  # manager node ids, in join order
        self.joining: dict[str, None] = {}  # promoted, not a member yet, in promotion order
        self.reachable: set[str] = set()
        self.leader: str | None = None
        self._rng = ctx.sim.rng("raft")
        self._election_pending = False
        self._on_promote: list[Callable[[], None]] = []

    @property
    def has_quorum(self) -> bool:
        """Whether enough managers are reachable to elect and keep a leader."""
        return len(self.reachable & self.members.keys()) >= quorum(len(self.members))

    def add_member(self, node_id: str, *, reachable: bool = True) -> None:
        """A node becomes a manager (``swarm init``, ``join`` as manager, ``promote``)."""
        self.members[node_id] = None
        if reachable:
            self.reachable.add(node_id)
        if self.leader is None and len(self.members) == 1 and reachable:
            self._elect(node_id)
        self._check()

    def promote(self, node_id: str) -> None:
        """A node is promoted: it joins once its machine reaches the leader (see the
        module docstring); :meth:`on_promote` callbacks decide that at once."""
        self.joining[node_id] = None
        for callback in self._on_promote:
            callback()

    def on_promote(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every :meth:`promote`."""
        self._on_promote.append(callback)

    def admit(self, node_id: str) -> None:
        """A joining node's manager reached the leader: it becomes a reachable member."""
        del self.joining[node_id]
        self.add_member(node_id)

    def forget(self, node_id: str) -> None:
        """A node left the store: if it was joining, it never will."""
        self.joining.pop(node_id, None)

    def can_remove(self, node_id: str) -> str:
        """Why removing ``node_id`` from Raft is refused, or ``""`` when it is allowed."""
        if node_id not in self.members:
            return ""
        if len(self.members) == 1:
            return "attempting to demote the last manager of the swarm"
        remaining = len(self.members) - 1
        reachable_after = len((self.reachable - {node_id}) & self.members.keys())
        if reachable_after < quorum(remaining):
            return "can't remove member from the raft: this would result in a loss of quorum"
        return ""

    def remove_member(self, node_id: str) -> None:
        """A manager is demoted or removed."""
        self.members.pop(node_id, None)
        self.reachable.discard(node_id)
        if self.leader == node_id:
            self._lose_leader()
        self._check()

    def set_reachable(self, node_id: str, reachable: bool) -> None:
        """A manager's machine or network failed (``False``) or came back (``True``)."""
        if reachable:
            self.reachable.add(node_id)
        else:
            self.reachable.discard(node_id)
        if node_id not in self.members:
            return
        if not reachable and self.leader == node_id:
            self._lose_leader()
        self._check()

    def manager_status(self, node_id: str) -> str:
        """``Leader``, ``Reachable``, ``Unreachable`` or ``""`` for workers."""
        if node_id not in self.members:
            return ""
        if node_id == self.leader:
            return "Leader"
        return "Reachable" if node_id in self.reachable else "Unreachable"

    # -------------------------------------------------------------- internals
    def _lose_leader(self) -> None:
        self.leader = None
        self.ctx.leadership.set(False)

    def _elect(self, node_id: str) -> None:
        self.leader = node_id
        self.ctx.leadership.set(True)

    def _check(self) -> None:
        if self.leader is not None and not self.has_quorum:
            # CheckQuorum: the leader notices within an election timeout and steps down
            self._schedule(self._step_down_if_needed)
        elif self.leader is None and self.has_quorum:
            self._schedule(self._elect_if_possible)

    def _schedule(self, action: object) -> None:
        if self._election_pending:
            return
        self._election_pending = True
        ticks = ELECTION_TICKS + self._rng.randrange(ELECTION_TICKS)
        self.ctx.sim.call_later(ticks * TICK, self._fire, action)

    def _fire(self, action: object) -> None:
        self._election_pending = False
        assert callable(action)
        action()

    def _step_down_if_needed(self) -> None:
        if self.leader is not None and not self.has_quorum:
            self._lose_leader()
        self._check()

    def _elect_if_possible(self) -> None:
        if self.leader is None and self.has_quorum:
            candidates = [m for m in self.members if m in self.reachable]
            self._elect(self._rng.choice(candidates))
        self._check()
