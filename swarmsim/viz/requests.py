"""The share of requests served over time: the success-rate panel.

One step line per load (its name and target in the legend): the percentage
of the requests of each time window that were served, from
:func:`swarmsim.metrics.requests_frame`, with a cross on every window where
some failed.  :func:`~swarmsim.viz.lesson.lesson_figure` adds this panel
under the replica panels when the run had traffic.  Viz counts nothing
itself.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib as mpl
from matplotlib.axes import Axes

from swarmsim.errors import InvalidArgument
from swarmsim.metrics.requests import requests_frame
from swarmsim.trace import Trace, TraceRecord
from swarmsim.viz.i18n import check_lang, text
from swarmsim.viz.style import check_axes, new_axes, outside_legend, time_label

__all__ = ["has_requests", "success_rate_over_time"]


def has_requests(records: Iterable[TraceRecord]) -> bool:
    """Whether a run had traffic (its trace holds ``requests`` records)."""
    return any(record.kind == "requests" for record in records)


def success_rate_over_time(
    trace: Iterable[TraceRecord],
    *,
    ax: Axes | None = None,
    until: float | None = None,
    lang: str = "en",
) -> Axes:
    """Draw the percentage of requests served per time window, one line per load.

    Parameters
    ----------
    trace
        The records (a :class:`~swarmsim.trace.Trace`, or a ``Swarm``'s).
    ax
        The axes to draw into; a new Agg-backed figure when None.
    until
        End of the time axis; the trace's end when None.
    lang
        Language of the labels (``en`` or ``es``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes; line ``i`` has gid ``load:<name>``.

    Raises
    ------
    InvalidArgument
        When the trace has no requests.

    Examples
    --------
    >>> from swarmsim.swarm import Swarm
    >>> swarm = Swarm(seed=0, workers=1)
    >>> swarm.docker("docker service create -d --name web -p 8080:80 nginx").ok
    True
    >>> load = swarm.traffic(":8080", rate=10, name="web")
    >>> swarm.advance(10)
    >>> ax = success_rate_over_time(swarm.trace)
    >>> [(line.get_gid(), line.get_label()) for line in ax.get_lines()][:1]
    [('load:web', 'web → :8080')]
    """
    check_lang(lang)
    check_axes(ax)
    records = list(trace)
    frame = requests_frame(records)
    if frame.empty:
        raise InvalidArgument("the trace has no requests: start a load with swarm.traffic()")
    if until is None:
        until = trace.end if isinstance(trace, Trace) else records[-1].time
    if ax is None:
        ax = new_axes(11.0, 2.6)
    colors = mpl.colormaps["tab10"]
    for i, (name, rows) in enumerate(frame.groupby("load", sort=False)):
        times = list(rows["time"])
        rates = list(100.0 * rows["ok"] / rows["sent"])
        target = rows["target"].iloc[0]
        color = colors(i % 10)
        ax.step(
            [*times, max(until, times[-1])],
            [*rates, rates[-1]],
            where="post",
            color=color,
            linewidth=1.6,
            label=f"{name} → {target}",
            gid=f"load:{name}",
        )
        failing = rows["failed"] > 0
        if failing.any():
            ax.plot(
                rows["time"][failing],
                [-4.0] * int(failing.sum()),
                "x",
                color=color,
                markersize=4,
                label="_nolegend_",
                clip_on=False,
            )
    ax.set_ylim(-8, 108)
    ax.set_ylabel(text("served", lang))
    ax.set_title(text("title:requests", lang))
    ax.grid(color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    time_label(ax, lang)
    outside_legend(ax)
    return ax
