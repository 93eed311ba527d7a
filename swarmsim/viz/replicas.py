"""Replicas over time: the task counts of :func:`swarmsim.metrics.replica_timeline`, drawn.

This module counts nothing itself: every line and area is a series of the
:class:`~swarmsim.metrics.ReplicaTimeline`, so the picture shows the same
numbers as :func:`~swarmsim.metrics.update_reports` and
:func:`~swarmsim.metrics.replica_series` (the *available* rule of
:mod:`swarmsim.metrics`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, TypeVar

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from swarmsim.metrics import StepSeries, replica_timeline
from swarmsim.trace import TraceRecord
from swarmsim.viz.i18n import check_lang, text
from swarmsim.viz.style import (
    LABEL_FONTSIZE,
    UPDATE_COLORS,
    new_axes,
    outside_legend,
    px_per_unit,
    text_px,
    time_label,
)
from swarmsim.viz.versions import VersionPalette

if TYPE_CHECKING:
    from swarmsim.swarm import Swarm

_Chunk = tuple[list[float], list[float], list[float]]  # times, lower, upper
K = TypeVar("K", bound=Hashable)


def stack_series(by_version: Mapping[K, StepSeries], end: float) -> dict[K, list[_Chunk]]:
    """Stacked step areas of the per-version counts (older versions at the bottom).

    Versions stack in the order of ``by_version``.

    One sweep over the change points; each instant costs the number of versions
    running then, so the work stays linear in the trace for a few live versions.
    """
    rank = {version: i for i, version in enumerate(by_version)}
    events = sorted(
        (t, rank[version], value)
        for version, series in by_version.items()
        for t, value in zip(series.times, series.values, strict=True)
    )
    keys = list(by_version)
    chunks: dict[K, list[_Chunk]] = {}
    active: dict[K, int] = {}
    previous: dict[K, tuple[float, float]] = {}

    def emit(t: float) -> None:
        nonlocal previous
        current: dict[K, tuple[float, float]] = {}
        base = 0.0
        for version in sorted(active, key=rank.__getitem__):
            current[version] = (base, base + active[version])
            base += active[version]
        closing: list[tuple[K, tuple[float, float]]] = [
            (v, span) for v, span in previous.items() if v not in current
        ]
        for key, (lo, hi) in [*current.items(), *closing]:
            if key not in previous:
                chunks.setdefault(key, []).append(([], [], []))
            xs, los, his = chunks[key][-1]
            if xs and xs[-1] == t:  # a change exactly at the end: nothing left to draw
                continue
            xs.append(t)
            los.append(lo)
            his.append(hi)
        previous = current

    for t, group in groupby(events, key=itemgetter(0)):
        for _, index, value in group:
            version = keys[index]
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
    palette: VersionPalette | None = None,
    lang: str = "en",
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
    palette
        Stack the areas by image instead (``running redis:3.0.6``, from
        :attr:`~swarmsim.metrics.ReplicaTimeline.by_image`), in the version
        colours of :mod:`~swarmsim.viz.versions`, even for a single image.
    lang
        Language of the labels (``en`` or ``es``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes; its lines are labelled as above, the version areas have gids
        ``version:<N>`` (``image:<image>`` with a palette) and the bands
        ``update:<state>``.

    Raises
    ------
    InvalidArgument
        When the trace has no record of ``service``.
    """
    check_lang(lang)
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
            label=text("replicas", lang),
            zorder=2,
        )
    step(data.running, color="#111111", linewidth=2.0, label=text("state:running", lang), zorder=3)
    areas: list[tuple[str, object, str, list[_Chunk]]] = []  # gid, colour, label, chunks
    if palette is not None:
        image_stack = stack_series(data.by_image, end)
        for image in data.by_image:
            version = palette.by_image(service, image)
            label = text("running on", lang, version=version.image)
            areas.append((f"image:{image}", version.color, label, image_stack[image]))
    elif len(data.by_version) > 1:
        tab10 = mpl.colormaps["tab10"]
        stack = stack_series(data.by_version, end)
        for i, number in enumerate(data.by_version):
            label = text("running on", lang, version=f"v{number}")
            areas.append((f"version:{number}", tab10(i % 10), label, stack.get(number, [])))
    for gid, color, label, chunks in areas:
        for xs, los, his in chunks:
            ax.fill_between(
                xs,
                los,
                his,
                step="post",
                color=color,
                alpha=0.45,
                linewidth=0,
                label=label,
                zorder=1,
                gid=gid,
            )
            label = "_nolegend_"
    step(
        data.desired_running,
        color="#6a3d9a",
        linewidth=1.2,
        linestyle=(0, (2, 2)),
        label=text("desired", lang),
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
        color, _ = UPDATE_COLORS[span.state]
        band = text(f"update:{span.state}", lang)
        ax.axvspan(
            span.start,
            span.end,
            color=color,
            alpha=0.16,
            linewidth=0,
            zorder=0.5,
            gid=f"update:{span.state}",
            label=band if span.state not in seen else "_nolegend_",
        )
        seen.add(span.state)
        if (span.end - span.start) * px_x >= text_px(band, ax) + 4:
            ax.text(
                span.start,
                0.97,
                f" {band}",
                transform=ax.get_xaxis_transform(),
                ha="left",
                va="top",
                fontsize=LABEL_FONTSIZE,
                color=color,
                zorder=6,
                clip_on=True,
            )
    time_label(ax, lang)
    ax.set_ylabel(text("tasks", lang))
    ax.set_title(text("title:replicas", lang, service=service))
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
