"""Machines: the hosts of a swarm, which exist before it and outlive their membership.

A :class:`Machine` is a host as the class notes meet it before any ``docker
swarm init``: a hostname, an address on the underlay, CPUs, memory, its
engine's labels, and the UDP ports other programs hold on it (a VMware host
holds 4789, the default overlay data path port).  Every machine runs a docker
engine; the engine is part of a swarm while ``node_id`` is set.  ``docker
swarm leave`` clears it, and joining again gives the machine a new node ID,
as in docker.

The underlay and the transport know machines by hostname, which never
changes; a node ID only says which node a machine runs as now.

Mirrors what ``moby: daemon/cluster/cluster.go`` keeps per engine (whether a
node runner exists and its node ID, or a join still trying in the background:
:class:`PendingJoin`) and the host facts ``docker info`` reports
(``moby: daemon/info.go``).

Differences
-----------
A machine has one network interface, ``eth0``, holding its address; an
address given to ``swarm init``/``join`` is either an IP address or
``eth0``.  Engine labels are set when the machine is described, not in a
``daemon.json``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from swarmsim.api.enums import Availability
from swarmsim.api.genericresource import GenericResources, node_resources
from swarmsim.arguments import hostname_of, integer, label_map, resources
from swarmsim.errors import InvalidArgument

__all__ = [
    "ALREADY_IN_SWARM",
    "GIB",
    "INTERFACE",
    "NOT_IN_SWARM",
    "ONE_SWARM",
    "Machine",
    "PendingJoin",
    "default_address",
    "machine_of",
    "place_of",
]

GIB = 1024**3
INTERFACE = "eth0"  # the one network interface of a machine
ALREADY_IN_SWARM = (  # moby: daemon/cluster/errors.go
    'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm '
    "and join another one."
)
NOT_IN_SWARM = "This node is not part of a swarm"
ONE_SWARM = "swarmsim: this simulation already had a swarm; start a new simulation for another"
_KEYS = (
    "name",
    "address",
    "cpus",
    "memory",
    "engine_labels",
    "generic_resources",
    "udp_ports_taken",
    "rack",
    "zone",
)
_PLACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True, slots=True)
class PendingJoin:
    """A ``docker swarm join`` that timed out and goes on in the background.

    moby's node runner keeps dialling ``remote`` (``HOST:PORT``) until a
    manager there and the leader answer; ``token``, ``availability`` and the
    advertised ``address`` are the command's.
    """

    remote: str
    token: str
    availability: Availability
    address: str


@dataclass(slots=True)
class Machine:
    """One host with a docker engine.

    Attributes
    ----------
    hostname
        Its name (``docker info``'s ``Name``, the node's hostname once it joins).
    address
        Its IP address on the underlay (``eth0``).
    cpus, memory
        What it offers to tasks (CPUs, bytes).
    engine_labels
        The engine's labels (``engine.labels.KEY`` in constraints).
    generic_resources
        Units per kind of the engine's generic resources
        (``dockerd --node-generic-resource gpu=2``).
    udp_ports_taken
        UDP ports another program holds: the overlay data path cannot use them.
    rack, zone
        Where it hangs on the underlay (``""``: off the core switch; see
        :meth:`~swarmsim.net.underlay.Underlay.add_machine`).
    node_id
        The node it runs as in the swarm, ``""`` while it is in none.
    up
        Whether it runs (``fail`` stops it, ``recover`` boots it).
    pending_join
        A ``swarm join`` that timed out and still tries (``docker info``:
        ``Swarm: pending``), or ``None``.
    """

    hostname: str
    address: str
    cpus: float = 4.0
    memory: int = 8 * GIB
    engine_labels: dict[str, str] = field(default_factory=dict)
    generic_resources: GenericResources = ()
    udp_ports_taken: frozenset[int] = frozenset()
    rack: str = ""
    zone: str = ""
    node_id: str = ""
    up: bool = True
    pending_join: PendingJoin | None = field(default=None, repr=False)

    @property
    def in_swarm(self) -> bool:
        """Whether its engine is part of a swarm."""
        return bool(self.node_id)

    @property
    def engaged(self) -> bool:
        """Whether its engine is in a swarm or still trying to join one (moby: a
        node runner exists), so that ``swarm init`` and ``join`` are refused."""
        return self.in_swarm or self.pending_join is not None

    def resolve(self, value: str) -> str | None:
        """An IP address given as itself or as the interface name; ``None`` if neither.

        >>> Machine("m1", "192.168.1.5").resolve("eth0")
        '192.168.1.5'
        >>> Machine("m1", "192.168.1.5").resolve("wlan0") is None
        True
        """
        if value == INTERFACE:
            return self.address
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return None


def default_address(index: int) -> str:
    """The address machine ``index`` (from 0) gets unless given one: ``192.168.65.<index + 2>``.

    A formed swarm's nodes get them in order, managers first.

    Examples
    --------
    >>> default_address(0)
    '192.168.65.2'
    """
    return f"192.168.65.{index + 2}"


def machine_of(entry: str | Mapping[str, Any], index: int) -> Machine:
    """A machine from a hostname or a mapping of :data:`Machine` fields (``name`` for the hostname).

    ``index`` (from 0) gives the default address (:func:`default_address`).

    Raises
    ------
    InvalidArgument
        For an unknown key, a bad hostname, address, resources, labels or ports.

    Examples
    --------
    >>> machine_of("manager1", 0)
    Machine(hostname='manager1', address='192.168.65.2', cpus=4.0, memory=8589934592, \
engine_labels={}, generic_resources=(), udp_ports_taken=frozenset(), rack='', zone='', \
node_id='', up=True)
    >>> machine_of({"name": "esx1", "udp_ports_taken": [4789]}, 1).udp_ports_taken
    frozenset({4789})
    >>> machine_of({"name": "w7", "rack": "r2", "zone": "eu"}, 6).rack
    'r2'
    """
    if isinstance(entry, str):
        entry = {"name": entry}
    if not isinstance(entry, Mapping):
        raise InvalidArgument(f"a machine is a hostname or a mapping, not {entry!r:.80}")
    unknown = [key for key in entry if key not in _KEYS]
    if unknown:
        raise InvalidArgument(f"unknown machine setting {unknown[0]!r} (known: {', '.join(_KEYS)})")
    hostname = hostname_of(entry.get("name"))
    address = entry.get("address") or default_address(index)
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        raise InvalidArgument(f"address must be an IP address, not {address!r:.80}") from None
    cpus, memory = resources(entry.get("cpus", 4), entry.get("memory", 8 * GIB))
    labels = dict(label_map("engine_labels", entry.get("engine_labels")))
    return Machine(
        hostname,
        address,
        cpus,
        memory,
        labels,
        generic_of(entry.get("generic_resources", ())),
        _ports(entry.get("udp_ports_taken", ())),
        place_of("rack", entry.get("rack", "")),
        place_of("zone", entry.get("zone", "")),
    )


def place_of(key: str, value: object) -> str:
    """A rack or zone name: letters, digits, ``_``, ``.``, ``-`` (``""``: none).

    Raises
    ------
    InvalidArgument
        For anything else.
    """
    if value == "":
        return ""
    if not isinstance(value, str) or _PLACE.fullmatch(value) is None:
        raise InvalidArgument(
            f"{key} must be a name of letters, digits, '_', '.' and '-', not {value!r:.80}"
        )
    return value


def generic_of(value: object) -> GenericResources:
    """``--node-generic-resource`` terms (``["gpu=2"]``) as units per kind.

    Raises
    ------
    InvalidArgument
        For terms that are not a list of strings or that swarmkit cannot parse.
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidArgument(f"generic_resources must be a list of KIND=VALUE, not {value!r:.80}")
    terms = list(value)
    if not all(isinstance(term, str) for term in terms):
        raise InvalidArgument(f"generic_resources must be a list of KIND=VALUE, not {value!r:.80}")
    try:
        return node_resources(terms)
    except ValueError as error:
        raise InvalidArgument(str(error)) from None


def _ports(value: object) -> frozenset[int]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidArgument(f"udp_ports_taken must be a list of ports, not {value!r:.80}")
    ports = set()
    for item in value:
        port = integer(item)
        if port is None or not 1 <= port <= 65535:
            raise InvalidArgument(f"a UDP port is a number from 1 to 65535, not {item!r:.80}")
        ports.add(port)
    return frozenset(ports)
