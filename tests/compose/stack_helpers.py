"""Helpers for stack tests: an external secret, a transcript of docker commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from swarmsim.swarm import CommandResult, Swarm


def add_secret(swarm: Swarm, name: str, data: bytes = b"pw") -> Any:
    """Create an external secret as ``docker secret create`` would."""
    from swarmsim.api.specs import SecretSpec
    from swarmsim.manager.controlapi.secret import create_secret

    return create_secret(swarm.ctx, SecretSpec(name, data))


def transcript(swarm: Swarm, lines: Sequence[str]) -> str:
    """Run docker commands (and ``sleep N``) and return what a terminal would show."""
    text = []
    for line in lines:
        if line.startswith("sleep "):
            swarm.advance(float(line.split()[1]))
            continue
        result: CommandResult = swarm.docker(line)
        text.append(f"$ {line}\n{result.stdout}{result.stderr}[exit {result.exit_code}]\n")
    return "".join(text)
