"""``docker service create | update | rollback | scale | rm | ls | ps | inspect``.

Mirrors ``cli: cli/command/service/`` (``create.go``, ``update.go``, ``rollback.go``,
``scale.go``, ``remove.go``, ``list.go``, ``ps.go``, ``inspect.go``): what each command
prints, its error texts and exit codes, and when it follows the service's convergence
(:mod:`swarmsim.cli.docker.progress`).  Requests go through
:mod:`swarmsim.manager.controlapi.service`; flags become specs in
:mod:`swarmsim.cli.docker.service_spec`; tables come from
:mod:`swarmsim.cli.docker.service_format` and :mod:`swarmsim.cli.docker.tasks`.

Differences
-----------
``--format`` of ``ls`` and ``ps`` takes docker's tables and Go templates
(:mod:`swarmsim.cli.docker.formatter`); ``inspect --format`` accepts ``pretty`` and
the templates of :mod:`swarmsim.cli.docker.inspect`.
Errors are one line: the ``See '... --help'`` and usage lines docker adds to an invalid
``scale`` specifier are left out, as for every flag error (see ``system.Command``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from swarmsim.api.objects import Service
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.envfile import read_env_files
from swarmsim.cli.docker.formatter import choose_format, format_rows
from swarmsim.cli.docker.inspect import INSPECT_FORMAT_FLAG, inspect_refs
from swarmsim.cli.docker.progress import wait_on_service
from swarmsim.cli.docker.service_format import (
    LS_HEADER,
    LS_RAW,
    LS_TABLE,
    pretty_service,
    service_json,
    service_row,
)
from swarmsim.cli.docker.service_opts import (
    CREATE_FLAGS,
    UPDATE_FLAGS,
    check_unsupported,
    validate_values,
)
from swarmsim.cli.docker.service_spec import apply_update, build_spec, sends_update_config
from swarmsim.cli.docker.stack import stack_environment, stack_workspace
from swarmsim.cli.docker.system import (
    FILTER_FLAG,
    Command,
    natural_key,
    parse_filters,
    remove_each,
)
from swarmsim.cli.docker.tasks import filter_tasks, render_tasks
from swarmsim.cli.flags import FlagError, FlagKind, FlagSpec, ParsedFlags, parse_flags
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi import require_leader
from swarmsim.manager.controlapi.service import (
    create_service,
    get_service,
    list_services,
    remove_service,
    rollback_service,
    update_service,
)

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__: list[str] = []

_DETACH = FlagSpec(
    "detach", "d", FlagKind.BOOL, help="Exit immediately instead of waiting for the service"
)
_QUIET_PROGRESS = FlagSpec("quiet", "q", FlagKind.BOOL, help="Suppress progress output")

_FORMAT = FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template")

_CREATE = Command(
    "docker service create",
    "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
    "Create a new service",
    CREATE_FLAGS,
    min_args=1,
)
_UPDATE = Command(
    "docker service update", "update [OPTIONS] SERVICE", "Update a service", UPDATE_FLAGS, 1, 1
)
_ROLLBACK = Command(
    "docker service rollback",
    "rollback [OPTIONS] SERVICE",
    "Revert changes to a service's configuration",
    (_QUIET_PROGRESS, _DETACH),
    1,
    1,
)
_SCALE = Command(
    "docker service scale",
    "scale SERVICE=REPLICAS [SERVICE=REPLICAS...]",
    "Scale one or multiple replicated services",
    (_DETACH,),
    min_args=1,
)
_RM = Command(
    "docker service rm",
    "rm SERVICE [SERVICE...]",
    "Remove one or more services",
    min_args=1,
    aliases=("remove",),
)
_LS = Command(
    "docker service ls",
    "ls [OPTIONS]",
    "List services",
    (
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display IDs"),
        _FORMAT,
        FILTER_FLAG,
    ),
    max_args=0,
    aliases=("list",),
)
_PS = Command(
    "docker service ps",
    "ps [OPTIONS] SERVICE [SERVICE...]",
    "List the tasks of one or more services",
    (
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display task IDs"),
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate output"),
        FlagSpec("no-resolve", None, FlagKind.BOOL, help="Do not map IDs to Names"),
        _FORMAT,
        FILTER_FLAG,
    ),
    min_args=1,
)
_INSPECT = Command(
    "docker service inspect",
    "inspect [OPTIONS] SERVICE [SERVICE...]",
    "Display detailed information on one or more services",
    (
        INSPECT_FORMAT_FLAG,
        FlagSpec("pretty", None, FlagKind.BOOL, help="Print the information in a human format"),
    ),
    min_args=1,
)


def _parse_create(argv: list[str], out: Output) -> ParsedFlags | None:
    """Parse with interspersed flags off: everything from IMAGE on is positional."""
    flags = (*CREATE_FLAGS, FlagSpec("help", "h", FlagKind.BOOL))
    try:
        first = parse_flags(argv, flags, interspersed=False)
    except FlagError as error:
        raise _CREATE.flag_error(str(error)) from None
    head = argv[: len(argv) - len(first.args)]
    if first.args_len_at_dash == 0:
        head = head[:-1]
    parsed = _CREATE.parse([*head, "--", *first.args], out)
    if parsed is not None:
        validate_values(_CREATE, parsed, CREATE_FLAGS)
        check_unsupported(parsed)
    return parsed


def _follow(swarm: Engine, parsed: ParsedFlags, ref: str, out: Output) -> None:
    if not parsed.get_bool("detach"):
        wait_on_service(swarm, ref, out, parsed.get_bool("quiet"))


@command("service", "create")
def service_create(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service create [OPTIONS] IMAGE [COMMAND] [ARG...]``: print the ID, follow."""
    parsed = _parse_create(argv, out)
    if parsed is None:
        return
    env_files = read_env_files(
        parsed.get_list("env-file"), stack_workspace(swarm).read, stack_environment(swarm)
    )
    require_leader(swarm.ctx)
    spec = build_spec(swarm.ctx, parsed, parsed.args[0], parsed.args[1:], env_files)
    service = create_service(swarm.ctx, spec)
    out.line(service.id)
    _follow(swarm, parsed, service.id, out)


