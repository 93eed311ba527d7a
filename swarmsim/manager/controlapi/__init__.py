"""The control API: validated changes to services, nodes and networks.

Mirrors ``swarmkit: manager/controlapi/`` (``service.go``, ``node.go``,
``network.go``).  Every function validates its whole request first and raises
:class:`~swarmsim.errors.DaemonError` with swarmkit's wording, so a refused
request changes nothing; only then does it write to the store.  Like the
real API, every request needs a Raft leader.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from swarmsim.context import Context
from swarmsim.errors import DaemonError
from swarmsim.manager.raft import NO_LEADER


def rpc_error(code: str, message: str) -> DaemonError:
    """A swarmkit gRPC error as the daemon relays it (``rpc error: code = X desc = msg``)."""
    return DaemonError(f"rpc error: code = {code} desc = {message}")


def check_filter_names(filters: Mapping[str, object], allowed: Collection[str]) -> None:
    """Refuse a list request naming a filter the daemon does not know (``invalid filter 'x'``)."""
    for name in sorted(filters):
        if name not in allowed:
            raise DaemonError(f"invalid filter '{name}'")


def require_leader(ctx: Context) -> None:
    """Refuse a request while the swarm has no leader (relayed as an ``Unknown`` gRPC error)."""
    if not ctx.leadership.visible:
        raise rpc_error("Unknown", NO_LEADER)


_NAME_RE = re.compile(r"[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*")


def validate_name(name: str) -> None:
    """``validateAnnotations``: an object name must be a DNS name component of 1–63 characters."""
    if not name:
        raise rpc_error("InvalidArgument", "meta: name must be provided")
    if not _NAME_RE.fullmatch(name):
        raise rpc_error("InvalidArgument", "name must be valid as a DNS name component")
    if len(name) > 63:
        raise rpc_error("InvalidArgument", "name must be 63 characters or fewer")
