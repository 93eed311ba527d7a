"""The ``swarmsim shell`` console script: transcripts, shell words, errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from engine_helpers import create, spec

from swarmsim.api import NodeRole, NodeStatus, TaskState
from swarmsim.console.main import main
from swarmsim.console.shell import LineResult, Shell
from swarmsim.swarm import Swarm


def shell_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["shell", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_lesson_transcript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = tmp_path / "nodos.txt"
    lesson.write_text(
        "# Disponibilidad de los nodos\n"
        "docker node ls\n"
        "\n"
        "docker node update --availability drain worker1\n"
        "sleep 1m30s\n"
        "time\n"
    )
    expected_ids = Swarm(seed=0)
    m1, w1, w2 = (expected_ids.node(n).id for n in ("manager1", "worker1", "worker2"))
    with lesson.open() as source:
        monkeypatch.setattr("sys.stdin", source)
        code = main(["shell"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == (
        "# Disponibilidad de los nodos\n"
        "$ docker node ls\n"
        "ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   "
        "ENGINE VERSION\n"
        f"{m1} *   manager1   Ready     Active         Leader           28.2.2\n"
        f"{w1}     worker1    Ready     Active                          28.2.2\n"
        f"{w2}     worker2    Ready     Active                          28.2.2\n"
        "\n"
        "$ docker node update --availability drain worker1\n"
        "worker1\n"
        "$ sleep 1m30s\n"
        "$ time\n"
        "t=1m30s (2026-01-01 00:01:30 +0000 UTC)\n"
    )


def test_failures_give_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = shell_run(
        monkeypatch,
        capsys,
        "docker node demote manager1\nbogus word\nsleep soon\nfail nowhere\nsleep 1s\n",
    )
    assert (code, err) == (1, "")
    assert out == (
        "$ docker node demote manager1\n"
        "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to "
        "demote the last manager of the swarm\n"
        "$ bogus word\n"
        "swarmsim: unknown command: bogus (try 'help')\n"
        "$ sleep soon\n"
        'sleep: time: invalid duration "soon"\n'
        "$ fail nowhere\n"
        "fail: no such node: nowhere\n"
        "$ sleep 1s\n"
    )


def test_options_and_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = shell_run(monkeypatch, capsys, "docker node ls -q\n", "--managers", "3")
    assert code == 0 and out.count("\n") == 6  # echo + 3 managers + 2 workers
    with pytest.raises(SystemExit) as exited:
        main(["shell", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for word in ("sleep DURATION", "fail NODE", "kill TASK|SERVICE.SLOT", "image IMAGE", "time"):
        assert word in text
    with pytest.raises(SystemExit) as exited:
        main(["shell", "--managers", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_substitution_pipe_and_continuation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "docker node ps $(docker node ls -q) --filter desired-state=Running\n"
        "docker system info | grep Swarm\n"
        "docker node update \\\n  --availability pause worker2\n"
        "docker node ls | grep -v Active\n"
    )
    code, out, _ = shell_run(monkeypatch, capsys, text)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "$ " + text.splitlines()[0]
    assert lines[1].startswith("ID        NAME      IMAGE ")
    assert lines[2:6] == [
        "$ docker system info | grep Swarm",
        " Swarm: active",
        "$ docker node update \\",
        "  --availability pause worker2",
    ]
    assert lines[6] == "worker2"
    assert lines[7] == "$ docker node ls | grep -v Active"
    assert lines[8].startswith("ID ") and " worker2 " in lines[9] and " Pause " in lines[9]
    assert len(lines) == 10


def test_fault_words() -> None:
    swarm = Swarm(seed=1)
    shell = Shell(swarm)
    assert shell.execute("sleep 2").ok
    assert shell.execute("fail worker1").ok
    assert shell.execute("sleep 30s").ok
    assert swarm.node("worker1").status == NodeStatus.DOWN
    assert shell.execute("recover worker1").ok and shell.execute("sleep 5s").ok
    assert swarm.node("worker1").status == NodeStatus.READY
    assert shell.execute("disconnect worker2").ok and shell.execute("sleep 30s").ok
    assert swarm.node("worker2").status == NodeStatus.DOWN
    assert shell.execute("reconnect worker2").ok and shell.execute("sleep 5s").ok
    assert swarm.node("worker2").status == NodeStatus.READY
    assert shell.execute("exit").stop


def test_kill_image_and_node_add() -> None:
    swarm = Swarm(seed=1)
    shell = Shell(swarm)
    service = create(swarm, spec("web", replicas=2))
    shell.execute("sleep 20s")
    (task,) = [t for t in swarm.ctx.store.tasks_of_service(service.id) if t.slot == 1]
    assert shell.execute("kill web.1 137") == LineResult()
    shell.execute("sleep 1s")
    assert task.state == TaskState.FAILED and task.status.exit_code == 137
    result = shell.execute(f"kill {task.id[:8]}")
    assert (result.ok, result.stderr) == (False, f"kill: task {task.id} is not running\n")
    assert shell.execute("kill web.9").stderr == "kill: no task matches web.9\n"
    assert shell.execute("kill web.1 x").stderr == (
        'kill: strconv.ParseInt: parsing "x": invalid syntax\n'
    )

    assert shell.execute("image redis:3.0.7 exits_after=3s exit_code=1 pull=1m").ok
    profile = swarm.images.profile("redis:3.0.7")
    assert (profile.exits_after, profile.exit_code, profile.pull) == (3.0, 1, 60.0)
    assert shell.execute("image app:2 never_healthy=true pull_error=1").ok
    assert swarm.images.profile("app:2").never_healthy
    bad = shell.execute("image app:2 colour=red")
    assert not bad.ok and bad.stderr.startswith("image: bad setting 'colour=red'; keys: pull, ")

    added = shell.execute("node add worker3 role=manager label.zone=east cpus=2 memory=1G")
    assert added.stdout == "This node joined a swarm as a manager.\n"
    node = swarm.node("worker3")
    assert (node.role, node.labels, node.nano_cpus, node.memory_bytes) == (
        NodeRole.MANAGER,
        (("zone", "east"),),
        2_000_000_000,
        1024**3,
    )
    assert (
        shell.execute("node add worker3").stderr == "node: a node named 'worker3' already exists\n"
    )


def test_quoting_errors_are_one_line() -> None:
    shell = Shell(Swarm(seed=0))
    result = shell.execute("docker node ls --filter 'role=manager")
    assert (result.ok, result.stderr) == (False, "swarmsim: unterminated quoted string\n")
    assert shell.execute("docker node ls | sort").stderr == (
        "swarmsim: only '| grep [-i] [-v] PATTERN' is supported\n"
    )


def test_bad_numbers_in_shell_words_are_one_line() -> None:
    shell = Shell(Swarm(seed=0))
    assert shell.execute("node add w9 cpus=inf") == LineResult(
        stderr="node: cpus: failed to parse inf as a rational number\n", ok=False
    )
    assert shell.execute("node add w9 cpus=1e400").ok is False
    assert shell.execute("node add w9 cpus=0.5").ok
    assert shell.execute("sleep 99999999999999999999") == LineResult(
        stderr='sleep: time: invalid duration "99999999999999999999"\n', ok=False
    )
    assert shell.execute("sleep 2.5").ok and shell.swarm.now == 2.5


def test_unexpected_error_of_a_shell_word_does_not_end_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shell = Shell(Swarm(seed=0))

    def broken(seconds: float) -> None:
        raise OverflowError("boom")

    monkeypatch.setattr(shell.swarm, "advance", broken)
    assert shell.execute("sleep 1") == LineResult(
        stderr="swarmsim: internal error: OverflowError('boom')\n", ok=False
    )


def test_grep_error_hides_the_piped_output() -> None:
    shell = Shell(Swarm(seed=0))
    assert shell.execute("docker node ls | grep [") == LineResult(
        stderr="grep: Unmatched [, [^, [:, [., or [=\n", ok=False
    )


def test_interactive_session(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = iter(["docker node ls -q", "nonsense", "exit", "docker node ls"])
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    monkeypatch.setattr("builtins.input", fake_input)
    out, err = io.StringIO(), io.StringIO()
    swarm = Swarm(seed=0)
    code = Shell(swarm).run(io.StringIO(), out, err, interactive=True)
    assert code == 1
    assert prompts == ["manager1$ ", "manager1$ ", "manager1$ "]
    assert out.getvalue().count("\n") == 3  # the three node IDs, no echo
    assert err.getvalue() == "swarmsim: unknown command: nonsense (try 'help')\n"


def test_sleep_is_capped_at_30_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = shell_run(monkeypatch, capsys, "sleep 721h\nsleep 720h\ntime\n")
    assert code == 1
    assert "$ sleep 721h\nsleep: at most 720h0m0s at a time\n" in out
    assert out.endswith("$ time\nt=720h0m0s (2026-01-31 00:00:00 +0000 UTC)\n")


def test_interactive_continuation_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = iter(["docker node update \\", "  --availability drain worker1", "# a note"])
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    out, err = io.StringIO(), io.StringIO()
    swarm = Swarm(seed=0)
    assert Shell(swarm).run(io.StringIO(), out, err, interactive=True) == 0
    assert prompts == ["manager1$ ", "> ", "manager1$ ", "manager1$ "]
    assert (out.getvalue(), err.getvalue()) == ("worker1\n", "")
    recorded = [r.detail for r in swarm.trace if r.kind == "command"]
    assert recorded == ["docker node update \\\n  --availability drain worker1"]


def test_shell_starts_from_blank_machines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "docker info | grep Swarm\n@worker1\ndocker swarm init\ndocker node ls -q\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["shell", "--machines", "manager1,worker1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("$ docker info | grep Swarm\n Swarm: inactive\n$ @worker1\n")
    assert "Swarm initialized: current node (" in out
    for argv, error in [
        (["--machines", "a,a"], "a machine is named twice"),
        (["--machines", "a,,b"], "not a list of hostnames"),
    ]:
        with pytest.raises(SystemExit):
            main(["shell", *argv])
        assert error in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["shell", "--machines", "a", "--workers", "3"]) == 2
    assert "either --machines or --managers/--workers" in capsys.readouterr().err