@command("service", "update")
def service_update(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service update [OPTIONS] SERVICE``: print the argument, follow."""
    parsed = _UPDATE.parse(argv, out)
    if parsed is None:
        return
    validate_values(_UPDATE, parsed, UPDATE_FLAGS)
    check_unsupported(parsed)
    ref = parsed.args[0]
    service = get_service(swarm.ctx, ref)
    if parsed.get_bool("rollback"):
        if parsed.changed - {"rollback", "detach", "quiet"}:
            raise DockerCLIError("other flags may not be combined with --rollback")
        rollback_service(swarm.ctx, service.id)
    else:
        spec = apply_update(swarm.ctx, parsed, service.spec)
        update_service(swarm.ctx, service.id, spec, update_config=sends_update_config(parsed))
    out.line(ref)
    _follow(swarm, parsed, ref, out)


@command("service", "rollback")
def service_rollback(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service rollback [OPTIONS] SERVICE``: print the argument, follow."""
    parsed = _ROLLBACK.parse(argv, out)
    if parsed is None:
        return
    ref = parsed.args[0]
    rollback_service(swarm.ctx, get_service(swarm.ctx, ref).id)
    out.line(ref)
    _follow(swarm, parsed, ref, out)


def _parse_replicas(text: str) -> int:
    """``strconv.ParseUint(text, 10, 64)``."""
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"strconv.ParseUint: parsing {go_quote(text)}: invalid syntax")
    if int(text) >= 1 << 64:
        raise ValueError(f"strconv.ParseUint: parsing {go_quote(text)}: value out of range")
    return int(text)


def _scale_one(swarm: Engine, name: str, replicas: int, out: Output) -> None:
    """``runServiceScale``: the replicas, or a replicated job's TotalCompletions."""
    service = get_service(swarm.ctx, name)
    if not service.spec.mode.is_replicated:
        raise DockerCLIError("scale can only be used with replicated or replicated-job mode")
    update_service(swarm.ctx, service.id, replace(service.spec, replicas=replicas))
    out.line(f"{name} scaled to {replicas}")


def _error_text(error: DaemonError | DockerCLIError) -> str:
    return f"Error response from daemon: {error}" if isinstance(error, DaemonError) else str(error)


