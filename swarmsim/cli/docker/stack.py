"""``docker stack deploy | ls | ps | services | rm | config``.

Mirrors ``cli: cli/command/stack/`` (``deploy.go``, ``loader.go``, ``list.go``,
``ps.go``, ``services.go``, ``remove.go``, ``config.go``, ``common.go``): the
flags, the ``Ignoring ... options`` warnings and the ``--detach`` notice on
standard error, the tables (``NAME SERVICES``; ``service ls`` and ``service ps``
tables filtered by the stack label) and the messages (``Nothing found in stack:``).
Loading and converting the files is :mod:`swarmsim.compose`; the requests are
:mod:`swarmsim.cli.docker.stack_deploy`.

Compose files (and the files they name) are read through
:func:`stack_workspace`: the real file system relative to the process's current
directory, unless a scenario sets its folder and inline files with
:func:`set_stack_workspace`; ``-c -`` reads the command's standard input when
the caller gives one (``Output.stdin``).  Variables are taken from
:func:`stack_environment`: the process environment unless a shell or scenario
sets its own with :func:`set_stack_environment`.

Differences
-----------
``--with-registry-auth``
and ``--resolve-image`` are accepted and checked but change nothing: images are
never resolved to digests.  ``stack rm --detach=false`` lets virtual time pass
until every task of the stack has stopped, as docker means to (its loop may stop
early: it counts at most one stopped task per poll).
``stack config`` prints keys sorted (see :mod:`swarmsim.compose.dump`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from swarmsim.api.enums import TaskState
from swarmsim.cli.docker import Output, command
from swarmsim.cli.docker.formatter import choose_format, format_rows
from swarmsim.cli.docker.progress import POLL_INTERVAL, PROGRESS_TIMEOUT, wait_on_service
from swarmsim.cli.docker.service_format import LS_HEADER, LS_RAW, LS_TABLE, service_row
from swarmsim.cli.docker.stack_deploy import deploy_stack, remove_stack
from swarmsim.cli.docker.system import FILTER_FLAG, Command, natural_key, parse_filters
from swarmsim.cli.docker.tasks import filter_tasks, render_tasks
from swarmsim.cli.flags import FlagKind, FlagSpec, ParsedFlags
from swarmsim.cli.gotemplate import Struct
from swarmsim.compose.dump import dump_config
from swarmsim.compose.load import LoadedStack, check_images, load_stack
from swarmsim.compose.objects import LABEL_NAMESPACE
from swarmsim.compose.workspace import Workspace
from swarmsim.compose.yamlfile import ComposeError
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.manager.controlapi.service import list_services

if TYPE_CHECKING:
    from swarmsim.cli.docker.engine import Engine

__all__ = [
    "compose_files_of",
    "set_stack_environment",
    "set_stack_workspace",
    "stack_environment",
    "stack_workspace",
]

_ENVIRONMENTS: WeakKeyDictionary[Engine, dict[str, str]] = WeakKeyDictionary()
_WORKSPACES: WeakKeyDictionary[Engine, Workspace] = WeakKeyDictionary()
_RESOLVE = ("always", "changed", "never")
_DETACH_NOTICE = (
    "Since --detach=false was not specified, tasks will be created in the background.\n"
    "In a future release, --detach=false will become the default."
)


def stack_environment(swarm: Engine) -> dict[str, str]:
    """The variables compose files are interpolated from (a mutable mapping)."""
    env = _ENVIRONMENTS.get(swarm)
    if env is None:
        env = _ENVIRONMENTS[swarm] = dict(os.environ)
    return env


def set_stack_environment(swarm: Engine, env: Mapping[str, str]) -> None:
    """Replace the variables (a shell's ``export`` lines, a scenario's environment)."""
    _ENVIRONMENTS[swarm] = dict(env)


def stack_workspace(swarm: Engine) -> Workspace:
    """Where ``-c FILE`` and the files it names are read (default: the current directory)."""
    return _WORKSPACES.get(swarm) or Workspace()


def set_stack_workspace(swarm: Engine, workspace: Workspace) -> None:
    """Read files from ``workspace`` (a scenario's folder and its inline ``files:``)."""
    _WORKSPACES[swarm] = workspace


_COMPOSE_FILE = FlagSpec(
    "compose-file",
    "c",
    FlagKind.LIST,
    help='Path to a Compose file, or "-" to read from stdin',
)
_FORMAT = FlagSpec("format", None, FlagKind.STRING, help="Format output using a custom template")
_DEPLOY = Command(
    "docker stack deploy",
    "deploy [OPTIONS] STACK",
    "Deploy a new stack or update an existing stack",
    (
        _COMPOSE_FILE,
        FlagSpec("with-registry-auth", None, FlagKind.BOOL,
                 help="Send registry authentication details to Swarm agents"),
        FlagSpec("prune", None, FlagKind.BOOL, help="Prune services that are no longer referenced"),
        FlagSpec("resolve-image", None, FlagKind.STRING, "always",
                 'Query the registry to resolve image digest and supported platforms ("always", '
                 '"changed", "never")'),
        FlagSpec("detach", "d", FlagKind.BOOL, True,
                 "Exit immediately instead of waiting for the stack services to converge"),
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Suppress progress output"),
    ),
    1,
    1,
    aliases=("up",),
)  # fmt: skip
_LS = Command("docker stack ls", "ls [OPTIONS]", "List stacks", (_FORMAT,), 0, 0, ("list",))
_PS = Command(
    "docker stack ps",
    "ps [OPTIONS] STACK",
    "List the tasks in the stack",
    (
        FlagSpec("no-trunc", None, FlagKind.BOOL, help="Do not truncate output"),
        FlagSpec("no-resolve", None, FlagKind.BOOL, help="Do not map IDs to Names"),
        FILTER_FLAG,
        FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display task IDs"),
        _FORMAT,
    ),
    1,
    1,
)
_SERVICES = Command(
    "docker stack services",
    "services [OPTIONS] STACK",
    "List the services in the stack",
    (FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display IDs"), _FORMAT, FILTER_FLAG),
    1,
    1,
)
_RM = Command(
    "docker stack rm",
    "rm [OPTIONS] STACK [STACK...]",
    "Remove one or more stacks",
    (FlagSpec("detach", "d", FlagKind.BOOL, True, "Do not wait for stack removal"),),
    min_args=1,
    aliases=("remove", "down"),
)
_CONFIG = Command(
    "docker stack config",
    "config [OPTIONS]",
    "Outputs the final config file, after doing merges and interpolations",
    (
        _COMPOSE_FILE,
        FlagSpec("skip-interpolation", None, FlagKind.BOOL,
                 help="Skip interpolation and output only merged config"),
    ),
    0,
    0,
)  # fmt: skip


def compose_files_of(words: Sequence[str]) -> tuple[list[str], str]:
    """The ``-c`` files and the STACK of a ``docker stack deploy|up|config`` line.

    The line is parsed with the command's own flags; anything else, or a line
    docker would refuse, gives ``([], "")`` (running it prints the error).

    Examples
    --------
    >>> compose_files_of("docker stack deploy -dc a.yml --compose-file=b.yml web".split())
    (['a.yml', 'b.yml'], 'web')
    >>> compose_files_of("docker stack config -c a.yml".split())
    (['a.yml'], '')
    """
    if list(words[:2]) != ["docker", "stack"] or len(words) < 3:
        return [], ""
    command = {"deploy": _DEPLOY, "up": _DEPLOY, "config": _CONFIG}.get(words[2])
    if command is None:
        return [], ""
    try:
        parsed = command.parse(list(words[3:]), Output())
    except DockerCLIError:
        return [], ""
    if parsed is None:
        return [], ""
    return parsed.get_list("compose-file"), parsed.args[0] if parsed.args else ""


def _stack_name(name: str) -> str:
    """``validateStackName``: not empty once quotes and blanks are trimmed."""
    if not name.strip().strip("\"'").strip():
        raise DockerCLIError(f"invalid stack name: {go_quote(name)}")
    return name


_STACK_TABLE = "table {{.Name}}\t{{.Services}}"
_STACK_HEADER = {"Name": "NAME", "Services": "SERVICES"}


def _load(swarm: Engine, parsed: ParsedFlags, out: Output, interpolate: bool = True) -> LoadedStack:
    stdin = getattr(out, "stdin", None)
    env = stack_environment(swarm) if interpolate else None
    try:
        return load_stack(
            parsed.get_list("compose-file"), env, stdin=stdin, workspace=stack_workspace(swarm)
        )
    except ComposeError as error:
        raise DockerCLIError(str(error)) from None


@command("stack", "deploy")
def stack_deploy(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack deploy -c FILE [...] STACK``."""
    parsed = _DEPLOY.parse(argv, out)
    if parsed is None:
        return
    namespace = _stack_name(parsed.args[0])
    stack = _load(swarm, parsed, out)
    for warning in stack.warnings:
        out.stderr.append(warning)
    try:
        check_images(stack)
    except ComposeError as error:
        raise DockerCLIError(str(error)) from None
    resolve = parsed.get_str("resolve-image") or ""
    if resolve not in _RESOLVE:
        raise DockerCLIError(f"invalid option {resolve} for flag --resolve-image")
    detach = parsed.get_bool("detach")
    if detach and "detach" not in parsed.changed:
        out.error(_DETACH_NOTICE)
    ids = deploy_stack(swarm, namespace, stack, out, prune=parsed.get_bool("prune"))
    if detach:
        return
    errors = []
    for service_id in ids:
        try:
            wait_on_service(swarm, service_id, out, parsed.get_bool("quiet"))
        except (DockerCLIError, DaemonError) as error:
            errors.append(f"{service_id}: {error}")
    if errors:
        raise DockerCLIError("\n".join(errors))


command("stack", "up")(stack_deploy)


def _list(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack ls``: stacks and their service counts, in natural order."""
    parsed = _LS.parse(argv, out)
    if parsed is None:
        return
    counts: dict[str, int] = {}
    for service in list_services(swarm.ctx, {"label": [LABEL_NAMESPACE]}):
        name = dict(service.spec.labels)[LABEL_NAMESPACE]
        counts[name] = counts.get(name, 0) + 1
    rows = [
        Struct("*formatter.Stack", {"Name": name, "Services": str(counts[name])})
        for name in sorted(counts, key=natural_key)
    ]
    fmt = choose_format(parsed.get_str("format") or "", _STACK_TABLE)
    out.write(format_rows(fmt, rows, _STACK_HEADER))


command("stack", "ls")(_list)
command("stack", "list")(_list)


def _stack_filters(spec: Command, parsed: ParsedFlags) -> tuple[str, dict[str, list[str]]]:
    """The stack named on the line and the ``--filter`` values plus its namespace label."""
    namespace = _stack_name(parsed.args[0])
    filters = parse_filters(spec, parsed.get_list("filter"))
    filters.setdefault("label", []).append(f"{LABEL_NAMESPACE}={namespace}")
    return namespace, filters


@command("stack", "services")
def stack_services_command(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack services STACK``: the ``service ls`` table of the stack."""
    parsed = _SERVICES.parse(argv, out)
    if parsed is None:
        return
    namespace, filters = _stack_filters(_SERVICES, parsed)
    services = sorted(list_services(swarm.ctx, filters), key=lambda s: natural_key(s.spec.name))
    if not services:
        out.error(f"Nothing found in stack: {namespace}")
        return
    quiet = parsed.get_bool("quiet")
    fmt = choose_format(parsed.get_str("format") or "", LS_TABLE, quiet=quiet, raw=LS_RAW)
    out.write(format_rows(fmt, (service_row(swarm, s) for s in services), LS_HEADER))


@command("stack", "ps")
def stack_ps(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack ps STACK``: the task table of the stack's services."""
    parsed = _PS.parse(argv, out)
    if parsed is None:
        return
    namespace, filters = _stack_filters(_PS, parsed)
    tasks = filter_tasks(swarm, swarm.ctx.store.tasks.values(), filters)
    if not tasks:
        raise DockerCLIError(f"nothing found in stack: {namespace}")
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


def _remove(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack rm STACK...``: each stack's services, secrets, configs, networks."""
    parsed = _RM.parse(argv, out)
    if parsed is None:
        return
    for name in parsed.args:
        _stack_name(name)
    errors = []
    for name in parsed.args:
        try:
            found = remove_stack(swarm, name, out)
        except DockerCLIError as error:
            errors.append(str(error))
            continue
        if found and not parsed.get_bool("detach"):
            _wait_on_tasks(swarm, name)
    if errors:
        raise DockerCLIError("\n".join(errors))


def _wait_on_tasks(swarm: Engine, namespace: str) -> None:
    """``waitOnTasks``: poll until every task of the stack has stopped (or is gone)."""
    label = [f"{LABEL_NAMESPACE}={namespace}"]
    deadline = swarm.now + PROGRESS_TIMEOUT
    while swarm.now < deadline:
        tasks = filter_tasks(swarm, swarm.ctx.store.tasks.values(), {"label": label})
        if all(t.state > TaskState.RUNNING for t in tasks):
            return
        swarm.advance(POLL_INTERVAL)


for _alias in ("rm", "remove", "down"):
    command("stack", _alias)(_remove)


@command("stack", "config")
def stack_config(swarm: Engine, argv: list[str], out: Output) -> None:
    """``docker stack config -c FILE [...]``: the merged, interpolated file as YAML."""
    parsed = _CONFIG.parse(argv, out)
    if parsed is None:
        return
    stack = _load(swarm, parsed, out, interpolate=not parsed.get_bool("skip-interpolation"))
    out.write(dump_config(stack.config))
