"""The networks one machine's daemon knows: its own node-local ones and the swarm's.

Mirrors the lookups of ``moby: daemon/network.go`` (``GetNetworks``,
``FindNetwork``) and ``daemon/cluster/networks.go``: a machine has node-local
networks (``bridge``, ``docker_gwbridge``, ``host``, ``none`` and those
``docker network create`` makes without a swarm scope); a manager that reaches
the leader sees every swarm network, any other machine only ``ingress`` and
the networks its running task containers are attached to.  A network is
found by ID, name or ID prefix, the node-local ones first.

The commands are :mod:`~swarmsim.cli.docker.network_create`,
:mod:`~swarmsim.cli.docker.network_list` (``ls``),
:mod:`~swarmsim.cli.docker.network_remove` (``rm``, ``prune``) and
:mod:`~swarmsim.cli.docker.network_inspect`.

Differences
-----------
Node-local networks are bookkeeping only (no containers attach to them) and
their 64-hex IDs come from the simulation's ``local-networks`` random stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from swarmsim.api.enums import TaskState
from swarmsim.api.objects import Network, Task
from swarmsim.cli.docker import is_manager
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi.network import get_network, list_networks

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "LocalNetwork",
    "attached_here",
    "attached_tasks",
    "find_network",
    "is_manager",
    "local_network_id",
    "local_networks",
    "swarm_networks",
]


@dataclass
class LocalNetwork:
    """A node-local network of the host the CLI talks to."""

    id: str
    name: str
    driver: str
    subnet: str = ""
    gateway: str = ""
    internal: bool = False
    attachable: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    created_at: float = 0.0
    predefined: bool = False
    options: tuple[tuple[str, str], ...] = ()
    ip_range: str = ""


_LOCAL: WeakKeyDictionary[Engine, dict[str, LocalNetwork]] = WeakKeyDictionary()


def local_network_id(swarm: Engine) -> str:
    """A new 64-hex ID of a node-local network, from the ``local-networks`` random stream."""
    return f"{swarm.ctx.sim.rng('local-networks').getrandbits(256):064x}"


def local_networks(swarm: Engine) -> dict[str, LocalNetwork]:
    """The node-local networks by name, the predefined ones created on first use."""
    table = _LOCAL.get(swarm)
    if table is None:
        table = {}
        for name, driver, subnet in (
            ("bridge", "bridge", "172.17.0.0/16"),
            ("docker_gwbridge", "bridge", "172.18.0.0/16"),
            ("host", "host", ""),
            ("none", "null", ""),
        ):
            gateway = subnet.replace(".0.0/16", ".0.1") if subnet else ""
            table[name] = LocalNetwork(local_network_id(swarm), name, driver, subnet, gateway)
            table[name].predefined = name != "docker_gwbridge"
        _LOCAL[swarm] = table
    return table


def attached_tasks(swarm: Engine, network: Network, node_id: str) -> list[Task]:
    """Running tasks of machine ``node_id`` attached to ``network``."""
    return [
        task
        for task in swarm.ctx.store.tasks_on_node(node_id)
        if task.state == TaskState.RUNNING and any(n == network.id for n, _ in task.attachments)
    ]


def attached_here(swarm: Engine, network: Network) -> list[Task]:
    """Running task containers of the CLI's machine attached to ``network``."""
    return attached_tasks(swarm, network, swarm.current_node_id)


def swarm_networks(swarm: Engine) -> list[Network]:
    """The swarm networks this machine's daemon lists.

    A manager that reaches the leader lists the cluster's networks; any other
    machine (a worker, a manager cut off from the leader) only those that
    exist on it: ``ingress`` and the networks of its running tasks (the
    daemon ignores the cluster's error).
    """
    if is_manager(swarm) and swarm.ctx.leadership.visible:
        return list_networks(swarm.ctx)
    if swarm.current_node_id not in swarm.ctx.store.nodes:
        return []
    return [n for n in swarm.ctx.store.networks.values() if n.ingress or attached_here(swarm, n)]


def find_network(swarm: Engine, ref: str) -> LocalNetwork | Network:
    """A network by ID, name or ID prefix: local ones first, as the daemon does."""
    for entry in local_networks(swarm).values():
        if ref in (entry.id, entry.name):
            return entry
    try:
        if is_manager(swarm):
            return get_network(swarm.ctx, ref)
        here = swarm_networks(swarm)
        found = next((n for n in here if ref in (n.id, n.name)), None)
        found = found or next((n for n in here if ref and n.id.startswith(ref)), None)
        if found is None:
            raise DaemonError(f"network {ref} not found")
        return found
    except DaemonError:
        matches = [n for n in local_networks(swarm).values() if n.id.startswith(ref)]
        if ref and len(matches) == 1:
            return matches[0]
        raise
