"""Flags of ``docker service create`` / ``update`` and their values (ports, env, labels...).

Mirrors ``cli: cli/command/service/opts.go`` (``addServiceFlags``, ``Uint64Opt``,
``placementPrefOpts``, ``ShlexOpt``, ``healthCheckOptions``, flag names), the flag
lists of ``create.go`` / ``update.go``, ``opts/swarmopts/port.go`` (``PortOpt``),
``opts/network.go`` (``NetworkOpt``) and ``opts/opts.go`` (``ValidateEnv``,
``ValidateLabel``), with go-connections' ``nat.ParsePortSpec`` for short port specs.
Value errors are reported as pflag does for a failing ``Value.Set``:
``invalid argument "<value>" for "<flag>" flag: <error>``.

The conversion of these flags to a spec lives in :mod:`swarmsim.cli.docker.service_spec`.

Differences
-----------
``--credential-spec`` (the simulator does not model credential specs) is
accepted by the parser but refused with ``swarmsim: --credential-spec is not
simulated``.  Values are validated after the whole
command line is parsed, so when several flags are wrong the first one reported may
differ from docker's.  ``--update-max-failure-ratio`` is read as a 64-bit float.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from swarmsim.api.genericresource import validate_term
from swarmsim.api.specs import Ulimit
from swarmsim.cli.docker.mount_opt import parse_mount
from swarmsim.cli.docker.service_refs import parse_config_flag, parse_secret_flag
from swarmsim.cli.docker.system import Command
from swarmsim.cli.flags import FlagKind, FlagSpec, ParsedFlags
from swarmsim.csvrecord import read_csv_record
from swarmsim.errors import DockerCLIError
from swarmsim.golang import go_parse_ip, go_quote
from swarmsim.portspec import LONG_SYNTAX, parse_port_flag
from swarmsim.units import format_duration

__all__ = [
    "CREATE_FLAGS",
    "ROLLBACK_CONFIG_FLAGS",
    "UPDATE_CONFIG_FLAGS",
    "UPDATE_FLAGS",
    "check_unsupported",
    "kv_map",
    "parse_args_value",
    "parse_dns_search",
    "parse_extra_host",
    "parse_ip_address",
    "parse_network_flag",
    "parse_placement_pref",
    "parse_ulimit",
    "validate_values",
]

# Short names for the flag kinds of the tables below.
_B, _S, _U, _D = FlagKind.BOOL, FlagKind.STRING, FlagKind.UINT64, FlagKind.DURATION
_A, _C, _M, _F, _I = FlagKind.ARRAY, FlagKind.NANOCPUS, FlagKind.BYTES, FlagKind.FLOAT, FlagKind.INT


def _flag(
    name: str, kind: FlagKind, help: str, short: str | None = None, default: object = None
) -> FlagSpec:
    return FlagSpec(name, short, kind, default, help=help)


def _update_config_flags(prefix: str, noun: str) -> tuple[FlagSpec, ...]:
    """``--update-*`` or ``--rollback-*`` (``addServiceFlags``)."""
    return (
        _flag(f"{prefix}-parallelism", _U, f"Maximum number of tasks {noun} simultaneously"),
        _flag(f"{prefix}-delay", _D, f"Delay between task {noun}s (ns|us|ms|s|m|h)"),
        _flag(f"{prefix}-monitor", _D, f"Duration after each task {noun} to monitor for failure"),
        _flag(f"{prefix}-failure-action", _S, f"Action on {noun} failure"),
        _flag(f"{prefix}-max-failure-ratio", _F, f"Failure rate to tolerate during a {noun}"),
        _flag(f"{prefix}-order", _S, f'{noun.capitalize()} order ("start-first", "stop-first")'),
    )


UPDATE_CONFIG_FLAGS = tuple(spec.name for spec in _update_config_flags("update", "update"))
"""The flags that make ``docker service create`` send an ``UpdateConfig``."""
ROLLBACK_CONFIG_FLAGS = tuple(spec.name for spec in _update_config_flags("rollback", "rollback"))
"""The flags that make ``docker service create`` send a ``RollbackConfig``."""

_COMMON: tuple[FlagSpec, ...] = (
    _flag("detach", _B, "Exit immediately instead of waiting for the service to converge", "d"),
    _flag("quiet", _B, "Suppress progress output", "q"),
    _flag("limit-cpu", _C, "Limit CPUs"),
    _flag("limit-memory", _M, "Limit Memory"),
    _flag("limit-pids", _I, "Limit maximum number of processes (default 0 = unlimited)"),
    _flag("reserve-cpu", _C, "Reserve CPUs"),
    _flag("reserve-memory", _M, "Reserve Memory"),
    _flag("stop-grace-period", _D, "Time to wait before force killing a container"),
    _flag("replicas", _U, "Number of tasks"),
    _flag(
        "max-concurrent",
        _U,
        "Number of job tasks to run concurrently (default equal to --replicas)",
    ),
    _flag("replicas-max-per-node", _U, "Maximum number of tasks per node (default 0 = unlimited)"),
    _flag("restart-condition", _S, 'Restart when condition is met ("none", "on-failure", "any")'),
    _flag("restart-delay", _D, "Delay between restart attempts (ns|us|ms|s|m|h)"),
    _flag("restart-max-attempts", _U, "Maximum number of restarts before giving up"),
    _flag("restart-window", _D, "Window used to evaluate the restart policy (ns|us|ms|s|m|h)"),
    *_update_config_flags("update", "update"),
    *_update_config_flags("rollback", "rollback"),
    _flag("endpoint-mode", _S, "Endpoint mode (vip or dnsrr)", default="vip"),
    _flag("with-registry-auth", _B, "Send registry authentication details to swarm agents"),
    _flag("no-resolve-image", _B, "Do not query the registry to resolve image digest"),
    _flag("health-cmd", _S, "Command to run to check health"),
    _flag("health-interval", _D, "Time between running the check (ms|s|m|h)"),
    _flag("health-timeout", _D, "Maximum time to allow one check to run (ms|s|m|h)"),
    _flag("health-retries", _I, "Consecutive failures needed to report unhealthy"),
    _flag("health-start-period", _D, "Start period for the container to initialize"),
    _flag(
        "health-start-interval",
        _D,
        "Time between running the check during the start period (ms|s|m|h)",
    ),
    _flag("no-healthcheck", _B, "Disable any container-specified HEALTHCHECK"),
    _flag("workdir", _S, "Working directory inside the container", "w"),
    _flag("user", _S, "Username or UID (format: <name|uid>[:<group|gid>])", "u"),
    _flag("hostname", _S, "Container hostname"),
    FlagSpec(
        "entrypoint",
        None,
        _S,
        help="Overwrite the default ENTRYPOINT of the image",
        value_name="command",
    ),
    _flag("read-only", _B, "Mount the container's root filesystem as read only"),
    _flag("stop-signal", _S, "Signal to stop the container"),
    _flag("tty", _B, "Allocate a pseudo-TTY", "t"),
    _flag("isolation", _S, "Service container isolation mode"),
    _flag("oom-score-adj", _I, "Tune host's OOM preferences (-1000 to 1000) "),
    _flag("log-driver", _S, "Logging driver for service"),
    _flag("log-opt", _A, "Logging driver options"),
    _flag("cap-add", _A, "Add Linux capabilities"),
    _flag("cap-drop", _A, "Drop Linux capabilities"),
)
_CREATE_CONTAINER = (
    FlagSpec(
        "mount", None, _A, help="Attach a filesystem mount to the service", value_name="mount"
    ),
    _flag("dns", _A, "Set custom DNS servers"),
    _flag("dns-option", _A, "Set DNS options"),
    _flag("dns-search", _A, "Set custom DNS search domains"),
    _flag("host", _A, "Set one or more custom host-to-IP mappings (host:ip)"),
    _flag("group", _A, "Set one or more supplementary user groups for the container"),
    _flag("sysctl", _A, "Sysctl options"),
    FlagSpec("ulimit", None, _A, help="Ulimit options", value_name="ulimit"),
)
_UPDATE_CONTAINER = (
    FlagSpec("mount-add", None, _A, help="Add or update a mount on a service", value_name="mount"),
    _flag("mount-rm", _A, "Remove a mount by its target path"),
    _flag("dns-add", _A, "Add or update a custom DNS server"),
    _flag("dns-rm", _A, "Remove a custom DNS server"),
    _flag("dns-option-add", _A, "Add or update a DNS option"),
    _flag("dns-option-rm", _A, "Remove a DNS option"),
    _flag("dns-search-add", _A, "Add or update a custom DNS search domain"),
    _flag("dns-search-rm", _A, "Remove a DNS search domain"),
    _flag("host-add", _A, "Add or update a custom host-to-IP mapping (host:ip)"),
    _flag("host-rm", _A, "Remove a custom host-to-IP mapping (host:ip)"),
    _flag("group-add", _A, "Add an additional supplementary user group to the container"),
    _flag("group-rm", _A, "Remove a previously added supplementary user group from the container"),
    _flag("sysctl-add", _A, "Add or update a Sysctl option"),
    _flag("sysctl-rm", _A, "Remove a Sysctl option"),
    FlagSpec("ulimit-add", None, _A, help="Add or update a ulimit option", value_name="ulimit"),
    _flag("generic-resource-add", _A, "Add a Generic resource"),
    _flag("generic-resource-rm", _A, "Remove a Generic resource"),
    _flag("ulimit-rm", _A, "Remove a ulimit option"),
)

# Accepted by docker but not simulated: (name, kind, shorthand).
_UNSUPPORTED_COMMON = (("credential-spec", _S, None),)
_UNSUPPORTED_CREATE: tuple[tuple[str, FlagKind, str | None], ...] = ()
_UNSUPPORTED_UPDATE: tuple[tuple[str, FlagKind, str | None], ...] = ()
UNSUPPORTED = frozenset(
    name for name, _, _ in (*_UNSUPPORTED_COMMON, *_UNSUPPORTED_CREATE, *_UNSUPPORTED_UPDATE)
)


def _unsupported(entries: Iterable[tuple[str, FlagKind, str | None]]) -> tuple[FlagSpec, ...]:
    return tuple(_flag(name, kind, "(not simulated)", short) for name, kind, short in entries)


CREATE_FLAGS: tuple[FlagSpec, ...] = (
    _flag(
        "mode",
        _S,
        'Service mode ("replicated", "global", "replicated-job", "global-job")',
        default="replicated",
    ),
    _flag("name", _S, "Service name"),
    *_COMMON,
    _flag("label", _A, "Service labels", "l"),
    _flag("container-label", _A, "Container labels"),
    _flag("env", _A, "Set environment variables", "e"),
    _flag("env-file", _A, "Read in a file of environment variables"),
    _flag("constraint", _A, "Placement constraints"),
    _flag("generic-resource", _A, "User defined resources"),
    _flag("placement-pref", _A, "Add a placement preference"),
    _flag("network", _A, "Network attachments"),
    _flag("publish", _A, "Publish a port as a node port", "p"),
    _flag("init", _B, "Use an init inside each service container to forward signals"),
    FlagSpec(
        "secret", None, _A, help="Specify secrets to expose to the service", value_name="secret"
    ),
    FlagSpec(
        "config",
        None,
        _A,
        help="Specify configurations to expose to the service",
        value_name="config",
    ),
    *_CREATE_CONTAINER,
    *_unsupported((*_UNSUPPORTED_COMMON, *_UNSUPPORTED_CREATE)),
)
"""``docker service create`` (parsed with interspersed flags off: args follow IMAGE)."""

UPDATE_FLAGS: tuple[FlagSpec, ...] = (
    _flag("image", _S, "Service image tag"),
    FlagSpec("args", None, _S, help="Service command args", value_name="command"),
    _flag("rollback", _B, "Rollback to previous specification"),
    _flag("force", _B, "Force update even if no changes require it"),
    *_COMMON,
    _flag("env-rm", _A, "Remove an environment variable"),
    _flag("label-rm", _A, "Remove a label by its key"),
    _flag("container-label-rm", _A, "Remove a container label by its key"),
    _flag("publish-rm", _A, "Remove a published port by its target port"),
    _flag("constraint-rm", _A, "Remove a constraint"),
    _flag("label-add", _A, "Add or update a service label"),
    _flag("container-label-add", _A, "Add or update a container label"),
    _flag("env-add", _A, "Add or update an environment variable"),
    _flag("constraint-add", _A, "Add or update a placement constraint"),
    _flag("placement-pref-add", _A, "Add a placement preference"),
    _flag("placement-pref-rm", _A, "Remove a placement preference"),
    _flag("network-add", _A, "Add a network"),
    _flag("network-rm", _A, "Remove a network"),
    _flag("publish-add", _A, "Add or update a published port"),
    _flag("init", _B, "Use an init inside each service container to forward signals"),
    _flag("secret-rm", _A, "Remove a secret"),
    FlagSpec(
        "secret-add", None, _A, help="Add or update a secret on a service", value_name="secret"
    ),
    _flag("config-rm", _A, "Remove a configuration file"),
    FlagSpec(
        "config-add", None, _A, help="Add or update a config file on a service", value_name="config"
    ),
    *_UPDATE_CONTAINER,
    *_unsupported((*_UNSUPPORTED_COMMON, *_UNSUPPORTED_UPDATE)),
)
"""``docker service update``."""


def check_unsupported(parsed: ParsedFlags) -> None:
    """Refuse flags docker accepts but the simulator does not model."""
    unsupported = sorted(parsed.changed & UNSUPPORTED)
    if unsupported:
        raise DockerCLIError(f"swarmsim: --{unsupported[0]} is not simulated", 1)


# --------------------------------------------------------------------------------------
# value parsers (each raises ValueError with docker's text)
# --------------------------------------------------------------------------------------


def parse_placement_pref(value: str) -> str:
    """The spread descriptor of a ``--placement-pref`` value (``placementPrefOpts.Set``)."""
    strategy, found, arg = value.partition("=")
    if not found or not strategy:
        raise ValueError('placement preference must be of the format "<strategy>=<arg>"')
    if strategy != "spread":
        raise ValueError(f"unsupported placement preference {strategy} (only spread is supported)")
    return arg


def parse_network_flag(value: str) -> str:
    """The network name or ID of a ``--network`` value (``NetworkOpt.Set``)."""
    if not LONG_SYNTAX.search(value):
        return value
    target = ""
    for field in read_csv_record(value):
        key, found, val = field.lower().partition("=")
        if not found or not key:
            raise ValueError(f"invalid field {field}")
        key = key.strip()
        if key == "name":
            target = val
        elif key not in ("alias", "driver-opt"):
            raise ValueError("invalid field key " + key)
    if not target:
        raise ValueError("network name/id is not specified")
    return target


def parse_args_value(value: str) -> tuple[str, ...]:
    """Shell words of ``--args`` (``ShlexOpt``)."""
    try:
        return tuple(shlex.split(value))
    except ValueError as error:
        if "quotation" in str(error):
            raise ValueError("EOF found when expecting closing quote") from None
        raise ValueError("EOF found after escape character") from None


def parse_ip_address(value: str) -> str:
    """An IP address in Go's canonical form (``opts.ValidateIPAddress``: ``--dns``)."""
    address = go_parse_ip(value.strip())
    if address is None:
        raise ValueError(f"IP address is not correctly formatted: {value}")
    return str(address)


