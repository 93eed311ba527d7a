"""The commands and faults of a run as numbered markers, and the key that lists them.

:func:`command_marks` picks from the ``command`` records of a trace the lines
that change the cluster — docker commands other than the read-only ones
(``ls``, ``ps``, ``inspect``...) and faults — and numbers them.
:func:`draw_marks` draws each as a vertical line at the time the line ran,
with its number above the top panel; :func:`draw_key` lists them below the
pictures (number, virtual time, the line as typed, a non-zero exit code).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes

from swarmsim.trace import TraceRecord
from swarmsim.viz.i18n import text
from swarmsim.viz.style import text_px
from swarmsim.viz.versions import FAILED_COLOR

#: Words after ``docker`` that only read the cluster (their lines are not marked).
READ_ONLY = frozenset({"ls", "ps", "inspect", "logs", "info", "version", "images", "top"})
#: Longest command line shown in the key.
KEY_WIDTH = 100
#: Most lines in the key (the rest are counted).
KEY_LINES = 14

_STYLE = {"docker": ("#444444", (0, (4, 3))), "fault": (FAILED_COLOR, (0, (6, 2, 1, 2)))}


@dataclass(frozen=True, slots=True)
class Mark:
    """A numbered command or fault of the run."""

    number: int
    time: float
    event: str  # "docker" or "fault"
    line: str
    exit_code: int


def changes_cluster(rec: TraceRecord) -> bool:
    """Whether a command record is a fault or a docker line that is not read-only."""
    if rec.event == "fault":
        return True
    words = rec.detail.split()
    if rec.event != "docker" or "--help" in words:
        return False
    return not READ_ONLY.intersection(words[1:3])


def command_marks(records: Iterable[TraceRecord]) -> list[Mark]:
    """The commands and faults that change the cluster, numbered from 1 in time order.

    Examples
    --------
    >>> from swarmsim.trace import Trace
    >>> trace = Trace()
    >>> trace.command(0.0, "docker", "manager1", "docker service create --name web nginx", 0)
    >>> trace.command(5.0, "docker", "manager1", "docker service ps web", 0)
    >>> trace.command(9.0, "fault", "manager1", "fail worker1", 0)
    >>> [(m.number, m.time, m.line) for m in command_marks(trace)]
    [(1, 0.0, 'docker service create --name web nginx'), (2, 9.0, 'fail worker1')]
    """
    chosen = [r for r in records if r.kind == "command" and changes_cluster(r)]
    return [Mark(i, r.time, r.event, r.detail, r.slot) for i, r in enumerate(chosen, start=1)]


def draw_marks(ax: Axes, marks: Sequence[Mark], *, numbers: bool = False) -> int:
    """Draw a vertical line per mark (gid ``command:<n>``); with ``numbers``, label them on top.

    Marks at the same instant share one label (``2,3``); labels too close to
    each other go on staggered levels above the axes.  Returns the number of
    levels used (0 without ``numbers``).
    """
    groups: list[tuple[float, list[Mark]]] = []
    for mark in marks:
        color, dashes = _STYLE.get(mark.event, _STYLE["docker"])
        ax.axvline(
            mark.time,
            color=color,
            linestyle=dashes,
            linewidth=1.0,
            zorder=4.5,
            gid=f"command:{mark.number}",
        )
        if groups and groups[-1][0] == mark.time:
            groups[-1][1].append(mark)
        else:
            groups.append((mark.time, [mark]))
    if not numbers:
        return 0
    lo, hi = ax.get_xlim()
    fig = ax.get_figure(root=True)
    assert fig is not None
    width_px = ax.get_position().width * fig.get_figwidth() * fig.dpi * 0.8
    per_px = (hi - lo) / max(width_px, 1.0)
    level_end: list[float] = []  # per level: x where its last label ends
    for time, group in groups:
        label = ",".join(str(m.number) for m in group)
        half = (text_px(label, ax) + 10) / 2 * per_px
        level = next((i for i, end in enumerate(level_end) if time - half > end), None)
        if level is None:
            level = len(level_end)
            level_end.append(time + half)
        level_end[level] = time + half
        fault = any(m.event == "fault" for m in group)
        ax.annotate(
            label,
            (time, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3 + 13 * level),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="white",
            annotation_clip=False,
            bbox={
                "boxstyle": "round,pad=0.25",
                "facecolor": FAILED_COLOR if fault else "#444444",
                "edgecolor": "none",
            },
            gid=f"label:{label}",
        )
    return len(level_end)


def draw_key(ax: Axes, marks: Sequence[Mark], lang: str) -> None:
    """List the marks in ``ax`` (its axes hidden): number, time and the line as typed."""
    ax.set_axis_off()
    lines = []
    for mark in marks[:KEY_LINES]:
        line = mark.line if len(mark.line) <= KEY_WIDTH else mark.line[: KEY_WIDTH - 1] + "…"
        tail = f"   ({text('exit', lang, code=mark.exit_code)})" if mark.exit_code else ""
        kind = f"[{text('fault', lang)}] " if mark.event == "fault" else "$ "
        lines.append(f"{mark.number:>3}  {mark.time:>8.1f} s   {kind}{line}{tail}")
    if len(marks) > KEY_LINES:
        lines.append("     " + text("more commands", lang, count=len(marks) - KEY_LINES))
    ax.text(
        0.0,
        1.0,
        text("commands", lang),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=9,
        fontweight="bold",
    )
    ax.text(
        0.0,
        0.97 - 0.9 / (len(lines) + 1),
        "\n".join(lines),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=8,
        family="monospace",
        gid="command-key",
    )


def key_lines(marks: Sequence[Mark]) -> int:
    """How many text lines :func:`draw_key` writes (to size the figure)."""
    return 1 + min(len(marks), KEY_LINES) + (len(marks) > KEY_LINES)
