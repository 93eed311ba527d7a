"""Real docker commands that are not simulated say so; unknown ones keep docker's text."""

from __future__ import annotations

import pytest

from swarmsim.cli.docker import COMMANDS, _load_commands
from swarmsim.cli.docker.unsimulated import NOT_SIMULATED
from swarmsim.swarm import Swarm


@pytest.fixture(scope="module")
def swarm() -> Swarm:
    return Swarm(seed=1, managers=1, workers=0)


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("docker run -d nginx", "run"),
        ("docker build .", "build"),
        ("docker compose up", "compose"),
        ("docker exec -it web sh", "exec"),
        ("docker images", "images"),
        ("docker pull nginx", "pull"),
        ("docker push me/app", "push"),
        ("docker volume ls", "volume"),
        ("docker volume", "volume"),
        ("docker container exec web sh", "container exec"),
        ("docker container rm -f web", "container rm"),
        ("docker swarm ca --rotate", "swarm ca"),
        ("docker swarm unlock", "swarm unlock"),
        ("docker swarm unlock-key -q", "swarm unlock-key"),
        ("docker system prune -f", "system prune"),
        ("docker network connect n c", "network connect"),
    ],
)
def test_not_simulated_commands_print_one_message(swarm: Swarm, line: str, path: str) -> None:
    before = (swarm.now, len(swarm.ctx.store.services))
    result = swarm.docker(line)
    assert (result.stdout, result.stderr) == ("", f"docker {path}: not simulated by swarmsim\n")
    assert result.exit_code == 1
    assert (swarm.now, len(swarm.ctx.store.services)) == before


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("docker frobnicate", "docker: unknown command: docker frobnicate"),
        ("docker container frob", "docker: unknown command: docker container frob"),
        ("docker swarm frob", "docker: unknown command: docker swarm frob"),
        ("docker container", "docker: 'docker container' requires a subcommand"),
    ],
)
def test_unknown_commands_keep_docker_text(swarm: Swarm, line: str, error: str) -> None:
    result = swarm.docker(line)
    assert (result.stderr, result.exit_code) == (error + "\n", 1)


def test_the_table_lists_only_commands_that_are_not_registered() -> None:
    _load_commands()
    assert not NOT_SIMULATED & set(COMMANDS)
