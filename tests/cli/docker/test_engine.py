"""The CLI sits below the facade: it talks to an Engine, never imports swarmsim.swarm."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest

import swarmsim.cli.docker as docker_cli
from swarmsim.swarm import Swarm

FACADE_IMPORT = re.compile(r"^\s*(from swarmsim\.swarm import|import swarmsim\.swarm\b)", re.M)


def test_no_docker_command_module_imports_the_facade() -> None:
    folder = Path(docker_cli.__file__).parent
    offenders = [p.name for p in sorted(folder.glob("*.py")) if FACADE_IMPORT.search(p.read_text())]
    assert offenders == []
    assert FACADE_IMPORT.search("if TYPE_CHECKING:\n    from swarmsim.swarm import Swarm\n")


def test_the_facade_answers_for_the_machine_the_cli_runs_on() -> None:
    swarm = Swarm(seed=0, machines=["a", "b"])
    assert swarm.host.hostname == "a" and swarm.current_node_id == ""
    with swarm.on("b") as machine:
        assert swarm.host is machine and machine.hostname == "b"
    assert swarm.host.hostname == "a"
    swarm.use("b")
    assert swarm.docker("docker info").stdout.count(" Name: b\n") == 1


def test_a_command_runs_with_the_garbage_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table of a large swarm makes many short-lived objects; a full collection in
    the middle of it would scan the whole swarm (0.3 s at 95,000 tasks)."""
    swarm = Swarm(seed=0)
    docker_cli.run_argv(swarm, ["info"])  # the handlers are registered
    seen: list[bool] = []
    info = docker_cli.COMMANDS[("info",)]

    def spy(engine: object, argv: list[str], out: object) -> None:
        seen.append(gc.isenabled())
        info(engine, argv, out)

    monkeypatch.setitem(docker_cli.COMMANDS, ("info",), spy)
    assert gc.isenabled()
    assert swarm.docker("docker info").ok
    assert seen == [False]
    assert gc.isenabled()
