"""The underlay graph: routes, latencies, cuts, partitions and bad input."""

from __future__ import annotations

import random

import pytest

from swarmsim.errors import InvalidArgument
from swarmsim.net.underlay import SWITCH, Underlay


def three(latency: float = 0.001) -> Underlay:
    net = Underlay(default_latency=latency)
    for name in ("m1", "w1", "w2"):
        net.add_machine(name, label=name)
    return net


def test_two_machines_are_the_default_latency_apart_through_the_switch() -> None:
    net = three(0.001)
    assert net.route("w1", "w2") == (0.001, 0.0)  # two half links add up exactly
    assert net.route("m1", "m1") == (0.001, 0.0)  # to itself: the default, as before
    net.set_link("w1", SWITCH, latency=0.02)
    assert net.route("w1", "m1") == pytest.approx((0.0205, 0.0))


def test_a_direct_link_is_taken_when_shorter() -> None:
    net = three()
    net.set_link("w1", "w2", latency=0.0001)
    assert net.route("w1", "w2") == (0.0001, 0.0)
    net.cut_link("w1", "w2")
    assert net.route("w1", "w2") == (0.001, 0.0)  # back through the switch


def test_cutting_a_machine_isolates_it_until_healed() -> None:
    net = three()
    assert net.route("w1", "m1") is not None
    net.cut_machine("w1")
    assert net.route("w1", "m1") is None and net.route("m1", "w1") is None
    assert not net.attached("w1") and net.attached("w2")
    net.cut_machine("w1", cut=False)
    assert net.route("w1", "m1") == (0.001, 0.0)


def test_a_down_machine_is_unreachable_and_not_attached() -> None:
    net = three()
    net.set_up("w2", False)
    assert net.route("m1", "w2") is None and not net.attached("w2")
    net.set_up("w2", True)
    assert net.route("m1", "w2") is not None


def test_a_partition_blocks_traffic_between_groups_only() -> None:
    net = three()
    net.partition([["m1", "w1"]])  # w2 forms the other group
    assert net.route("m1", "w1") is not None
    assert net.route("m1", "w2") is None and net.route("w2", "w1") is None
    net.add_machine("w3")  # a machine joining during a partition is alone
    assert net.route("w3", "w2") is None and net.route("w3", "m1") is None
    net.heal()
    assert net.route("w3", "w2") == (0.001, 0.0)


def test_a_heal_keeps_links_cut_one_by_one() -> None:
    net = three()
    net.cut_machine("w1")
    net.partition([["m1"], ["w1", "w2"]])
    net.heal()
    assert net.route("m1", "w1") is None and net.route("m1", "w2") is not None


def test_loss_multiplies_along_the_path() -> None:
    net = three()
    net.set_link("w1", SWITCH, latency=0.0005, loss=0.5)
    net.set_link("w2", SWITCH, latency=0.0005, loss=0.5)
    assert net.route("w1", "w2") == (0.001, 0.75)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([], "at least one group"),
        ([["m1"], []], "partition group 2 is empty"),
        ([["m1"], ["nope"]], "no such machine: nope"),
        ([["m1", "w1"], ["w1"]], "w1 is in two partition groups"),
    ],
)
def test_bad_partitions_change_nothing(groups: list[list[str]], message: str) -> None:
    net = three()
    net.partition([["m1"], ["w1", "w2"]])
    with pytest.raises(InvalidArgument, match=message):
        net.partition(groups)
    assert net.route("m1", "w1") is None and net.route("w1", "w2") is not None


def test_bad_links_are_refused() -> None:
    net = three()
    with pytest.raises(InvalidArgument, match="no such machine: x"):
        net.set_link("x", SWITCH, latency=1.0)
    with pytest.raises(InvalidArgument, match="latency >= 0"):
        net.set_link("w1", SWITCH, latency=-1.0)
    with pytest.raises(InvalidArgument, match="no link between w1 and w2"):
        net.cut_link("w1", "w2")


def test_routes_are_cached_until_the_topology_changes() -> None:
    net = three()
    first = net.route("w1", "m1")
    assert net.route("w1", "m1") is first  # cached: no second search
    net.cut_machine("m1")
    assert net.route("w1", "m1") is None


