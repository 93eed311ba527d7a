"""Node requests of the control API: look up, list, update (incl. promote/demote), remove.

Mirrors ``swarmkit: manager/controlapi/node.go`` (``GetNode``, ``ListNodes``,
``UpdateNode``, ``RemoveNode``, ``orphanNodeTasks``) together with the daemon
side that the docker CLI talks to (``moby: daemon/cluster/helpers.go``
``getNode``, ``daemon/cluster/filters.go`` ``newListNodesFilters``,
``daemon/cluster/convert/node.go`` ``NodeSpecToGRPC``).  Every function needs a
Raft leader, validates the whole request and raises
:class:`~swarmsim.errors.DaemonError` with the daemon's wording before it
writes anything.  Errors produced by swarmkit itself reach the CLI wrapped as
gRPC statuses (``rpc error: code = FailedPrecondition desc = ...``, see
:func:`~swarmsim.manager.controlapi.service.rpc_error`); those produced by
the daemon (unknown node, bad filter, bad role or availability) are not.

Differences
-----------
A role change takes effect at once: swarmkit records the *desired* role and
its role manager later sets the role (and, on demotion, removes the node from
the Raft member list); here the role and the demotion's
:class:`~swarmsim.manager.raft.Raft` removal happen in the same call, and a
promoted node joins Raft in that call too when its machine reaches the
leader (else once it does: :meth:`Raft.promote
<swarmsim.manager.raft.Raft.promote>`), where swarmkit waits for its new
manager to start and ask.  The check that ``--label-rm`` keys exist is the CLI's
(``cli: cli/command/node/update.go``), done here so that Python callers get it
too; it raises :class:`~swarmsim.errors.InvalidArgument` (printed without the
daemon prefix).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from swarmsim.api.enums import Availability, NodeRole, NodeStatus, TaskState
from swarmsim.api.objects import Node
from swarmsim.api.specs import make_labels
from swarmsim.context import Context
from swarmsim.errors import DaemonError, InvalidArgument
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import check_filter_names, require_leader, rpc_error
from swarmsim.manager.raft import Raft

__all__ = [
    "ORPHANED_MESSAGE",
    "get_node",
    "list_nodes",
    "remove_node",
    "update_node",
]

ORPHANED_MESSAGE = "Task belonged to a node that has been deleted"
NODE_FILTERS = ("id", "label", "membership", "name", "node.label", "role")


def get_node(ctx: Context, ref: str) -> Node:
    """Find a node by full ID, then exact hostname, then ID prefix (the daemon's ``getNode``).

    Raises
    ------
    DaemonError
        ``node <ref> not found`` or ``node <ref> is ambiguous (<n> matches found)``.
    """
    require_leader(ctx)
    nodes = ctx.store.nodes
    if ref in nodes:
        return nodes[ref]
    matches = [n for n in nodes.values() if n.hostname == ref]
    if not matches and ref:
        matches = [n for n in nodes.values() if n.id.startswith(ref)]
    if not matches:
        raise DaemonError(f"node {ref} not found")
    if len(matches) > 1:
        raise DaemonError(f"node {ref} is ambiguous ({len(matches)} matches found)")
    return matches[0]


def _kv_map(values: Iterable[str]) -> dict[str, str]:
    """``key=value`` (or bare ``key``) strings as a map, as ``ConvertKVStringsToMap``."""
    result: dict[str, str] = {}
    for item in values:
        key, _, value = item.partition("=")
        result[key] = value
    return result


def _labels_match(have: Mapping[str, str], want: Mapping[str, str]) -> bool:
    """swarmkit's ``filterMatchLabels``: every wanted key exists (with the value, if given)."""
    return all(k in have and (not v or have[k] == v) for k, v in want.items())


def list_nodes(ctx: Context, filters: Mapping[str, Sequence[str]] | None = None) -> list[Node]:
    """Every node matching ``filters`` (``docker node ls --filter``), in store order.

    ``name`` and ``id`` match prefixes of the hostname and ID (any value may
    match); ``role`` the current role; ``label`` engine labels and
    ``node.label`` node labels (``key`` or ``key=value``, all must match);
    ``membership`` ``accepted`` or ``pending`` (every simulated node is accepted).

    Raises
    ------
    DaemonError
        ``invalid filter '<name>'``, ``Invalid role filter: '<value>'``,
        ``Invalid membership filter: '<value>'``.
    """
    require_leader(ctx)
    filters = filters or {}
    check_filter_names(filters, NODE_FILTERS)
    roles: set[NodeRole] = set()
    for value in filters.get("role", ()):
        if value.upper() in NodeRole.__members__:
            roles.add(NodeRole[value.upper()])
        elif value:
            raise DaemonError(f"Invalid role filter: '{value}'")
    memberships = {v.upper() for v in filters.get("membership", ()) if v}
    for value in filters.get("membership", ()):
        if value and value.upper() not in ("ACCEPTED", "PENDING"):
            raise DaemonError(f"Invalid membership filter: '{value}'")
    names = list(filters.get("name", ()))
    ids = list(filters.get("id", ()))
    engine_labels = _kv_map(filters.get("label", ()))
    node_labels = _kv_map(filters.get("node.label", ()))
    result = []
    for node in ctx.store.nodes.values():
        if names and not any(node.hostname.startswith(p) for p in names):
            continue
        if ids and not any(node.id.startswith(p) for p in ids):
            continue
        if roles and node.role not in roles:
            continue
        if memberships and "ACCEPTED" not in memberships:
            continue
        if not _labels_match(dict(node.engine_labels), engine_labels):
            continue
        if not _labels_match(dict(node.labels), node_labels):
            continue
        result.append(node)
    return result


def _parse_role(value: NodeRole | str) -> NodeRole:
    if isinstance(value, NodeRole):
        return value
    if value.upper() in NodeRole.__members__:
        return NodeRole[value.upper()]
    raise DaemonError(f"invalid Role: {go_quote(value)}")


def _parse_availability(value: Availability | str) -> Availability:
    if isinstance(value, Availability):
        return value
    if value.upper() in Availability.__members__:
        return Availability[value.upper()]
    raise DaemonError(f"invalid Availability: {go_quote(value)}")


def _check_demotion(ctx: Context, raft: Raft, node: Node) -> None:
    """swarmkit's demotion sanity checks (last manager, Raft membership, quorum)."""
    managers = [n for n in ctx.store.nodes.values() if n.role == NodeRole.MANAGER]
    if len(managers) == 1 and managers[0].id == node.id:
        raise rpc_error("FailedPrecondition", "attempting to demote the last manager of the swarm")
    if node.id not in raft.members:
        raise rpc_error("NotFound", "can't find manager in raft memberlist")
    reason = raft.can_remove(node.id)
    if reason:
        raise rpc_error("FailedPrecondition", reason)


def update_node(
    ctx: Context,
    raft: Raft,
    node_id: str,
    *,
    availability: Availability | str | None = None,
    labels_add: Mapping[str, str] | None = None,
    labels_rm: Iterable[str] = (),
    role: NodeRole | str | None = None,
) -> Node:
    """Change a node's availability, labels and/or role (``docker node update/promote/demote``).

    Parameters
    ----------
    ctx, raft
        The swarm's context and Raft view.
    node_id
        Node ID, hostname or unique ID prefix.
    availability, role
        New values; strings are matched case-insensitively (``drain``, ``manager``).
    labels_add
        Labels to add or overwrite.
    labels_rm
        Label keys to remove; each must exist.

    Returns
    -------
    Node
        The updated node.

    Raises
    ------
    DaemonError
        Unknown node, ``invalid Role: "x"``, ``invalid Availability: "x"``,
        ``attempting to demote the last manager of the swarm``,
        ``can't remove member from the raft: this would result in a loss of quorum``.
    InvalidArgument
        ``key <k> doesn't exist in node's labels``.
    """
    node = get_node(ctx, node_id)
    labels = dict(node.labels)
    labels.update(labels_add or {})
    for key in labels_rm:
        if key not in labels:
            raise InvalidArgument(f"key {key} doesn't exist in node's labels")
        del labels[key]
    new_role = node.role if role is None else _parse_role(role)
    new_availability = (
        node.availability if availability is None else _parse_availability(availability)
    )
    if node.role == NodeRole.MANAGER and new_role == NodeRole.WORKER:
        _check_demotion(ctx, raft, node)
    # validated: write
    old_role = node.role
    node.labels = make_labels(labels)
    node.availability = new_availability
    node.role = new_role
    if old_role != new_role:
        if new_role == NodeRole.MANAGER:
            raft.promote(node.id)  # a member once its machine reaches the leader
        else:
            raft.remove_member(node.id)
    ctx.store.update_node(node)
    return node


def remove_node(ctx: Context, raft: Raft, node_id: str, force: bool = False) -> Node:
    """Delete a node from the swarm (``docker node rm [--force]``).

    The node's tasks that have not finished become ORPHANED (``Task belonged to
    a node that has been deleted``) in the same step, then the node leaves the store.

    Raises
    ------
    DaemonError
        Unknown node; ``node <id> is a cluster manager and is a member of the raft
        cluster. It must be demoted to worker before removal``; ``node <id> is not down
        and can't be removed`` (a READY node without ``force``).
    """
    node = get_node(ctx, node_id)
    if node.role == NodeRole.MANAGER and node.id in raft.members:
        raise rpc_error(
            "FailedPrecondition",
            f"node {node.id} is a cluster manager and is a member of the raft cluster. "
            "It must be demoted to worker before removal",
        )
    if not force and node.status == NodeStatus.READY:
        raise rpc_error("FailedPrecondition", f"node {node.id} is not down and can't be removed")
    store = ctx.store
    for task in list(store.tasks_on_node(node.id)):
        if task.state < TaskState.COMPLETE:
            task.status = ctx.statuses.stamp(ctx.now, TaskState.ORPHANED, ORPHANED_MESSAGE)
            store.update_task(task)
    store.delete_node(node.id)
    raft.forget(node.id)
    return node
