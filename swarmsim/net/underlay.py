"""The underlay: a graph of machines and links, and the faults that cut it.

Every machine hangs off one switch by a link with a latency and a loss
probability; a message follows the path of least latency between two
machines.  Faults cut and heal a link or every link of a machine, and
*partitions* split the machines into groups that cannot talk to each other
(as a firewall between them would), whatever the links.  Routes are cached
per ``(source, destination)`` and the cache is dropped on every change of the
topology (only the routes of a machine with a single link when it stops or
runs again: it forwards nothing), so the hot path never searches the graph.

Differences
-----------
Real machines talk over IP with TCP retransmissions; here a message either
arrives after its path's latency or is lost.  A machine's message to itself
(the agent on a manager talking to its own dispatcher) takes the default
latency, as the simulator has always charged it.

Racks and zones
---------------
By default every machine hangs off the one core switch.  A machine given a
``rack`` hangs off that rack's switch instead, and the rack's switch off its
``zone``'s switch (or the core switch without a zone); a machine given only a
zone hangs off the zone's switch; zone switches hang off the core switch.
The links are: machine to its switch, half the default latency (as before);
rack switch up, ``rack_latency`` (half the default latency); zone switch to
the core, ``zone_latency`` (five times the default latency).  So two machines
in one rack are the default latency apart, in two racks of one zone twice
that, and in two zones 12 times that, as in a data centre whose zones are
buildings apart.  Switches never go down; their links can be cut
(:meth:`Underlay.cut_link` with the switch's name, e.g. ``rack:r1``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import networkx as nx

from swarmsim.errors import InvalidArgument

SWITCH = "switch"

_MAX_TREES = 16  # shortest-path trees kept (each holds a path to every machine)

Route = tuple[float, float]  # (latency in seconds, probability of loss)


def group_problem(groups: Sequence[Sequence[str]]) -> tuple[int, int, str] | None:
    """The first empty group or repeated machine of a partition, or ``None``.

    Returns ``(group index, member index, message)`` (member index ``-1`` for
    an empty group).

    Examples
    --------
    >>> group_problem([["a", "b"], ["c"]]) is None
    True
    >>> group_problem([["a"], []])
    (1, -1, 'partition group 2 is empty')
    >>> group_problem([["a", "b"], ["b"]])
    (1, 0, 'b is in two partition groups')
    """
    seen: set[str] = set()
    for i, group in enumerate(groups):
        if not group:
            return i, -1, f"partition group {i + 1} is empty"
        for j, machine in enumerate(group):
            if machine in seen:
                return i, j, f"{machine} is in two partition groups"
            seen.add(machine)
    return None


class Underlay:
    """Machines, switches (one, or racks and zones), links; reachability and latency.

    Examples
    --------
    >>> net = Underlay(default_latency=0.002)
    >>> for name in ("m1", "w1", "w2"):
    ...     net.add_machine(name)
    >>> net.route("m1", "w1")
    (0.002, 0.0)
    >>> net.partition([["m1", "w1"], ["w2"]])
    >>> net.route("m1", "w2") is None, net.route("m1", "w1") is None
    (True, False)
    >>> net.heal()
    >>> net.route("m1", "w2")
    (0.002, 0.0)
    """

    def __init__(
        self,
        default_latency: float,
        *,
        rack_latency: float | None = None,
        zone_latency: float | None = None,
    ) -> None:
        self.default_latency = default_latency
        self.rack_latency = default_latency / 2 if rack_latency is None else rack_latency
        self.zone_latency = 5 * default_latency if zone_latency is None else zone_latency
        self.graph: nx.Graph = nx.Graph()
        self.graph.add_node(SWITCH, machine=False)
        self.down: set[str] = set()
        self.groups: dict[str, int] = {}  # machine -> partition group (none: no partition)
        self.routes: dict[tuple[str, str], Route | None] = {}  # cleared in place on changes
        self._routes_by_name: dict[str, set[tuple[str, str]]] = {}  # name -> its cached keys
        self._trees: dict[str, dict[str, list[str]]] = {}  # source -> shortest paths
        self.aliases: dict[str, str] = {}  # another name -> machine (a node ID while it runs there)
        self._aliases_of: dict[str, set[str]] = {}  # machine -> its other names
        # called after every change of routes, with the machine whose routes alone
        # changed (a machine with one link stopped, or its link was cut), else None
        self.listeners: list[Callable[[str | None], None]] = []

    # ------------------------------------------------------------ topology
    def add_machine(
        self,
        machine: str,
        latency: float | None = None,
        *,
        label: str = "",
        udp_ports_taken: frozenset[int] = frozenset(),
        rack: str = "",
        zone: str = "",
    ) -> None:
        """Plug a machine into its switch by a link of half the default latency by default.

        ``label`` names the machine in error messages (its hostname);
        ``udp_ports_taken`` are UDP ports another program holds on the machine
        (a VMware host holds 4789, the default overlay data path port);
        ``rack`` and ``zone`` choose its switch (the core switch by default,
        see "Racks and zones" above).

        >>> net = Underlay(0.001)
        >>> for name, rack, zone in [("a", "r1", "z1"), ("b", "r1", "z1"), ("c", "r2", "z1"),
        ...                          ("d", "r3", "z2")]:
        ...     net.add_machine(name, rack=rack, zone=zone)
        >>> [round(net.route("a", m)[0], 6) for m in "bcd"]
        [0.001, 0.002, 0.012]
        """
        half = self.default_latency / 2 if latency is None else latency
        self.graph.add_node(
            machine, machine=True, label=label or machine, udp_taken=frozenset(udp_ports_taken)
        )
        parent = SWITCH
        if zone:
            parent = self._switch(f"zone:{zone}", SWITCH, self.zone_latency)
        if rack:
            rack_name = f"rack:{zone}/{rack}" if zone else f"rack:{rack}"
            parent = self._switch(rack_name, parent, self.rack_latency)
        self._leaf(machine, parent, half)
        self._drop_routes(machine)  # asked before it existed: cached as unreachable
        if self.groups:
            self.groups[machine] = max(self.groups.values()) + 1  # alone until healed

    def _switch(self, name: str, parent: str, latency: float) -> str:
        """The switch called ``name``, hung off ``parent`` when new."""
        if name not in self.graph:
            self.graph.add_node(name, machine=False)
            self._leaf(name, parent, latency)
        return name

    def _leaf(self, node: str, parent: str, latency: float) -> None:
        """Link a new ``node`` to ``parent`` only: it lies on no other route, so the
        cached shortest-path trees are extended rather than dropped."""
        self.graph.add_edge(node, parent, latency=latency, loss=0.0, cut=False)
        self._extend_trees(node, parent)

    def _drop_routes(self, machine: str) -> None:
        """Forget the cached routes from and to ``machine`` (by its name or an alias)."""
        self._drop_routes_named(machine)
        for name in self._aliases_of.get(machine, ()):
            self._drop_routes_named(name)

    def _drop_routes_named(self, name: str) -> None:
        """Forget the cached routes from and to ``name``: its keys only, no scan."""
        routes = self.routes
        for key in self._routes_by_name.pop(name, ()):
            routes.pop(key, None)  # gone already if dropped by its other end

    def _extend_trees(self, node: str, parent: str) -> None:
        """Give the cached shortest-path trees that lack ``node`` its path through ``parent``."""
        for tree in self._trees.values():
            via = tree.get(parent)
            if via is not None and node not in tree:
                tree[node] = [*via, node]

    def set_link(self, a: str, b: str, *, latency: float, loss: float = 0.0) -> None:
        """Set (or add) the link between ``a`` and ``b`` (a machine or the switch)."""
        for end in (a, b):
            self._check_node(end)
        if not latency >= 0 or not 0.0 <= loss <= 1.0:
            raise InvalidArgument("a link needs a latency >= 0 and a loss between 0 and 1")
        cut = bool(self.graph.edges[a, b]["cut"]) if self.graph.has_edge(a, b) else False
        self.graph.add_edge(a, b, latency=latency, loss=loss, cut=cut)
        self._changed()

    def alias(self, name: str, machine: str | None) -> None:
        """Let ``name`` stand for ``machine`` in routes and checks (``None``: not any more).

        Machines are known by hostname; a node ID is an alias of its machine
        while the node runs there, so callers holding node IDs need no lookup.

        >>> net = Underlay(0.001)
        >>> net.add_machine("w1"); net.add_machine("w2")
        >>> net.alias("node-7", "w2")
        >>> net.route("w1", "node-7"), net.attached("node-7")
        ((0.001, 0.0), True)
        >>> net.alias("node-7", None)
        >>> net.route("w1", "node-7") is None
        True
        """
        if machine is not None:
            self._check_node(machine)
        held = self.aliases.pop(name, None)
        if held is not None:
            self._aliases_of[held].discard(name)
        if machine is not None:
            self.aliases[name] = machine
            self._aliases_of.setdefault(machine, set()).add(name)
        self._drop_routes_named(name)  # cached for no machine, or another one

    def udp_port_free(self, machine: str, port: int) -> bool:
        """Whether ``machine`` can bind UDP ``port`` (no other program holds it).

        >>> net = Underlay(0.001)
        >>> net.add_machine("esx", udp_ports_taken=frozenset({4789}))
        >>> net.udp_port_free("esx", 4789), net.udp_port_free("esx", 7789)
        (False, True)
        """
        machine = self.aliases.get(machine, machine)
        self._check_node(machine)
        return port not in self.graph.nodes[machine]["udp_taken"]

    def take_udp_ports(self, machine: str, ports: frozenset[int]) -> None:
        """Say which UDP ports another program holds on ``machine`` (a VMware host: 4789)."""
        machine = self.aliases.get(machine, machine)
        self._check_node(machine)
        self.graph.nodes[machine]["udp_taken"] = frozenset(ports)
        self._changed()

    def machines(self) -> list[str]:
        """Every machine, in the order they were added."""
        return [n for n, is_machine in self.graph.nodes(data="machine") if is_machine]

    # --------------------------------------------------------------- faults
    def set_up(self, machine: str, up: bool) -> None:
        """A machine stops (it neither sends, receives nor forwards) or runs again."""
        if up:
            self.down.discard(machine)
        else:
            self.down.add(machine)
        self._machine_changed(machine)

    def _machine_changed(self, machine: str) -> None:
        """``machine`` stopped, runs again, or its links were cut or healed."""
        if machine in self.graph and self.graph.degree(machine) <= 1:
            self._leaf_changed(machine)
        else:
            self._changed()

    def _leaf_changed(self, machine: str) -> None:
        """A machine with one link (or none) stopped, runs again, or its link was cut or healed.

        It lies on no route between two others, so only the routes from and to
        it are dropped, and the shortest-path trees stay: made while it could
        not be reached, they get its path through its switch back when it can.
        On 10,000 machines, recomputing every tree and route after each
        machine crash cost about 0.3 s.
        """
        self._drop_routes(machine)
        self._trees.pop(machine, None)  # its paths all leave over the link
        for tree in self._trees.values():
            tree.pop(machine, None)  # the path to it may run over a cut link
        if machine not in self.down:
            for neighbor, link in self.graph[machine].items():  # its one link, if any
                if not link["cut"]:
                    self._extend_trees(machine, neighbor)
        for listener in self.listeners:
            listener(machine)

    def cut_link(self, a: str, b: str, cut: bool = True) -> None:
        """Cut (or, with ``cut=False``, heal) the link between ``a`` and ``b``."""
        if not self.graph.has_edge(a, b):
            raise InvalidArgument(f"no link between {a} and {b}")
        self.graph.edges[a, b]["cut"] = cut
        graph = self.graph
        leaf = next((n for n in (a, b) if graph.nodes[n]["machine"] and graph.degree(n) == 1), None)
        if leaf is None:
            self._changed()
        else:  # the one link of a machine: only its own routes change
            self._leaf_changed(leaf)

    def cut_machine(self, machine: str, cut: bool = True) -> None:
        """Cut (or heal) every link of a machine."""
        self._check_node(machine)
        for _, _, data in self.graph.edges(machine, data=True):
            data["cut"] = cut
        self._machine_changed(machine)

    def partition(self, groups: Sequence[Sequence[str]]) -> None:
        """Split the machines into ``groups``; machines named in none form one more group.

        Raises
        ------
        InvalidArgument
            For an empty group, an unknown machine or a machine in two groups
            (nothing changes).
        """
        if not groups:
            raise InvalidArgument("a partition needs at least one group")
        known = set(self.machines())
        for group in groups:
            for machine in group:
                if machine not in known:
                    raise InvalidArgument(f"no such machine: {machine}")
        labels = [[self.graph.nodes[m]["label"] for m in group] for group in groups]
        problem = group_problem(labels)
        if problem is not None:
            raise InvalidArgument(problem[2])
        chosen = {machine: index for index, group in enumerate(groups) for machine in group}
        rest = len(groups)
        self.groups = {m: chosen.get(m, rest) for m in self.machines()}
        self._changed()

    def heal(self) -> None:
        """End the partition (links cut one by one stay cut)."""
        self.groups = {}
        self._changed()

    # --------------------------------------------------------------- routes
    def route(self, src: str, dst: str) -> Route | None:
        """Latency and loss from ``src`` to ``dst``, or ``None`` when unreachable."""
        key = (src, dst)
        try:
            return self.routes[key]
        except KeyError:
            route = self.routes[key] = self._find_route(src, dst)
            by_name = self._routes_by_name
            by_name.setdefault(src, set()).add(key)
            by_name.setdefault(dst, set()).add(key)
            return route

    def attached(self, machine: str) -> bool:
        """Whether a machine runs and has at least one working link."""
        machine = self.aliases.get(machine, machine)
        if machine in self.down or machine not in self.graph:
            return False
        return any(not cut for _, _, cut in self.graph.edges(machine, data="cut"))

    def _find_route(self, src: str, dst: str) -> Route | None:
        aliases = self.aliases
        src, dst = aliases.get(src, src), aliases.get(dst, dst)
        down = self.down
        if src in down or dst in down or src not in self.graph or dst not in self.graph:
            return None
        if src == dst:
            return (self.default_latency, 0.0)
        groups = self.groups
        if groups and groups.get(src) != groups.get(dst):
            return None
        # one shortest-path tree serves every route ending at its root (links are
        # symmetric): the leader's tree answers all the agents' routes both ways
        tree = self._trees.get(src)
        if tree is not None:
            path = tree.get(dst)
            return None if path is None else self._walk(path)
        path = (self._trees.get(dst) or self._tree(dst)).get(src)
        return None if path is None else self._walk(path[::-1])

    def _tree(self, source: str) -> dict[str, list[str]]:
        down, edges = self.down, self.graph.edges
        view = nx.subgraph_view(
            self.graph,
            filter_node=lambda n: n not in down,
            filter_edge=lambda a, b: not edges[a, b]["cut"],
        )
        paths: dict[str, list[str]] = nx.single_source_dijkstra_path(view, source, weight="latency")
        if len(self._trees) >= _MAX_TREES:
            self._trees.clear()
        self._trees[source] = paths
        return paths

    def _walk(self, path: list[str]) -> Route:
        latency, delivered = 0.0, 1.0
        for a, b in pairwise(path):
            link = self.graph.edges[a, b]
            latency += link["latency"]
            delivered *= 1.0 - link["loss"]
        return (latency, 1.0 - delivered)

    def _check_node(self, node: str) -> None:
        if node not in self.graph:
            raise InvalidArgument(f"no such machine: {node}")

    def _changed(self) -> None:
        self.routes.clear()
        self._routes_by_name.clear()
        self._trees.clear()
        for listener in self.listeners:
            listener(None)
