"""Where the tasks run: available tasks per group of nodes and per image, over time.

:func:`group_timeline` is what the aggregated lanes of
:func:`swarmsim.viz.lesson.lesson_figure` draw for a large cluster (one lane
per group of nodes instead of one row per node).  It uses the *available*
rule of :mod:`swarmsim.metrics` and tells versions apart by image, like the
pictures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from swarmsim.metrics._sweep import Classes, Sweep
from swarmsim.metrics.series import StepSeries
from swarmsim.trace import Trace, TraceRecord

ImageKey = tuple[str, str]  # service name, image


@dataclass(slots=True)
class GroupTimeline:
    """Counts of one group of nodes over virtual time.

    Attributes
    ----------
    group
        The group's name.
    nodes
        Ids of its nodes.
    by_image
        Available tasks on its nodes per (service, image), in order of first
        availability; a spec version whose service record names no image
        counts as ``v<N>``.
    down
        Its nodes whose status is down (or that left the swarm).
    drained
        Its nodes whose availability is ``drain``.
    """

    group: str
    nodes: list[str]
    by_image: dict[ImageKey, StepSeries] = field(default_factory=dict)
    down: StepSeries = field(default_factory=StepSeries)
    drained: StepSeries = field(default_factory=StepSeries)


def group_timeline(
    trace: Trace | Iterable[TraceRecord], group_of: Mapping[str, str]
) -> dict[str, GroupTimeline]:
    """Available tasks per image, down and drained nodes, for each group of nodes.

    Parameters
    ----------
    trace
        The records, in time order.
    group_of
        Node id → group name; nodes not named here are left out.

    Returns
    -------
    dict of str to GroupTimeline
        One per group, in order of first appearance in ``group_of``.

    Examples
    --------
    >>> from swarmsim.trace import TraceRecord as R
    >>> records = [
    ...     R(0.0, "node", "create", "n1", "worker", 0, "w1", "ready", "active", "", 0),
    ...     R(0.0, "service", "create", "s", "web", 1, "", "", "nginx:1", "", 0),
    ...     R(1.0, "task", "update", "t1", "web", 1, "n1", "running", "running", "", 0),
    ...     R(5.0, "node", "update", "n1", "worker", 0, "w1", "down", "active", "", 0),
    ... ]
    >>> lane = group_timeline(records, {"n1": "workers"})["workers"]
    >>> lane.by_image[("web", "nginx:1")].values, lane.down.times, lane.down.values
    ([1, 0], [0.0, 5.0], [0, 1])
    """
    lanes: dict[str, GroupTimeline] = {}
    for node, group in group_of.items():
        lanes.setdefault(group, GroupTimeline(group, [])).nodes.append(node)
    sweep = Sweep(Classes())
    image_of: dict[tuple[str, int], str] = {}
    drained: set[str] = set()
    touched: set[str] = set(lanes)

    def see(rec: TraceRecord) -> None:
        if rec.kind == "service":
            image_of.setdefault((rec.service, rec.spec_version), rec.desired)
        elif rec.kind == "node":
            (drained.add if rec.desired == "drain" else drained.discard)(rec.id)
            _touch(rec.id)
        elif rec.kind == "task":
            old = sweep.tasks.get(rec.id)
            if old is not None:
                _touch(old.node)
            _touch(rec.node)

    def _touch(node: str) -> None:
        group = group_of.get(node)
        if group is not None:
            touched.add(group)

    def settle(now: float) -> bool:
        for group in touched:
            lane = lanes[group]
            counts: Counter[ImageKey] = Counter()
            for node in lane.nodes:
                if node in sweep.down:
                    continue
                for (service, version), count in sweep.on_node.get(node, Counter()).items():
                    image = image_of.get((service, version)) or f"v{version}"
                    counts[(service, image)] += count
            for key, count in counts.items():
                if count and key not in lane.by_image:
                    lane.by_image[key] = StepSeries()
            for key, series in lane.by_image.items():
                series.set(now, counts[key])
            lane.down.set(now, sum(node in sweep.down for node in lane.nodes))
            lane.drained.set(now, sum(node in drained for node in lane.nodes))
        touched.clear()
        return False

    sweep.run(trace, settle, see)
    return lanes
