"""Fingerprints of whole runs: the engine's optimisations must not change a byte.

Each run below replays a seeded workload and hashes everything it produced: the
transcript of its docker commands and the trace (:meth:`~swarmsim.trace.Trace.dump`).
The digests are pinned.  A change meant only to make the engine faster or
smaller (``docs/performance.md``) must leave every one of them as it is: events
in the same order, the same random draws, the same records.

A change that *means* to change behaviour (a fix, a new record) changes some
of them: check with ``git stash`` that the runs concerned differ for the
intended reason, then pin the new digests printed by the failing assertion.

The workloads: Swarm2K-shaped rolling updates at small scale (stop-first,
start-first, a monitored update rolled back by failures, parallelism 0 with a
restart delay), each with a drain and a forced node removal in the middle, and
the first random fault schedules of the fuzzer
(:func:`swarmsim.testing.fuzz.schedule_for`), each left to settle.
"""

from __future__ import annotations

import hashlib

import pytest

from swarmsim.shell.interpreter import Interpreter
from swarmsim.swarm import Swarm
from swarmsim.testing.fuzz import schedule_for


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _rolling_update(nodes: int, flags: str, seed: int) -> str:
    swarm = Swarm(seed=seed, managers=3, workers=nodes - 3)
    swarm.advance(1)
    shell = Interpreter(swarm)
    out: list[str] = []

    def run(line: str) -> None:
        result = shell.execute(line)
        out.append(f"$ {line}\n{result.stdout}{result.stderr}")

    for i in range(4):
        run(
            f"docker service create --detach --name svc{i} --replicas {nodes - 3}"
            f" --update-parallelism 7 --update-delay 2s {flags} app:1"
        )
    swarm.advance(30)
    for i in range(4):
        run(f"docker service update --detach --image app:2 svc{i}")
    swarm.advance(7)
    run("docker node update --availability drain worker5")
    run("docker node rm --force worker9")
    swarm.advance(300)
    for i in range(4):
        run(f"docker service ps svc{i}")
        run(f"docker service inspect --pretty svc{i}")
    return _digest("".join(out) + swarm.trace.dump())


ROLLING_UPDATES = {
    "stop-first": ("", 3, "cea642b5a981dd59"),
    "start-first": ("--update-order start-first", 3, "e8421e3fa51a1a9c"),
    "rolled-back": (
        "--update-monitor 20s --update-failure-action rollback --update-max-failure-ratio 0.1",
        5,
        "b4b78d8e3b835c27",
    ),
    "parallelism-0": ("--update-parallelism 0 --restart-delay 3s", 7, "7e21a2e3b50a5052"),
}


@pytest.mark.parametrize("name", sorted(ROLLING_UPDATES))
def test_rolling_update_fingerprint(name: str) -> None:
    flags, seed, pinned = ROLLING_UPDATES[name]
    assert _rolling_update(30, flags, seed) == pinned


def _fault_schedule(index: int) -> str:
    schedule = schedule_for(5, index)
    swarm = Swarm(seed=schedule.seed, managers=schedule.managers, workers=schedule.workers)
    shell = Interpreter(swarm)
    out: list[str] = []
    for line in schedule.steps:
        result = shell.execute(line)
        out.append(f"$ {line}\n{result.stdout}{result.stderr}")
    swarm.advance(600)
    out.append(shell.execute("docker service ls").stdout)
    return _digest("".join(out) + swarm.trace.dump())


FAULT_SCHEDULES = {
    0: "8c6b95665b5d16d7",
    1: "22c5458bec1d8fd5",
    2: "2aa79ce14d1c29c6",
    3: "51ca5d547b08cec7",
    4: "3a4b4a446c7d9f50",
    5: "3607cddaf6a5b349",
    6: "e5a1864b3279a9d3",
    7: "da4453bc5f9e9207",
    8: "cf96ab7179aeaf4b",
    9: "99b454a2b88f4727",
    10: "2d833355678bcc08",
    11: "4fc86c64a662da52",
    12: "93fc53a8d29ea9c5",
    13: "9e6dcbf2e8e0c6b1",
    14: "8613d3716aeb85e9",
    15: "c1179735f7cf7cd7",
    16: "c24a69e59239aa44",
    17: "0e52eac4627a6a4f",
    18: "cecce215c4295d6c",
    19: "cf9fcab5c3c0cdd1",
    20: "2146332066c6a74e",
    21: "8523f75077f4d264",
    22: "9c03f1a663302b61",
    23: "15c218fac076cb1b",
    24: "3dd83aa0efbac9c5",
    25: "652f1508b16093a5",
    26: "4983574a0057148c",
    27: "c5b919b8c7ebf8d1",
    28: "d0374349b382eeb8",
    29: "ba417c2cfce2154f",
    30: "7749f736f513a9d4",
    31: "006efb9b5d8375e7",
    32: "3ad758a2bdf1f9ac",
    33: "6ecdd58a0edadf0c",
    34: "714157932f452b2d",
    35: "01bdb471302b3dba",
    36: "0bb0cce7e9133b22",
    37: "053974b0d2879d46",
    38: "cdd93dbbcded404a",
    39: "c009705c6ec033a0",
}


def test_fault_schedule_fingerprints() -> None:
    got = {index: _fault_schedule(index) for index in FAULT_SCHEDULES}
    assert got == FAULT_SCHEDULES
