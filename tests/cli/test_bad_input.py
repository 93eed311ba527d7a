"""Hundreds of malformed command lines: one-line error, non-zero exit, nothing changed."""

from __future__ import annotations

import itertools

import pytest

from swarmsim.swarm import Swarm

BAD_DURATIONS = ["10x", "abc", "1.5", "-", "5 s", "1h-", "ms", "--", "1e3s"]
DURATION_FLAGS = [
    "--update-delay",
    "--update-monitor",
    "--rollback-delay",
    "--rollback-monitor",
    "--restart-delay",
    "--restart-window",
    "--stop-grace-period",
    "--health-interval",
    "--health-timeout",
    "--health-start-period",
]
BAD_CONSTRAINTS = [
    "node.labels.zone",
    "==east",
    "node.role=manager",
    "node.labels.zone==",
    "node labels==x",
    "node.labels.zone==east!",
    "!=x",
    "node.role<>manager",
]
BAD_NUMBERS = ["-1", "x", "1.5", "", "3e", "--1", "0x", "1 2", "99999999999999999999999"]
NUMBER_FLAGS = [
    "--replicas",
    "--update-parallelism",
    "--rollback-parallelism",
    "--restart-max-attempts",
    "--replicas-max-per-node",
    "--health-retries",
]
UNKNOWN_FLAGS = ["--replica", "--nmae", "-z", "--update-delays", "--constraints", "--detatch"]
OTHER = [
    "",
    "   ",
    "docker",
    "docker servcie ls",
    "docker service",
    "docker service lss",
    'docker service create --name "web nginx',
    "docker service create --name 'web nginx",
    "docker service create",
    "docker service create --name web",
    "docker service create --mode everywhere nginx",
    "docker service create --mode global --replicas 2 nginx",
    "docker service create --name web nginx",  # conflicts with the existing service
    "docker service create --name Web_1! nginx",
    "docker service create --name " + "a" * 64 + " nginx",
    "docker service create --reserve-memory 12q nginx",
    "docker service create --reserve-cpu x nginx",
    "docker service create --limit-cpu 0.0000000001 nginx",
    "docker service create --publish 80:80:80 nginx",
    "docker service create --publish x:80 nginx",
    "docker service create --publish 80:80/ftp nginx",
    "docker service create --update-failure-action explode nginx",
    "docker service create --rollback-failure-action explode nginx",
    "docker service create --update-order random nginx",
    "docker service create --update-max-failure-ratio 2 nginx",
    "docker service create --update-max-failure-ratio x nginx",
    "docker service create --restart-condition sometimes nginx",
    "docker service create --endpoint-mode dnsrr -p 80:80 nginx",
    "docker service create --network nowhere nginx",
    "docker service create --placement-pref spread nginx",
    "docker service create --placement-pref pack=node.labels.zone nginx",
    "docker service scale",
    "docker service scale web",
    "docker service scale web=x",
    "docker service scale web=-1",
    "docker service scale nothere=2",
    "docker service update nothere",
    "docker service update",
    "docker service update --rollback --image nginx:2 web",
    "docker service update --replicas -3 web",
    "docker service update --update-delay x web",
    "docker service rollback nothere",
    "docker service rollback web",  # no previous spec yet
    "docker service rm",
    "docker service rm nothere",
    "docker service ps nothere",
    "docker service ps --filter desired-state web",
    "docker service ps --filter colour=red web",
    "docker service inspect nothere",
    "docker service ls --filter colour=red",
    "docker node ls --filter colour=red",
    "docker node update --availability sometimes worker1",
    "docker node update --availability drain nothere",
    "docker node update worker1 worker2",
    "docker node update --label-rm missing worker1",
    "docker node update",
    "docker node inspect nothere",
    "docker node ps nothere",
    "docker node promote nothere",
    "docker node demote manager1",
    "docker node rm worker1",
    "docker node rm manager1",
    "docker node rm nothere",
    "docker node lss",
    "docker swarm init",
    "docker swarm join-token everyone",
    "docker network create",
    "docker network rm nothere",
    "docker network create -d overlay ingress",
]


def _lines() -> list[str]:
    lines: list[str] = []
    for flag, value in itertools.product(DURATION_FLAGS, BAD_DURATIONS):
        lines.append(f"docker service create {flag} '{value}' nginx")
    for constraint in BAD_CONSTRAINTS:
        lines.append(f"docker service create --constraint '{constraint}' nginx")
        lines.append(f"docker service update --constraint-add '{constraint}' web")
    for flag, value in itertools.product(NUMBER_FLAGS, BAD_NUMBERS):
        lines.append(f"docker service create {flag}='{value}' nginx")
    for flag in UNKNOWN_FLAGS:
        for sub in ("service create", "service update", "service ls", "node ls", "node update"):
            lines.append(f"docker {sub} {flag} 3 web")
    lines.extend(OTHER)
    return lines


LINES = _lines()


def _snapshot(swarm: Swarm) -> object:
    store = swarm.ctx.store
    return (
        swarm.now,
        len(swarm.trace),
        sorted((s.id, repr(s.spec), s.spec_version) for s in store.services.values()),
        sorted((n.id, n.availability, n.labels, n.role, n.status) for n in store.nodes.values()),
        sorted(store.networks),
        len(store.tasks),
    )


@pytest.fixture(scope="module")
def swarm() -> Swarm:
    swarm = Swarm(seed=3, managers=1, workers=2)
    result = swarm.docker("docker service create -d --name web --replicas 2 nginx")
    assert result.exit_code == 0, result.stderr
    swarm.advance(30)
    return swarm


def test_there_are_at_least_200_malformed_lines() -> None:
    assert len(LINES) >= 200


@pytest.mark.parametrize("line", LINES)
def test_malformed_line_fails_cleanly(swarm: Swarm, line: str) -> None:
    before = _snapshot(swarm)
    result = swarm.docker(line)
    assert result.exit_code != 0, f"{line!r} succeeded: {result.stdout!r}"
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, f"{line!r}: {result.stderr!r}"
    assert result.stderr.strip()
    assert "Traceback" not in result.output
    assert _snapshot(swarm) == before
