"""``docker network ls``: the networks a machine sees, filtered, in a table.

Mirrors ``cli: cli/command/network/list.go`` and ``formatter.go`` and the
daemon's filters (``moby: daemon/network/filter.go``,
``api/server/router/network/network_routes.go``): ``NETWORK ID``
(12 characters), ``NAME``, ``DRIVER`` and ``SCOPE`` sorted by name in natural
order; a manager lists its node-local networks (``bridge``,
``docker_gwbridge``, ``host``, ``none``) next to the swarm's ``ingress`` and
overlay networks (:func:`~swarmsim.cli.docker.network.swarm_networks`).
``--filter`` takes ``dangling``, ``driver``, ``id``, ``label``, ``name``,
``scope`` and ``type``.

Differences
-----------
``--format`` takes the templates of :mod:`swarmsim.cli.docker.formatter`
(Go's ``text/template`` as :mod:`swarmsim.cli.gotemplate` runs it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from swarmsim.api.objects import Network
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.formatter import choose_format, format_rows, labels_text
from swarmsim.cli.docker.network import (
    LocalNetwork,
    attached_here,
    local_networks,
    swarm_networks,
)
from swarmsim.cli.docker.system import FILTER_FLAG, Command, natural_key, parse_filters
from swarmsim.cli.docker.timefmt import go_time
from swarmsim.cli.flags import FlagKind, FlagSpec
from swarmsim.cli.gotemplate import Struct
from swarmsim.errors import DaemonError
from swarmsim.manager.controlapi import check_filter_names

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = ["network_ls"]

_NETWORK_FILTERS = ("dangling", "driver", "id", "label", "name", "scope", "type")

_LS = Command(
    "docker network ls",
    "ls [OPTIONS]",
    "List networks",
    (
        FILTER_FLAG,
        FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template"),
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate the output"),
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display network IDs"),
    ),
    max_args=0,
    aliases=("list",),
)


def _used_here(swarm: Engine, found: LocalNetwork | Network) -> bool:
    """``filterNetworkByUse``: predefined, or with endpoints on this machine."""
    if isinstance(found, LocalNetwork):
        return found.predefined or found.name == "docker_gwbridge"
    return found.ingress or bool(attached_here(swarm, found))


def _rows(swarm: Engine) -> list[tuple[str, str, str, str, bool, tuple[tuple[str, str], ...]]]:
    """(id, name, driver, scope, predefined, labels) of every network the manager sees."""
    rows = [
        (n.id, n.name, n.driver, "local", n.predefined, n.labels)
        for n in local_networks(swarm).values()
    ]
    rows += [
        (n.id, n.name, n.driver if n.allocated else "", "swarm", False, n.labels)
        for n in swarm_networks(swarm)
    ]
    return rows


def _matches(row: tuple[str, str, str, str, bool, Any], filters: dict[str, list[str]]) -> bool:
    net_id, name, driver, scope, predefined, labels = row
    label_map = dict(labels)

    def check(key: str, value: str) -> bool:
        if key == "driver":
            return value == driver
        if key == "scope":
            return value == scope
        if key in ("id", "name"):
            try:
                return re.search(value, net_id if key == "id" else name) is not None
            except re.error:
                return False
        if key == "type":
            return value == ("builtin" if predefined else "custom")
        label, has_value, wanted = value.partition("=")
        return label in label_map and (not has_value or label_map[label] == wanted)

    return all(
        any(check(key, v) for v in values) for key, values in filters.items() if key != "dangling"
    )


def _dangling_filter(filters: dict[str, list[str]]) -> bool | None:
    """The ``dangling`` filter's value (``None`` when absent)."""
    values = filters.get("dangling", [])
    if not values:
        return None
    if len(values) > 1:
        raise DaemonError('got more than one value for filter key "dangling"')
    if values[0] in ("1", "true"):
        return True
    if values[0] in ("0", "false"):
        return False
    raise DaemonError(
        'invalid value for filter \'dangling\', must be "true" (or "1"), or "false" (or "0")'
    )


@command("network", "ls")
@command("network", "list")
def network_ls(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker network ls [-q] [--no-trunc] [--filter k=v]``."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_LS, parsed.get_list("filter"))
    check_filter_names(filters, _NETWORK_FILTERS)
    dangling = _dangling_filter(filters)
    for value in filters.get("type", ()):
        if value not in ("builtin", "custom"):
            raise DaemonError(f"invalid filter: 'type'='{value}'")
    found: dict[str, LocalNetwork | Network] = {n.id: n for n in local_networks(swarm).values()}
    found.update((n.id, n) for n in swarm_networks(swarm))
    rows = [r for r in _rows(swarm) if _matches(r, filters)]
    if dangling is not None:
        rows = [r for r in rows if _used_here(swarm, found[r[0]]) != dangling]
    rows.sort(key=lambda r: natural_key(r[1]))
    width = None if parsed.get_bool("no-trunc") else 12
    contexts = (_ls_row(found[r[0]], r[2], r[3], width) for r in rows)
    quiet = parsed.get_bool("quiet")
    fmt = choose_format(parsed.get_str("format") or "", _LS_TABLE, quiet=quiet, raw=_LS_RAW)
    out.write(format_rows(fmt, contexts, _LS_HEADER))


_LS_TABLE = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
_LS_RAW = (
    "network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n",
    "network_id: {{.ID}}",
)
_LS_HEADER = {
    "ID": "NETWORK ID",
    "Name": "NAME",
    "Driver": "DRIVER",
    "Scope": "SCOPE",
    "IPv4": "IPV4",
    "IPv6": "IPV6",
    "Internal": "INTERNAL",
    "Labels": "LABELS",
    "CreatedAt": "CREATED AT",
}


def _ls_row(network: LocalNetwork | Network, driver: str, scope: str, width: int | None) -> Struct:
    """docker's ``networkContext`` of one network."""
    labels = dict(network.labels)
    fields = {
        "ID": network.id[:width],
        "Name": network.name,
        "Driver": driver,
        "Scope": scope,
        "IPv4": "true",
        "IPv6": "false",
        "Internal": "true" if network.internal else "false",
        "Labels": labels_text(network.labels),
        "Label": lambda name: labels.get(name, ""),
        "CreatedAt": go_time(network.created_at),
    }
    return Struct("*network.networkContext", fields)
