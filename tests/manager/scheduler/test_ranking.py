"""Pluggable node ranking: spread (swarmkit's) by default, binpack as the shipped alternative."""

from __future__ import annotations

from collections import Counter

import pytest

from swarmsim import Swarm
from swarmsim.manager.scheduler.nodeinfo import NodeInfo
from swarmsim.manager.scheduler.nodeset import NodeRanking
from swarmsim.manager.scheduler.ranking import RANKINGS, SPREAD, Binpack


def placements(swarm: Swarm, service: str) -> list[int]:
    store = swarm.ctx.store
    found = store.service_by_name(service)
    assert found is not None
    counts = Counter(
        store.nodes[t.node_id].hostname for t in store.tasks_of_service(found.id) if t.runnable
    )
    return sorted(counts.values(), reverse=True)


def run(ranking: object, create: str) -> list[int]:
    swarm = Swarm(seed=4, managers=1, workers=3)
    if ranking is not None:
        swarm.scheduler.ranking = ranking  # type: ignore[assignment]
    assert swarm.docker(create).exit_code == 0
    swarm.advance(30)
    return placements(swarm, "web")


def test_spread_is_the_default_and_balances() -> None:
    assert Swarm(seed=1, managers=1, workers=0).scheduler.ranking is SPREAD is NodeRanking
    assert run(None, "docker service create -d --name web --replicas 8 nginx") == [2, 2, 2, 2]


def test_binpack_fills_a_node_until_a_filter_refuses_it() -> None:
    create = "docker service create -d --name web --replicas 8 --replicas-max-per-node 3 nginx"
    assert run(Binpack, create) == [3, 3, 2]
    assert run(SPREAD, create) == [2, 2, 2, 2]
    assert run(Binpack, "docker service create -d --name web --replicas 5 nginx") == [5]


def test_binpack_keeps_to_the_spread_preference_levels() -> None:
    swarm = Swarm(seed=2, managers=1, workers=0)
    for name, zone in (("w1", "a"), ("w2", "a"), ("w3", "b"), ("w4", "b")):
        swarm.add_node(name, labels={"zone": zone})
    swarm.docker("docker node update --availability drain manager1")
    swarm.scheduler.ranking = Binpack
    swarm.docker(
        "docker service create -d --name web --replicas 6 --placement-pref spread=node.labels.zone"
        " nginx"
    )
    swarm.advance(30)
    assert placements(swarm, "web") == [3, 3]  # one node per zone, 3 per zone


class Prefers(NodeRanking):
    """A rule of one's own: nodes labelled ``tier=fast`` first, then spread."""

    __slots__ = ()

    def __call__(self, info: NodeInfo) -> int:
        return (0 if info.labels.get("tier") == "fast" else 1 << 64) + super().__call__(info)


def test_a_custom_ranking_reads_labels_as_a_mapping() -> None:
    swarm = Swarm(seed=3, managers=1, workers=0)
    swarm.add_node("slow1")
    swarm.add_node("fast1", labels={"tier": "fast"})
    swarm.scheduler.ranking = Prefers
    swarm.docker("docker service create -d --name web --replicas 1 nginx")
    swarm.advance(10)
    (task,) = [t for t in swarm.ctx.store.tasks.values() if t.runnable]
    assert swarm.ctx.store.nodes[task.node_id].hostname == "fast1"
    assert swarm.node("fast1").label_map == {"tier": "fast"}


@pytest.mark.parametrize("name", sorted(RANKINGS))
def test_rankings_are_registered_by_name(name: str) -> None:
    assert issubclass(RANKINGS[name], NodeRanking)  # type: ignore[arg-type]


def test_rankings_resolve_by_name_or_module_path_and_refuse_the_rest() -> None:
    from swarmsim.manager.scheduler.ranking import resolve_ranking

    assert resolve_ranking("spread") is NodeRanking
    assert resolve_ranking(f"{__name__}:Prefers") is Prefers
    for bad, message in (
        ("tightest", "unknown ranking"),
        ("swarmsim.nowhere:X", "cannot load ranking"),
        ("swarmsim.swarm:Swarm", "not a NodeRanking subclass"),
    ):
        with pytest.raises(ValueError, match=message):
            resolve_ranking(bad)


def test_the_shell_takes_a_ranking_and_refuses_an_unknown_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from swarmsim.console.main import main

    lines = "docker service create -d --name web --replicas 3 nginx\nsleep 5s\n"
    lines += "docker service ps --format '{{.Node}}' web\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    assert main(["shell", "--workers", "2", "--ranking", "binpack"]) == 0
    nodes = capsys.readouterr().out.rsplit("web\n", 1)[1].split()
    assert len(nodes) == 3 and len(set(nodes)) == 1
    with pytest.raises(SystemExit) as caught:
        main(["shell", "--ranking", "tightest"])
    assert caught.value.code == 2
    assert "unknown ranking 'tightest'" in capsys.readouterr().err
