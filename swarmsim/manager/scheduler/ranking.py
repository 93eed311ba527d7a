"""Pluggable node ranking: swarmkit's spread (the default) and binpack (the example).

A *ranking* decides which of the nodes that pass the filters a batch of
tasks prefers.  It is a factory called once per batch with the batch's
service ID, its failure key ``(service ID, spec version)`` and the time; it
returns a :class:`~swarmsim.manager.scheduler.nodeset.NodeRanking` whose call
gives an integer key per node, **smaller is better**.  The scheduler keeps
the ``n`` best nodes of the batch, sorts them by key and fills them as
swarmkit does (``scheduleNTasksOnNodes``): it stays on a node until the next
one ranks strictly better, re-ranking after every task it places, and skips
nodes that stop passing the filters.  Placement preferences (``spread`` over
labels) still split the batch over label values first, whatever the ranking.

- :class:`~swarmsim.manager.scheduler.nodeset.NodeRanking` (alias
  :data:`SPREAD`) is swarmkit's ``nodeLess`` (``swarmkit:
  manager/scheduler/scheduler.go``, ``nodeheap.go``): nodes with 5 recent
  failures of the batch's service last, then fewer tasks of the service,
  then fewer tasks in total.  It is the default and the reference.
- :class:`Binpack` packs: the same failure rule, then **more** tasks in
  total, then more tasks of the service, so a node fills up (until a filter
  such as resources or ``--replicas-max-per-node`` refuses it) before the
  next one gets anything.  swarmkit has no such strategy (classic Docker
  Swarm had ``--strategy binpack``); it is here to compare against.

Use::

    swarm.scheduler.ranking = Binpack

A ranking of one's own subclasses :class:`NodeRanking` and overrides
``__call__`` (it may read ``info.labels``, a mapping, and the counts of
:class:`~swarmsim.manager.scheduler.nodeinfo.NodeInfo`); see
``docs/guides/tester.md``.

Differences
-----------
swarmkit has no pluggable ranking; with the default the scheduler is
unchanged (its fast path for spread is kept).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from swarmsim.manager.scheduler.nodeinfo import MAX_FAILURES, FailureKey, NodeInfo
from swarmsim.manager.scheduler.nodeset import NodeRanking

__all__ = ["RANKINGS", "SPREAD", "Binpack", "Ranking", "recent_failures", "resolve_ranking"]

Ranking = Callable[[str, FailureKey, float], NodeRanking]
"""Makes the ranking of one batch from ``(service ID, failure key, now)``."""

SPREAD: Ranking = NodeRanking
"""swarmkit's ranking (the default)."""

_SHIFT = 32
_MASK = (1 << _SHIFT) - 1


def recent_failures(info: NodeInfo, failure_key: FailureKey, now: float) -> int:
    """The failures that make a node a last choice: its count if >= 5, else 0."""
    if not info.recent_failures:
        return 0
    failures = info.count_recent_failures(failure_key, now)
    return failures if failures >= MAX_FAILURES else 0


class Binpack(NodeRanking):
    """Fullest node first: failures first, then more tasks in total, then of the service.

    Examples
    --------
    >>> from swarmsim.api.objects import Node
    >>> busy, idle = NodeInfo(Node("n1", "busy")), NodeInfo(Node("n2", "idle"))
    >>> busy.active_tasks_count = 3
    >>> rank = Binpack("svc", ("svc", 1), 0.0)
    >>> rank(busy) < rank(idle)
    True
    >>> spread = NodeRanking("svc", ("svc", 1), 0.0)
    >>> spread(busy) < spread(idle)
    False
    """

    __slots__ = ()

    def __call__(self, info: NodeInfo) -> int:
        failures = recent_failures(info, self.failure_key, self.now)
        total = _MASK - min(info.active_tasks_count, _MASK)
        by_service = _MASK - min(info.active_tasks_count_by_service.get(self.service_id, 0), _MASK)
        return (((failures << _SHIFT) | total) << _SHIFT) | by_service


RANKINGS: dict[str, Ranking] = {"spread": SPREAD, "binpack": Binpack}
"""The shipped rankings by name."""


def resolve_ranking(text: str) -> Ranking:
    """A ranking by name (:data:`RANKINGS`) or as ``module:Class`` (``swarmsim shell --ranking``).

    Examples
    --------
    >>> resolve_ranking("binpack") is Binpack
    True
    >>> resolve_ranking("swarmsim.manager.scheduler.ranking:Binpack") is Binpack
    True
    >>> resolve_ranking("best")
    Traceback (most recent call last):
    ...
    ValueError: unknown ranking 'best' (binpack, spread, or module:Class)
    """
    if text in RANKINGS:
        return RANKINGS[text]
    module, sep, name = text.partition(":")
    if not sep or not module or not name:
        raise ValueError(
            f"unknown ranking {text!r} ({', '.join(sorted(RANKINGS))}, or module:Class)"
        )
    try:
        found: object = importlib.import_module(module)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"cannot load ranking {text!r}: {error}") from None
    if not (isinstance(found, type) and issubclass(found, NodeRanking)):
        raise ValueError(f"{text!r} is not a NodeRanking subclass")
    return found
