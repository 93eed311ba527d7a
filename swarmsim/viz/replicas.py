"""Replicas over time: the task counts of :func:`swarmsim.metrics.replica_timeline`, drawn.

This module counts nothing itself: every line and area is a series of the
:class:`~swarmsim.metrics.ReplicaTimeline`, so the picture shows the same
numbers as :func:`~swarmsim.metrics.update_reports` and
:func:`~swarmsim.metrics.replica_series` (the *available* rule of
:mod:`swarmsim.metrics`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from swarmsim.metrics import StepSeries, replica_timeline
from swarmsim.trace import TraceRecord
from swarmsim.viz.style import (
    LABEL_FONTSIZE,
    UPDATE_COLORS,
    check_axes,
    new_axes,
    outside_legend,
    px_per_unit,
    text_px,
    time_label,
)

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

_Chunk = tuple[list[float], list[float], list[float]]  # times, lower, upper


def _version_stack(by_version: Mapping[int, StepSeries], end: float) -> dict[int, list[_Chunk]]:
    """Stacked step areas of the per-version counts (older versions at the bottom).

    One sweep over the change points; each instant costs the number of versions
    running then, so the work stays linear in the trace for a few live versions.
    """
    events = sorted(
        (t, version, value)
        for version, series in by_version.items()
        for t, value in zip(series.times, series.values, strict=True)
    )
    chunks: dict[int, list[_Chunk]] = {}
    active: dict[int, int] = {}
    previous: dict[int, tuple[float, float]] = {}

    def emit(t: float) -> None:
        nonlocal previous
        current: dict[int, tuple[float, float]] = {}
        base = 0.0
        for version in sorted(active):
            current[version] = (base, base + active[version])
            base += active[version]
        closing = [(v, span) for v, span in previous.items() if v not in current]
        for version, (lo, hi) in [*current.items(), *closing]:
            if version not in previous:
                chunks.setdefault(version, []).append(([], [], []))
            xs, los, his = chunks[version][-1]
            if xs and xs[-1] == t:  # a change exactly at the end: nothing left to draw
                continue
            xs.append(t)
            los.append(lo)
            his.append(hi)
        previous = current

    for t, group in groupby(events, key=itemgetter(0)):
        for _, version, value in group:
            if value:
                active[version] = value
            else:
                active.pop(version, None)
        emit(t)
    active.clear()
    emit(end)
    return chunks


def replicas_over_time(
    trace: Iterable[TraceRecord],
    service: str,
    *,
    ax: Axes | None = None,
    until: float | None = None,
) -> Axes:
    """Draw the task counts of one service over virtual time, with update bands.

    Step lines (values hold from each change on), all from
    :func:`swarmsim.metrics.replica_timeline`: ``running`` (available tasks:
    observed running on a node that is not down — the count behind
    ``min_running`` of :func:`~swarmsim.metrics.update_reports`),
    ``desired running`` (tasks whose desired state is running),
    ``replicas (spec)`` (the spec's replica count; omitted for a global
    service) and, when tasks of more than one spec version were available,
    stacked areas ``running v<N>`` per version, so a rolling update shows the
    old version falling and the new one rising.  Bands shade the spans when
    the service's update state was ``updating``, ``paused``,
    ``rollback_started`` or ``rollback_paused`` (:data:`UPDATE_COLORS`),
    labelled at the top.

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace`), in time order.
    service
        The service's name.
    ax
        The axes to draw into; a new Agg-backed figure when None.
    until
        Draw up to this virtual time; the last record when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; its lines are labelled as above, the version areas have gids
        ``version:<N>`` and the bands ``update:<state>``.

    Raises
    ------
    InvalidArgument
        When the trace has no record of ``service``.
    """
    check_axes(ax)
    data = replica_timeline(trace, service, until=until)
    end = data.end if data.end > data.start else data.start + 1.0
    if ax is None:
        ax = new_axes(11.0, 3.8)

    def step(series: StepSeries, **style: object) -> None:
        xs = [*series.times, end]
        ys = [*series.values, series.values[-1] if series.values else 0]
        ax.step(xs, ys, where="post", **style)  # type: ignore[arg-type]

    if not data.global_mode:
        step(
            data.replicas,
            color="#9e9e9e",
            linewidth=5,
            alpha=0.35,
            solid_capstyle="butt",
            label="replicas (spec)",
            zorder=2,
        )
    step(data.running, color="#111111", linewidth=2.0, label="running", zorder=3)
    if len(data.by_version) > 1:
        palette = mpl.colormaps["tab10"]
        stack = _version_stack(data.by_version, end)
        for i, version in enumerate(data.by_version):
            label = f"running v{version}"
            for xs, los, his in stack.get(version, []):
                ax.fill_between(
                    xs,
                    los,
                    his,
                    step="post",
                    color=palette(i % 10),
                    alpha=0.45,
                    linewidth=0,
                    label=label,
                    zorder=1,
                    gid=f"version:{version}",
                )
                label = "_nolegend_"
    step(
        data.desired_running,
        color="#6a3d9a",
        linewidth=1.2,
        linestyle=(0, (2, 2)),
        label="desired running",
        zorder=5,
    )

    top = max(
        data.running.maximum(),
        data.desired_running.maximum(),
        0 if data.global_mode else data.replicas.maximum(),
        1,
    )
    margin = 0.01 * (end - data.start)
    ax.set_xlim(data.start - margin, end + margin)
    ax.set_ylim(0, top + max(1.0, 0.3 * top))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    px_x, _ = px_per_unit(ax, end - data.start + 2 * margin, 1.0)
    seen: set[str] = set()
    for span in data.updates:
        color, text = UPDATE_COLORS[span.state]
        ax.axvspan(
            span.start,
            span.end,
            color=color,
            alpha=0.16,
            linewidth=0,
            zorder=0.5,
            gid=f"update:{span.state}",
            label=text if span.state not in seen else "_nolegend_",
        )
        seen.add(span.state)
        if (span.end - span.start) * px_x >= text_px(text, ax) + 4:
            ax.text(
                span.start,
                0.97,
                f" {text}",
                transform=ax.get_xaxis_transform(),
                ha="left",
                va="top",
                fontsize=LABEL_FONTSIZE,
                color=color,
                zorder=6,
                clip_on=True,
            )
    time_label(ax)
    ax.set_ylabel("tasks")
    ax.set_title(f"Running tasks of {service}")
    ax.grid(color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    outside_legend(ax)
    return ax


def plot_replicas(
    swarm: Swarm, service: str, ax: Axes | None = None, *, until: float | None = None
) -> Axes:
    """:func:`replicas_over_time` of ``swarm.trace`` up to ``until``.

    ``until`` defaults to the swarm's current time, so the last counts hold to
    the end of the picture; ``ax`` is as for :func:`replicas_over_time`.
    Returns the axes.
    """
    end = swarm.now if until is None else until
    return replicas_over_time(swarm.trace, service, ax=ax, until=end)
