"""The ``steps:`` of a scenario: a timeline of shell lines, each checked before any runs.

Every step becomes one line for the :class:`~swarmsim.shell.interpreter.Interpreter`
(a ``fault:``, ``traffic:`` or ``autoscale:`` mapping is written as the shell
word that does it), and is checked with the shell's own parsers
(:mod:`swarmsim.shell.syntax`, :mod:`swarmsim.cli.shellargs`,
:mod:`swarmsim.shell.trafficwords`):

* a step does one thing (``run``, ``sleep``, ``fault``, ``traffic`` or
  ``autoscale``; or only a ``comment`` or ``files``), and a ``run`` line is one
  the shell knows;
* the timeline never goes backwards: a step's ``at`` is not before the
  earliest time the previous steps can end (``after`` counts from then);
* names exist: a fault's node, an ``@NAME`` or ``on:`` machine is a machine of
  the cluster (or added by an earlier ``node-add``), a killed task's service
  is created by an earlier step;
* a compose file named by ``docker stack deploy|config -c FILE`` is inline
  (``files:`` at the top or in an earlier step) or on disk beside the
  scenario; an ``export`` or ``unset`` line names valid variables.

The services a step creates (``docker service create --name``, or ``docker
stack deploy`` of an inline compose file: ``STACK_SERVICE``) become known to
the expectations.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from swarmsim.cli.docker.stack import compose_files_of
from swarmsim.cli.shellargs import ShellError, node_settings, sleep_seconds
from swarmsim.cli.shellwords import split_command_line
from swarmsim.compose.yamlfile import ComposeError, parse_compose
from swarmsim.errors import InvalidArgument
from swarmsim.net.underlay import group_problem
from swarmsim.scenario.build_context import BuildContext, text_of
from swarmsim.scenario.model import Step
from swarmsim.scenario.yamlsource import Path, dotted
from swarmsim.shell.syntax import (
    MACHINE_PREFIX,
    NODE_FAULTS,
    SHELL_WORDS,
    environment_assignment,
    is_assignment,
    machine_prefix,
    partition_groups,
    quote_word,
    static_words,
)
from swarmsim.shell.trafficwords import autoscale_settings, traffic_settings
from swarmsim.traffic.mesh import parse_target
from swarmsim.units import format_duration

__all__ = ["build_steps", "check_run_line", "deploys_files_on_disk"]

_TRAFFIC_STEP_KEYS: tuple[str, ...] = ("rate", "from", "network", "window", "arrivals")
_AUTOSCALE_STEP_KEYS: tuple[str, ...] = ("target", "min", "max", "tolerance", "window", "period")
_ACTIONS = ("run", "sleep", "fault", "traffic", "autoscale")


def build_steps(
    context: BuildContext, data: list[dict[str, Any]]
) -> list[tuple[Step, dict[str, Any]]]:
    """Each step of ``steps:`` and its data (its expectations are read later).

    Raises
    ------
    ScenarioError
        The first step that does not check, at the value at fault.
    """
    built: list[tuple[Step, dict[str, Any]]] = []
    earliest = 0.0
    for i, step in enumerate(data):
        path: Path = ("steps", i)
        actions = [k for k in _ACTIONS if k in step]
        if len(actions) > 1:
            message = (
                f"a step does one thing: {actions[0]} or {actions[1]}, not both "
                "(split it in two steps)"
            )
            raise context.error((*path, actions[1]), message, key=True)
        if not actions and "comment" not in step and "files" not in step:
            raise context.error(
                path,
                "a step needs one of run, sleep, fault, traffic, autoscale, comment or files",
            )
        if "at" in step and "after" in step:
            raise context.error(
                (*path, "after"),
                "give either at (a time) or after (a delay), not both",
                key=True,
            )
        at = context.seconds((*path, "at"), step["at"]) if "at" in step else None
        after = context.seconds((*path, "after"), step["after"]) if "after" in step else 0.0
        if at is not None and at < earliest:
            message = (
                f"time goes backwards: at {format_duration(at)} is before "
                f"{format_duration(earliest)}, when the previous steps end at the earliest"
            )
            raise context.error((*path, "at"), message)
        start = at if at is not None else earliest + after
        kind = actions[0] if actions else "comment"
        line, slept = "", 0.0
        files = context.inline_files(step.get("files", {}))
        if "on" in step and kind != "run":
            raise context.error((*path, "on"), "on names the machine of a run step", key=True)
        if kind == "run":
            words, slept = check_run_line(context, (*path, "run"), step["run"])
            line = step["run"]
            context.services.update(_created_services(words))
            context.services.update(_stack_services(context, words))
            if "on" in step:
                context.check_node((*path, "on"), step["on"], context.nodes)
                line = f"{MACHINE_PREFIX}{step['on']} {line}"
        elif kind == "sleep":
            slept = context.seconds((*path, "sleep"), step["sleep"], sleep_seconds)
            text = step["sleep"]
            line = f"sleep {text if isinstance(text, str) else format_duration(slept)}"
        elif kind == "fault":
            line = _fault_line(context, (*path, "fault"), step["fault"])
        elif kind in ("traffic", "autoscale"):
            line = _traffic_line(context, (*path, kind), kind, step[kind])
        earliest = start + slept
        comment = text_of(step["comment"]) if "comment" in step else None
        label = dotted(path)
        built.append((Step(kind, line, label, at, after, comment, files=files), step))
    return built


def check_run_line(context: BuildContext, path: Path, line: str) -> tuple[list[str], float]:
    """Check a ``run:`` line; return its words and how long it sleeps.

    Raises
    ------
    ScenarioError
        A line that does not split, an unknown word or machine, a bad partition,
        sleep or variable name, a compose file that is nowhere.
    """
    machine, line = machine_prefix(line)
    if machine:
        context.check_node(path, machine, context.nodes)
    try:
        words = static_words(line)
    except (ValueError, ShellError) as error:
        raise context.error(path, str(error)) from None
    if not words:
        raise context.error(path, "an empty command")
    if is_assignment(words):
        return words, 0.0
    if words[0] not in SHELL_WORDS or words[0] in ("exit", "quit"):
        raise context.error(
            path, f"unknown command {words[0]!r} (a docker command or a shell word)"
        )
    if words[0] in NODE_FAULTS and len(words) == 2:
        context.check_node(path, words[1], context.nodes)
    if words[0] == "partition":
        try:
            groups = partition_groups(words[1:])
        except ShellError as error:
            raise context.error(path, str(error)) from None
        _check_partition(context, path, groups, lambda i, j: path)
    if words[0] == "sleep" and len(words) == 2:
        return words, context.seconds(path, words[1], sleep_seconds)
    if words[0] in ("export", "unset"):
        for word in words[1:]:
            try:
                environment_assignment(word, words[0])
            except ShellError as error:
                raise context.error(path, f"{words[0]}: {error}") from None
    for name in compose_files_of(words)[0]:
        context.check_file(path, name)
    return words, 0.0


def deploys_files_on_disk(data: dict[str, Any]) -> bool:
    """Whether a stack deploy reads a compose file that is not inline (its services unknown)."""
    inline = {os.path.normpath(n) for n in data.get("files", {})}
    inline |= {os.path.normpath(n) for step in data["steps"] for n in step.get("files", {})}
    for step in data["steps"]:
        try:
            words = split_command_line(step["run"]) if isinstance(step.get("run"), str) else []
        except ValueError:
            continue
        if words[2:3] not in (["deploy"], ["up"]):
            continue
        files = compose_files_of(words)[0]
        if any(name == "-" or os.path.normpath(name) not in inline for name in files):
            return True
    return False


def _created_services(words: list[str]) -> list[str]:
    """The name given by ``docker service create --name NAME`` (none without --name)."""
    if words[:3] != ["docker", "service", "create"]:
        return []
    for i, word in enumerate(words):
        if word == "--name" and i + 1 < len(words):
            return [words[i + 1]]
        if word.startswith("--name="):
            return [word[len("--name=") :]]
    return []


def _stack_services(context: BuildContext, words: list[str]) -> list[str]:
    """``STACK_SERVICE`` for each service of the inline files a stack deploy reads."""
    files, stack = compose_files_of(words)
    if words[2:3] not in (["deploy"], ["up"]) or not stack:
        return []
    names: list[str] = []
    for file in files:
        text = context.inline.get(os.path.normpath(file))
        try:
            data = parse_compose(text or "", file).data
        except ComposeError:
            continue
        services = data.get("services")
        if isinstance(services, dict):
            names += [f"{stack}_{name}" for name in services]
    return names


def _check_partition(
    context: BuildContext,
    path: Path,
    groups: list[list[str]],
    where: Callable[[int, int], Path],
) -> None:
    """Refuse an unknown node, an empty group or a node in two groups."""
    for i, group in enumerate(groups):
        for j, name in enumerate(group):
            context.check_node(where(i, j), name, context.nodes)
    problem = group_problem(groups)
    if problem is not None:
        i, j, message = problem
        raise context.error(path if j < 0 else where(i, j), message)


def _fault_line(context: BuildContext, path: Path, data: dict[str, Any]) -> str:
    """The shell line of a ``fault:`` step; a ``node-add`` makes its node known."""
    kind = data["kind"]
    if kind in NODE_FAULTS:
        context.check_node((*path, "node"), data["node"], context.nodes)
        return f"{kind} {quote_word(data['node'])}"
    if kind == "partition":
        groups = data["groups"]
        _check_partition(context, path, groups, lambda i, j: (*path, "groups", i, j))
        return "partition " + " / ".join(",".join(map(quote_word, g)) for g in groups)
    if kind == "heal":
        return "heal"
    if kind == "kill":
        task = data["task"]
        service, dot, _slot = task.rpartition(".")
        if dot:
            context.check_service((*path, "task"), service, context.services)
        code = data.get("exit_code")
        return f"kill {quote_word(task)}" + ("" if code is None else f" {code}")
    name = data["node"]
    if name in context.nodes:
        raise context.error((*path, "node"), f"a node named {name!r} already exists")
    words = ["node", "add", name]
    for key in ("role", "cpus", "memory", "address"):
        if key in data:
            words.append(f"{key}={data[key]}")
    words += [f"label.{k}={v}" for k, v in data.get("labels", {}).items()]
    for word in words[3:]:
        try:
            node_settings([word])
        except ShellError as error:
            key = word.partition("=")[0].partition(".")[0]
            raise context.error((*path, "labels" if key == "label" else key), str(error)) from None
    context.nodes.add(name)
    return " ".join(quote_word(w) for w in words)


def _traffic_line(context: BuildContext, path: Path, kind: str, data: dict[str, Any]) -> str:
    """The shell line of a ``traffic:`` or ``autoscale:`` step, its settings checked."""
    if kind == "autoscale":
        service = data["service"]
        if data.get("off"):
            return f"autoscale off {quote_word(service)}"
        head, check, keys = ["autoscale", service], autoscale_settings, _AUTOSCALE_STEP_KEYS
    elif "stop" in data:
        if len(data) > 1:
            raise context.error(path, "a traffic step either stops a load (stop) or starts one")
        return f"traffic stop {quote_word(data['stop'])}"
    else:
        for key in ("name", "target", "rate"):
            if key not in data:
                raise context.error(path, f"a traffic step starting a load needs {key}")
        head = ["traffic", "start", data["name"], data["target"]]
        check, keys = traffic_settings, _TRAFFIC_STEP_KEYS
        try:
            parse_target(data["target"])
        except InvalidArgument as error:
            raise context.error((*path, "target"), str(error)) from None
    words = [f"{k}={v}" for k, v in data.items() if k in keys]
    try:
        check(words)
    except ShellError as error:
        raise context.error(path, str(error)) from None
    return " ".join(quote_word(str(w)) for w in [*head, *words])