def racks() -> Underlay:
    net = Underlay(default_latency=0.001)
    for name, rack, zone in [("a", "r1", "z1"), ("b", "r1", "z1"), ("c", "r2", "z1")]:
        net.add_machine(name, rack=rack, zone=zone)
    return net


def test_racks_and_zones_add_a_latency_per_level() -> None:
    net = racks()
    assert net.route("a", "a") == (0.001, 0.0)
    assert net.route("a", "b") == pytest.approx((0.001, 0.0))  # one rack: as one switch
    assert net.route("a", "c") == pytest.approx((0.002, 0.0))  # two racks of a zone
    net.route("c", "a")  # a cached tree rooted at c, extended by the next machines
    net.add_machine("d", rack="r3", zone="z2")
    net.add_machine("e")  # no rack, no zone: the core switch
    assert net.route("c", "d") == pytest.approx((0.012, 0.0))
    assert net.route("d", "c") == pytest.approx((0.012, 0.0))
    assert net.route("c", "e") == pytest.approx((0.0065, 0.0))
    assert net.machines() == ["a", "b", "c", "d", "e"]


def test_cutting_a_rack_uplink_splits_the_rack_from_the_rest() -> None:
    net = racks()
    net.cut_link("rack:z1/r1", "zone:z1")
    assert net.route("a", "b") is not None
    assert net.route("a", "c") is None and net.route("c", "b") is None
    net.cut_link("rack:z1/r1", "zone:z1", cut=False)
    assert net.route("a", "c") is not None


def test_changes_of_the_graph_call_the_listeners() -> None:
    net = three()
    calls: list[str | None] = []
    net.listeners.append(calls.append)
    net.partition([["m1"], ["w1"]])
    net.heal()
    net.take_udp_ports("w1", frozenset({4789}))
    net.set_up("w1", False)  # one link: only its own routes change
    assert calls == [None, None, None, "w1"] and not net.udp_port_free("w1", 4789)


def _apply(net: Underlay, step: tuple[str, ...]) -> None:
    op, *args = step
    if op == "down":
        net.set_up(args[0], False)
    elif op == "up":
        net.set_up(args[0], True)
    elif op == "cut":
        net.cut_machine(args[0], args[1] == "cut")
    elif op == "cutlink":  # the machine's first link: to its switch, or a direct one
        net.cut_link(args[0], sorted(net.graph[args[0]])[0], args[1] == "cut")
    elif op == "link":
        net.set_link(args[0], args[1], latency=float(args[2]) / 1000)
    elif op == "alias":
        net.alias(args[0], args[1] or None)
    elif op == "partition":
        net.partition([list(args)])
    elif op == "heal":
        net.heal()
    else:
        net.add_machine(args[0], rack=args[1], zone=args[2])


@pytest.mark.parametrize("seed", range(25))
def test_cached_routes_always_equal_routes_found_afresh(seed: int) -> None:
    """Machines stopping, running again or losing their one link keep the trees
    and the other routes (a machine with one link forwards nothing); whatever
    the changes, a swarm's cached routes are those a fresh search finds, even
    with direct links."""
    rng = random.Random(seed)
    machines = [f"m{i}" for i in range(8)]
    steps: list[tuple[str, ...]] = [
        ("add", m, rng.choice(["", "r1", "r2"]), rng.choice(["", "z1"])) for m in machines
    ]
    for _ in range(40):
        m, other = rng.sample(machines, 2)
        steps.append(
            rng.choice(
                [
                    ("down", m),
                    ("down", m),
                    ("up", m),
                    ("up", m),
                    ("cut", m, rng.choice(["cut", "heal"])),
                    ("cutlink", m, rng.choice(["cut", "heal"])),
                    ("link", m, other, str(rng.randint(0, 3))),
                    ("alias", "node-x", rng.choice([m, ""])),
                    ("partition", *rng.sample(machines, 3)),
                    ("heal",),
                ]
            )
        )
    warm, fresh = Underlay(0.002), Underlay(0.002)
    names = [*machines, "node-x"]
    for step in steps:
        _apply(warm, step)
        _apply(fresh, step)
        for src in names:
            for dst in rng.sample(names, 4):
                fresh.routes.clear()
                fresh._trees.clear()
                assert warm.route(src, dst) == fresh.route(src, dst), (step, src, dst)
