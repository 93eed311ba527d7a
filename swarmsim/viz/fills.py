"""The fill of each task segment of the Gantt chart: by state, or by version.

By state, each group of observed states has its colour (:data:`GROUP_COLORS`).
By version (with a :class:`~swarmsim.viz.versions.VersionPalette`), a task
running is drawn in its version's colour, a task on its way (new…starting) in
a light tint of it, a failed or rejected one vermillion and cross-hatched
(told apart by pattern, not only colour), a stopped one grey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from swarmsim.viz.i18n import text
from swarmsim.viz.style import DARK_GROUPS, GROUP_COLORS, rects
from swarmsim.viz.tasks import TaskBar
from swarmsim.viz.versions import FAILED_COLOR, STOPPED_COLOR, VersionPalette, tint

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

Rect = list[tuple[float, float]]
_Style = tuple[str, tuple[int, int], str, str | None, str]  # gid, rank, colour, hatch, label
_NO_BAR = TaskBar("", "", 0, "", 0, 0.0)


class SegmentFills:
    """The fill of each task segment: by state group, or by version with a palette."""

    def __init__(self, palette: VersionPalette | None, lang: str) -> None:
        self.palette = palette
        self.lang = lang
        # gid -> (rank, face colour, hatch, legend label or "", rectangles)
        self.fills: dict[str, tuple[tuple[int, int], str, str | None, str, list[Rect]]] = {}
        # (service, spec version, group) -> _style's answer: one per segment otherwise
        self._styles: dict[tuple[str, int, str], _Style] = {}

    def _style(self, bar: TaskBar, group: str) -> _Style:
        """gid, legend rank, face colour, hatch and legend text of a segment."""
        key = (bar.service, bar.spec_version, group) if self.palette is not None else ("", 0, group)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._new_style(bar, group)
        return style

    def _new_style(self, bar: TaskBar, group: str) -> _Style:
        rank = (2, list(GROUP_COLORS).index(group))
        label = text(f"state:{group}", self.lang)
        if self.palette is None:
            return f"state:{group}", rank, GROUP_COLORS[group], None, label
        if group in ("running", "pending", "starting"):
            version = self.palette.of(bar.service, bar.spec_version)
            index = self.palette.versions.index(version)
            if group == "running":
                return f"version:{version.label}", (0, index), version.color, None, version.label
            return f"starting:{version.label}", (1, index), tint(version.color, 0.6), None, ""
        if group in ("failed", "rejected"):
            return f"state:{group}", rank, FAILED_COLOR, "xxxx", label
        if group in ("complete", "shutdown"):
            return f"state:{group}", rank, STOPPED_COLOR, None, label
        return f"state:{group}", rank, GROUP_COLORS[group], None, label

    def add(self, bar: TaskBar, group: str, verts: Rect) -> None:
        gid, rank, color, hatch, label = self._style(bar, group)
        entry = self.fills.get(gid)
        if entry is None:
            entry = self.fills[gid] = (rank, color, hatch, label, [])
        entry[4].append(verts)

    def dark(self, bar: TaskBar, group: str) -> bool:
        """Whether a label on this segment needs white text."""
        if self.palette is None:
            return group in DARK_GROUPS
        r, g, b = to_rgb(self._style(bar, group)[2])
        return 0.299 * r + 0.587 * g + 0.114 * b < 0.55

    def draw(self, ax: Axes) -> list[Artist]:
        """Add one collection per fill (state mode: every group) and return legend handles."""
        if self.palette is None:
            for group in GROUP_COLORS:
                gid, rank, color, hatch, label = self._style(_NO_BAR, group)
                self.fills.setdefault(gid, (rank, color, hatch, label, []))
        handles: list[Artist] = []
        starting = False
        for gid, (_, color, hatch, label, verts) in sorted(
            self.fills.items(), key=lambda item: item[1][0]
        ):
            coll = PolyCollection(
                rects(verts),
                facecolors=color,
                edgecolors="#ffffffb0" if hatch else "none",
                hatch=hatch,
                linewidths=0,
                zorder=2,
                gid=gid,
            )
            ax.add_collection(coll, autolim=False)
            if verts and label:
                handles.append(
                    Patch(
                        facecolor=color,
                        hatch=hatch,
                        edgecolor="#ffffffb0",
                        linewidth=0,
                        label=label,
                    )
                )
            elif verts and gid.startswith("starting:") and not starting:
                starting = True
                handles.append(Patch(facecolor=color, label=text("state:starting", self.lang)))
        return handles
