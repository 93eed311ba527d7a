"""The swarm state machine: a fixed budget on the real scheduler, and a planted bug it finds."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from swarmsim.console.main import main
from swarmsim.manager.scheduler.ranking import Binpack
from swarmsim.swarm import Swarm
from swarmsim.testing.invariants import check_spread
from swarmsim.testing.machine import InvariantFailure, SwarmStateMachine, replay

BUDGET = settings(
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow explain
    suppress_health_check=[HealthCheck.too_slow],
)


def test_the_machine_holds_on_swarmkit_placement() -> None:
    run_state_machine_as_test(SwarmStateMachine, settings=BUDGET)


class PlantedBug(SwarmStateMachine):
    """Spread broken on purpose: binpack ranks the nodes."""

    ranking = Binpack


def test_the_machine_finds_a_planted_bug_and_prints_a_replayable_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(InvariantFailure) as caught:
        run_state_machine_as_test(PlantedBug, settings=BUDGET)
    failure = caught.value
    assert {v.invariant for v in failure.violations} == {"fresh-spread"}
    script = failure.script
    assert script.startswith("swarmsim shell --seed 0 --managers 1 --workers 2 --ranking binpack")
    assert script in str(failure)
    # shrunk: the cluster, one create and the look at its placement
    assert script.count("docker service create") == 1
    assert "docker service scale" not in script and "fail " not in script

    # replayed in Python: the same imbalance
    swarm = replay(script)
    service = next(iter(swarm.ctx.store.services.values()))
    assert check_spread(swarm, service) == [v.message for v in failure.violations]

    # replayed in `swarmsim shell`, and as a lesson in `swarmsim run`: the same placement
    body = script.split("<<'EOF'\n", 1)[1].rsplit("EOF\n", 1)[0]
    monkeypatch.setattr(sys, "stdin", io.StringIO(body))
    assert main(script.split("<<")[0].split()[1:]) == 0
    in_shell = capsys.readouterr().out.rsplit("$ docker service ps", 1)[1].splitlines()[1:]
    nodes = {line.split()[1] for line in in_shell if line.strip()}
    assert len(in_shell) >= 2 and len(nodes) == 1
    lesson = tmp_path / "lesson.txt"
    lesson.write_text(body)
    assert failure.run == "swarmsim run --seed 0 --ranking binpack lesson.txt"
    assert f"as lesson.txt: {failure.run}" in str(failure)
    assert main([*failure.run.split()[1:-1], str(lesson)]) == 0
    in_run = capsys.readouterr().out.rsplit("$ docker service ps", 1)[1].splitlines()[1:]
    assert in_run[: len(in_shell)] == in_shell


def test_the_membership_rule_makes_a_worker_leave_and_join_again() -> None:
    machine = SwarmStateMachine()
    machine.swarm = Swarm(seed=0, managers=1, workers=2)
    machine.workers = ["worker1", "worker2"]
    machine.membership(2)  # index 2 of two workers: worker1
    machine.run("sleep 30s")
    machine.membership(0)
    assert machine.lines == [
        "@worker1 docker swarm leave",
        "sleep 30s",
        "WTOKEN=$(docker swarm join-token -q worker)",
        "@worker1 docker swarm join --token $WTOKEN 192.168.65.2:2377",
    ]
    assert machine.left == set()
    nodes = machine.live.ctx.store.nodes.values()
    assert sorted((n.hostname, n.status.api_name) for n in nodes) == [
        ("manager1", "ready"), ("worker1", "down"), ("worker1", "ready"), ("worker2", "ready"),
    ]  # fmt: skip
    machine.membership(0)  # leaves again; the token line is not repeated
    assert machine.lines[-1] == "@worker1 docker swarm leave" and machine.left == {"worker1"}
    machine.check_quiescence()  # every invariant holds once settled
