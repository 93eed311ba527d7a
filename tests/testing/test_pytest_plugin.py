"""The pytest plugin, run in an inner pytest session as a user's suite would use it."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_SUITE = """
from hypothesis import given, settings, strategies as st
from swarmsim.testing import strategies as sst


def test_factory_and_invariants(swarm, swarm_invariants):
    s = swarm(seed=3, workers=3, ranking="binpack")
    s.docker("docker service create -d --name web --replicas 4 nginx")
    s.advance(20)
    nodes = {t.node_id for t in s.ctx.store.tasks.values() if t.runnable}
    assert len(nodes) == 1  # binpack: one node takes all
    swarm_invariants(s, settle=True)


def test_profile_loaded():
    assert settings().max_examples == 40 and settings().derandomize


@given(sst.clusters(workers=2))
def test_strategies_in_a_user_suite(cluster):
    assert len(cluster.workers) == 2
"""


def test_a_user_suite_gets_the_fixtures_and_profiles(
    pytester: pytest.Pytester, pytestconfig: pytest.Config
) -> None:
    # a subprocess: loading a profile is global to hypothesis, it must not leak into this run
    pytester.makepyfile(test_user=USER_SUITE)
    installed = pytestconfig.pluginmanager.get_plugin("swarmsim") is not None
    args = [] if installed else ["-p", "swarmsim.testing.pytest_plugin"]
    result = pytester.runpytest_subprocess(*args, "--swarmsim-profile", "swarmsim-ci")
    result.assert_outcomes(passed=3)
