"""Scenario files: a cluster, a timeline of steps and expectations, in YAML.

* :func:`load_scenario` / :func:`parse_scenario` (:mod:`~swarmsim.scenario.loader`)
  read and check a file; every problem is one
  :class:`~swarmsim.errors.ScenarioError` ``FILE:LINE:COL: path: message``.
* :class:`Scenario` and its parts (:mod:`~swarmsim.scenario.model`) are frozen
  dataclasses.
* :func:`run_scenario` and :class:`Runner` (:mod:`~swarmsim.scenario.runner`)
  replay one and report each expectation (:mod:`~swarmsim.scenario.expectations`).

The format is described in ``docs/scenarios.md``; its JSON Schema ships as
``swarmsim/scenario/schema.json``.
"""

from __future__ import annotations

from swarmsim.scenario.lesson import load_lesson, parse_lesson
from swarmsim.scenario.loader import load_file, load_scenario, parse_scenario, schema
from swarmsim.scenario.model import Check, Cluster, Expectation, Machine, Scenario, Step, Text
from swarmsim.scenario.runner import Runner, ScenarioResult, Verdict, build_swarm, run_scenario

__all__ = [
    "Check",
    "Cluster",
    "Expectation",
    "Machine",
    "Runner",
    "Scenario",
    "ScenarioResult",
    "Step",
    "Text",
    "Verdict",
    "build_swarm",
    "load_file",
    "load_lesson",
    "load_scenario",
    "parse_lesson",
    "parse_scenario",
    "run_scenario",
    "schema",
]
