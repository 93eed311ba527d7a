"""Each kind of check, described and observed on a real swarm."""

from __future__ import annotations

import pytest

from swarmsim.scenario.expectations import describe, observe, table_column
from swarmsim.scenario.model import Check
from swarmsim.shell.interpreter import Interpreter
from swarmsim.swarm import Swarm


def check(kind: str, **fields: object) -> Check:
    return Check(kind, tuple(sorted(fields.items())))


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    swarm = Swarm(
        seed=2,
        nodes=[
            {
                "hostname": "m1",
                "role": __import__("swarmsim").api.NodeRole.MANAGER,
                "labels": {"zone": "a"},
            },
            {"hostname": "w1", "labels": {"zone": "b"}},
            {"hostname": "w2", "labels": {"zone": "b"}},
        ],
    )
    shell = Interpreter(swarm)
    assert shell.execute("docker service create -d --name web --replicas 3 nginx").ok
    assert shell.execute("sleep 30s").ok
    assert shell.execute("docker node update --availability drain w2").ok
    assert shell.execute("sleep 30s").ok
    return shell


def test_running(interpreter: Interpreter) -> None:
    assert observe(check("running", service="web", count=3), interpreter) == (True, "3 running")
    assert observe(check("running", service="web", count=2), interpreter) == (False, "3 running")
    assert observe(check("running", service="ghost", count=0), interpreter) == (
        True,
        "no service ghost",
    )
    assert describe(check("running", service="web", count=3)) == "web has 3 running tasks"


def test_placement_per_node_and_per_label(interpreter: Interpreter) -> None:
    per_node = check("placement", service="web", counts=(("w2", 0), ("m1", 1)))
    assert observe(per_node, interpreter) == (True, "w2=0, m1=1 (also w1=2)")
    per_zone = check("placement", service="web", label="zone", counts=(("a", 2), ("b", 1)))
    assert observe(per_zone, interpreter) == (False, "a=1, b=2")
    assert describe(per_zone) == "running tasks of web per label zone: a=2, b=1"


def test_tasks_in_a_state_history_included(interpreter: Interpreter) -> None:
    assert observe(check("tasks", service="web", state="shutdown", count=1), interpreter)[0]
    on_w2 = check("tasks", service="web", state="shutdown", node="w2", desired="shutdown", count=1)
    assert observe(on_w2, interpreter) == (True, "1 shutdown")
    assert observe(check("tasks", service="web", state="running", node="w2", count=0), interpreter)[
        0
    ]
    assert describe(on_w2) == "web has 1 shutdown tasks on w2 (desired shutdown)"


def test_update_state_and_message(interpreter: Interpreter) -> None:
    assert observe(check("update", service="web", state="none"), interpreter) == (True, "none")
    assert observe(check("update", service="web", state="paused"), interpreter) == (False, "none")
    assert describe(check("update", service="web", state="paused", message="task")) == (
        "update of web is paused, message contains 'task'"
    )


def test_node(interpreter: Interpreter) -> None:
    assert observe(check("node", name="w2", availability="drain", status="ready"), interpreter) == (
        True,
        "ready, drain",
    )
    assert observe(check("node", name="w2", role="manager"), interpreter) == (False, "worker")
    assert observe(check("node", name="nope"), interpreter) == (False, "no node nope")


def test_output_ways(interpreter: Interpreter) -> None:
    before = len(interpreter.swarm.trace)
    ls = "docker service ls"
    assert observe(check("output", run=ls, contains="3/3"), interpreter)[0]
    assert not observe(check("output", run=ls, contains="2/3"), interpreter)[0]
    assert observe(
        check(
            "output",
            run="docker node ls -q --filter name=w1",
            equals=interpreter.swarm.node("w1").id,
        ),
        interpreter,
    )[0]
    assert observe(check("output", run=ls, matches=r"^\w+ +web +replicated"), interpreter)[0]
    nodes = check("output", run="docker node ls", column="HOSTNAME", values=("m1", "w1", "w2"))
    assert observe(nodes, interpreter) == (True, "['m1', 'w1', 'w2']")
    missing = check("output", run="docker node ls", column="ZONE", values=())
    assert observe(missing, interpreter)[1].startswith("no column ZONE in 'ID ")
    assert len(interpreter.swarm.trace) == before  # probes are not recorded
    assert describe(nodes) == "`docker node ls` column HOSTNAME is ['m1', 'w1', 'w2']"


def test_table_column_follows_the_header() -> None:
    row = "{:<6}{:<12}{:<6}{:<16}{}\n".format
    table = (
        row("ID", "NAME", "NODE", "DESIRED STATE", "ERROR")
        + row("a1", "web.1", "m1", "Running", "")
        + row("b2", " \\_ web.1", "w2", "Shutdown", "oops")
    )
    assert table_column(table, "DESIRED STATE") == ["Running", "Shutdown"]
    assert table_column(table, "NAME") == ["web.1", "\\_ web.1"]
    assert table_column(table, "ERROR") == ["", "oops"]
    assert table_column(table, "PORTS") is None
    assert table_column("", "ID") is None


def test_settled_and_held() -> None:
    swarm = Swarm(seed=4, managers=1, workers=2)
    swarm.images.set("bad:1", exits_after=1.0, exit_code=1)
    shell = Interpreter(swarm)
    assert shell.execute("docker service create -d --name web --replicas 3 nginx").ok
    settled, held = check("settled"), check("settled", held=("web",))
    assert observe(settled, shell) == (False, "converging: web")
    assert shell.execute("sleep 30s").ok
    assert observe(settled, shell) == (True, "settled")
    assert observe(held, shell) == (False, "settled")
    assert shell.execute("docker service update -d --image bad:1 web").ok
    assert shell.execute("sleep 1m").ok
    assert observe(settled, shell) == (False, "settled, held: web")
    assert observe(held, shell) == (True, "settled, held: web")
    assert describe(settled) == "the swarm has settled"
    assert describe(held) == "the swarm has settled, held: web"
