"""Container options of ``docker service create`` / ``update``: entrypoint, user, DNS, mounts...

Mirrors ``cli: cli/command/service/opts.go`` (``ToService``: ``--entrypoint``,
``--workdir``, ``--user``, ``--hostname``, ``--stop-signal``, ``--read-only``,
``--dns``, ``--dns-search``, ``--dns-option`` and ``--host``, the last made
``IP HOST`` lines by ``convertExtraHostsToSwarmHosts``) and
``cli/command/service/update.go`` (``updateString``, ``updateStringToSlice``,
``updateDNSConfig``, ``updateHosts``, and ``updateMounts`` through
:mod:`swarmsim.cli.docker.mount_opt`): an update adds, drops duplicates,
removes, then sorts the DNS lists, and keeps the order of the hosts.  The
values were checked as the flags were parsed
(:func:`~swarmsim.cli.docker.service_opts.validate_values`); the same
functions give the forms docker sends (an IP address in Go's canonical form,
a search domain without its final dot, ``host:ip``).

Also the tty, supplementary groups, isolation mode, sysctls, capabilities
(``opts.EffectiveCapAddCapDrop`` on create, ``updateCapabilities`` on
update), ulimits and OOM score adjustment: ``updateGroups`` sorts,
``updateSysCtls`` and ``updateUlimits`` remove names then add (ulimits sorted
by name), and an isolation mode the swarm does not know is kept as
``default``, as ``moby: daemon/cluster/convert/container.go``
``isolationToGRPC`` does.

The spec records them and ``docker service inspect`` shows them; changing one
is a change of the task spec, so it rolls the tasks as any other.  Nothing
in a simulated container reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from swarmsim.api.specs import ContainerSpec, Ulimit
from swarmsim.cli.docker.mount_opt import check_mounts, parse_mount, update_mounts
from swarmsim.cli.docker.service_opts import (
    kv_map,
    parse_args_value,
    parse_dns_search,
    parse_extra_host,
    parse_ip_address,
    parse_ulimit,
)
from swarmsim.cli.flags import ParsedFlags
from swarmsim.errors import DockerCLIError

__all__ = ["container_options", "updated_container_options"]

_STRINGS = (("workdir", "dir"), ("user", "user"), ("hostname", "hostname"))


def _swarm_hosts(values: Iterable[str]) -> list[str]:
    """``host:ip`` values as swarmkit's ``IP HOST`` lines (``convertExtraHostsToSwarmHosts``)."""
    lines = []
    for value in values:
        host, found, address = parse_extra_host(value).partition(":")
        if found:
            lines.append(f"{address} {host}")
    return lines


def container_options(parsed: ParsedFlags) -> dict[str, object]:
    """The :class:`ContainerSpec` fields ``docker service create`` sets from its flags."""
    options: dict[str, object] = {
        "command": parse_args_value(parsed.get_str("entrypoint") or ""),
        "stop_signal": parsed.get_str("stop-signal") or "",
        "read_only": parsed.get_bool("read-only"),
        "dns_nameservers": tuple(parse_ip_address(v) for v in parsed.get_list("dns")),
        "dns_search": tuple(parse_dns_search(v) for v in parsed.get_list("dns-search")),
        "dns_options": tuple(parsed.get_list("dns-option")),
        "hosts": tuple(_swarm_hosts(parsed.get_list("host"))),
        "mounts": check_mounts(parse_mount(v) for v in parsed.get_list("mount")),
        "groups": tuple(parsed.get_list("group")),
        "tty": parsed.get_bool("tty"),
        "isolation": _isolation(parsed.get_str("isolation") or ""),
        "sysctls": tuple(sorted(kv_map(parsed.get_list("sysctl")).items())),
        "oom_score_adj": parsed.get_int("oom-score-adj") or 0,
        "ulimits": _sorted_ulimits(
            {u.name: u for u in map(parse_ulimit, parsed.get_list("ulimit"))}
        ),
    }
    for flag, field in _STRINGS:
        options[field] = parsed.get_str(flag) or ""
    options.update(_create_capabilities(parsed))
    return options


def _isolation(value: str) -> str:
    """What the swarm keeps of an isolation mode (``isolationToGRPC``): unknown is default."""
    value = value.lower()
    return value if value in ("process", "hyperv") else "default"


_ALL, _RESET = "ALL", "RESET"


def _capability(name: str) -> str:
    """``opts.NormalizeCapability``: upper case, ``CAP_`` prefixed (``ALL``, ``RESET`` kept)."""
    name = name.strip().upper()
    return name if name in (_ALL, _RESET) or name.startswith("CAP_") else "CAP_" + name


def _capabilities(values: Iterable[str]) -> set[str]:
    return {_capability(v) for v in values}


def _caps_list(caps: set[str]) -> tuple[str, ...]:
    """``capsList``: sorted, or just ``ALL``."""
    return (_ALL,) if _ALL in caps else tuple(sorted(caps))


def _create_capabilities(parsed: ParsedFlags) -> dict[str, object]:
    """``opts.EffectiveCapAddCapDrop``: ``ALL`` alone wins its list, added wins over dropped."""
    add = _capabilities(parsed.get_list("cap-add"))
    drop = _capabilities(parsed.get_list("cap-drop"))
    add = {_ALL} if _ALL in add else add
    drop = {_ALL} if _ALL in drop else drop
    return {
        "capability_add": tuple(sorted(add - {_RESET})),
        "capability_drop": tuple(sorted(c for c in drop if c not in add and c != _RESET)),
    }


