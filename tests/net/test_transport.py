"""The transport: latency along the path, loss across cuts, the three ways to talk."""

from __future__ import annotations

from typing import Any

from swarmsim.net.transport import Transport
from swarmsim.net.underlay import SWITCH, Underlay
from swarmsim.sim import Simulation


def setup(latency: float = 0.001) -> tuple[Simulation, Underlay, Transport, list[Any]]:
    sim = Simulation(seed=3)
    net = Underlay(latency)
    for name in ("a", "b"):
        net.add_machine(name)
    transport = Transport(sim, net)
    got: list[Any] = []
    transport.bind("A", lambda m: got.append(("A", sim.now, m)), kind="x", locate=lambda: "a")
    transport.bind(
        "B", lambda m: got.append(("B", sim.now, m)) or "pong", kind="x", locate=lambda: "b"
    )
    return sim, net, transport, got


def test_a_message_over_a_link_with_latency_l_arrives_l_later() -> None:
    sim, net, transport, got = setup()
    net.set_link("a", SWITCH, latency=0.25)
    net.set_link("b", SWITCH, latency=0.5)
    sim.env.run(until=1.0)
    transport.send("a", "B", "hello")
    transport.post("b", "A", "back")
    sim.env.run(until=3.0)
    assert got == [("B", 1.75, "hello"), ("A", 1.75, "back")]


def test_stream_messages_keep_their_order() -> None:
    sim, _net, transport, got = setup(0.5)
    for i in range(3):
        transport.send("a", "B", i)
    sim.env.run(until=1.0)
    assert [(t, m) for _, t, m in got] == [(0.5, 0), (0.5, 1), (0.5, 2)]


def test_messages_across_a_partition_or_a_cut_are_lost() -> None:
    sim, net, transport, got = setup()
    net.partition([["a"], ["b"]])
    assert transport.call("a", "B", "ping") is None
    transport.send("a", "B", "x")
    net.heal()
    net.cut_machine("b")
    transport.post("a", "B", "y")
    sim.env.run(until=1.0)
    assert got == [] and transport.lost == 3
    net.cut_machine("b", cut=False)
    assert transport.call("a", "B", "ping") == "pong"  # unary: answered at once
    assert got == [("B", 0.0 + 1.0, "ping")]


def test_lossy_links_drop_a_share_of_messages_reproducibly() -> None:
    counts = []
    for _ in range(2):
        sim, net, transport, got = setup()
        net.set_link("b", SWITCH, latency=0.0005, loss=0.5)
        for i in range(400):
            transport.send("a", "B", i)
        sim.env.run(until=1.0)
        counts.append([m for _, _, m in got])
    assert counts[0] == counts[1]  # the seeded "net" stream decides
    assert 150 < len(counts[0]) < 250


def test_an_unbound_endpoint_drops_what_arrives() -> None:
    sim, _net, transport, got = setup()
    transport.send("a", "B", "x")
    transport.unbind("B")
    sim.env.run(until=1.0)
    assert got == [] and transport.call("a", "B", "ping") is None
