"""Tools for property-based testing of swarm behaviour with hypothesis.

- :mod:`swarmsim.testing.strategies`: clusters, services, images and operations
  (shell lines), with keyword overrides.
- :mod:`swarmsim.testing.machine`: a hypothesis state machine over a swarm whose
  failures print as replayable ``swarmsim shell`` scripts.
- :mod:`swarmsim.testing.pytest_plugin`: hypothesis profiles and the ``swarm`` /
  ``swarm_invariants`` fixtures for any suite (entry point ``pytest11``).
- :mod:`swarmsim.testing.invariants`: checks that return violations (at every
  step: :mod:`~swarmsim.testing.safety`; once settled:
  :mod:`~swarmsim.testing.settled`).
- :mod:`swarmsim.testing.schedules`: fault schedules as shell scripts, run and checked.
- :mod:`swarmsim.testing.generate`: random schedules (seeded, or a hypothesis strategy).
- :mod:`swarmsim.testing.shrink` and :mod:`swarmsim.testing.fuzz`: the long fuzzer
  (``python -m swarmsim.testing.fuzz``, ``make fuzz``).

Example
-------
.. code-block:: python

    from hypothesis import given
    from swarmsim.testing import strategies as sst, invariants

    @given(sst.clusters(), sst.services())
    def test_converges(cluster, service):
        swarm = sst.build_swarm(cluster)
        sst.create_service(swarm, service)
        swarm.advance(600)
        assert invariants.check_quiescent(swarm) == []
"""

from swarmsim.testing import invariants, strategies

__all__ = ["invariants", "strategies"]
