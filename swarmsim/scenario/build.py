"""From schema-valid scenario data to a :class:`~swarmsim.scenario.model.Scenario`.

The JSON Schema has already checked keys and types; the checks that need the
meaning of the values use the interpreter's own parsers (one parser of
durations and settings, :mod:`swarmsim.cli.shellargs`; one of a line's shape,
:mod:`swarmsim.shell.syntax`).  The parts are read in the file's order, each
learning the names the earlier ones define (a
:class:`~swarmsim.scenario.build_context.BuildContext`):

1. the cluster and the images (:mod:`~swarmsim.scenario.build_cluster`): the
   machines at time 0;
2. the environment and the top-level inline ``files:``;
3. the steps (:mod:`~swarmsim.scenario.build_steps`): the timeline, the nodes
   ``node-add`` faults add, the services steps create;
4. the expectations of each step, then of the whole run
   (:mod:`~swarmsim.scenario.build_expectations`), against every machine and
   service the steps made.

Durations (``at``, ``after``, ``sleep``, ``within``, image timings) parse and
are not negative in every part.  The first problem found stops the reading.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from swarmsim.scenario.build_cluster import build_cluster, build_images
from swarmsim.scenario.build_context import BuildContext, text_of
from swarmsim.scenario.build_expectations import build_expectation
from swarmsim.scenario.build_steps import build_steps, deploys_files_on_disk
from swarmsim.scenario.model import Scenario, Step
from swarmsim.scenario.yamlsource import Positions

__all__ = ["build_scenario"]


def build_scenario(file: str, data: dict[str, Any], positions: Positions) -> Scenario:
    """Check the meaning of schema-valid ``data`` and build the scenario.

    Raises
    ------
    ScenarioError
        The first problem found, with the position of the value at fault.
    """
    context = BuildContext(file, positions)
    context.any_stack = deploys_files_on_disk(data)
    cluster = build_cluster(context, data.get("cluster", {}))
    images = build_images(context, data.get("images", {}))
    environment = tuple((k, str(v)) for k, v in data.get("environment", {}).items())
    files = context.inline_files(data.get("files", {}))
    steps = build_steps(context, data["steps"])
    context.all_nodes = set(context.nodes)
    built: list[Step] = []
    for i, (step, step_data) in enumerate(steps):
        items = step_data.get("expect", [])
        expect = tuple(
            build_expectation(context, ("steps", i, "expect", j), e) for j, e in enumerate(items)
        )
        built.append(dataclasses.replace(step, expect=expect))
    expect = tuple(
        build_expectation(context, ("expect", j), e) for j, e in enumerate(data.get("expect", []))
    )
    return Scenario(
        name=data["name"],
        file=file,
        description=text_of(data.get("description", "")),
        seed=data.get("seed", 0),
        cluster=cluster,
        images=images,
        steps=tuple(built),
        expect=expect,
        environment=environment,
        files=files,
    )
