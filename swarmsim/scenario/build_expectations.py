"""The ``expect:`` entries of a scenario (of a step or of the whole run), checked.

An expectation has one time -- ``at`` (a moment) or ``within`` (a deadline,
with an optional ``after`` that opens the window) -- and one check among
:data:`~swarmsim.scenario.model.CHECK_KINDS`.  What the check names must
exist: a service some step creates, a machine of the cluster or added by any
step; an ``output`` check's line is a line a step could run
(:func:`~swarmsim.scenario.build_steps.check_run_line`) and it says one way to
compare (``contains``, ``equals``, a regular expression that compiles, or a
``column`` with its ``values``).  How an expectation is judged while the
scenario runs is :mod:`swarmsim.scenario.expectations`.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import re
from typing import Any

from swarmsim.scenario.build_context import BuildContext
from swarmsim.scenario.build_steps import check_run_line
from swarmsim.scenario.model import CHECK_KINDS, Check, Expectation
from swarmsim.scenario.yamlsource import Path, dotted

__all__ = ["build_expectation"]


def build_expectation(context: BuildContext, path: Path, data: dict[str, Any]) -> Expectation:
    """The expectation at ``path``, read once every step is known.

    Raises
    ------
    ScenarioError
        No time or two, no check or two, a check naming what no step makes.
    """
    times = [k for k in ("at", "within") if k in data]
    if not times:
        raise context.error(path, "an expectation needs at (a time) or within (a deadline)")
    if len(times) == 2:
        raise context.error((*path, "within"), "give either at or within, not both", key=True)
    if "after" in data and "at" in data:
        raise context.error(
            (*path, "after"), "after goes with within (a window), not with at", key=True
        )
    checks = [k for k in CHECK_KINDS if k in data]
    if len(checks) != 1:
        kinds = ", ".join(CHECK_KINDS)
        if not checks:
            raise context.error(path, f"an expectation needs one check: {kinds}")
        raise context.error(
            (*path, checks[1]), "one check per expectation (write two entries)", key=True
        )
    kind = checks[0]
    fields = dict(data[kind])
    _check_fields(context, kind, (*path, kind), fields)
    if "counts" in fields:
        fields["counts"] = tuple(fields["counts"].items())
    if "values" in fields:
        fields["values"] = tuple(fields["values"])
    if "held" in fields:
        fields["held"] = tuple(sorted(fields["held"]))
    line, col = context.positions.of(path)
    return Expectation(
        Check(kind, tuple(sorted(fields.items()))),
        dotted(path),
        f"{context.file}:{line}:{col}",
        context.seconds((*path, "at"), data["at"]) if "at" in data else None,
        context.seconds((*path, "within"), data["within"]) if "within" in data else None,
        context.seconds((*path, "after"), data["after"]) if "after" in data else 0.0,
    )


def _check_fields(context: BuildContext, kind: str, path: Path, fields: dict[str, Any]) -> None:
    """Refuse a check whose service, node or output comparison cannot be."""
    if "service" in fields:
        context.check_service((*path, "service"), fields["service"], context.services)
    for index, name in enumerate(fields.get("held", ())):
        context.check_service((*path, "held", index), name, context.services)
    for key in ("node", "name"):
        if key in fields and kind in ("tasks", "node"):
            context.check_node((*path, key), fields[key], context.all_nodes)
    if kind == "placement" and "label" not in fields:
        for node in fields["counts"]:
            context.check_node((*path, "counts", node), node, context.all_nodes)
    if kind == "output":
        check_run_line(context, (*path, "run"), fields["run"])
        ways = [k for k in ("contains", "equals", "matches", "column") if k in fields]
        if len(ways) != 1:
            message = "say how to compare the output: contains, equals, matches or column"
            if ways:
                raise context.error((*path, ways[1]), f"one comparison only ({message})", key=True)
            raise context.error(path, message)
        if ("column" in fields) != ("values" in fields):
            raise context.error(path, "column and values go together")
        if "matches" in fields:
            try:
                re.compile(fields["matches"])
            except re.error as error:
                raise context.error(
                    (*path, "matches"), f"not a regular expression: {error}"
                ) from None
