"""The task Gantt chart: one row per node, one bar per task coloured by observed state."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from swarmsim.errors import InvalidArgument
from swarmsim.sim import gc_paused
from swarmsim.trace import TraceRecord
from swarmsim.viz.fills import SegmentFills
from swarmsim.viz.i18n import check_lang, text
from swarmsim.viz.style import (
    GROUP_COLORS,
    LABEL_FONTSIZE,
    NODE_SHADES,
    TERMINAL,
    check_axes,
    new_axes,
    outside_legend,
    px_per_unit,
    rect,
    rects,
    state_group,
    text_px,
    time_label,
)
from swarmsim.viz.tasks import NodeRow, TaskBar, scan
from swarmsim.viz.versions import VersionPalette

if TYPE_CHECKING:
    from matplotlib.artist import Artist

    from swarmsim.swarm import Swarm


def _pack(bars: Sequence[TaskBar], extent: Mapping[str, float], gap: float) -> dict[str, int]:
    """Lane of each bar in one row: the lowest free lane when it starts (O(n log n))."""
    lanes: dict[str, int] = {}
    busy: list[tuple[float, int]] = []  # (visual end + gap, lane)
    free: list[int] = []
    count = 0
    for bar in sorted(bars, key=lambda b: b.created):
        while busy and busy[0][0] <= bar.created:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, count = count, count + 1
        lanes[bar.id] = lane
        heapq.heappush(busy, (extent[bar.id] + gap, lane))
    return lanes


@dataclass(slots=True)
class _Layout:
    bars: list[TaskBar]
    nodes: list[NodeRow]
    end: float
    order: list[str]  # node ids top to bottom ("" for never-assigned tasks)
    lanes: dict[str, int]  # task id -> lane in its row
    offsets: dict[str, float]  # node id -> top of its row
    heights: dict[str, int]  # node id -> lanes in its row
    total: float
    extent: dict[str, float]  # task id -> where its bar visually ends
    hostnames: dict[str, str]


def _layout(
    trace: Iterable[TraceRecord],
    service: str | None,
    until: float | None,
    terminal_width: float | None,
) -> _Layout:
    """Rows and lanes of the chart: nodes in order of appearance, overlapping tasks stacked."""
    bars, nodes, end = scan(trace, service, until)
    end = end if end > 0 else 1.0
    cap = 0.02 * end if terminal_width is None else terminal_width

    # rows: nodes in order of appearance, then unknown node ids, then unassigned tasks
    order = [row.id for row in nodes]
    known = set(order)
    by_row: dict[str, list[TaskBar]] = {node_id: [] for node_id in order}
    for bar in bars:
        if bar.node not in known:
            known.add(bar.node)
            order.append(bar.node)
            by_row[bar.node] = []
        by_row[bar.node].append(bar)
    if "" in by_row:  # never-assigned tasks go last
        order.remove("")
        order.append("")
    hostnames = {row.id: row.hostname for row in nodes}

    extent: dict[str, float] = {}
    for bar in bars:
        visual = bar.end
        if bar.terminal and bar.segments and bar.segments[-1].state in TERMINAL:
            visual = min(visual, bar.segments[-1].start + cap)
        extent[bar.id] = visual
    gap = 0.004 * end
    lanes: dict[str, int] = {}
    offsets: dict[str, float] = {}
    heights: dict[str, int] = {}
    total = 0.0
    for node_id in order:
        packed = _pack(by_row[node_id], extent, gap)
        lanes.update(packed)
        offsets[node_id] = total
        heights[node_id] = max(1, max(packed.values(), default=0) + 1)
        total += heights[node_id]

    return _Layout(bars, nodes, end, order, lanes, offsets, heights, total, extent, hostnames)


def gantt_lanes(
    trace: Iterable[TraceRecord], *, service: str | None = None, until: float | None = None
) -> int:
    """How many lanes (bar heights) :func:`task_gantt` stacks, to size a figure before drawing."""
    return int(_layout(trace, service, until, None).total)


@gc_paused()  # an object or more per task: see gc_paused
def task_gantt(
    trace: Iterable[TraceRecord],
    *,
    service: str | None = None,
    node_names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    until: float | None = None,
    terminal_width: float | None = None,
    palette: VersionPalette | None = None,
    lang: str = "en",
) -> Axes:
    """Draw one row per node and one bar per task, coloured by observed state.

    Each bar starts when the task is created and is split into segments
    coloured by observed state (:data:`STATE_COLORS`): new…assigned yellow,
    preparing…starting light blue, running blue, then a terminal cap (failed
    red, shutdown grey, complete green, rejected dark red).  A hatched overlay
    marks a task asked to stop whose observed state is not yet terminal (a
    stopping task, or a stale state on a node that is down).  Tasks overlapping
    in time on one node are stacked in lanes.  Each node row shades the spans
    when the node was down (light red), drained (grey hatching) or paused, and
    a vertical line marks where it went down (red) or came back (green).
    Rows are named by hostname; when rows are thinner than a line of text (a
    few hundred nodes), only rows a line apart are named.

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace`), in time order.
    service
        Draw only the tasks of this service (every node still gets its row).
    node_names
        Node id → hostname; defaults to the hostnames in the node records.
    ax
        The axes to draw into; a new Agg-backed figure when None.
    until
        Draw up to this virtual time; the last record when None.
    terminal_width
        How long (seconds) a terminal state is drawn after the task stopped,
        unless it was deleted earlier; 2% of the time axis when None, and
        ``math.inf`` draws it until deletion.
    palette
        Colour tasks by version instead of by state (:mod:`~swarmsim.viz.versions`):
        running in the version's colour, new…starting in a light tint of it,
        failed/rejected vermillion and cross-hatched, complete/shutdown grey.
    lang
        Language of the title and legend (``en`` or ``es``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes.  Its collections have gids: ``state:<group>`` (segments of a
        colour group), ``stopping``, ``tasks`` (one outline per task, in
        creation order), ``node:down``, ``node:drained``, ``node:paused``,
        ``marker:down``, ``marker:up`` and ``rows`` (the lines between node
        rows); with a ``palette`` the segments
        are ``version:<label>`` (running) and ``starting:<label>`` per version
        and ``state:<group>`` for the other groups.
    """
    check_lang(lang)
    check_axes(ax)
    if node_names is not None and not (
        isinstance(node_names, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in node_names.items())
    ):
        raise InvalidArgument(f"node_names must map node ids to names, not {node_names!r:.80}")
    if terminal_width is not None and (
        isinstance(terminal_width, bool)
        or not isinstance(terminal_width, int | float)
        or not terminal_width >= 0
    ):
        raise InvalidArgument(f"terminal_width must be seconds >= 0, not {terminal_width!r:.80}")
    layout = _layout(trace, service, until, terminal_width)
    bars, nodes, end, order = layout.bars, layout.nodes, layout.end, layout.order
    lanes, offsets, heights, total = layout.lanes, layout.offsets, layout.heights, layout.total
    extent, hostnames = layout.extent, layout.hostnames
    names = dict(node_names or {})

    if ax is None:
        ax = new_axes(11.0, min(14.0, max(2.6, 1.2 + 0.42 * total)))
    margin = 0.01 * end
    ax.set_xlim(-margin, end + margin)
    ax.set_ylim(max(total, 1), 0)  # an empty picture (nothing yet at ``until``) keeps a row
    px_x, px_y = px_per_unit(ax, end + 2 * margin, max(total, 1))

    # node shading and markers
    shade: dict[str, list[list[tuple[float, float]]]] = {"down": [], "drained": [], "paused": []}
    marks: dict[str, list[list[tuple[float, float]]]] = {"down": [], "up": []}
    for row in nodes:
        y0, y1 = offsets[row.id], offsets[row.id] + heights[row.id]
        for kind in shade:
            for x0, x1 in getattr(row, kind):
                shade[kind].append(rect(x0, x1, y0, y1))
        marks["down"].extend([(x, y0), (x, y1)] for x in row.went_down)
        marks["up"].extend([(x, y0), (x, y1)] for x in row.came_back)
    handles: list[Artist] = []
    legend_shade: list[Artist] = []
    for kind, verts in shade.items():
        color, alpha, hatch, _ = NODE_SHADES[kind]
        label = text(f"node:{kind}", lang)
        coll = PolyCollection(
            rects(verts),
            facecolors=color,
            edgecolors="#ffffff00",
            alpha=alpha,
            hatch=hatch,
            linewidths=0,
            zorder=0.5,
            gid=f"node:{kind}",
        )
        ax.add_collection(coll, autolim=False)
        if verts:
            legend_shade.append(
                Patch(
                    facecolor=color,
                    alpha=alpha,
                    hatch=hatch,
                    edgecolor="#777777",
                    linewidth=0,
                    label=label,
                )
            )

    # task segments, stopping overlay, outlines and labels
    fills = SegmentFills(palette, lang)
    stop_verts: list[list[tuple[float, float]]] = []
    outlines: list[list[tuple[float, float]]] = []
    half = 0.36
    for bar in bars:
        yc = offsets[bar.node] + lanes[bar.id] + 0.5
        y0, y1 = yc - half, yc + half
        visual = extent[bar.id]
        for seg in bar.segments:
            x1 = min(seg.end, visual)
            if x1 <= seg.start and seg.end > seg.start:
                continue
            fills.add(bar, state_group(seg.state), rect(seg.start, x1, y0, y1))
            if seg.stopping:
                stop_verts.append(rect(seg.start, x1, y0, y1))
        outlines.append(rect(bar.created, visual, y0, y1))
        place = _label_place(bar, visual, text_px(bar.label, ax) + 6, px_x)
        if place is not None and 2 * half * px_y >= LABEL_FONTSIZE * 1.3:
            x, group = place
            shown = ax.text(
                x,
                yc,
                bar.label,
                ha="center",
                va="center",
                fontsize=LABEL_FONTSIZE,
                color="white" if fills.dark(bar, group) else "black",
                zorder=5,
                clip_on=True,
            )
            clip = Rectangle(
                (bar.created, y0), visual - bar.created, 2 * half, transform=ax.transData
            )
            shown.set_clip_path(clip)
    handles.extend(fills.draw(ax))
    stop_coll = PolyCollection(
        rects(stop_verts),
        facecolors="none",
        edgecolors="#ffffffb0",
        linewidths=0,
        hatch="////",
        zorder=2.5,
        gid="stopping",
    )
    ax.add_collection(stop_coll, autolim=False)
    if stop_verts:
        handles.append(
            Patch(
                facecolor=GROUP_COLORS["running"],
                edgecolor="#ffffffb0",
                hatch="////",
                linewidth=0,
                label=text("stopping", lang),
            )
        )
    thin = px_y < 8  # many lanes: hairline outlines so the colours still show
    outline_coll = PolyCollection(
        rects(outlines),
        facecolors="none",
        edgecolors="#303030",
        linewidths=0.15 if thin else 0.6,
        zorder=3,
        gid="tasks",
    )
    ax.add_collection(outline_coll, autolim=False)

    for kind, color in (("down", "#c00000"), ("up", "#1a9850")):
        label = text(f"marker:{kind}", lang)
        lines = LineCollection(
            marks[kind], colors=color, linewidths=1.8, zorder=4, gid=f"marker:{kind}"
        )
        ax.add_collection(lines, autolim=False)
        if marks[kind]:
            legend_shade.append(Line2D([], [], color=color, linewidth=1.8, label=label))

    # axes furniture
    unassigned = text("unassigned", lang)
    figure = ax.get_figure(root=True)
    assert figure is not None
    named = _named_rows(order, offsets, heights, px_y, figure.dpi)
    ax.set_yticks(
        [offsets[n] + heights[n] / 2 for n in named],
        [names.get(n) or hostnames.get(n) or (n[:12] if n else unassigned) for n in named],
    )
    ax.tick_params(axis="y", length=0)
    # one artist for every line between rows, across the axes whatever the x limits
    separators = [[(0.0, offsets[n]), (1.0, offsets[n])] for n in order[1:]]
    rules = LineCollection(separators, colors="#bbbbbb", linewidths=0.8, zorder=1, gid="rows")
    rules.set_transform(ax.get_yaxis_transform())
    ax.add_collection(rules, autolim=False)
    time_label(ax, lang)
    title = text("title:tasks of", lang, service=service) if service else text("title:tasks", lang)
    ax.set_title(title)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    handles.extend(legend_shade)
    if handles:
        outside_legend(ax, handles)
    return ax


def _named_rows(
    order: Sequence[str],
    offsets: Mapping[str, float],
    heights: Mapping[str, int],
    px_y: float,
    dpi: float,
) -> list[str]:
    """The rows whose hostname is written: every row when each is as tall as a
    label, else, top down, each row a label's height below the last one named.

    A chart of a few hundred nodes or more has rows thinner than a line of text;
    naming every row would pile the names on each other (and matplotlib spends
    about a millisecond per tick).
    """
    label_px = 1.2 * FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    label_px *= dpi / 72.0
    if all(heights[n] * px_y >= label_px for n in order):
        return list(order)
    named: list[str] = []
    last = -label_px
    for node_id in order:
        centre = (offsets[node_id] + heights[node_id] / 2) * px_y
        if centre - last >= label_px:
            named.append(node_id)
            last = centre
    return named


def _label_place(
    bar: TaskBar, visual: float, need_px: float, px_x: float
) -> tuple[float, str] | None:
    """Where to centre a bar's label: its longest segment, else the whole bar, else None."""
    best: tuple[float, float, str] | None = None  # (width, centre, group)
    for seg in bar.segments:
        x1 = min(seg.end, visual)
        if best is None or x1 - seg.start > best[0]:
            best = (x1 - seg.start, (seg.start + x1) / 2, state_group(seg.state))
    if best is None:
        return None
    if best[0] * px_x >= need_px:
        return best[1], best[2]
    if (visual - bar.created) * px_x >= need_px:
        return (bar.created + visual) / 2, best[2]
    return None


def plot_tasks(
    swarm: Swarm, service: str | None = None, ax: Axes | None = None, *, until: float | None = None
) -> Axes:
    """:func:`task_gantt` of ``swarm.trace`` with the store's hostnames, up to ``until``.

    ``until`` defaults to the swarm's current time (so a node still down shows
    its shading to the end); ``service`` and ``ax`` are as for :func:`task_gantt`.
    Returns the axes.
    """
    names = {node_id: node.hostname for node_id, node in swarm.ctx.store.nodes.items()}
    end = swarm.now if until is None else until
    return task_gantt(swarm.trace, service=service, node_names=names, ax=ax, until=end)
