"""The picture of a lesson: where every task ran, each service's replicas, and the commands.

:func:`lesson_figure` stacks, on one time axis,

* the per-node task timeline (:func:`~swarmsim.viz.gantt.task_gantt`), or for
  more than :data:`AGGREGATE_ABOVE` nodes one lane per group of nodes
  (:func:`~swarmsim.viz.lanes.node_lanes`);
* the replica/update panel of every service
  (:func:`~swarmsim.viz.replicas.replicas_over_time`);
* a key listing the commands and faults, drawn on every panel as numbered
  vertical markers at the time they ran (:mod:`~swarmsim.viz.commands`).

Versions are coloured by image (:mod:`~swarmsim.viz.versions`) in the tasks
and in the replica areas alike.  Everything comes from the trace records, so a
trace loaded from a file (:func:`swarmsim.trace.load`) draws the same picture
as the live run.  Texts follow ``lang`` (``en`` or ``es``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from matplotlib.figure import Figure

from swarmsim.errors import InvalidArgument
from swarmsim.sim import gc_paused
from swarmsim.trace import Trace, TraceRecord
from swarmsim.viz.commands import command_marks, draw_key, draw_marks, key_lines
from swarmsim.viz.gantt import gantt_lanes, task_gantt
from swarmsim.viz.i18n import check_lang, text
from swarmsim.viz.lanes import MAX_LANES, node_groups, node_lanes
from swarmsim.viz.output import save
from swarmsim.viz.replicas import replicas_over_time
from swarmsim.viz.requests import has_requests, success_rate_over_time
from swarmsim.viz.style import new_figure
from swarmsim.viz.versions import version_palette

#: Above this many nodes the timeline shows groups of nodes instead of one row per node.
AGGREGATE_ABOVE = 30
#: Most services given a replica panel (in order of creation).
MAX_SERVICES = 8
WIDTH = 12.0


@gc_paused()  # every record, and objects per task: see gc_paused
def lesson_figure(
    trace: Iterable[TraceRecord], *, lang: str = "en", until: float | None = None
) -> Figure:
    """The lesson's picture as a :class:`~matplotlib.figure.Figure` (Agg canvas, no pyplot).

    The figure displays itself in a notebook (it has ``_repr_png_``) without
    ``%matplotlib inline``.

    Parameters
    ----------
    trace
        The run's :class:`~swarmsim.trace.Trace` (live or loaded), in time order.
    lang
        ``en`` or ``es``: titles, axes, legends and state names.
    until
        End of the time axis; when None, :attr:`Trace.end <swarmsim.trace.Trace.end>`
        (the time the run reached), or the last record's time for other iterables.

    Returns
    -------
    matplotlib.figure.Figure
        Axes in order: the timeline (gid ``timeline`` or ``lanes``), one
        replica panel per service (gid ``replicas:<service>``), the
        success-rate panel (gid ``requests``) when the run had traffic, the
        command key (gid ``commands``) when the run has commands.

    Raises
    ------
    InvalidArgument
        For an empty trace or an unknown language.
    """
    check_lang(lang)
    records = list(trace)
    if not records:
        raise InvalidArgument("the trace is empty: nothing to draw")
    if until is not None:
        end = until
    else:
        end = trace.end if isinstance(trace, Trace) else records[-1].time
    end = end if end > 0 else 1.0
    palette = version_palette(records)
    services = list(dict.fromkeys(r.service for r in records if r.kind == "service"))
    services = services[:MAX_SERVICES]
    nodes = {r.id for r in records if r.kind == "node"}
    aggregate = len(nodes) > AGGREGATE_ABOVE
    marks = command_marks(r for r in records if r.time <= end)

    if aggregate:
        top_height = 1.0 + 0.36 * len(set(node_groups(records).values()))
    else:
        top_height = min(9.0, max(2.2, 1.0 + 0.3 * gantt_lanes(records, until=end)))
    heights = [top_height] + [2.3] * len(services)
    traffic = has_requests(records)
    if traffic:
        heights.append(2.0)
    if marks:
        heights.append(0.35 + 0.15 * key_lines(marks))
    fig = new_figure(WIDTH, sum(heights) + 0.4)
    grid = fig.add_gridspec(len(heights), 1, height_ratios=heights)
    top = fig.add_subplot(grid[0])
    top.set_xlim(-0.01 * end, 1.01 * end)
    if aggregate:
        node_lanes(records, top, palette, until=end, lang=lang)
        top.set_gid("lanes")
    else:
        task_gantt(records, ax=top, until=end, palette=palette, lang=lang)
        top.set_gid("timeline")
    levels = draw_marks(top, marks, numbers=True)
    top.title.set_y(1.0)
    top.title.set_position((0.5, 1.0))
    top.set_title(top.get_title(), pad=8 + 13 * levels)
    # a Trace gives each panel its service's records only (Trace.of_service)
    source = trace if isinstance(trace, Trace) else records
    for row, service in enumerate(services, start=1):
        ax = fig.add_subplot(grid[row], sharex=top)
        replicas_over_time(source, service, ax=ax, until=end, palette=palette, lang=lang)
        ax.set_gid(f"replicas:{service}")
        draw_marks(ax, marks)
    if traffic:
        ax = fig.add_subplot(grid[len(services) + 1], sharex=top)
        success_rate_over_time(records, ax=ax, until=end, lang=lang)
        ax.set_gid("requests")
        draw_marks(ax, marks)
    for ax in fig.axes:  # one time axis, under the last panel
        last = ax is fig.axes[-1]
        ax.set_xlabel(text("time", lang) if last else "")
        ax.tick_params(axis="x", labelbottom=last)
    if marks:
        key = fig.add_subplot(grid[len(heights) - 1])
        key.set_gid("commands")
        draw_key(key, marks, lang)
    return fig


def save_lesson_plot(
    trace: Iterable[TraceRecord], path: str | os.PathLike[str], *, lang: str = "en"
) -> None:
    """Draw :func:`lesson_figure` and write it as PNG, SVG or PDF (by extension).

    The file is byte-identical for identical traces (:func:`swarmsim.viz.save`).
    """
    save(lesson_figure(trace, lang=lang), path)


__all__ = ["AGGREGATE_ABOVE", "MAX_LANES", "lesson_figure", "save_lesson_plot"]
