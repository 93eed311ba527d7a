"""``docker network rm`` and ``docker network prune``: networks go, once confirmed.

Mirrors ``cli: cli/command/network/remove.go`` and ``prune.go`` and the
daemon behind them (``moby: daemon/network.go``, ``daemon/prune.go``):

* ``rm`` prints each removed argument and reports failures one per line;
  removing ``ingress`` asks for confirmation; a predefined network is never
  removed, nor ``docker_gwbridge`` (it has endpoints);
* ``prune`` asks for confirmation unless ``-f``, then removes every custom
  network nothing uses (never ``ingress``) and lists their names under
  ``Deleted Networks:``; ``--filter`` takes ``label``, ``label!`` and ``until``.

Confirmations read the standard input a shell pipe gives the command
(``echo y | docker network prune``); with none the answer is "no", as an empty
line at the real prompt, and the command does nothing (exit 0).

Differences
-----------
``prune --filter until=`` takes a duration or a Unix timestamp (RFC 3339
dates are refused with the daemon's generic message).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from swarmsim.api.objects import Network
from swarmsim.cli.docker import NOT_A_MANAGER, Output, command
from swarmsim.cli.docker.network import find_network, is_manager, local_networks
from swarmsim.cli.docker.system import Command, parse_filters
from swarmsim.cli.docker.timefmt import EPOCH
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import check_filter_names
from swarmsim.manager.controlapi.network import list_networks, remove_network
from swarmsim.units import parse_duration

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["network_prune", "network_rm"]

INGRESS_WARNING = (
    "WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm "
    "run the same docker engine version. Otherwise, removal may not be effective and "
    "functionality of newly create ingress networks will be impaired.\n"
    "Are you sure you want to continue?"
)
PRUNE_WARNING = (
    "WARNING! This will remove all custom networks not used by at least one container.\n"
    "Are you sure you want to continue?"
)
_PRUNE_FILTERS = ("label", "label!", "until")

_RM = Command(
    "docker network rm",
    "rm NETWORK [NETWORK...]",
    "Remove one or more networks",
    (FlagSpec("force", "f", FlagKind.BOOL, help="Do not error if the network does not exist"),),
    min_args=1,
    aliases=("remove",),
)
_PRUNE = Command(
    "docker network prune",
    "prune [OPTIONS]",
    "Remove all unused networks",
    (
        FlagSpec(
            "filter",
            None,
            FlagKind.ARRAY,
            help='Provide filter values (e.g. "until=<timestamp>")',
            value_name="filter",
        ),
        FlagSpec("force", "f", FlagKind.BOOL, help="Do not prompt for confirmation"),
    ),
    max_args=0,
)


def _confirm(out: Output, message: str) -> bool:
    """``prompt.Confirm``: print ``message [y/N] `` and read one answer from standard input.

    Without piped input the answer is the empty line a user would type: no.
    """
    out.write(f"{message} [y/N] ")
    lines = (out.stdin or b"").decode("utf-8", "replace").splitlines()
    answer = lines[0].strip() if lines else ""
    if not lines:
        out.write("\n")  # the user's Enter, echoed by the terminal
    return answer.lower() == "y"


@command("network", "rm")
@command("network", "remove")
def network_rm(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network rm NETWORK...``: removed arguments, then one error line each."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    failed = False
    local = local_networks(swarm)
    for ref in parsed.args:
        try:
            found = find_network(swarm, ref)
            if isinstance(found, Network) and not is_manager(swarm):
                raise DaemonError(NOT_A_MANAGER)
            if isinstance(found, Network) and found.ingress and not _confirm(out, INGRESS_WARNING):
                continue
            if isinstance(found, Network):
                remove_network(swarm.ctx, found.id)
            elif found.predefined:
                raise DaemonError(f"{found.name} is a pre-defined network and cannot be removed")
            elif found.name == "docker_gwbridge":
                raise DaemonError(
                    "error while removing network: network docker_gwbridge id "
                    f"{found.id} has active endpoints"
                )
            else:
                del local[found.name]
        except DaemonError as error:
            if parsed.get_bool("force") and str(error) == f"network {ref} not found":
                continue
            out.error(f"Error response from daemon: {error}")
            failed = True
            continue
        out.line(ref)
    if failed:
        raise DockerCLIError("", 1)  # the errors are printed already


def _until(values: list[str], now: float) -> float | None:
    """The ``until`` prune filter as a virtual time (``moby: api/types/time`` ``GetTimestamp``)."""
    if not values:
        return None
    if len(values) > 1:
        raise DaemonError("more than one until filter specified")
    value = values[0]
    if value != "0":
        try:
            return now - parse_duration(value)
        except ValueError:
            pass
    try:
        return float(value) - EPOCH.timestamp()
    except ValueError:
        raise DaemonError(f"failed to parse value as time or duration: {go_quote(value)}") from None


def _prunable(
    labels: tuple[tuple[str, str], ...],
    created: float,
    filters: dict[str, list[str]],
    until: float | None,
) -> bool:
    """``label``, ``label!`` and ``until`` of a prune filter."""
    label_map = dict(labels)

    def has(value: str) -> bool:
        key, has_value, wanted = value.partition("=")
        return key in label_map and (not has_value or label_map[key] == wanted)

    if until is not None and not created < until:
        return False
    if not all(has(v) for v in filters.get("label", [])):
        return False
    return not any(has(v) for v in filters.get("label!", []))


@command("network", "prune")
def network_prune(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network prune [-f] [--filter k=v]``: unused custom networks go."""
    parsed = _PRUNE.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_PRUNE, parsed.get_list("filter"))
    if not parsed.get_bool("force") and not _confirm(out, PRUNE_WARNING):
        return  # "network prune has been cancelled": docker prints nothing, exit 0
    check_filter_names(filters, _PRUNE_FILTERS)
    until = _until(filters.get("until", []), swarm.ctx.now)
    deleted: list[str] = []
    visible = is_manager(swarm) and swarm.ctx.leadership.visible
    swarm_networks = list_networks(swarm.ctx) if visible else []
    for network in swarm_networks:
        if network.ingress or not _prunable(network.labels, network.created_at, filters, until):
            continue
        try:
            remove_network(swarm.ctx, network.id)
        except DaemonError:
            continue  # still in use
        deleted.append(network.name)
    local = local_networks(swarm)
    for entry in list(local.values()):
        if entry.predefined or entry.name == "docker_gwbridge":
            continue
        if _prunable(entry.labels, entry.created_at, filters, until):
            del local[entry.name]
            deleted.append(entry.name)
    if deleted:
        out.write("Deleted Networks:\n" + "".join(f"{name}\n" for name in deleted) + "\n")
