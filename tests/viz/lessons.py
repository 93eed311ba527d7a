"""Three class lessons played through the shell, with their commands recorded in the trace.

The interpreter that records commands for ``swarmsim run`` lives elsewhere; these
helpers record them the same way (``trace.command`` at the time the line ran)
so the pictures can be tested on runs a class would see.
"""

from __future__ import annotations

from swarmsim.cli.shell import Shell
from swarmsim.swarm import Swarm

FAULTS = frozenset({"fail", "recover", "disconnect", "reconnect", "kill"})

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


def event_of(line: str) -> str:
    """The command record kind of a shell line: docker, fault, shell or comment."""
    words = line.split()
    if line.lstrip().startswith("#"):
        return "comment"
    if words[:1] == ["docker"]:
        return "docker"
    return "fault" if words[:1] and words[0] in FAULTS else "shell"


def play(swarm: Swarm, script: str) -> Swarm:
    """Run each line of ``script`` in a shell on ``swarm``, recording it as a command."""
    shell = Shell(swarm)
    for line in script.splitlines():
        if not line.strip():
            continue
        start = swarm.now
        event = event_of(line)
        if event == "shell":  # sleep moves the clock: record it when it starts
            swarm.ctx.trace.command(start, event, "manager1", line, 0)
            shell.execute(line)
            continue
        result = shell.execute(line)
        swarm.ctx.trace.command(start, event, "manager1", line, 0 if result.ok else 1)
    return swarm


def lesson(script: str, *, seed: int = 1, managers: int = 1, workers: int = 2) -> Swarm:
    """A new swarm that has played ``script``."""
    return play(Swarm(seed=seed, managers=managers, workers=workers), script)
