"""Fault schedules: scripts, runs, the issue's reproducers and the swarmkit behaviours allowed."""

from __future__ import annotations

import pytest

from swarmsim.swarm import Swarm
from swarmsim.testing.facts import Violation
from swarmsim.testing.schedules import Schedule, run_schedule


def test_a_schedule_is_a_pasteable_script() -> None:
    schedule = Schedule(4, 3, 1, ("fail worker1", "sleep 20s"))
    assert schedule.to_script() == (
        "swarmsim shell --seed 4 --managers 3 --workers 1 <<'EOF'\nfail worker1\nsleep 20s\nEOF\n"
    )


def test_a_healthy_schedule_passes_and_keeps_its_transcript() -> None:
    outcome = run_schedule(
        Schedule(1, 1, 2, ("docker service create -d --name web --replicas 3 nginx", "sleep 5s"))
    )
    assert outcome.ok and outcome.step == 2
    assert outcome.transcript[0].startswith("$ docker service create")


def test_a_violation_stops_the_run_at_its_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from swarmsim.testing import schedules

    def wrong_after_a_node_fails(swarm: Swarm) -> list[Violation]:
        down = not swarm.agents[swarm.node("worker1").id].up
        return [Violation("test", "worker1 is down")] if down else []

    monkeypatch.setattr(schedules, "check_always", wrong_after_a_node_fails)
    steps = ("sleep 1s", "fail worker1", "sleep 1s")
    outcome = run_schedule(Schedule(1, 1, 1, steps))
    assert outcome.step == 1 and outcome.kinds == {"test"}
    assert len(outcome.transcript) == 2


# The issue's four engine reproducers (issue 14, items 1-4), as fault schedules.
REPRODUCERS = {
    "1-four-tasks-for-two": Schedule(1, 1, 0, (
        "image bad:1 exits_after=1s exit_code=1",
        "docker service create -d --name s0 --replicas 2 nginx:1",
        "docker service update -d --image bad:1 s0", "sleep 10s",
        "docker service update -d --image nginx:2 --update-order start-first s0",
        "sleep 500ms", "docker service scale -d s0=2",
    )),
    "2-pending-after-rollback": Schedule(1, 1, 1, (
        "image bad:1 pull_error=true",
        "docker service create -d --name web --replicas 3 --reserve-memory 5G "
        "--update-failure-action rollback --update-monitor 1s --rollback-monitor 1s nginx",
        "sleep 10s", "docker service update -d --image bad:1 web", "sleep 1m",
        "node add worker2",
    )),
    "3-update-without-status": Schedule(1, 1, 2, (
        "docker service create -d --name s0 --replicas 4 nginx:1", "sleep 10s",
        "docker service update -d --image nginx:2 s0", "fail worker1", "sleep 3s",
        "docker service update -d --replicas 4 s0", "sleep 2m", "recover worker1",
    )),
    "4-orphaned-container": Schedule(1, 1, 1, (
        "image nginx pull=10s",
        "docker service create -d --name s0 --replicas 2 --constraint node.role==worker nginx",
        "sleep 1s", "disconnect worker1", "docker service scale -d s0=1",
        "docker service update -d --image nginx:2 s0", "reconnect worker1",
    )),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REPRODUCERS))
def test_the_issue_reproducers_settle(name: str) -> None:
    outcome = run_schedule(REPRODUCERS[name])
    assert [str(v) for v in outcome.violations] == []


# What the fuzzer found on the engine at 5a12790 (/work/fuzz-findings.md), settled since.
FUZZ_FINDINGS = {
    "rollback-to-an-identical-spec": Schedule(671, 1, 0, (
        "image bad:pull pull_error=true",
        "docker service create -d --name s0 --replicas 4 nginx:1", "sleep 100ms",
        "docker service update -d --update-failure-action rollback --image bad:pull s0",
        "docker service scale -d s0=4",
    )),
    "restart-lost-when-the-updater-re-delays": Schedule(336, 1, 4, (
        "image bad:pull pull_error=true",
        "docker service create -d --name s0 --replicas 3 --update-failure-action continue "
        "bad:pull",
        "docker service update -d --image nginx:3 s0", "sleep 100ms", "disconnect worker1",
        "docker service update -d --update-order start-first --update-delay 1s --image bad:pull s0",
    )),
    "restart-lost-when-a-rollback-re-delays": Schedule(234, 1, 4, (
        "image bad:health never_healthy=true",
        "docker service create -d --name s0 --replicas 2 nginx:2", "sleep 500ms",
        "docker service update -d --update-parallelism 0 s0",
        "docker service update -d --update-order start-first --health-cmd true "
        "--health-interval 1s --health-retries 1 --image bad:health s0",
        "sleep 5s", "fail worker1", "docker service update -d s0", "docker service rollback -d s0",
    )),
    # the extended schedules, on the engine at d41bacf (docs/testing.md)
    "node-added-during-a-partition": Schedule(739, 1, 3, (
        "docker service create -d --name s0 --replicas 5 nginx:2",
        "partition manager1,worker2,worker3 / worker1", "node add worker4",
    )),
    "global-task-of-a-node-added-during-a-partition": Schedule(865, 1, 3, (
        "docker service create -d --name s0 --mode global nginx:1",
        "partition worker1,worker3 / manager1,worker2", "node add worker4 label.zone=east",
    )),
    # jobs in the extended schedules (ninth session): a report sent while the path to
    # the leader was cut, never re-sent once a new leader's session started
    "report-lost-in-a-partition": Schedule(446, 3, 1, (
        "docker service create -d --name j0 --mode replicated-job slow:1", "sleep 100ms",
        "partition manager1,manager3 / manager2,worker1", "sleep 5s",
        "partition manager2,manager3,worker1 / manager1",
    )),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FUZZ_FINDINGS))