# opts.domainRegexp, as docker writes it: its "(:?" groups let a colon lead a label
_LABEL = r":?[a-zA-Z0-9]|:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]"
_DOMAIN = re.compile(rf"(:?(?:{_LABEL})(?::?\.(?:{_LABEL}))*)\.?[\t\n\f\r ]*\Z")


def parse_dns_search(value: str) -> str:
    """A search domain, without a final dot (``opts.ValidateDNSSearch``: ``--dns-search``)."""
    value = value.strip(" ")
    if value == ".":
        return value
    match = _DOMAIN.match(value) if re.search("[a-zA-Z]", value) else None
    if match is None or len(match.group(1)) >= 255:
        raise ValueError(f"{value} is not a valid domain")
    return match.group(1)


def parse_extra_host(value: str) -> str:
    """``host:ip`` as docker sends it (``opts.ValidateExtraHost``: ``--host``).

    ``host=ip`` and a bracketed address (``[::1]``) are accepted too; the
    address keeps the form it was given in, and ``host-gateway`` is taken as is.
    """
    host, found, address = value.partition("=")
    if not found:
        host, found, address = value.partition(":")
    if not found or not host or ":" in host:
        raise ValueError(f"bad format for add-host: {go_quote(value)}")
    if address != "host-gateway":
        if len(address) > 2 and address[0] == "[" and address[-1] == "]":
            address = address[1:-1]
        if go_parse_ip(address.strip()) is None:
            raise ValueError(f"invalid IP address in add-host: {go_quote(address)}")
    return f"{host}:{address}"


