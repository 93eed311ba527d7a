"""The ``cluster:`` and ``images:`` of a scenario: the machines and images at time 0.

Three ways to give the machines, checked as the schema cannot:

* ``managers``/``workers`` (and one ``cpus``/``memory`` for all) make
  ``manager1``, ``worker1``... ;
* ``nodes`` lists them one by one (at least one with ``role: manager``);
* ``machines`` lists machines in no swarm yet (a blank cluster: the steps run
  ``docker swarm init`` and ``join`` themselves), with their engine labels,
  address, UDP ports taken and generic resources.

A name is given once; ``cpus`` and ``memory`` parse and are more than 0; the
ways do not mix.  The machines' names become known to the steps.  Each
``images:`` entry becomes an ``image IMAGE key=value...`` shell line, its
settings checked by the shell's own parser
(:func:`~swarmsim.cli.shellargs.image_settings`).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from swarmsim.api.genericresource import node_resources
from swarmsim.cli.shellargs import DURATION_FIELDS, SettingError, image_settings
from swarmsim.scenario.build_context import BuildContext
from swarmsim.scenario.model import Cluster, Machine
from swarmsim.scenario.yamlsource import Path, yaml11_hint
from swarmsim.shell.syntax import quote_word
from swarmsim.units import format_duration, parse_bytes, parse_nanocpus

__all__ = ["build_cluster", "build_images"]


def build_cluster(context: BuildContext, data: dict[str, Any]) -> Cluster:
    """The machines of a ``cluster:`` section (``{}`` when the file has none).

    Raises
    ------
    ScenarioError
        Two ways mixed, a name given twice, a bad resource or address, no manager.
    """
    path: Path = ("cluster",)
    if "machines" in data:
        clash = [k for k in ("nodes", "managers", "workers", "cpus", "memory") if k in data]
        if clash:
            message = f"give either machines or {clash[0]}, not both"
            raise context.error((*path, clash[0]), message, key=True)
        machines = [
            _blank_machine(context, (*path, "machines", i), m)
            for i, m in enumerate(data["machines"])
        ]
        return Cluster(tuple(machines), blank=True)
    if "nodes" not in data:
        cpus, memory = _resources(context, path, data.get("cpus", 4), data.get("memory", 8 << 30))
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
            raise context.error((*path, clash[0]), message, key=True)
        machines = [_machine(context, (*path, "nodes", i), m) for i, m in enumerate(data["nodes"])]
        if not any(m.role == "manager" for m in machines):
            raise context.error(
                (*path, "nodes"), "a swarm needs at least one node with role: manager"
            )
    context.nodes = {m.name for m in machines}
    return Cluster(tuple(machines))


def _resources(context: BuildContext, path: Path, cpus: Any, memory: Any) -> tuple[float, int]:
    try:
        value = float(cpus) if isinstance(cpus, int | float) else parse_nanocpus(cpus) / 1e9
    except ValueError as error:
        raise context.error((*path, "cpus"), str(error)) from None
    if not (math.isfinite(value) and value > 0):
        raise context.error((*path, "cpus"), f"must be more than 0, not {cpus}")
    try:
        size = memory if isinstance(memory, int) else parse_bytes(memory)
    except ValueError as error:
        raise context.error((*path, "memory"), str(error)) from None
    if size <= 0:
        raise context.error((*path, "memory"), f"must be more than 0 bytes, not {memory}")
    return value, size


def _machine(context: BuildContext, path: Path, data: dict[str, Any]) -> Machine:
    """A node of ``nodes:``, joined to the swarm at time 0."""
    name = data["name"]
    if name in context.nodes:
        raise context.error((*path, "name"), f"a second node named {name!r}")
    context.nodes.add(name)
    cpus, memory = _resources(context, path, data.get("cpus", 4), data.get("memory", 8 << 30))
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


def _blank_machine(context: BuildContext, path: Path, data: str | dict[str, Any]) -> Machine:
    """A machine in no swarm yet: a hostname or its settings (engine labels, UDP ports)."""
    if isinstance(data, str):
        data = {"name": data}
        name_path: Path = path
    else:
        name_path = (*path, "name")
    name = data["name"]
    if name in context.nodes:
        raise context.error(name_path, f"a second machine named {name!r}")
    context.nodes.add(name)
    cpus, memory = _resources(context, path, data.get("cpus", 4), data.get("memory", 8 << 30))
    generic = tuple(data.get("generic_resources", ()))
    try:
        node_resources(generic)
    except ValueError as error:
        raise context.error((*path, "generic_resources"), str(error)) from None
    address = data.get("address")
    if address is not None:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise context.error((*path, "address"), f"not an IP address: {address}") from None
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


def build_images(context: BuildContext, data: dict[str, dict[str, Any]]) -> tuple[str, ...]:
    """The ``image IMAGE key=value...`` lines of an ``images:`` section.

    Raises
    ------
    ScenarioError
        A setting the shell's ``image`` word refuses, at the setting.
    """
    lines = []
    for image, settings in data.items():
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
                    else format_duration(context.seconds(path, value))
                )
            else:
                text = str(value)
            item = f"{key}={text}"
            try:
                image_settings([item])
            except SettingError as error:
                hint = yaml11_hint(text)
                raise context.error(path, f"{error.reason}{f' ({hint})' if hint else ''}") from None
            words.append(item)
        if len(words) > 2:
            lines.append(" ".join(quote_word(w) for w in words))
    return tuple(lines)