def test_the_fuzzer_findings_settle(name: str) -> None:
    outcome = run_schedule(FUZZ_FINDINGS[name])
    assert [str(v) for v in outcome.violations] == []


# Shrunk schedules that once raised false alarms: swarmkit really behaves so (see
# swarmsim/testing/settled.py and safety.py for the source of each exception).
SWARMKIT_OWN = {
    "updater-waits-for-task-on-down-node": Schedule(639, 3, 3, (
        "image bad:exit exits_after=1s exit_code=1", "image bad:pull pull_error=true",
        "docker service create -d --name s0 --replicas 4 bad:pull", "disconnect manager3",
        "sleep 100ms", "docker service scale -d s0=2", "disconnect worker2",
        "disconnect worker3", "docker node update --availability drain worker2",
        "docker service update -d --image bad:exit s0", "reconnect worker2",
    )),
    "start-first-overlap-then-node-down": Schedule(824, 1, 2, (
        "docker service create -d --name s0 nginx:1", "sleep 100ms",
        "docker service update -d --update-order start-first --health-cmd true s0",
        "fail worker2",
    )),
    "start-first-replacement-never-placed": Schedule(248, 1, 0, (
        "docker service create -d --name s1 --replicas-max-per-node 1 nginx:1",
        "docker service update -d --update-order start-first s1", "sleep 100ms",
        "docker service update -d --force s1",
    )),
    "paused-after-start-first": Schedule(775, 1, 0, (
        "image bad:health never_healthy=true",
        "docker service create -d --name s0 --replicas 5 --update-failure-action rollback "
        "bad:health",
        "sleep 100ms", "docker service update -d --health-cmd true s0",
        "docker service update -d --update-order start-first s0",
    )),
    "out-of-date-pending-task-stays": Schedule(202, 1, 0, (
        "docker service create -d --name s0 --replicas 5 --replicas-max-per-node 1 nginx:2",
        "sleep 100ms", "docker service update -d --image nginx:3 --update-order start-first s0",
        "sleep 100ms", "node add worker1",
    )),
    "restart-policy-of-the-failed-task-not-the-service": Schedule(660, 1, 0, (
        "image bad:exit exits_after=1s exit_code=1",
        "docker service create -d --name s0 --replicas 4 bad:exit",
        "docker service update -d --restart-max-attempts 3 s0", "sleep 20s",
        "docker service rollback -d s0",
    )),
    "global-update-task-on-down-node": Schedule(740, 1, 1, (
        "docker service create -d --name s1 --mode global nginx:2", "disconnect worker1",
        "sleep 100ms",
        "docker service update -d --update-order start-first --health-cmd true s1",
    )),
    "global-update-task-on-down-node-waiting-for-an-address": Schedule(286, 1, 4, (
        "docker service create -d --name s0 --mode global --reserve-memory 5G nginx:1",
        "sleep 100ms", "docker network create -d overlay --subnet 10.9.0.0/30 net0",
        "partition manager1,worker1,worker2,worker3 / worker4",
        "docker service update -d --network-add net0 s0",
        "docker service create -d --name s1 --replicas 4 bad:exit", "sleep 100ms",
        "docker service update -d s1",
        "docker service update -d --update-order start-first --update-failure-action continue "
        "--health-cmd true s0",
        "sleep 20s", "docker node update worker3",
    )),
}  # fmt: skip


# Found by the extended fuzzer (seed 120713, #21724): after a rollback and a scale-down,
# a shut-down task whose restart condition is "none" keeps its slot
# (UpdatableTasksInSlot), swarmkit's scale-down order (slotsByIndex) keeps that slot over
# a running task on a more crowded node, the updater replaces it, and the next "update
# completed" starts over with the other slot, every 2.75 s for ever. The scale-down now
# removes such a slot first (swarmsim.manager.orchestrator.replicated, Differences).
SCALE_DOWN_LOOP = Schedule(237, 1, 1, (
    "docker service create -d --name s0 --replicas 5 --restart-condition none "
    "--update-order start-first nginx:2",
    "docker service update -d --replicas 4 --image bad:health s0",
    "docker node update --label-add zone=west worker1", "sleep 100ms",
    "docker service rollback -d s0", "sleep 500ms",
    "docker service update -d --constraint-add node.labels.zone==west s0", "sleep 5s",
    "docker service update -d --update-monitor 2s s0", "docker service scale -d s0=2",
))  # fmt: skip


def test_a_scale_down_keeping_a_dead_slot_settles() -> None:
    outcome = run_schedule(SCALE_DOWN_LOOP)
    assert [str(v) for v in outcome.violations] == []


@pytest.mark.parametrize("name", sorted(SWARMKIT_OWN))
def test_swarmkit_behaviours_are_no_violation(name: str) -> None:
    outcome = run_schedule(SWARMKIT_OWN[name])
    assert [str(v) for v in outcome.violations] == []
