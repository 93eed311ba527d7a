"""The one interpreter: every line it runs is recorded in the trace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.cli.shellargs import ShellError, image_settings, node_settings, shell_duration
from swarmsim.shell.interpreter import Interpreter, LineResult
from swarmsim.swarm import Swarm


def commands(interpreter: Interpreter) -> list[tuple[float, str, str, str, int]]:
    return [
        (r.time, r.event, r.node, r.detail, r.slot)
        for r in interpreter.swarm.trace
        if r.kind == "command"
    ]


def test_lines_are_recorded_when_they_start_with_machine_and_exit_code() -> None:
    interpreter = Interpreter(Swarm(seed=4, managers=1, workers=2))
    lines = [
        "docker service create --name web --replicas 2 nginx",  # waits: recorded at its start
        "fail worker1",
        "sleep 10s",
        "docker node ps $(docker node ls -q --filter name=worker2)",
        "kill web.1 137",
        "node add w9 role=manager",
        "docker node rm nowhere",
        "bogus",
        "",
    ]
    starts = []
    web1_host = ""
    for line in lines:
        starts.append(interpreter.swarm.now)
        if line.startswith("kill"):
            task = interpreter._find_task("web.1")
            web1_host = interpreter.swarm.ctx.store.nodes[task.node_id].hostname
        interpreter.execute(line)
    assert web1_host in ("manager1", "worker2")  # worker1 failed: web.1 moved
    assert commands(interpreter) == [
        (0.0, "docker", "manager1", lines[0], 0),
        (starts[1], "fault", "worker1", "fail worker1", 0),
        (starts[2], "shell", "manager1", "sleep 10s", 0),
        (starts[3], "docker", "manager1", lines[3], 0),  # the substitution is not recorded
        (starts[4], "fault", web1_host, "kill web.1 137", 0),
        (starts[5], "fault", "w9", "node add w9 role=manager", 0),
        (starts[6], "docker", "manager1", "docker node rm nowhere", 1),
        (starts[7], "shell", "manager1", "bogus", 1),
    ]
    assert starts[1] > 0 and starts[3] == starts[2] + 10


def test_probes_are_not_recorded() -> None:
    interpreter = Interpreter(Swarm(seed=0))
    assert interpreter.execute("docker node ls", record=False).ok
    assert commands(interpreter) == []


def test_durations_and_settings_share_one_parser() -> None:
    assert shell_duration("1m30s") == shell_duration("90") == 90.0
    with pytest.raises(ShellError, match='time: invalid duration "soon"'):
        shell_duration("soon")
    assert image_settings(["pull=1m", "pull_error=true", "exit_code=3"]) == {
        "pull": 60.0,
        "pull_error": True,
        "exit_code": 3,
    }
    with pytest.raises(ShellError, match="bad setting 'pul=1s'; keys: pull, create"):
        image_settings(["pul=1s"])
    assert node_settings(["cpus=1.5", "address=10.0.0.2"]) == {"cpus": 1.5, "address": "10.0.0.2"}
    with pytest.raises(ShellError, match="memory: invalid size"):
        node_settings(["memory=lots"])


def test_node_add_with_an_address() -> None:
    interpreter = Interpreter(Swarm(seed=0))
    assert interpreter.execute("node add edge address=10.1.2.3 label.zone=x").ok
    node = interpreter.swarm.node("edge")
    assert (node.addr, node.label("zone")) == ("10.1.2.3", "x")


_WORDS = st.sampled_from(
    ["kill", "fail", "node", "add", "sleep", "image", "docker", "service", "|", "grep", "$(", ")"]
)
_ARGS = st.text(alphabet="ab.1-=' \\\"$()|", max_size=6)


@given(st.lists(st.one_of(_WORDS, _ARGS), max_size=5))
def test_any_line_gives_a_result_and_one_record(words: list[str]) -> None:
    interpreter = Interpreter(Swarm(seed=0, managers=1, workers=1))
    line = " ".join(words)
    result = interpreter.execute(line)
    assert isinstance(result, LineResult)
    assert "internal error" not in result.stderr
    assert len(commands(interpreter)) == (1 if line.strip() else 0)


def test_data_piped_into_docker_is_its_stdin_and_never_reaches_the_trace() -> None:
    swarm = Swarm(seed=1, managers=1, workers=0)
    interpreter = Interpreter(swarm)
    result = interpreter.execute("printf 'hunter2' | docker secret create db_pw -")
    assert result.ok, result.stderr
    secret = swarm.ctx.store.secret_by_name("db_pw")
    assert secret is not None and secret.spec.data == b"hunter2"
    (record,) = [r for r in swarm.trace if r.kind == "command"]
    assert record.detail == "printf ... | docker secret create db_pw -"
    assert "hunter2" not in swarm.trace.dump()


def test_export_and_unset_set_the_variables_compose_files_see() -> None:
    from swarmsim.cli.docker.stack import set_stack_environment, stack_environment

    interpreter = Interpreter(Swarm(seed=0, managers=1, workers=0))
    set_stack_environment(interpreter.swarm, {"KEEP": "1"})
    assert interpreter.execute("export TAG=1.25 NOTE='two words' EMPTY= MARKED").ok
    assert stack_environment(interpreter.swarm) == {
        "KEEP": "1",
        "TAG": "1.25",
        "NOTE": "two words",
        "EMPTY": "",
    }
    listed = interpreter.execute("export")
    assert listed.stdout == (
        'declare -x EMPTY=""\ndeclare -x KEEP="1"\ndeclare -x NOTE="two words"\n'
        'declare -x TAG="1.25"\n'
    )
    assert interpreter.execute("unset TAG NOTE MISSING").ok
    assert stack_environment(interpreter.swarm) == {"KEEP": "1", "EMPTY": ""}
    # a bad name changes nothing, as one clear line
    bad = interpreter.execute("export A=1 2B=3")
    assert (bad.ok, bad.stderr) == (False, "export: `2B=3': not a valid identifier\n")
    bad = interpreter.execute("unset KEEP X=1")
    assert (bad.ok, bad.stderr) == (False, "unset: `X=1': not a valid identifier\n")
    assert stack_environment(interpreter.swarm) == {"KEEP": "1", "EMPTY": ""}
    assert interpreter.execute("export Q='a\"$b'").ok
    assert interpreter.execute("export").stdout.endswith('declare -x Q="a\\"\\$b"\n')
    records = [r for r in interpreter.swarm.trace if r.kind == "command"]
    assert {r.event for r in records} == {"shell"}


def test_the_shell_keeps_the_process_environment_as_its_base(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from swarmsim.cli.docker.stack import stack_environment

    monkeypatch.setenv("SWARMSIM_TEST_TAG", "7")
    interpreter = Interpreter(Swarm(seed=0, managers=1, workers=0))
    assert interpreter.execute("export OTHER=1").ok
    env = stack_environment(interpreter.swarm)
    assert env["SWARMSIM_TEST_TAG"] == "7" and env["OTHER"] == "1"


def test_partition_and_heal_words_split_and_rejoin_the_machines() -> None:
    interpreter = Interpreter(Swarm(seed=4, managers=1, workers=2))
    swarm = interpreter.swarm
    result = interpreter.execute("partition manager1,worker1 / worker2")
    assert result.ok and (result.stdout, result.stderr) == ("", "")
    assert not swarm.agents[swarm.node("worker2").id].connected
    assert swarm.agents[swarm.node("worker1").id].connected
    assert interpreter.execute("heal").ok
    assert swarm.agents[swarm.node("worker2").id].connected
    assert [c[1] for c in commands(interpreter)] == ["fault", "fault"]
    assert "partition A,B / C,D" in interpreter.execute("help").stdout


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("partition", "partition: usage: partition NODE[,NODE...] / NODE[,NODE...] ...\n"),
        ("partition manager1 / ghost", "partition: no such node: ghost\n"),
        ("partition worker1 / worker1,worker2", "partition: worker1 is in two partition groups\n"),
        ("partition worker1 / / worker2", "partition: partition group 2 is empty\n"),
        ("heal now", "heal: usage: heal\n"),
    ],
)
def test_bad_partitions_are_one_line_errors_that_change_nothing(line: str, error: str) -> None:
    interpreter = Interpreter(Swarm(seed=4, managers=1, workers=2))
    result = interpreter.execute(line)
    assert (result.ok, result.stdout, result.stderr) == (False, "", error)
    assert not interpreter.swarm.underlay.groups
    assert all(agent.connected for agent in interpreter.swarm.agents.values())


def test_variables_expand_as_in_sh() -> None:
    interpreter = Interpreter(Swarm(seed=2, managers=1, workers=1))
    run = interpreter.execute
    assert run("TOKEN=$(docker swarm join-token -q worker)").ok
    token = interpreter.variables["TOKEN"]
    assert token.startswith("SWMTKN-1-")
    assert run("echo $TOKEN").stdout == f"{token}\n"
    assert run('echo "${TOKEN}"-x').stdout == f"{token}-x\n"
    assert run("echo '$TOKEN' $NOPE.").stdout == "$TOKEN .\n"  # single quotes; unset is empty
    assert run("GREETING=$(echo hello   world)").ok  # an assignment is not split
    assert interpreter.variables["GREETING"] == "hello world"
    assert run("echo $GREETING").stdout == "hello world\n"
    assert run("A=1 B='two words'").ok and interpreter.variables["B"] == "two words"
    assert run("echo $A$B").stdout == "1two words\n"
    # a shell variable is not exported until export names it; then it follows assignments
    from swarmsim.cli.docker.stack import stack_environment

    env = stack_environment(interpreter.swarm)
    assert "A" not in env
    assert run("export A").ok and env["A"] == "1" and "A" not in interpreter.variables
    assert run("A=3").ok and env["A"] == "3" and run("echo $A").stdout == "3\n"
    assert run("unset A B").ok and run("echo [$A$B]").stdout == "[]\n"


def test_machine_prefix_runs_a_line_elsewhere_and_alone_switches() -> None:
    swarm = Swarm(seed=2, machines=["manager1", "worker1"])
    interpreter = Interpreter(swarm)
    run = interpreter.execute
    assert run("docker swarm init").ok
    assert run("T=$(docker swarm join-token -q worker)").ok
    assert run("@worker1 docker swarm join --token $T 192.168.65.2").stdout == (
        "This node joined a swarm as a worker.\n"
    )
    assert interpreter.host == "manager1"
    assert run("@worker1").ok and interpreter.host == "worker1"
    assert "This node is not a swarm manager. Worker" in run("docker node ls").stderr
    assert run("@manager1 docker node ls").ok and interpreter.host == "worker1"
    bad = run("@nowhere docker node ls")
    assert (bad.ok, bad.stderr) == (False, "swarmsim: no such node: nowhere\n")
    assert interpreter.host == "worker1"
    recorded = [(r.event, r.node, r.detail) for r in swarm.trace if r.kind == "command"][-4:]
    assert recorded == [
        ("shell", "worker1", "@worker1"),
        ("docker", "worker1", "docker node ls"),
        ("docker", "manager1", "@manager1 docker node ls"),
        ("shell", "worker1", "@nowhere docker node ls"),
    ]


def test_node_add_takes_a_rack_and_a_zone() -> None:
    from swarmsim.shell import run_script
    from swarmsim.swarm import Swarm

    swarm = Swarm(seed=0)
    result = run_script(swarm, "node add w9 rack=r4 zone=eu\nnode add w10 rack=r 4\n")
    assert (swarm.machine("w9").rack, swarm.machine("w9").zone) == ("r4", "eu")
    assert "rack:eu/r4" in swarm.underlay.graph and result.exit_code == 1


def test_a_failing_substitution_prints_its_error_before_the_line_runs() -> None:
    from swarmsim.shell import run_script
    from swarmsim.swarm import Swarm

    swarm = Swarm(seed=0, machines=["m1", "m2"])
    result = run_script(
        swarm, "docker swarm init\nTOKEN=$(@m2 docker swarm join-token -q worker)\necho [$TOKEN]\n"
    )
    lines = result.transcript.splitlines()
    at = lines.index("$ TOKEN=$(@m2 docker swarm join-token -q worker)")
    assert lines[at + 1].startswith("Error response from daemon: This node is not a swarm manager.")
    assert lines[at + 3] == "[]"
