"""``docker container inspect CONTAINER...``: the Engine's view of one container.

Mirrors ``cli: cli/command/container/inspect.go`` (through the shared
``inspect.Inspect`` loop of :mod:`swarmsim.cli.docker.inspect`) and the daemon's
``GetContainer`` lookup (``moby: daemon/container.go``: a full ID, a name, then a
unique ID prefix; ``No such container: X``), over the containers of the machine
the CLI runs on (:mod:`swarmsim.cli.docker.container`).

Differences
-----------
Only the fields listed in :func:`container_json` are printed (no
``NetworkSettings``, ``HostConfig``, ``Mounts``, ``GraphDriver``...): the
Engine is not modelled beyond the task's container spec and lifecycle.
``--size`` is accepted and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from swarmsim.agent.containers import live_controllers
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.container import (
    command_line,
    container_id,
    container_labels,
    container_name,
    container_state,
    health_status,
    machine_containers,
)
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, inspect_refs
from swarmsim.cli.docker.system import Command
from swarmsim.cli.docker.timefmt import rfc3339nano
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError

if TYPE_CHECKING:
    from swarmsim.agent.executor import TaskController
    from swarmsim.cli.docker.engine import Engine

__all__ = ["container_json"]

_INSPECT = Command(
    "docker container inspect",
    "inspect [OPTIONS] CONTAINER [CONTAINER...]",
    "Display detailed information on one or more containers",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec("size", "s", FlagKind.BOOL, help="Display total file sizes"),
    ),
    min_args=1,
)


def _time_or_zero(seconds: float | None) -> str:
    return "0001-01-01T00:00:00Z" if seconds is None else rfc3339nano(seconds)


def container_json(swarm: Engine, controller: TaskController, live: bool) -> dict[str, Any]:
    """The modelled fields of the Engine's ``ContainerJSON``, in its order."""
    state = container_state(controller, live)
    container = controller.task.spec.container
    line = command_line(controller)
    cid = container_id(swarm, controller.task_id)
    health = health_status(controller) if state == "running" else ""
    state_json: dict[str, Any] = {
        "Status": state,
        "Running": state == "running",
        "Paused": False,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "ExitCode": controller.exit_code if state == "exited" else 0,
        "Error": "",
        "StartedAt": _time_or_zero(controller.started_at),
        "FinishedAt": _time_or_zero(controller.finished_at if state == "exited" else None),
    }
    if health:
        state_json["Health"] = {"Status": health}
    return {
        "Id": cid,
        "Created": rfc3339nano(controller.created_at or 0.0),
        "Path": line[0] if line else "",
        "Args": line[1:],
        "State": state_json,
        "Image": controller.image,
        "Name": "/" + container_name(swarm, controller),
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "Config": {
            "Hostname": container.hostname or cid[:12],
            "User": container.user,
            "Env": list(container.env) or None,
            "Cmd": list(container.args) or None,
            "Image": controller.image,
            "WorkingDir": container.dir,
            "Entrypoint": list(container.command) or None,
            "Labels": dict(sorted(container_labels(controller).items())),
        },
    }


def _find(swarm: Engine, ref: str) -> dict[str, Any]:
    """``GetContainer``: a full ID, a name (with or without ``/``), or a unique ID prefix."""
    agent = swarm.agents.get(swarm.current_node_id)
    live = live_controllers(agent) if agent is not None else {}
    found = machine_containers(swarm)
    ids = {container_id(swarm, c.task_id): c for c in found}
    match = ids.get(ref)
    if match is None:
        match = next(
            (c for c in found if "/" + container_name(swarm, c) == "/" + ref.lstrip("/")), None
        )
    if match is None and ref:
        prefixed = [c for cid, c in ids.items() if cid.startswith(ref)]
        if len(prefixed) > 1:
            raise DaemonError(f"multiple IDs found with provided prefix: {ref}")
        match = prefixed[0] if prefixed else None
    if match is None:
        raise DaemonError(f"No such container: {ref}")
    return container_json(swarm, match, live.get(match.task_id) is match)


@command("container", "inspect")
def container_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker container inspect CONTAINER...``."""
    parsed = _INSPECT.parse(argv, out)
    if parsed is None:
        return
    fmt = parsed.get_str("format") or ""
    inspect_refs(parsed.args, lambda ref: _find(swarm, ref), fmt, out)
