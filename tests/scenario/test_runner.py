"""The runner's timeline: step times, expectation windows, verdicts and the trace."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from swarmsim.errors import ScenarioError
from swarmsim.scenario import Runner, ScenarioResult, parse_scenario, run_scenario
from swarmsim.scenario.lesson import parse_lesson
from swarmsim.shell.transcript import run_script
from swarmsim.swarm import Swarm

HEAD = "name: t\nseed: 3\ncluster: {managers: 1, workers: 1}\n"


def replay(body: str, **options: object) -> tuple[str, Runner, ScenarioResult]:
    out = io.StringIO()
    runner = Runner(parse_scenario(HEAD + body, "t.yaml"), out=out, **options)  # type: ignore[arg-type]
    result = runner.run()
    return out.getvalue(), runner, result


def stamps(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[")]


def test_steps_start_at_their_times_and_after_the_previous_one() -> None:
    out, runner, _ = replay(
        "steps:\n"
        "  - {at: 10s, run: time}\n"
        "  - {after: 5s, run: time}\n"
        "  - {run: sleep 1m}\n"
        "  - {at: 75s, comment: late}\n"
        "  - {after: 0.5, fault: {kind: disconnect, node: worker1}}\n"
        "  - {run: docker service create --name web nginx}\n"  # waits for its task
        "  - {at: 76s, run: time}\n"  # already past: runs at once
    )
    assert stamps(out)[:5] == [
        "[0:00:10.0] $ time",
        "[0:00:15.0] $ time",
        "[0:00:15.0] $ sleep 1m",
        "[0:01:15.0] # late",
        "[0:01:15.5] $ disconnect worker1",
    ]
    waited = runner.swarm.now
    assert stamps(out)[6] == f"[{_stamp(waited)}] $ time" and waited > 76
    assert out.endswith("t: 0 expectations, 0 passed\n")
    commands = [
        (r.time, r.event, r.node, r.detail) for r in runner.swarm.trace if r.kind == "command"
    ]
    assert commands[:5] == [
        (10.0, "shell", "manager1", "time"),
        (15.0, "shell", "manager1", "time"),
        (15.0, "shell", "manager1", "sleep 1m"),
        (75.0, "comment", "", "late"),
        (75.5, "fault", "worker1", "disconnect worker1"),
    ]
    assert commands[5][1:] == ("docker", "manager1", "docker service create --name web nginx")


def test_within_passes_the_first_time_it_holds_and_at_is_anchored_to_the_step() -> None:
    out, _, result = replay(
        "steps:\n"
        "  - at: 1m\n"
        "    fault: {kind: fail, node: worker1}\n"
        "    expect:\n"
        "      - {within: 1m, node: {name: worker1, status: down}}\n"
        "      - {at: 1s, node: {name: worker1, status: ready}}\n"
    )
    verdicts = {v.expectation.label: v for v in result.verdicts}
    down = verdicts["steps[0].expect[0]"]
    assert down.passed and 60 + 10 < down.time < 60 + 20  # 3 missed heartbeats of 5 s
    early = verdicts["steps[0].expect[1]"]
    assert (early.passed, early.time) == (True, 61.0)
    assert f"[{_stamp(down.time)}] PASS steps[0].expect[0]: node worker1 is down\n" in out


def _stamp(seconds: float) -> str:
    from swarmsim.shell.transcript import clock_stamp

    return clock_stamp(seconds)


def test_a_within_that_never_holds_fails_at_its_deadline_with_what_was_seen() -> None:
    out, _, result = replay(
        "steps:\n  - run: docker service create -d --name web --replicas 2 nginx\n"
        "expect:\n  - {after: 10s, within: 20s, running: {service: web, count: 5}}\n"
    )
    (verdict,) = result.verdicts
    assert (verdict.passed, verdict.time, verdict.seen) == (False, 30.0, "2 running")
    assert (
        "[0:00:30.0] FAIL expect[0] (t.yaml:7:5): web has 5 running tasks; saw 2 running\n" in out
    )
    assert out.endswith("t: 1 expectation, 1 failed\n")


def test_checks_due_at_a_step_time_come_before_the_step() -> None:
    out, _, _ = replay(
        "steps:\n  - {at: 5s, run: docker service create -d --name web --replicas 1 nginx}\n"
        "expect:\n  - {at: 5s, running: {service: web, count: 0}}\n"
    )
    lines = stamps(out)
    assert lines[0] == "[0:00:05.0] PASS expect[0]: web has 0 running tasks"
    assert lines[1].startswith("[0:00:05.0] $ docker service create")


def test_a_failing_command_does_not_fail_a_scenario_but_fails_a_lesson() -> None:
    result = Runner(parse_scenario(HEAD + "steps:\n  - run: docker node rm nowhere\n")).run()
    assert result.failed_lines == ("docker node rm nowhere",)
    assert result.exit_code == 0
    lesson = Runner(parse_lesson("# a lesson\ndocker node rm nowhere\n", "l.txt")).run()
    assert lesson.exit_code == 1
    assert lesson.summary() == "l: 1 commands, 1 failed"
    assert lesson.transcript.startswith("[0:00:00.0] # a lesson\n[0:00:00.0] $ docker node rm")


def test_quiet_prints_verdicts_only_but_the_result_keeps_the_transcript() -> None:
    out, _, _ = replay(
        "steps:\n  - {run: docker node ls, comment: {en: Nodes, es: Nodos}}\n"
        "expect:\n  - {at: 0s, node: {name: manager1, role: manager}}\n",
        quiet=True,
        lang="es",
    )
    assert (
        out == "[0:00:00.0] PASS expect[0]: node manager1 is manager\nt: 1 expectation, 1 passed\n"
    )


def test_images_run_first_and_named_machines_build_the_cluster() -> None:
    scenario = parse_scenario(
        "name: m\n"
        "cluster:\n  nodes:\n"
        "    - {name: w, labels: {zone: b}, address: 10.0.0.9, availability: drain}\n"
        "    - {name: boss, role: manager, cpus: '0.5', memory: 1G}\n"
        "images:\n  bad:1: {exits_after: 2, exit_code: 3, never_healthy: true}\n"
        "steps:\n  - run: docker node ls -q\n",
        "m.yaml",
    )
    result = Runner(scenario).run()
    assert "[0:00:00.0] $ image bad:1 exits_after=2s exit_code=3 never_healthy=true\n" in (
        result.transcript
    )
    swarm = Runner(scenario).swarm
    boss, worker = swarm.node("boss"), swarm.node("w")
    assert swarm.current_node_id == boss.id
    assert (boss.nano_cpus, boss.memory_bytes) == (500_000_000, 1024**3)
    assert (worker.addr, worker.label("zone"), worker.availability.api_name) == (
        "10.0.0.9",
        "b",
        "drain",
    )
    runner = Runner(scenario)
    assert runner.swarm.images.profile("bad:1").exit_code == 0  # not before the run
    runner.run()
    assert runner.swarm.images.profile("bad:1").exit_code == 3


def test_running_on_a_given_swarm_keeps_its_clock() -> None:
    swarm = Swarm(seed=1, managers=1, workers=1)
    swarm.advance(100)
    runner = Runner(parse_scenario(HEAD + "steps:\n  - {after: 1s, run: time}\n"), swarm)
    assert "[0:01:41.0] $ time\nt=1m41s" in runner.run().transcript


@pytest.mark.parametrize("lang", ["en", "es"])
def test_result_reprs(lang: str) -> None:
    result = Runner(
        parse_scenario(
            HEAD + "steps:\n  - run: time\nexpect:\n  - {at: 0s, node: {name: worker1}}\n"
        ),
        lang=lang,
    ).run()
    assert (
        repr(result)
        == "<ScenarioResult t: 1 expectation, 1 passed>\n  PASS expect[0]: node worker1 is there"
    )
    assert "✅" in result._repr_html_()


def test_a_long_window_is_polled_at_most_max_polls_times(monkeypatch: pytest.MonkeyPatch) -> None:
    from swarmsim.scenario import runner as runner_module

    looks: list[float] = []
    real = runner_module.observe

    def counting(check: object, interpreter: object) -> tuple[bool, str]:
        looks.append(0.0)
        return real(check, interpreter)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "observe", counting)
    _, _, result = replay(
        "steps:\n  - run: time\nexpect:\n  - {within: 2h, node: {name: worker1, status: down}}\n"
    )
    (verdict,) = result.verdicts
    assert (verdict.passed, verdict.time) == (False, 7200.0)
    assert runner_module.MAX_POLLS <= len(looks) <= runner_module.MAX_POLLS + 2  # float steps


def test_registry_image_references_are_accepted() -> None:
    scenario = parse_scenario(
        HEAD + "images:\n  registry.local:5000/team/app:1.2: {pull: 1m}\nsteps:\n  - run: time\n"
    )
    assert scenario.images == ("image registry.local:5000/team/app:1.2 pull=1m",)


_FAULTS = st.sampled_from(
    [
        "{kind: fail, node: worker1}",
        "{kind: recover, node: worker1}",
        "{kind: disconnect, node: worker2}",
        "{kind: reconnect, node: worker2}",
        "{kind: kill, task: web.1, exit_code: 137}",
    ]
)
_STEPS = st.one_of(
    _FAULTS.map(lambda f: f"  - fault: {f}\n"),
    st.integers(1, 90).map(lambda s: f"  - sleep: {s}s\n"),
    st.sampled_from(["docker service scale web=4", "docker service ps web", "docker node ls"]).map(
        lambda line: f"  - {{after: 1s, run: {line}}}\n"
    ),
)


@given(st.lists(_STEPS, max_size=6), st.integers(0, 3))
def test_random_valid_scenarios_run_deterministically(steps: list[str], seed: int) -> None:
    text = (
        f"name: r\nseed: {seed}\nsteps:\n"
        "  - run: docker service create -d --name web --replicas 3 nginx\n"
        + "".join(steps)
        + "expect:\n  - {within: 3m, running: {service: web, count: 3}}\n"
    )
    scenario = parse_scenario(text, "r.yaml")
    first, second = Runner(scenario).run(), Runner(scenario).run()
    assert first.transcript == second.transcript
    assert first.trace.dump() == second.trace.dump()
    assert "internal error" not in first.transcript


def test_a_scenario_from_blank_machines_runs_steps_on_each() -> None:
    from swarmsim.scenario import parse_scenario
    from swarmsim.scenario.runner import Runner

    text = (
        "name: blank\ncluster:\n  machines: [manager1, {name: esx1, udp_ports_taken: [4789]}]\n"
        "steps:\n  - run: docker swarm init --data-path-port=7789\n"
        "  - run: TOKEN=$(docker swarm join-token -q worker)\n"
        "  - run: docker swarm join --token $TOKEN 192.168.65.2\n    on: esx1\n"
        "expect:\n  - at: 10s\n    output: {run: docker node ls, contains: esx1}\n"
    )
    runner = Runner(parse_scenario(text, "blank.yaml"))
    result = runner.run()
    assert result.exit_code == 0 and result.passed, result.transcript
    swarm = runner.swarm
    assert swarm.ctx.settings.data_path_port == 7789
    assert not swarm.underlay.udp_port_free("esx1", 4789)
    assert swarm.underlay.udp_port_free("esx1", 7789)
    assert swarm.node("esx1").status.api_name == "ready"


def test_run_script_and_run_scenario_use_the_shell_lines(tmp_path: object) -> None:
    swarm = Swarm(seed=3, managers=1, workers=1)
    result = run_script(swarm, "image app:2 start=3s\nsleep 20s\n")
    assert (result.exit_code, swarm.now) == (0, 20)
    scenario = Path(str(tmp_path)) / "s.yaml"
    scenario.write_text(
        "name: s\nsteps:\n  - run: docker service create -d --name web app:2\n"
        "  - {after: 10s, fault: {kind: fail, node: worker1}}\n"
        "expect:\n  - {at: 1m, running: {service: web, count: 1}}\n"
        "  - {at: 1m, node: {name: worker1, status: down}}\n"
    )
    replay = run_scenario(scenario, swarm=swarm)
    assert replay.passed and replay.summary() == "s: 2 expectations, 2 passed"
    assert swarm.now == 60  # the scenario ran on this swarm, from t=20s
    assert "[0:00:30.0] $ fail worker1" in replay.transcript


def test_the_cluster_description_places_machines_in_racks_and_zones() -> None:
    from swarmsim.scenario import build_swarm

    text = (
        "name: racks\ncluster:\n  nodes:\n"
        "    - {name: manager1, role: manager, rack: r1, zone: eu}\n"
        "    - {name: worker1, rack: r2, zone: eu}\n"
        "    - {name: worker2, zone: us}\n"
        "steps:\n  - sleep: 1s\n"
    )
    swarm = build_swarm(parse_scenario(text, "racks.yaml"))
    graph = swarm.underlay.graph
    assert {"rack:eu/r1", "rack:eu/r2", "zone:eu", "zone:us"} <= set(graph)
    assert graph.has_edge("worker2", "zone:us") and graph.has_edge("worker1", "rack:eu/r2")
    bad = "name: b\ncluster:\n  machines:\n    - {name: m1, rack: 'r 1'}\nsteps:\n  - sleep: 1s\n"
    with pytest.raises(ScenarioError, match=r"^b\.yaml:4:24: cluster\.machines\[0\]\.rack: "):
        parse_scenario(bad, "b.yaml")
