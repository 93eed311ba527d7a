"""Colours, legend texts and the small drawing helpers shared by the pictures.

Nothing here draws a picture; :mod:`~swarmsim.viz.gantt` and
:mod:`~swarmsim.viz.replicas` do.  The helpers without a leading underscore
are for those modules, not part of the :mod:`swarmsim.viz` API.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from swarmsim.api.enums import TaskState
from swarmsim.errors import InvalidArgument
from swarmsim.viz.i18n import TEXTS, text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.artist import Artist

#: Colour of each group of task states, in legend order.
GROUP_COLORS: dict[str, str] = {
    "pending": "#f2c14e",
    "starting": "#a6cee3",
    "running": "#2166ac",
    "complete": "#2ca02c",
    "shutdown": "#9e9e9e",
    "failed": "#d62728",
    "rejected": "#7b0000",
    "orphaned": "#5b4636",
}

#: Legend text of each group of task states (English; see :mod:`~swarmsim.viz.i18n`).
GROUP_LABELS: dict[str, str] = {group: TEXTS[f"state:{group}"][0] for group in GROUP_COLORS}

# groups dark enough for white bar labels
DARK_GROUPS = frozenset({"running", "failed", "rejected", "orphaned", "complete"})


def state_group(state: str) -> str:
    """The colour group of an observed task state (its API name).

    Parameters
    ----------
    state
        A :class:`~swarmsim.api.enums.TaskState` API name such as ``"running"``.

    Returns
    -------
    str
        One of the keys of :data:`GROUP_COLORS`; unknown names count as ``pending``.

    Examples
    --------
    >>> [state_group(s) for s in ("assigned", "ready", "running", "failed")]
    ['pending', 'starting', 'running', 'failed']
    """
    return _STATE_GROUP.get(state, "pending")


def _group_of(state: TaskState) -> str:
    if state < TaskState.PREPARING:
        return "pending"
    if state < TaskState.RUNNING:
        return "starting"
    if state == TaskState.RUNNING:
        return "running"
    if state >= TaskState.REMOVE:
        return "orphaned"
    return state.api_name


_STATE_GROUP: dict[str, str] = {s.api_name: _group_of(s) for s in TaskState}
TERMINAL: frozenset[str] = frozenset(s.api_name for s in TaskState if s.terminal)
STOP_DESIRED: frozenset[str] = frozenset(s.api_name for s in TaskState if s > TaskState.RUNNING)

#: Colour of every observed task state (API name → colour).
STATE_COLORS: dict[str, str] = {s: GROUP_COLORS[g] for s, g in _STATE_GROUP.items()}

#: Band colour and legend text of each in-progress service update state.
UPDATE_COLORS: dict[str, tuple[str, str]] = {
    state: (color, TEXTS[f"update:{state}"][0])
    for state, color in (
        ("updating", "#4e79a7"),
        ("paused", "#f28e2b"),
        ("rollback_started", "#e15759"),
        ("rollback_paused", "#b07aa1"),
    )
}

NODE_DOWN = frozenset({"down", "disconnected"})
# node row shading: colour, alpha, hatch, legend text
NODE_SHADES: dict[str, tuple[str, float, str | None, str]] = {
    "down": ("#f4a3a3", 0.35, None, TEXTS["node:down"][0]),
    "drained": ("#c7c7c7", 0.45, "\\\\", TEXTS["node:drained"][0]),
    "paused": ("#fde68a", 0.45, None, TEXTS["node:paused"][0]),
}
LABEL_FONTSIZE = 7.5


# ------------------------------------------------------------------ helpers


class InlineFigure(Figure):
    """A figure that shows itself in a notebook: Jupyter calls :meth:`_repr_png_`.

    A plain :class:`~matplotlib.figure.Figure` only displays inline once
    pyplot's inline backend is loaded (``%matplotlib inline``); this one needs nothing.
    """

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes (what a notebook cell shows)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
        return buffer.getvalue()


def new_figure(width: float, height: float) -> InlineFigure:
    """A new constrained-layout :class:`InlineFigure` with an Agg canvas (no pyplot)."""
    fig = InlineFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def new_axes(width: float, height: float) -> Axes:
    """Axes on a :func:`new_figure`."""
    return new_figure(width, height).add_subplot()


def check_axes(ax: object) -> None:
    """Refuse an ``ax`` argument that is neither ``None`` nor matplotlib axes."""
    if ax is not None and not isinstance(ax, Axes):
        raise InvalidArgument(f"ax must be matplotlib Axes or None, not {ax!r:.80}")


def time_label(ax: Axes, lang: str = "en") -> None:
    """Label the time axis, unless a subplot below shares it (``sharex``)."""

    spec = ax.get_subplotspec()
    shared = len(ax.get_shared_x_axes().get_siblings(ax)) > 1
    if spec is None or not shared or spec.is_last_row():
        ax.set_xlabel(text("time", lang))


def outside_legend(ax: Axes, handles: Sequence[Artist] | None = None) -> None:
    """The legend right of the axes, top-aligned (of ``handles``, or the labelled artists)."""
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
        frameon=False,
        borderaxespad=0.0,
    )


def rect(x0: float, x1: float, y0: float, y1: float) -> list[tuple[float, float]]:
    """The corners of an axis-aligned rectangle, for a PolyCollection."""
    return [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]


def rects(corners: Sequence[list[tuple[float, float]]]) -> Sequence[np.ndarray]:
    """Rectangles (each of :func:`rect`) as one ``(n, 4, 2)`` array for a PolyCollection.

    Given an array, matplotlib builds every path from one template; given a
    list, it checks and closes each polygon apart, which cost 3.8 s of a task
    chart of 95,000 tasks.  The paths are the same.

    >>> rects([rect(0, 1, 0, 2)]).shape
    (1, 4, 2)
    """
    array = np.array(corners, dtype=float).reshape(len(corners), 4, 2)
    return cast("Sequence[np.ndarray]", array)  # indexed, a sequence of (4, 2) arrays


def px_per_unit(ax: Axes, xspan: float, yspan: float) -> tuple[float, float]:
    """Display pixels per data unit, assuming a layout that keeps ~80% of the axes width."""
    box = ax.get_position()
    fig = ax.get_figure(root=True)
    assert fig is not None
    width = box.width * fig.get_figwidth() * fig.dpi * 0.8
    height = box.height * fig.get_figheight() * fig.dpi
    return width / max(xspan, 1e-12), height / max(yspan, 1e-12)


def text_px(text: str, ax: Axes) -> float:
    """Rough width in display pixels of ``text`` at :data:`LABEL_FONTSIZE`."""
    fig = ax.get_figure(root=True)
    assert fig is not None
    return 0.62 * LABEL_FONTSIZE * len(text) * fig.dpi / 72.0
