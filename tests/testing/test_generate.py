"""The schedule generator: deterministic, well-formed lines, every operation reachable."""

from __future__ import annotations

import random

from hypothesis import given

from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm
from swarmsim.testing.generate import (
    CREATE_SECRET,
    EXTENDED,
    IMAGES,
    JOB_IMAGE,
    MEMBERSHIP,
    POLICIES,
    SECRET,
    TOKENS,
    random_schedule,
    schedules,
)
from swarmsim.testing.schedules import Schedule


def test_same_seed_same_schedule() -> None:
    assert random_schedule(random.Random(3)) == random_schedule(random.Random(3))
    assert random_schedule(random.Random(3)) != random_schedule(random.Random(4))


def test_every_operation_of_the_issue_is_generated() -> None:
    words: set[str] = set()
    for i in range(300):
        for line in random_schedule(random.Random(i)).steps:
            parts = line.split()
            words.add(" ".join(parts[:3]) if parts[0] == "docker" else parts[0])
            words.update(w for w in parts if w.startswith("--") or w in ("start-first", "rollback"))
    expected = {
        "fail", "recover", "disconnect", "reconnect", "kill", "sleep", "node", "image",
        "docker service create", "docker service update", "docker service scale",
        "docker service rollback", "docker service rm", "docker node update",
        "--mode", "--update-order", "start-first", "--update-failure-action", "rollback",
        "--health-cmd", "--reserve-memory", "--replicas-max-per-node", "--constraint",
        "--restart-condition", "--restart-max-attempts", "--force",
    }  # fmt: skip
    assert expected <= words


@given(schedules())
def test_generated_lines_are_understood_by_the_shell(schedule: Schedule) -> None:
    assert schedule.steps[: len(IMAGES)] == IMAGES
    assert schedule.managers in (1, 3) and 0 <= schedule.workers <= 4
    shell = Shell(Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers))
    for line in schedule.steps:
        result = shell.execute(line)
        assert "unknown" not in result.stderr and "usage" not in result.stderr, line


def _extended_words(schedule: Schedule) -> set[str]:
    """What the extended lines of ``schedule`` do: a word per kind of line."""
    words: set[str] = set()
    for line in schedule.steps:
        parts = line.split()
        if parts[0] in ("partition", "heal"):
            words.add(parts[0])
        elif parts[:2] == ["docker", "node"] and parts[2] in ("promote", "demote", "rm"):
            words.add(parts[2])
        prefixes = ("--label-", "--constraint-", "--publish-", "--network-", "--subnet")
        words.update(w for w in parts if w.startswith(prefixes))
        words.update(w for w in parts if w.startswith("--placement-pref"))
        words.update(p for p in POLICIES if line.startswith(f"docker service update -d {p} "))
        if line == JOB_IMAGE:
            words.add("job-image")
        if line == CREATE_SECRET:
            words.add("secret create")
        words.update(w for w in parts if w in ("--secret-add", "--secret-rm"))
        if line == f"docker secret rm {SECRET}":
            words.add("secret rm")
        words.update(w for w in parts if w in ("replicated-job", "global-job", "--max-concurrent"))
        if parts[:2] == ["docker", "service"] and parts[-1].split("=")[0] in ("j0", "j1"):
            # what a line does to a job: --force, --image, scale, rm ...
            flags = [f for f in parts[4:-1] if f.startswith("--")] if parts[2] == "update" else []
            words.add(" ".join(["job", parts[2], *flags]))
    return words


def test_extended_schedules_add_their_operations_and_leave_the_classic_ones_alone() -> None:
    extended: set[str] = set()
    for i in range(200):
        classic = random_schedule(random.Random(i))
        assert _extended_words(classic) == set()
        extended |= _extended_words(random_schedule(random.Random(i), extended=True))
    assert extended == {
        "partition", "heal", "promote", "demote", "rm", "--label-add", "--label-rm",
        "--constraint-add", "--constraint-rm", "--publish-add", "--publish-rm",
        "--placement-pref-add", "--placement-pref-rm", *POLICIES,
        "--subnet", "--network-add", "--network-rm",
        "job-image", "replicated-job", "global-job", "--max-concurrent", "job update --force",
        "job update --image", "job update --max-concurrent", "job scale", "job rollback", "job rm",
        "secret create", "--secret-add", "--secret-rm", "secret rm",
    }  # fmt: skip
    assert set(EXTENDED) == {
        "partition", "heal", "label", "constraint", "role", "remove", "publish", "preference",
        "policy", "network", "job", "secret",
    }  # fmt: skip


def _understood(schedule: Schedule) -> None:
    """Run ``schedule``: no line is refused as unknown or invalid, none is a simulator error."""
    shell = Shell(Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers))
    for line in schedule.steps:
        result = shell.execute(line)
        assert "unknown" not in result.stderr and "usage" not in result.stderr, line
        assert "invalid" not in result.stderr and "internal error" not in result.stderr, line


@given(schedules(extended=True))
def test_extended_lines_are_understood_by_the_shell(schedule: Schedule) -> None:
    _understood(schedule)


def _membership_words(schedule: Schedule) -> set[str]:
    """What the membership lines of ``schedule`` do: a word per kind of line."""
    words: set[str] = set()
    for line in schedule.steps:
        parts = line.split()
        if line in TOKENS:
            words.add(line.split("=")[0])
        elif parts[0].startswith("@") and parts[1:3] == ["docker", "swarm"]:
            flags = [p for p in parts[3:] if p.startswith(("--force", "$"))]
            words.add(" ".join([parts[3], *flags]))
        elif parts[:3] == ["docker", "node", "rm"] and not parts[3].startswith("--"):
            words.add("rm")
    return words


def test_membership_schedules_add_their_operations_and_leave_the_others_alone() -> None:
    membership: set[str] = set()
    for i in range(200):
        for extended in (False, True):
            plain = random_schedule(random.Random(i), extended=extended)
            assert _membership_words(plain) == set()
            both = random_schedule(random.Random(i), extended=extended, membership=True)
            membership |= _membership_words(both)
            assert both.steps[len(IMAGES) + 2 * extended :][:2] == TOKENS
            # the machine the CLI runs on never leaves: the other lines reach a manager
            assert "@manager1 docker swarm leave --force" not in both.steps
    assert membership == {
        "WTOKEN", "MTOKEN", "leave", "leave --force", "join $WTOKEN", "join $MTOKEN", "rm",
    }  # fmt: skip
    assert set(MEMBERSHIP) == {"leave", "join", "rm"}


def test_a_machine_joins_again_only_after_it_left() -> None:
    for i in range(100):
        schedule = random_schedule(random.Random(i), membership=True)
        out: set[str] = set()
        for line in schedule.steps:
            machine, _, command = line.partition(" ")
            if command.startswith("docker swarm leave"):
                assert machine not in out, line
                out.add(machine)
            elif command.startswith("docker swarm join"):
                assert machine in out, line
                out.remove(machine)


@given(schedules(membership=True))
def test_membership_lines_are_understood_by_the_shell(schedule: Schedule) -> None:
    _understood(schedule)
