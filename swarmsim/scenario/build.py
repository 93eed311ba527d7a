"""From schema-valid scenario data to a :class:`~swarmsim.scenario.model.Scenario`.

The JSON Schema has already checked keys and types; this module checks what
needs the meaning of the values, with the interpreter's own parsers (one
parser of durations and settings, :mod:`swarmsim.cli.shellargs`):

* durations (``at``, ``after``, ``sleep``, ``within``, image timings) and
  resources (``cpus``, ``memory``) parse, times are not negative;
* the timeline never goes backwards: a step's ``at`` is not before the
  earliest time the previous steps can end;
* a step does one thing (``run``, ``sleep`` or ``fault``) and a ``run`` line
  is one the shell knows;
* names exist: a fault's or an expectation's node is a machine of the
  cluster (or added by an earlier ``node-add``), an expectation's service is
  created by some step (``docker service create --name``, or ``docker stack
  deploy`` of an inline compose file: ``STACK_SERVICE``), a killed task's
  service by an earlier step;
* an expectation has one time (``at`` or ``within``) and one check, and an
  ``output`` check one way to compare;
* a compose file named by ``docker stack deploy|config -c FILE`` is inline
  (``files:`` at the top or in an earlier step) or on disk beside the scenario;
  an ``export`` or ``unset`` line names valid variables.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import re
from collections.abc import Callable
from typing import Any

from swarmsim.api.genericresource import node_resources
from swarmsim.cli.docker.stack import compose_files_of
from swarmsim.cli.shellargs import (
    DURATION_FIELDS,
    MAX_SLEEP,
    SettingError,
    ShellError,
    image_settings,
    node_settings,
    shell_duration,
    sleep_seconds,
)
from swarmsim.cli.shellwords import split_command_line
from swarmsim.compose.yamlfile import ComposeError, parse_compose
from swarmsim.errors import InvalidArgument, ScenarioError
from swarmsim.net.underlay import group_problem
from swarmsim.scenario.model import (
    CHECK_KINDS,
    Check,
    Cluster,
    Expectation,
    Machine,
    Scenario,
    Step,
    Text,
)
from swarmsim.scenario.yamlsource import Path, Positions, dotted, yaml11_hint
from swarmsim.shell.syntax import (
    MACHINE_PREFIX,
    NODE_FAULTS,
    SHELL_WORDS,
    environment_assignment,
    is_assignment,
    machine_prefix,
    partition_groups,
    static_words,
)
from swarmsim.shell.trafficwords import autoscale_settings, traffic_settings
from swarmsim.traffic.mesh import parse_target
from swarmsim.units import format_duration, parse_bytes, parse_nanocpus

__all__ = ["build_scenario", "quote_word"]

_SAFE_WORD = re.compile(r"[A-Za-z0-9_./:=@%+,-]+")
_TRAFFIC_STEP_KEYS: tuple[str, ...] = ("rate", "from", "network", "window", "arrivals")
_AUTOSCALE_STEP_KEYS: tuple[str, ...] = ("target", "min", "max", "tolerance", "window", "period")
_ACTIONS = ("run", "sleep", "fault", "traffic", "autoscale")


def quote_word(word: str) -> str:
    """``word`` quoted for the shell when it needs it (``'my web'``).

    >>> quote_word("zone=a"), quote_word("label.room=lab 2")
    ('zone=a', "'label.room=lab 2'")
    """
    if _SAFE_WORD.fullmatch(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def _text(value: Any) -> Text:
    if isinstance(value, str):
        return Text(value, value)
    return Text(value["en"], value.get("es", ""))


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


class _Builder:
    def __init__(self, file: str, data: dict[str, Any], positions: Positions) -> None:
        self.file = file
        self.data = data
        self.positions = positions
        self.nodes: set[str] = set()
        self.all_nodes: set[str] = set()
        self.services: set[str] = set()
        self.any_stack = False
        self.files: set[str] = set()  # inline files written so far
        self.inline: dict[str, str] = {}  # their latest contents
        self.folder = os.path.dirname(os.path.abspath(file))

    # ----------------------------------------------------------------- errors
    def error(self, path: Path, message: str, *, key: bool = False) -> ScenarioError:
        line, col = self.positions.of(path, key=key)
        return ScenarioError(self.file, line, col, dotted(path), message)

    def seconds(
        self, path: Path, value: Any, parse: Callable[[str], float] = shell_duration
    ) -> float:
        """A duration from the file: a Go duration string or a number of seconds."""
        if isinstance(value, int | float):
            if not (math.isfinite(value) and 0 <= value <= MAX_SLEEP):
                limit = format_duration(MAX_SLEEP)
                raise self.error(path, f"must be a duration from 0s to {limit}, not {value}")
            return float(value)
        try:
            seconds = parse(value)
        except ShellError as error:
            hint = yaml11_hint(value)
            raise self.error(path, f"{error}{f' ({hint})' if hint else ''}") from None
        if not 0 <= seconds <= MAX_SLEEP:  # heartbeats every 5 s: longer would take hours
            limit = format_duration(MAX_SLEEP)
            raise self.error(path, f"must be a duration from 0s to {limit}, not {value}")
        return seconds

    # ---------------------------------------------------------------- cluster
    def resources(self, path: Path, cpus: Any, memory: Any) -> tuple[float, int]:
        try:
            value = float(cpus) if isinstance(cpus, int | float) else parse_nanocpus(cpus) / 1e9
        except ValueError as error:
            raise self.error((*path, "cpus"), str(error)) from None
        if not (math.isfinite(value) and value > 0):
            raise self.error((*path, "cpus"), f"must be more than 0, not {cpus}")
        try:
            size = memory if isinstance(memory, int) else parse_bytes(memory)
        except ValueError as error:
            raise self.error((*path, "memory"), str(error)) from None
        if size <= 0:
            raise self.error((*path, "memory"), f"must be more than 0 bytes, not {memory}")
        return value, size

    def cluster(self) -> Cluster:
        data = self.data.get("cluster", {})
        path: Path = ("cluster",)
        if "machines" in data:
            clash = [k for k in ("nodes", "managers", "workers", "cpus", "memory") if k in data]
            if clash:
                message = f"give either machines or {clash[0]}, not both"
                raise self.error((*path, clash[0]), message, key=True)
            machines = [
                self.blank_machine((*path, "machines", i), m)
                for i, m in enumerate(data["machines"])
            ]
            return Cluster(tuple(machines), blank=True)
        if "nodes" not in data:
            cpus, memory = self.resources(path, data.get("cpus", 4), data.get("memory", 8 << 30))
            managers, workers = data.get("managers", 1), data.get("workers", 2)
            machines = [
                Machine(f"manager{i}", "manager", (), cpus, memory) for i in range(1, managers + 1)
            ]
            machines += [
                Machine(f"worker{i}", "worker", (), cpus, memory) for i in range(1, workers + 1)
            ]
        else:
            clash = [k for k in ("managers", "workers", "cpus", "memory") if k in data]
            if clash:
                message = f"give either nodes or {clash[0]}, not both"
                raise self.error((*path, clash[0]), message, key=True)
            machines = [self.machine((*path, "nodes", i), m) for i, m in enumerate(data["nodes"])]
            if not any(m.role == "manager" for m in machines):
                raise self.error(
                    (*path, "nodes"), "a swarm needs at least one node with role: manager"
                )
        self.nodes = {m.name for m in machines}
        return Cluster(tuple(machines))

    def machine(self, path: Path, data: dict[str, Any]) -> Machine:
        name = data["name"]
        if name in self.nodes:
            raise self.error((*path, "name"), f"a second node named {name!r}")
        self.nodes.add(name)
        cpus, memory = self.resources(path, data.get("cpus", 4), data.get("memory", 8 << 30))
        labels = tuple(data.get("labels", {}).items())
        return Machine(
            name,
            data.get("role", "worker"),
            labels,
            cpus,
            memory,
            data.get("address"),
            data.get("availability", "active"),
            rack=data.get("rack", ""),
            zone=data.get("zone", ""),
        )

    def blank_machine(self, path: Path, data: str | dict[str, Any]) -> Machine:
        """A machine in no swarm yet: a hostname or its settings (engine labels, UDP ports)."""
        if isinstance(data, str):
            data = {"name": data}
            name_path: Path = path
        else:
            name_path = (*path, "name")
        name = data["name"]
        if name in self.nodes:
            raise self.error(name_path, f"a second machine named {name!r}")
        self.nodes.add(name)
        cpus, memory = self.resources(path, data.get("cpus", 4), data.get("memory", 8 << 30))
        generic = tuple(data.get("generic_resources", ()))
        try:
            node_resources(generic)
        except ValueError as error:
            raise self.error((*path, "generic_resources"), str(error)) from None
        address = data.get("address")
        if address is not None:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise self.error((*path, "address"), f"not an IP address: {address}") from None
        return Machine(
            name,
            labels=tuple(data.get("engine_labels", {}).items()),
            cpus=cpus,
            memory=memory,
            address=address,
            udp_ports_taken=tuple(data.get("udp_ports_taken", ())),
            generic_resources=generic,
            rack=data.get("rack", ""),
            zone=data.get("zone", ""),
        )

    # ----------------------------------------------------------------- images
    def images(self) -> tuple[str, ...]:
        lines = []
        for image, settings in self.data.get("images", {}).items():
            words = ["image", image]
            for key, value in settings.items():
                path: Path = ("images", image, key)
                if key == "logs":  # one word per line the container prints
                    words.extend(f"logs={line}" for line in value)
                    continue
                if isinstance(value, bool):
                    text = str(value).lower()
                elif key in DURATION_FIELDS:
                    text = (
                        value
                        if isinstance(value, str)
                        else format_duration(self.seconds(path, value))
                    )
                else:
                    text = str(value)
                item = f"{key}={text}"
                try:
                    image_settings([item])
                except SettingError as error:
                    hint = yaml11_hint(text)
                    raise self.error(
                        path, f"{error.reason}{f' ({hint})' if hint else ''}"
                    ) from None
                words.append(item)
            if len(words) > 2:
                lines.append(" ".join(quote_word(w) for w in words))
        return tuple(lines)

    # ------------------------------------------------------------------ steps
    def check_node(self, path: Path, name: str, known: set[str]) -> None:
        if name not in known:
            names = ", ".join(sorted(known))
            raise self.error(path, f"no node {name!r} (nodes: {names})")

    def check_partition(
        self, path: Path, groups: list[list[str]], where: Callable[[int, int], Path]
    ) -> None:
        """Refuse an unknown node, an empty group or a node in two groups."""
        for i, group in enumerate(groups):
            for j, name in enumerate(group):
                self.check_node(where(i, j), name, self.nodes)
        problem = group_problem(groups)
        if problem is not None:
            i, j, message = problem
            raise self.error(path if j < 0 else where(i, j), message)

    def check_service(self, path: Path, name: str, known: set[str]) -> None:
        if not self.any_stack and name not in known:
            names = ", ".join(sorted(known)) or "none"
            message = (
                f"no step creates a service {name!r} "
                f"(docker service create --name; services: {names})"
            )
            raise self.error(path, message)

    def run_line(self, path: Path, line: str) -> tuple[list[str], float]:
        """Check a ``run:`` line; return its words and how long it sleeps."""
        machine, line = machine_prefix(line)
        if machine:
            self.check_node(path, machine, self.nodes)
        try:
            words = static_words(line)
        except (ValueError, ShellError) as error:
            raise self.error(path, str(error)) from None
        if not words:
            raise self.error(path, "an empty command")
        if is_assignment(words):
            return words, 0.0
        if words[0] not in SHELL_WORDS or words[0] in ("exit", "quit"):
            raise self.error(
                path, f"unknown command {words[0]!r} (a docker command or a shell word)"
            )
        if words[0] in NODE_FAULTS and len(words) == 2:
            self.check_node(path, words[1], self.nodes)
        if words[0] == "partition":
            try:
                groups = partition_groups(words[1:])
            except ShellError as error:
                raise self.error(path, str(error)) from None
            self.check_partition(path, groups, lambda i, j: path)
        if words[0] == "sleep" and len(words) == 2:
            return words, self.seconds(path, words[1], sleep_seconds)
        if words[0] in ("export", "unset"):
            for word in words[1:]:
                try:
                    environment_assignment(word, words[0])
                except ShellError as error:
                    raise self.error(path, f"{words[0]}: {error}") from None
        for name in compose_files_of(words)[0]:
            self.check_file(path, name)
        return words, 0.0

    def stack_services(self, words: list[str]) -> list[str]:
        """``STACK_SERVICE`` for each service of the inline files a stack deploy reads."""
        files, stack = compose_files_of(words)
        if words[2:3] not in (["deploy"], ["up"]) or not stack:
            return []
        names: list[str] = []
        for file in files:
            text = self.inline.get(os.path.normpath(file))
            try:
                data = parse_compose(text or "", file).data
            except ComposeError:
                continue
            services = data.get("services")
            if isinstance(services, dict):
                names += [f"{stack}_{name}" for name in services]
        return names

    def check_file(self, path: Path, name: str) -> None:
        """A ``-c`` file must be inline (written by then) or on disk beside the scenario."""
        if name == "-" or os.path.normpath(name) in self.files:
            return
        if os.path.isfile(os.path.join(self.folder, name)):
            return
        inline = ", ".join(sorted(self.files)) or "none"
        message = (
            f"no compose file {name!r}: not in files: (written so far: {inline}) "
            f"and not on disk beside the scenario ({self.folder})"
        )
        raise self.error(path, message)

    def inline_files(self, data: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """The inline files of the top level or of a step, now known to later steps."""
        self.files.update(os.path.normpath(name) for name in data)
        self.inline.update((os.path.normpath(name), text) for name, text in data.items())
        return tuple(data.items())

    def fault(self, path: Path, data: dict[str, Any]) -> str:
        kind = data["kind"]
        if kind in NODE_FAULTS:
            self.check_node((*path, "node"), data["node"], self.nodes)
            return f"{kind} {quote_word(data['node'])}"
        if kind == "partition":
            groups = data["groups"]
            self.check_partition(path, groups, lambda i, j: (*path, "groups", i, j))
            return "partition " + " / ".join(",".join(map(quote_word, g)) for g in groups)
        if kind == "heal":
            return "heal"
        if kind == "kill":
            task = data["task"]
            service, dot, _slot = task.rpartition(".")
            if dot:
                self.check_service((*path, "task"), service, self.services)
            code = data.get("exit_code")
            return f"kill {quote_word(task)}" + ("" if code is None else f" {code}")
        name = data["node"]
        if name in self.nodes:
            raise self.error((*path, "node"), f"a node named {name!r} already exists")
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
                raise self.error((*path, "labels" if key == "label" else key), str(error)) from None
        self.nodes.add(name)
        return " ".join(quote_word(w) for w in words)

    def traffic_line(self, path: Path, kind: str, data: dict[str, Any]) -> str:
        """The shell line of a ``traffic:`` or ``autoscale:`` step, its settings checked."""
        if kind == "autoscale":
            service = data["service"]
            if data.get("off"):
                return f"autoscale off {quote_word(service)}"
            head, check, keys = ["autoscale", service], autoscale_settings, _AUTOSCALE_STEP_KEYS
        elif "stop" in data:
            if len(data) > 1:
                raise self.error(path, "a traffic step either stops a load (stop) or starts one")
            return f"traffic stop {quote_word(data['stop'])}"
        else:
            for key in ("name", "target", "rate"):
                if key not in data:
                    raise self.error(path, f"a traffic step starting a load needs {key}")
            head = ["traffic", "start", data["name"], data["target"]]
            check, keys = traffic_settings, _TRAFFIC_STEP_KEYS
            try:
                parse_target(data["target"])
            except InvalidArgument as error:
                raise self.error((*path, "target"), str(error)) from None
        words = [f"{k}={v}" for k, v in data.items() if k in keys]
        try:
            check(words)
        except ShellError as error:
            raise self.error(path, str(error)) from None
        return " ".join(quote_word(str(w)) for w in [*head, *words])

    def steps(self) -> list[tuple[Step, dict[str, Any]]]:
        built: list[tuple[Step, dict[str, Any]]] = []
        earliest = 0.0
        for i, data in enumerate(self.data["steps"]):
            path: Path = ("steps", i)
            actions = [k for k in _ACTIONS if k in data]
            if len(actions) > 1:
                message = (
                    f"a step does one thing: {actions[0]} or {actions[1]}, not both "
                    "(split it in two steps)"
                )
                raise self.error((*path, actions[1]), message, key=True)
            if not actions and "comment" not in data and "files" not in data:
                raise self.error(
                    path,
                    "a step needs one of run, sleep, fault, traffic, autoscale, comment or files",
                )
            if "at" in data and "after" in data:
                raise self.error(
                    (*path, "after"),
                    "give either at (a time) or after (a delay), not both",
                    key=True,
                )
            at = self.seconds((*path, "at"), data["at"]) if "at" in data else None
            after = self.seconds((*path, "after"), data["after"]) if "after" in data else 0.0
            if at is not None and at < earliest:
                message = (
                    f"time goes backwards: at {format_duration(at)} is before "
                    f"{format_duration(earliest)}, when the previous steps end at the earliest"
                )
                raise self.error((*path, "at"), message)
            start = at if at is not None else earliest + after
            kind = actions[0] if actions else "comment"
            line, slept = "", 0.0
            files = self.inline_files(data.get("files", {}))
            if "on" in data and kind != "run":
                raise self.error((*path, "on"), "on names the machine of a run step", key=True)
            if kind == "run":
                words, slept = self.run_line((*path, "run"), data["run"])
                line = data["run"]
                self.services.update(_created_services(words))
                self.services.update(self.stack_services(words))
                if "on" in data:
                    self.check_node((*path, "on"), data["on"], self.nodes)
                    line = f"{MACHINE_PREFIX}{data['on']} {line}"
            elif kind == "sleep":
                slept = self.seconds((*path, "sleep"), data["sleep"], sleep_seconds)
                text = data["sleep"]
                line = f"sleep {text if isinstance(text, str) else format_duration(slept)}"
            elif kind == "fault":
                line = self.fault((*path, "fault"), data["fault"])
            elif kind in ("traffic", "autoscale"):
                line = self.traffic_line((*path, kind), kind, data[kind])
            earliest = start + slept
            comment = _text(data["comment"]) if "comment" in data else None
            label = dotted(path)
            built.append((Step(kind, line, label, at, after, comment, files=files), data))
        return built

    # ----------------------------------------------------------- expectations
    def expectation(self, path: Path, data: dict[str, Any]) -> Expectation:
        times = [k for k in ("at", "within") if k in data]
        if not times:
            raise self.error(path, "an expectation needs at (a time) or within (a deadline)")
        if len(times) == 2:
            raise self.error((*path, "within"), "give either at or within, not both", key=True)
        if "after" in data and "at" in data:
            raise self.error(
                (*path, "after"), "after goes with within (a window), not with at", key=True
            )
        checks = [k for k in CHECK_KINDS if k in data]
        if len(checks) != 1:
            kinds = ", ".join(CHECK_KINDS)
            if not checks:
                raise self.error(path, f"an expectation needs one check: {kinds}")
            raise self.error(
                (*path, checks[1]), "one check per expectation (write two entries)", key=True
            )
        kind = checks[0]
        fields = dict(data[kind])
        self.check(kind, (*path, kind), fields)
        if "counts" in fields:
            fields["counts"] = tuple(fields["counts"].items())
        if "values" in fields:
            fields["values"] = tuple(fields["values"])
        line, col = self.positions.of(path)
        return Expectation(
            Check(kind, tuple(sorted(fields.items()))),
            dotted(path),
            f"{self.file}:{line}:{col}",
            self.seconds((*path, "at"), data["at"]) if "at" in data else None,
            self.seconds((*path, "within"), data["within"]) if "within" in data else None,
            self.seconds((*path, "after"), data["after"]) if "after" in data else 0.0,
        )

    def check(self, kind: str, path: Path, fields: dict[str, Any]) -> None:
        if "service" in fields:
            self.check_service((*path, "service"), fields["service"], self.services)
        for key in ("node", "name"):
            if key in fields and kind in ("tasks", "node"):
                self.check_node((*path, key), fields[key], self.all_nodes)
        if kind == "placement" and "label" not in fields:
            for node in fields["counts"]:
                self.check_node((*path, "counts", node), node, self.all_nodes)
        if kind == "output":
            self.run_line((*path, "run"), fields["run"])
            ways = [k for k in ("contains", "equals", "matches", "column") if k in fields]
            if len(ways) != 1:
                message = "say how to compare the output: contains, equals, matches or column"
                if ways:
                    raise self.error((*path, ways[1]), f"one comparison only ({message})", key=True)
                raise self.error(path, message)
            if ("column" in fields) != ("values" in fields):
                raise self.error(path, "column and values go together")
            if "matches" in fields:
                try:
                    re.compile(fields["matches"])
                except re.error as error:
                    raise self.error(
                        (*path, "matches"), f"not a regular expression: {error}"
                    ) from None

    def scenario(self) -> Scenario:
        cluster = self.cluster()
        images = self.images()
        environment = tuple((k, str(v)) for k, v in self.data.get("environment", {}).items())
        files = self.inline_files(self.data.get("files", {}))
        steps = self.steps()
        self.all_nodes = set(self.nodes)
        built: list[Step] = []
        for i, (step, data) in enumerate(steps):
            items = data.get("expect", [])
            expect = tuple(
                self.expectation(("steps", i, "expect", j), e) for j, e in enumerate(items)
            )
            built.append(dataclasses.replace(step, expect=expect))
        expect = tuple(
            self.expectation(("expect", j), e) for j, e in enumerate(self.data.get("expect", []))
        )
        return Scenario(
            name=self.data["name"],
            file=self.file,
            description=_text(self.data.get("description", "")),
            seed=self.data.get("seed", 0),
            cluster=cluster,
            images=images,
            steps=tuple(built),
            expect=expect,
            environment=environment,
            files=files,
        )


def _deploys_files_on_disk(data: dict[str, Any]) -> bool:
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


def build_scenario(file: str, data: dict[str, Any], positions: Positions) -> Scenario:
    """Check the meaning of schema-valid ``data`` and build the scenario.

    Raises
    ------
    ScenarioError
        The first problem found, with the position of the value at fault.
    """
    builder = _Builder(file, data, positions)
    builder.any_stack = _deploys_files_on_disk(data)
    return builder.scenario()
