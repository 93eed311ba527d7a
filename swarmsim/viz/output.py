"""Deterministic files: PNG, SVG and PDF without timestamps or version strings."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from swarmsim.errors import InvalidArgument

_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
}


def save(
    fig_or_ax: Figure | SubFigure | Axes, path: str | os.PathLike[str], *, dpi: float = 150
) -> Path:
    """Write the figure of ``fig_or_ax`` to ``path`` (PNG, SVG or PDF by extension).

    The file carries no timestamp, software version or random ids, so the same
    trace drawn the same way gives byte-identical files.

    Parameters
    ----------
    fig_or_ax
        A figure, subfigure or axes (its whole figure is saved).
    path
        Destination; the extension (``.png``, ``.svg``, ``.pdf``) picks the format.
    dpi
        Resolution of PNG output.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InvalidArgument
        For any other extension, a path that is not a file name or cannot be
        written, a dpi outside 10-2400, or something else than a figure or axes.
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidArgument(f"path must be a file name, not {path!r:.80}")
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not 10 <= dpi <= 2400:
        raise InvalidArgument(f"dpi must be a number from 10 to 2400, not {dpi!r:.80}")
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in _METADATA:
        raise InvalidArgument(f"cannot save {out.name!r}: use a .png, .svg or .pdf file name")
    fig: Figure | SubFigure | None
    fig = fig_or_ax.get_figure(root=True) if isinstance(fig_or_ax, Axes | SubFigure) else fig_or_ax
    if not isinstance(fig, Figure):
        raise InvalidArgument(f"cannot save {fig_or_ax!r:.80}: not a figure or axes of one")
    # constrained layout already makes room for the legends outside the axes; cropping
    # to a tight box on top of it moves the layout between the first and later saves
    constrained = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    with mpl.rc_context({"svg.hashsalt": "swarmsim", "pdf.compression": 6}):
        try:
            fig.savefig(
                out,
                format=fmt,
                dpi=dpi,
                metadata=_METADATA[fmt],
                bbox_inches=None if constrained else "tight",
            )
        except OSError as error:  # a missing directory, no permission, a full disk
            raise InvalidArgument(f"cannot save {str(out)!r}: {error.strerror}") from None
    return out
