"""Expectations of a scenario, checked once every step is known."""

from __future__ import annotations

import pytest

from swarmsim.errors import ScenarioError
from swarmsim.scenario.build_context import BuildContext
from swarmsim.scenario.build_expectations import build_expectation
from swarmsim.scenario.model import Expectation
from swarmsim.scenario.yamlsource import load_yaml


def expectation(entry: str) -> Expectation:
    data, positions = load_yaml("e.yaml", f"expect:\n  - {entry}\n")
    context = BuildContext("e.yaml", positions)
    context.nodes = context.all_nodes = {"m1", "w1"}
    context.services = {"web"}
    return build_expectation(context, ("expect", 0), data["expect"][0])


def test_an_expectation_has_one_time_and_one_check() -> None:
    found = expectation("{within: 1m, after: 10s, running: {service: web, count: 2}}")
    assert (found.within, found.after, found.at, found.label) == (60.0, 10.0, None, "expect[0]")
    assert found.where == "e.yaml:2:5"
    assert (found.check.kind, found.check.get("count")) == ("running", 2)
    placed = expectation("{at: 1m, placement: {service: web, counts: {m1: 1, w1: 1}}}")
    assert placed.check.get("counts") == (("m1", 1), ("w1", 1))
    settled = expectation("{within: 5m, settled: {held: [web]}}")
    assert (settled.check.kind, settled.check.get("held")) == ("settled", ("web",))
    assert expectation("{within: 5m, settled: {}}").check.get("held") is None


# each line: an expectation (machines m1, w1; service web) -> where the error points: its message
BAD_EXPECTATIONS = """\
{running: {service: web, count: 1}} -> expect[0]: an expectation needs at (a time) or within \
(a deadline)
{at: 1m, within: 2m, running: {service: web}} -> expect[0].within: give either at or within, \
not both
{at: 1m, after: 1s, running: {service: web}} -> expect[0].after: after goes with within \
(a window), not with at
{at: 1m} -> expect[0]: an expectation needs one check: running, placement, tasks, update, node, \
output, requests, settled
{within: 5m, settled: {held: [web, api]}} -> expect[0].settled.held[1]: no step creates a service \
'api' (docker service create --name; services: web)
{at: 1m, running: {service: web}, node: {name: w1}} -> expect[0].node: one check per expectation \
(write two entries)
{at: 1m, running: {service: api}} -> expect[0].running.service: no step creates a service 'api' \
(docker service create --name; services: web)
{at: 1m, node: {name: w9}} -> expect[0].node.name: no node 'w9' (nodes: m1, w1)
{at: 1m, placement: {service: web, counts: {w9: 1}}} -> expect[0].placement.counts.w9: \
no node 'w9' (nodes: m1, w1)
{at: 1m, output: {run: ls}} -> expect[0].output.run: unknown command 'ls' (a docker command or a \
shell word)
{at: 1m, output: {run: time}} -> expect[0].output: say how to compare the output: contains, \
equals, matches or column
{at: 1m, output: {run: time, contains: a, equals: b}} -> expect[0].output.equals: one comparison \
only (say how to compare the output: contains, equals, matches or column)
{at: 1m, output: {run: time, column: 1}} -> expect[0].output: column and values go together
{at: 1m, output: {run: time, matches: '('}} -> expect[0].output.matches: not a regular expression: \
missing ), unterminated subpattern at position 0
"""


@pytest.mark.parametrize("case", BAD_EXPECTATIONS.splitlines())
def test_a_bad_expectation_points_at_the_value(case: str) -> None:
    entry, expected = case.split(" -> ")
    with pytest.raises(ScenarioError) as raised:
        expectation(entry)
    assert f"{raised.value.path}: {raised.value.message}" == expected
