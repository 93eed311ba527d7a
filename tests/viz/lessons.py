"""Three class lessons played through the shell, with their commands recorded in the trace.

The shell's interpreter records every line in the trace (``trace.command`` at
the time the line started), as ``swarmsim run`` does, so the pictures are
tested on runs a class would see.
"""

from __future__ import annotations

from swarmsim.console.shell import Shell
from swarmsim.swarm import Swarm

DRAIN = """\
docker service create --replicas 3 --name redis --update-delay 10s redis:3.0.6
sleep 30s
docker service ps redis
docker node update --availability drain worker1
sleep 30s
docker node update --availability active worker1
sleep 20s
"""

UPDATE_PAUSED = """\
image redis:3.0.7 exits_after=4s exit_code=1
docker service create --replicas 3 --name redis --update-delay 10s redis:3.0.6
sleep 30s
docker service update --image redis:3.0.7 redis
sleep 60s
docker service inspect --pretty redis
docker service rollback redis
sleep 40s
"""

NODE_LOSS = """\
docker service create --replicas 6 --name web nginx:1.25
sleep 30s
fail worker2
sleep 60s
recover worker2
sleep 30s
"""


def play(swarm: Swarm, script: str) -> Swarm:
    """Run each line of ``script`` in a shell on ``swarm`` (the interpreter records each one)."""
    shell = Shell(swarm)
    for line in script.splitlines():
        if line.strip():
            shell.execute(line)
    return swarm


def lesson(script: str, *, seed: int = 1, managers: int = 1, workers: int = 2) -> Swarm:
    """A new swarm that has played ``script``."""
    return play(Swarm(seed=seed, managers=managers, workers=workers), script)