def _update_capabilities(parsed: ParsedFlags, container: ContainerSpec) -> dict[str, object]:
    """``updateCapabilities``: dropping an added one removes it, adding a dropped one too."""
    cap_add, cap_drop = set(container.capability_add), set(container.capability_drop)
    to_add, to_drop = set(), set()
    if "cap-add" in parsed.changed:
        to_add = _capabilities(parsed.get_list("cap-add"))
        if _RESET in to_add:
            cap_add, to_add = set(), to_add - {_RESET}
    if "cap-drop" in parsed.changed:
        to_drop = _capabilities(parsed.get_list("cap-drop"))
        if _RESET in to_drop:
            cap_drop, to_drop = set(), to_drop - {_RESET}
    for cap in to_drop - to_add:
        if cap in cap_add:
            cap_add.discard(cap)
        else:
            cap_drop.add(cap)
    for cap in to_add:
        if cap in cap_drop:
            cap_drop.discard(cap)
        else:
            cap_add.add(cap)
    return {"capability_drop": _caps_list(cap_drop), "capability_add": _caps_list(cap_add)}


def _sorted_ulimits(by_name: dict[str, Ulimit]) -> tuple[Ulimit, ...]:
    """``UlimitOpt.GetList``: one per name (the last given), sorted by name."""
    return tuple(by_name[name] for name in sorted(by_name))


def _dedupe(values: Iterable[str]) -> list[str]:
    """``removeDuplicates``: the first of equal values, in order."""
    return list(dict.fromkeys(values))


def _update_list(
    parsed: ParsedFlags, flag: str, current: Sequence[str], added: Iterable[str]
) -> tuple[str, ...]:
    """One list of ``updateDNSConfig``: add, drop duplicates, remove, sort."""
    removed = set(parsed.get_list(f"{flag}-rm"))
    values = _dedupe([*current, *added])
    return tuple(sorted(v for v in values if v not in removed))


def _update_hosts(parsed: ParsedFlags, hosts: Sequence[str]) -> tuple[str, ...]:
    """``updateHosts``: ``--host-rm HOST`` drops a name, ``HOST:IP`` only at that address."""
    removals = [entry.partition(":")[::2] for entry in parsed.get_list("host-rm")]
    kept = []
    for line in hosts:
        parts = line.split()
        if not parts:
            continue
        address, names = parts[0], parts[1:]
        for name, at in removals:
            if at and at != address:
                continue
            names = [n for n in names if n != name]
        if names:
            kept.append(f"{address} {' '.join(names)}")
    return tuple(_dedupe([*kept, *_swarm_hosts(parsed.get_list("host-add"))]))


def updated_container_options(parsed: ParsedFlags, container: ContainerSpec) -> dict[str, object]:
    """The :class:`ContainerSpec` fields ``docker service update`` changes (``updateService``)."""
    changed = parsed.changed
    options: dict[str, object] = {}
    if "entrypoint" in changed:
        options["command"] = parse_args_value(parsed.get_str("entrypoint") or "")
    for flag, field in _STRINGS:
        if flag in changed:
            options[field] = parsed.get_str(flag) or ""
    if "read-only" in changed:
        options["read_only"] = parsed.get_bool("read-only")
    if "stop-signal" in changed:
        options["stop_signal"] = parsed.get_str("stop-signal") or ""
    dns_flags = ("dns-add", "dns-rm", "dns-search-add", "dns-search-rm")
    if changed & {*dns_flags, "dns-option-add", "dns-option-rm"}:
        options["dns_nameservers"] = _update_list(
            parsed,
            "dns",
            container.dns_nameservers,
            (parse_ip_address(v) for v in parsed.get_list("dns-add")),
        )
        options["dns_search"] = _update_list(
            parsed,
            "dns-search",
            container.dns_search,
            (parse_dns_search(v) for v in parsed.get_list("dns-search-add")),
        )
        options["dns_options"] = _update_list(
            parsed, "dns-option", container.dns_options, parsed.get_list("dns-option-add")
        )
    if changed & {"host-add", "host-rm"}:
        options["hosts"] = _update_hosts(parsed, container.hosts)
    if "tty" in changed:
        options["tty"] = parsed.get_bool("tty")
    if "isolation" in changed:
        options["isolation"] = _isolation(parsed.get_str("isolation") or "")
    if "oom-score-adj" in changed:
        options["oom_score_adj"] = parsed.get_int("oom-score-adj") or 0
    if changed & {"group-add", "group-rm"}:  # updateGroups: add, remove, sort
        removed = set(parsed.get_list("group-rm"))
        groups = [*container.groups, *parsed.get_list("group-add")]
        options["groups"] = tuple(sorted(g for g in groups if g not in removed))
    if changed & {"sysctl-add", "sysctl-rm"}:  # updateSysCtls: remove keys, then add
        sysctls = dict(container.sysctls)
        for key in kv_map(parsed.get_list("sysctl-rm")):
            sysctls.pop(key, None)
        sysctls.update(kv_map(parsed.get_list("sysctl-add")))
        options["sysctls"] = tuple(sorted(sysctls.items()))
    if changed & {"cap-add", "cap-drop"}:
        options.update(_update_capabilities(parsed, container))
    if changed & {"ulimit-add", "ulimit-rm"}:  # updateUlimits: remove names, then add
        ulimits = {u.name: u for u in container.ulimits}
        for name in kv_map(parsed.get_list("ulimit-rm")):
            ulimits.pop(name, None)
        ulimits.update({u.name: u for u in map(parse_ulimit, parsed.get_list("ulimit-add"))})
        options["ulimits"] = _sorted_ulimits(ulimits)
    if changed & {"mount-add", "mount-rm"}:
        added = [parse_mount(v) for v in parsed.get_list("mount-add")]
        try:
            mounts = update_mounts(added, parsed.get_list("mount-rm"), container.mounts)
        except ValueError as error:
            raise DockerCLIError(str(error)) from None
        options["mounts"] = check_mounts(mounts)
    return options
