"""Helpers shared by the ``docker network`` tests (not a test module)."""

from __future__ import annotations

from typing import Any

from swarmsim.swarm import Swarm

DAEMON = "Error response from daemon: "


def local_networks(swarm: Swarm) -> dict[str, Any]:
    """The CLI's node-local networks (imported late: importing a command module early
    would register its commands before the others, see ``run_argv``)."""
    from swarmsim.cli.docker.network import local_networks as table

    return dict(table(swarm))


def run(swarm: Swarm, line: str) -> tuple[str, str, int]:
    result = swarm.docker(line)
    return result.stdout, result.stderr, result.exit_code


def piped(swarm: Swarm, line: str, stdin: bytes) -> tuple[str, str, int]:
    from swarmsim.cli.docker import run_command_line

    result = run_command_line(swarm, line, stdin)
    return result.stdout, result.stderr, result.exit_code


def snapshot(swarm: Swarm) -> tuple[dict[str, Any], dict[str, Any]]:
    return dict(swarm.ctx.store.networks), local_networks(swarm)


def manager_suffix(node_id: str) -> str:
    import hashlib

    return hashlib.sha256(node_id.encode()).hexdigest()[:12]


def docker_on(swarm: Swarm, hostname: str, line: str) -> tuple[str, str, int]:
    """Run ``line`` on another machine (``Swarm.docker(on=...)`` where it exists)."""
    import inspect

    if "on" in inspect.signature(swarm.docker).parameters:
        result = getattr(swarm, "docker")(line, on=hostname)  # noqa: B009
    else:
        node = swarm.ctx.store.node_by_name(hostname)
        assert node is not None
        previous, swarm.current_node_id = swarm.current_node_id, node.id
        try:
            result = swarm.docker(line)
        finally:
            swarm.current_node_id = previous
    return result.stdout, result.stderr, result.exit_code
