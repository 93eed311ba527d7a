"""Heartbeat leases: runs with and without them are the same (manager/heartbeats.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial

import pytest

from swarmsim.api import NodeStatus
from swarmsim.context import ClusterSettings
from swarmsim.manager.heartbeats import HeartbeatLeases
from swarmsim.shell.interpreter import Interpreter
from swarmsim.swarm import Swarm
from swarmsim.testing.fuzz import schedule_for
from swarmsim.testing.schedules import Schedule

Story = Callable[[Swarm], None]


def _digest(swarm: Swarm) -> str:
    digest = hashlib.sha256()
    for record in swarm.trace:
        digest.update(repr(tuple(record)).encode())
    return digest.hexdigest()


def _never(self: HeartbeatLeases, agent: object, epoch: int) -> bool:
    return False


def _both(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], Swarm], story: Story
) -> tuple[Swarm, Swarm]:
    """Run ``story`` on a swarm with leases, then on one whose agents all beat on their own."""
    leased = make()
    story(leased)
    with monkeypatch.context() as patch:
        patch.setattr(HeartbeatLeases, "offer", _never)
        eager = make()
        story(eager)
    assert len(eager.dispatcher.leases) == 0
    assert _digest(leased) == _digest(eager)
    return leased, eager


def _swarm(workers: int = 4, **settings: float) -> Callable[[], Swarm]:
    return lambda: Swarm(seed=5, managers=3, workers=workers, settings=ClusterSettings(**settings))


def test_a_healthy_swarm_leases_every_heartbeat_and_queues_nothing() -> None:
    swarm = Swarm(seed=1, managers=3, workers=20)
    swarm.advance(30)
    assert len(swarm.dispatcher.leases) == 23
    assert not swarm.ctx.sim.env._queue  # no heartbeat, no deadline check waiting
    swarm.advance(3600)
    assert all(node.status == NodeStatus.READY for node in swarm.ctx.store.nodes.values())


def test_a_change_of_one_machine_hands_back_only_its_node() -> None:
    swarm = Swarm(seed=1, managers=3, workers=20)
    swarm.advance(30)
    swarm.crash_node("worker7")  # a machine on one link: only its routes change
    assert len(swarm.dispatcher.leases) == 22
    swarm.advance(30)
    leader = swarm.members.leader_machine()
    assert leader is not None
    swarm.disconnect_node(leader)  # every path to the dispatcher
    assert len(swarm.dispatcher.leases) == 0


def test_crashes_are_detected_at_the_same_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def story(swarm: Swarm) -> None:
        swarm.docker("docker service create -d --name web --replicas 6 app:1")
        swarm.advance(61.7)
        swarm.crash_node("worker2")
        swarm.advance(12.2)
        swarm.crash_node("worker3")
        swarm.advance(40)
        swarm.recover_node("worker2")
        swarm.advance(40)

    leased, _ = _both(monkeypatch, _swarm(), story)
    downs = [r for r in leased.trace if r.kind == "node" and r.state == "down"]
    assert len(downs) == 2


def test_leadership_partitions_and_lost_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    leased: list[tuple[int, bool]] = []

    def story(swarm: Swarm) -> None:
        swarm.advance(33.3)
        count = len(swarm.dispatcher.leases)
        (link,) = swarm.underlay.graph.edges("worker1")
        swarm.underlay.set_link(*link, latency=0.001, loss=0.4)
        swarm.advance(40)
        leased.append((count, swarm.dispatcher.leases.leased(swarm.node("worker1").id)))
        swarm.partition([["manager1", "worker2"]])
        swarm.advance(25)
        swarm.heal()
        swarm.advance(20)
        swarm.crash_node("manager1")  # the leader goes: a new one is elected
        swarm.advance(60)
        swarm.disconnect_node("worker3")
        swarm.advance(30)
        swarm.reconnect_node("worker3")
        swarm.advance(30)

    _both(monkeypatch, _swarm(), story)
    # every node, then all but the one behind a lossy link; none without leases
    assert leased == [(7, False), (0, False)]


def test_commands_and_settings_between_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def story(swarm: Swarm) -> None:
        swarm.advance(20.5)
        swarm.docker("docker swarm update --dispatcher-heartbeat 9s")
        swarm.advance(30)
        swarm.dispatcher.mark_down(swarm.node("worker1"))  # as three lost heartbeats would
        swarm.advance(15)
        swarm.docker("docker node rm --force worker4")
        swarm.advance(20)
        swarm.crash_node("worker2")
        swarm.advance(60)

    leased, _ = _both(monkeypatch, _swarm(), story)
    assert leased.node("worker1").status == NodeStatus.READY  # registered again


def test_a_long_grace_moves_deadline_checks_earlier(monkeypatch: pytest.MonkeyPatch) -> None:
    # with a grace of 6 (a node inherited by a new leader), a short period after a
    # long one sets a deadline before the pending check: a new check is armed for it
    def story(swarm: Swarm) -> None:
        swarm.advance(30)
        for node_id in swarm.dispatcher.sessions:
            swarm.dispatcher._grace[node_id] = 6
        swarm.advance(120)
        swarm.crash_node("worker2")
        swarm.advance(60)

    leased, _ = _both(monkeypatch, _swarm(), story)
    (down,) = [r for r in leased.trace if r.kind == "node" and r.state == "down"]
    assert 150 + 6 * 4.5 - 5.5 <= down.time <= 150 + 6 * 5.5


def test_no_jitter_or_a_short_grace_leases_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    counts: list[int] = []

    def story(swarm: Swarm) -> None:
        swarm.advance(30)
        counts.append(len(swarm.dispatcher.leases))
        swarm.crash_node("worker1")
        swarm.advance(30)

    def unjittered_later(swarm: Swarm) -> None:
        swarm.advance(30)
        counts.append(len(swarm.dispatcher.leases))
        swarm.ctx.settings.heartbeat_epsilon = 0.0  # between two runs: handed back
        story(swarm)

    _both(monkeypatch, _swarm(heartbeat_epsilon=0.0), story)
    _both(monkeypatch, _swarm(grace_multiplier=1), story)
    _both(monkeypatch, _swarm(), unjittered_later)
    assert counts == [0, 0, 0, 0, 7, 0, 0, 0]


def _replay(schedule: Schedule, transcripts: list[str]) -> Story:
    def story(swarm: Swarm) -> None:
        shell = Interpreter(swarm)
        lines = []
        for line in schedule.steps:
            result = shell.execute(line)
            lines.append(f"$ {line}\n{result.stdout}{result.stderr}")
        swarm.advance(300)
        transcripts.append("".join(lines))

    return story


@pytest.mark.parametrize(
    ("extended", "membership"),
    [(False, False), (True, False), (False, True), (True, True)],
    ids=["classic", "extended", "membership", "extended+membership"],
)
def test_fault_schedules_run_the_same(
    monkeypatch: pytest.MonkeyPatch, extended: bool, membership: bool
) -> None:
    for index in range(10):
        schedule = schedule_for(20261207, index, extended=extended, membership=membership)
        transcripts: list[str] = []
        make = partial(
            Swarm, seed=schedule.seed, managers=schedule.managers, workers=schedule.workers
        )
        _both(monkeypatch, make, _replay(schedule, transcripts))
        assert transcripts[0] == transcripts[1]