@command("service", "scale")
def service_scale(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service scale SERVICE=REPLICAS...``: ``<svc> scaled to <n>``, then follow."""
    parsed = _SCALE.parse(argv, out)
    if parsed is None:
        return
    for arg in parsed.args:
        name, found, value = arg.partition("=")
        if not found or not name or not value:
            raise DockerCLIError(f"invalid scale specifier '{arg}'.")
    errors: list[str] = []
    scaled: list[str] = []
    for arg in parsed.args:
        name, _, value = arg.partition("=")
        try:
            replicas = _parse_replicas(value)
        except ValueError as error:
            errors.append(f"{name}: invalid replicas value {value}: {error}")
            continue
        try:
            _scale_one(swarm, name, replicas, out)
        except (DaemonError, DockerCLIError) as error:
            errors.append(f"{name}: {_error_text(error)}")
        else:
            scaled.append(name)
    if not parsed.get_bool("detach"):
        for name in scaled:
            try:
                wait_on_service(swarm, name, out)
            except (DaemonError, DockerCLIError) as error:
                errors.append(f"{name}: {_error_text(error)}")
    if errors:
        raise DockerCLIError("\n".join(errors))


def _remove(swarm: Engine, argv: list[str], out: Output) -> None:
    """``runRemove``: print each removed argument, then the errors."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    remove_each(parsed.args, lambda ref: remove_service(swarm.ctx, ref), out)


command("service", "rm")(_remove)
command("service", "remove")(_remove)


def _list(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service ls``: the services in natural name order."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_LS, parsed.get_list("filter"))
    services = sorted(list_services(swarm.ctx, filters), key=lambda s: natural_key(s.spec.name))
    quiet = parsed.get_bool("quiet")
    fmt = choose_format(parsed.get_str("format") or "", LS_TABLE, quiet=quiet, raw=LS_RAW)
    out.write(format_rows(fmt, (service_row(swarm, s) for s in services), LS_HEADER))


command("service", "ls")(_list)
command("service", "list")(_list)


def _ps_services(swarm: Engine, refs: list[str]) -> tuple[list[str], list[str]]:
    """``createFilter``: IDs of the services named (full ID, name, ID prefix), not-founds."""
    require_leader(swarm.ctx)
    services = list(swarm.ctx.store.services.values())
    ids: list[str] = []
    missing: list[str] = []
    for ref in refs:
        exact = [s for s in services if s.id == ref] or [s for s in services if s.spec.name == ref]
        if exact:
            ids.append(exact[0].id)
            continue
        prefixed = [s for s in services if s.id.startswith(ref)]
        if len(prefixed) > 1:
            raise DockerCLIError("multiple services found with provided prefix: " + ref)
        if prefixed:
            ids.append(prefixed[0].id)
        else:
            missing.append("no such service: " + ref)
    if not ids:
        raise DockerCLIError("\n".join(missing))
    return ids, missing


@command("service", "ps")
def service_ps(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service ps SERVICE...``: the task table of the services."""
    parsed = _PS.parse(argv, out)
    if parsed is None:
        return
    filters = parse_filters(_PS, parsed.get_list("filter"))
    ids, missing = _ps_services(swarm, parsed.args)
    filters.setdefault("service", []).extend(ids)
    tasks = filter_tasks(swarm, swarm.ctx.store.tasks.values(), filters)
    quiet = parsed.get_bool("quiet")
    out.write(
        render_tasks(
            swarm,
            tasks,
            no_trunc=quiet or parsed.get_bool("no-trunc"),
            quiet=quiet,
            no_resolve=parsed.get_bool("no-resolve"),
            fmt=parsed.get_str("format") or "",
        )
    )
    if missing:
        raise DockerCLIError("\n".join(missing))


def _inspect_ref(swarm: Engine, ref: str) -> Service:
    """``getRef``: a missing service is ``Error: no such service: <ref>``."""
    try:
        return get_service(swarm.ctx, ref)
    except DaemonError as error:
        if str(error) == f"service {ref} not found":
            raise DockerCLIError(f"Error: no such service: {ref}") from None
        raise DockerCLIError(_error_text(error)) from None


@command("service", "inspect")
def service_inspect(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker service inspect [--pretty] SERVICE...``."""
    parsed = _INSPECT.parse(argv, out)
    if parsed is None:
        return
    fmt = parsed.get_str("format") or ""
    if parsed.get_bool("pretty"):
        if fmt:
            raise DockerCLIError("--format is incompatible with human friendly format")
        fmt = "pretty"
    if fmt.startswith("pretty") and fmt != "pretty":
        raise DockerCLIError("Cannot supply extra formatting options to the pretty template")
    if fmt == "pretty":
        services = [_inspect_ref(swarm, ref) for ref in parsed.args]
        out.write("".join(pretty_service(swarm, s) for s in services))
        return
    inspect_refs(parsed.args, lambda r: service_json(_inspect_ref(swarm, r)), fmt, out, "service")