_ULIMITS = frozenset({
    "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc",
    "rss", "rtprio", "rttime", "sigpending", "stack",
})  # fmt: skip
_INT64 = 2**63


def _parse_int64(text: str) -> int:
    """``strconv.ParseInt(text, 10, 64)`` with Go's error texts."""
    if not re.fullmatch("[+-]?[0-9]+", text):
        raise ValueError(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if not -_INT64 <= value < _INT64:
        raise ValueError(f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value


def parse_ulimit(value: str) -> Ulimit:
    """``name=soft[:hard]`` (go-units ``ParseUlimit``: ``--ulimit``); hard defaults to soft."""
    name, found, limits = value.partition("=")
    if not found:
        raise ValueError(f"invalid ulimit argument: {value}")
    if name not in _ULIMITS:
        raise ValueError(f"invalid ulimit type: {name}")
    parts = limits.split(":")
    if len(parts) > 2:
        raise ValueError(
            f"too many limit value arguments - {limits}, can only have up to two, `soft[:hard]`"
        )
    hard = _parse_int64(parts[1]) if len(parts) == 2 else None
    soft = _parse_int64(parts[0])
    hard = soft if hard is None else hard
    if hard != -1:
        if soft == -1:
            raise ValueError(
                "ulimit soft limit must be less than or equal to hard limit: soft: -1 "
                f"(unlimited), hard: {hard}"
            )
        if soft > hard:
            raise ValueError(
                f"ulimit soft limit must be less than or equal to hard limit: {soft} > {hard}"
            )
    return Ulimit(name, soft, hard)


def kv_map(values: Iterable[str]) -> dict[str, str]:
    """``opts.ConvertKVStringsToMap``: ``k=v`` and a bare ``k`` (empty value); the last wins."""
    return dict(value.partition("=")[::2] for value in values)


def _validate_env(value: str) -> None:
    if not value.partition("=")[0]:
        raise ValueError("invalid environment variable: " + value)


def validate_label(value: str) -> None:
    """``opts.ValidateLabel``: a non-empty key without whitespace."""
    key = value.partition("=")[0].strip()
    if not key:
        raise ValueError(f"invalid label '{value}': empty name")
    if any(c in key for c in " \t\n\v\f\r"):
        raise ValueError(f"label '{key}' contains whitespaces")


def _validate_positive_duration(parsed: ParsedFlags, name: str) -> None:
    value = parsed.get_float(name)
    if value is not None and value < 0:
        raise ValueError("duration cannot be negative")


_VALIDATORS = {
    "env": _validate_env,
    "log-opt": _validate_env,
    "env-add": _validate_env,
    "label": validate_label,
    "label-add": validate_label,
    "container-label": validate_label,
    "container-label-add": validate_label,
    "publish": parse_port_flag,
    "publish-add": parse_port_flag,
    "publish-rm": parse_port_flag,
    "placement-pref": parse_placement_pref,
    "placement-pref-add": parse_placement_pref,
    "placement-pref-rm": parse_placement_pref,
    "network": parse_network_flag,
    "network-add": parse_network_flag,
    "args": parse_args_value,
    "generic-resource": validate_term,
    "generic-resource-add": validate_term,
    "secret": parse_secret_flag,
    "secret-add": parse_secret_flag,
    "config": parse_config_flag,
    "config-add": parse_config_flag,
    "entrypoint": parse_args_value,
    "dns": parse_ip_address,
    "dns-add": parse_ip_address,
    "dns-search": parse_dns_search,
    "dns-search-add": parse_dns_search,
    "host": parse_extra_host,
    "host-add": parse_extra_host,
    "mount": parse_mount,
    "mount-add": parse_mount,
    "ulimit": parse_ulimit,
    "ulimit-add": parse_ulimit,
}


def validate_values(command: Command, parsed: ParsedFlags, specs: Sequence[FlagSpec]) -> None:
    """Run the ``Value.Set`` checks docker's option types do while parsing.

    Raises
    ------
    DockerCLIError
        ``invalid argument "<value>" for "<flag>" flag: <error>``, framed as a flag error.
    """
    by_name = {spec.name: spec for spec in specs}

    def fail(name: str, value: str, error: ValueError) -> DockerCLIError:
        display = go_quote(by_name[name].display_name)
        return command.flag_error(f"invalid argument {go_quote(value)} for {display} flag: {error}")

    for name, check in _VALIDATORS.items():
        if name not in by_name or name not in parsed.changed:
            continue
        raw = parsed.values[name]
        for value in raw if isinstance(raw, list) else [str(raw)]:
            try:
                check(value)
            except ValueError as error:
                raise fail(name, value, error) from None
    for name in (
        "health-interval",
        "health-timeout",
        "health-start-period",
        "health-start-interval",
    ):
        if name in parsed.changed:
            try:
                _validate_positive_duration(parsed, name)
            except ValueError as error:
                raise fail(name, format_duration(parsed.get_float(name) or 0.0), error) from None
