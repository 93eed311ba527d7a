"""Aggregated lanes for a large cluster: one lane per group of nodes, not one row per node.

At 100 nodes a row per node leaves no room for a bar, let alone a label.
:func:`node_lanes` groups the managers, then the workers in runs of
consecutive nodes (at most :data:`MAX_LANES` lanes in all), and draws in each
lane the available tasks of the group stacked by version (the counts of
:func:`swarmsim.metrics.group_timeline`; viz counts nothing), with the share
of the group's nodes that is down (red, from the top) or drained (grey hatching).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from swarmsim.metrics import GroupTimeline, StepSeries, group_timeline
from swarmsim.trace import TraceRecord
from swarmsim.viz.i18n import text
from swarmsim.viz.replicas import stack_series
from swarmsim.viz.style import NODE_SHADES, outside_legend, time_label
from swarmsim.viz.versions import VersionPalette

#: Most lanes drawn (managers and workers together).
MAX_LANES = 16


def node_groups(records: Sequence[TraceRecord], max_lanes: int = MAX_LANES) -> dict[str, str]:
    """Node id → lane name: managers then workers, in runs of consecutive nodes.

    Examples
    --------
    >>> from swarmsim.trace import TraceRecord as R
    >>> recs = [R(0.0, "node", "create", f"id{i}", "manager" if i == 0 else "worker", 0,
    ...           f"node{i}", "ready", "active", "", 0) for i in range(7)]
    >>> sorted(set(node_groups(recs, max_lanes=3).values()))
    ['node0', 'node1 … node3', 'node4 … node6']
    """
    roles: dict[str, str] = {}
    names: dict[str, str] = {}
    for rec in records:
        if rec.kind == "node":
            roles.setdefault(rec.id, rec.service)
            names.setdefault(rec.id, rec.node)
    managers = [n for n, role in roles.items() if role == "manager"]
    workers = [n for n, role in roles.items() if role != "manager"]
    lanes_for_managers = 1 if managers else 0
    size_m = max(1, len(managers))
    size_w = max(1, math.ceil(len(workers) / max(1, max_lanes - lanes_for_managers)))
    groups: dict[str, str] = {}
    for members, size in ((managers, size_m), (workers, size_w)):
        for start in range(0, len(members), size):
            chunk = members[start : start + size]
            first, last = names[chunk[0]], names[chunk[-1]]
            label = first if len(chunk) == 1 else f"{first} … {last}"
            groups.update(dict.fromkeys(chunk, label))
    return groups


def node_lanes(
    records: Iterable[TraceRecord],
    ax: Axes,
    palette: VersionPalette,
    *,
    until: float,
    lang: str = "en",
) -> Axes:
    """Draw one lane per group of nodes into ``ax`` (see the module docstring).

    Each lane's stacked areas have gid ``lane:<group>:<service>:<image>``; the
    y tick labels name the groups with their node counts.
    """
    records = list(records)
    lanes = group_timeline(records, node_groups(records))
    scale = max(
        (_peak(lane.by_image.values()) for lane in lanes.values()),
        default=1,
    )
    scale = max(scale, 1)
    legend: dict[str, Patch] = {}
    for row, lane in enumerate(lanes.values()):
        base = row + 0.92
        for (service, image), chunks in stack_series(lane.by_image, until).items():
            version = palette.by_image(service, image)
            for xs, los, his in chunks:
                ax.fill_between(
                    xs,
                    [base - 0.84 * v / scale for v in los],
                    [base - 0.84 * v / scale for v in his],
                    step="post",
                    color=version.color,
                    linewidth=0,
                    zorder=2,
                    gid=f"lane:{lane.group}:{service}:{image}",
                )
            legend.setdefault(version.label, Patch(facecolor=version.color, label=version.label))
        _share(ax, lane, lane.down, row, until, "down")
        _share(ax, lane, lane.drained, row, until, "drained")
    for kind in ("down", "drained"):
        if any(lane_series(lane, kind).maximum() for lane in lanes.values()):
            color, alpha, hatch, _ = NODE_SHADES[kind]
            legend[kind] = Patch(
                facecolor=color, alpha=alpha, hatch=hatch, label=text(f"node:{kind}", lang)
            )
    ax.set_ylim(len(lanes), 0)
    ax.set_yticks(
        [i + 0.5 for i in range(len(lanes))],
        [f"{lane.group} ({len(lane.nodes)})" for lane in lanes.values()],
    )
    ax.tick_params(axis="y", length=0, labelsize=8)
    for i in range(1, len(lanes)):
        ax.axhline(i, color="#bbbbbb", linewidth=0.8, zorder=1)
    ax.set_title(f"{text('title:lanes', lang)} ({text('lane scale', lang, count=scale)})")
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    time_label(ax, lang)
    outside_legend(ax, list(legend.values()))
    return ax


def lane_series(lane: GroupTimeline, kind: str) -> StepSeries:
    """The down or drained node count of a lane."""
    return lane.down if kind == "down" else lane.drained


def _peak(series: Iterable[StepSeries]) -> int:
    """Largest sum of the series at any of their change points."""
    series = list(series)
    times = sorted({t for s in series for t in s.times})
    return max((sum(s.at(t) for s in series) for t in times), default=0)


def _share(
    ax: Axes, lane: GroupTimeline, series: StepSeries, row: int, until: float, kind: str
) -> None:
    """The share of a lane's nodes that is down or drained, from the top of the lane."""
    if not series.maximum():
        return
    color, alpha, hatch, _ = NODE_SHADES[kind]
    xs = [*series.times, until]
    ys = [*series.values, series.values[-1]]
    tops = [row + 0.04 + 0.88 * v / len(lane.nodes) for v in ys]
    ax.fill_between(
        xs,
        [row + 0.04] * len(xs),
        tops,
        step="post",
        facecolor=color,
        alpha=alpha,
        hatch=hatch,
        linewidth=0,
        zorder=3,
        gid=f"lane:{lane.group}:{kind}",
    )
