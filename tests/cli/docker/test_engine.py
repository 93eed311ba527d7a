"""The CLI sits below the facade: it talks to an Engine, never imports swarmsim.swarm."""

from __future__ import annotations

import ast
from pathlib import Path

import swarmsim.cli.docker as docker_cli
from swarmsim.swarm import Swarm


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_docker_command_module_imports_the_facade() -> None:
    folder = Path(docker_cli.__file__).parent
    offenders = [
        path.name
        for path in sorted(folder.glob("*.py"))
        if "swarmsim.swarm" in imported_modules(path)
    ]
    assert offenders == []


def test_the_facade_answers_for_the_machine_the_cli_runs_on() -> None:
    swarm = Swarm(seed=0, machines=["a", "b"])
    assert swarm.host.hostname == "a" and swarm.current_node_id == ""
    with swarm.on("b") as machine:
        assert swarm.host is machine and machine.hostname == "b"
    assert swarm.host.hostname == "a"
    swarm.use("b")
    assert swarm.docker("docker info").stdout.count(" Name: b\n") == 1
