"""The cluster as the clock moves: an animated GIF of machines and their tasks.

Each frame draws every machine as a box — managers in the top rows, workers
below, a down machine red and hatched, a drained one grey and hatched — with
its tasks as small chips coloured by service and version (the image colours
of :mod:`~swarmsim.viz.versions`: solid while running, a light tint while on
the way), and a caption with the virtual time and the last command or fault.
:func:`~swarmsim.viz.snapshots.snapshots` replays the records once for all frame times;
:func:`draw_frame` draws one snapshot (testable without a GIF);
:func:`save_animation` writes the GIF with pillow.

Cost is bounded: at most :data:`MAX_FRAMES` frames, spread over the run and
including the instant of every command, each drawn on one reused figure.  The
GIF carries no timestamp: identical traces give byte-identical files.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from PIL import Image

from swarmsim.errors import InvalidArgument
from swarmsim.sim import gc_paused
from swarmsim.trace import Trace, TraceRecord
from swarmsim.viz.commands import command_marks
from swarmsim.viz.i18n import check_lang, text
from swarmsim.viz.snapshots import Machine, Snapshot, snapshots
from swarmsim.viz.style import NODE_SHADES, UPDATE_COLORS, rect, rects
from swarmsim.viz.versions import VersionPalette, tint, version_palette

#: Most frames of an animation.
MAX_FRAMES = 60
#: How long each frame shows (ms), and the last one.
FRAME_MS, LAST_MS = 150, 2000
#: Size of a frame in pixels (width, height).
SIZE = (960, 540)
#: Most chips drawn in one machine (the rest are counted as ``+N``).
MAX_CHIPS = 12
#: Narrowest machine box (pixels) written in: hostname, status and ``+N``.  Below
#: it (a swarm of about 300 machines or more) a name would spill over its
#: neighbours' boxes, so boxes and chips only are drawn: thousands of texts cost
#: seconds a frame.
NAMED_BOX_PX = 40.0


def frame_times(
    records: Sequence[TraceRecord], end: float, max_frames: int = MAX_FRAMES
) -> list[float]:
    """When frames are taken: every command's instant and an even spread, at most ``max_frames``."""
    if max_frames < 2:
        raise InvalidArgument(f"an animation needs at least 2 frames, not {max_frames}")
    marks = sorted({m.time for m in command_marks(records)})
    if len(marks) > max_frames // 2:
        step = len(marks) / (max_frames // 2)
        marks = [marks[int(i * step)] for i in range(max_frames // 2)]
    even = max_frames - len(marks)
    spread = [end * i / (even - 1) for i in range(even - 1)] + [end]
    return sorted(set(marks) | set(spread))


def _grid(count_m: int, count_w: int) -> tuple[int, int, int]:
    """Columns, manager rows and worker rows of the machine boxes."""
    total = max(1, count_m + count_w)
    columns = max(3, min(total, math.ceil(math.sqrt(total * 1.8))))
    return columns, math.ceil(count_m / columns), math.ceil(count_w / columns)


def draw_frame(fig: Figure, snap: Snapshot, palette: VersionPalette, *, lang: str = "en") -> None:
    """Draw one snapshot on ``fig`` (cleared first).

    The axes' artists have gids: ``machines`` (one box per machine, managers
    first), ``chips:<version label>`` (running), ``starting:<version label>``
    and ``stale:<version label>`` (last reported by a machine that is down),
    ``host:<hostname>`` (each box's name, when boxes are at least
    :data:`NAMED_BOX_PX` wide), ``hatched:<hatch>`` (down and drained boxes)
    and ``caption``.
    """
    fig.clear()
    ax = fig.add_axes((0.01, 0.1, 0.98, 0.88))
    ax.set_axis_off()
    managers = [m for m in snap.machines if m.role == "manager"]
    workers = [m for m in snap.machines if m.role != "manager"]
    columns, rows_m, rows_w = _grid(len(managers), len(workers))
    gap_section = 0.5 if managers and workers else 0.0
    height = rows_m + rows_w + gap_section
    ax.set_xlim(-0.05, columns + 0.05)
    ax.set_ylim(height + 0.05, -0.3)
    box_px = fig.get_figwidth() * fig.dpi * 0.98 / (columns + 0.1)
    font = max(5.0, min(11.0, box_px / 11))
    named = box_px >= NAMED_BOX_PX
    boxes: list[list[tuple[float, float]]] = []
    faces: list[str] = []
    hatched: dict[str, list[list[tuple[float, float]]]] = {}
    chip_verts: dict[str, tuple[str, list[list[tuple[float, float]]]]] = {}
    for section, (machines, top) in enumerate(((managers, 0.0), (workers, rows_m + gap_section))):
        if machines:
            title = text("manager" if section == 0 else "worker", lang) + "s"
            ax.text(0.0, top - 0.04, title, fontsize=font, fontweight="bold", va="bottom")
        for i, machine in enumerate(machines):
            x0, y0 = i % columns + 0.06, top + i // columns + 0.06
            x1, y1 = x0 + 0.88, y0 + 0.82
            box = rect(x0, x1, y0, y1)
            boxes.append(box)
            state = "down" if machine.down else "drained" if machine.availability == "drain" else ""
            faces.append(NODE_SHADES[state][0] if state else "#f7f7f7")
            if state:
                hatch = (NODE_SHADES["drained"][2] if state == "drained" else None) or "xx"
                hatched.setdefault(hatch, []).append(box)
            if not named:
                _chips(ax, machine, x0, y0, palette, chip_verts, font, False, False)
                continue
            status = text("down", lang) if machine.down else ""
            if machine.availability in ("drain", "pause"):
                status = " ".join(filter(None, [status, text(machine.availability, lang)]))
            ax.text(
                x0 + 0.04,
                y0 + 0.04,
                machine.hostname,
                fontsize=font,
                va="top",
                ha="left",
                gid=f"host:{machine.hostname}",
                clip_on=True,
            )
            if status:
                ax.text(
                    x1 - 0.04,
                    y1 - 0.04,
                    status,
                    fontsize=font * 0.85,
                    va="bottom",
                    ha="right",
                    color="#a00000" if machine.down else "#444444",
                    fontweight="bold",
                )
            _chips(ax, machine, x0, y0, palette, chip_verts, font, box_px >= 200, True)
    ax.add_collection(
        PolyCollection(
            rects(boxes),
            facecolors=faces,
            edgecolors="#555555",
            linewidths=1.0,
            zorder=1,
            gid="machines",
        )
    )
    for hatch, verts in hatched.items():
        ax.add_collection(
            PolyCollection(
                rects(verts),
                facecolors="none",
                edgecolors="#00000030",
                hatch=hatch,
                linewidths=0,
                zorder=1.5,
                gid=f"hatched:{hatch}",
            )
        )
    for gid, (color, chips) in chip_verts.items():
        ax.add_collection(
            PolyCollection(
                rects(chips),
                facecolors=color,
                edgecolors="#333333",
                linewidths=0.4,
                zorder=2,
                gid=gid,
            )
        )
    clock = text("clock", lang, time=f"{snap.time:.1f} s")
    line = ""
    if snap.command is not None:
        prefix = "$ " if snap.command.event == "docker" else f"[{text('fault', lang)}] "
        line = prefix + snap.command.line
        line = line if len(line) <= 90 else line[:89] + "…"
    for i, (service, state) in enumerate(sorted(snap.updates.items())):
        fig.text(
            0.99,
            0.985 - 0.045 * i,
            f"{service}: {text(f'update:{state}', lang)}",
            fontsize=12,
            ha="right",
            va="top",
            color=UPDATE_COLORS[state][0],
            fontweight="bold",
            gid=f"update:{service}",
        )
    fig.text(
        0.01,
        0.03,
        f"{clock}    {line}",
        fontsize=12,
        family="monospace",
        va="bottom",
        gid="caption",
    )
    legend = palette.versions[:8]
    for i, version in enumerate(reversed(legend)):
        fig.text(
            0.99,
            0.03 + 0.035 * i,
            f"■ {version.label}",
            color=version.color,
            fontsize=10,
            ha="right",
            va="bottom",
        )


def _chips(
    ax: Axes,
    machine: Machine,
    x0: float,
    y0: float,
    palette: VersionPalette,
    chip_verts: dict[str, tuple[str, list[list[tuple[float, float]]]]],
    font: float,
    labelled: bool,
    counted: bool,
) -> None:
    """The task chips of one machine, up to :data:`MAX_CHIPS`.

    Big boxes (a class of a few machines) get three labelled chips a row
    (``redis.2``); small ones six plain chips a row; with ``counted``, the
    chips not drawn are counted as ``+N``.
    """
    per_row, width, height = (3, 0.25, 0.17) if labelled else (6, 0.12, 0.17)
    pad = 0.02
    for k, chip in enumerate(machine.chips[:MAX_CHIPS]):
        cx = x0 + 0.05 + (k % per_row) * (width + pad)
        cy = y0 + 0.24 + (k // per_row) * (height + pad)
        version = palette.of(chip.service, chip.spec_version)
        running = chip.state == "running"
        kind = "stale" if machine.down else "chips" if running else "starting"
        gid = f"{kind}:{version.label}"
        color = version.color if kind == "chips" else tint(version.color, 0.6 if running else 0.8)
        chip_verts.setdefault(gid, (color, []))[1].append(rect(cx, cx + width, cy, cy + height))
        if labelled:
            dark = kind == "chips" and version.color in _DARK
            ax.text(
                cx + width / 2,
                cy + height / 2,
                f"{chip.service}.{chip.slot}" if chip.slot else chip.service,
                fontsize=font * 0.7,
                ha="center",
                va="center",
                color="white" if dark else "black",
                zorder=3,
                clip_on=True,
            )
    extra = len(machine.chips) - MAX_CHIPS
    if counted and extra > 0:
        ax.text(x0 + 0.84, y0 + 0.78, f"+{extra}", fontsize=font * 0.85, ha="right", va="bottom")


# version colours dark enough for white chip labels
_DARK = frozenset({"#0072B2", "#009E73", "#CC79A7", "#332288", "#882255", "#AA4499", "#117733"})


@gc_paused()  # objects per machine and chip in every frame: see gc_paused
def animation_frames(
    trace: Trace | Sequence[TraceRecord], *, lang: str = "en", max_frames: int = MAX_FRAMES
) -> list[Image.Image]:
    """The frames of :func:`save_animation` as palette images."""
    check_lang(lang)
    records = list(trace)
    if not records:
        raise InvalidArgument("the trace is empty: nothing to animate")
    end = trace.end if isinstance(trace, Trace) else records[-1].time
    palette = version_palette(records)
    fig = Figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    frames = []
    for snap in snapshots(records, frame_times(records, end, max_frames)):
        draw_frame(fig, snap, palette, lang=lang)
        canvas.draw()  # type: ignore[no-untyped-call]
        rgb = np.asarray(canvas.buffer_rgba())[:, :, :3]  # type: ignore[no-untyped-call]
        image = Image.fromarray(np.ascontiguousarray(rgb))
        frames.append(
            image.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        )
    return frames


def save_animation(
    trace: Trace | Sequence[TraceRecord],
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    max_frames: int = MAX_FRAMES,
) -> None:
    """Write the animated GIF of a run (see the module docstring).

    Parameters
    ----------
    trace
        The run's trace (live or loaded).
    path
        The ``.gif`` to write.
    lang
        ``en`` or ``es``.
    max_frames
        Most frames.

    Raises
    ------
    InvalidArgument
        For a path not ending in ``.gif``, an empty trace or an unknown language.
    """
    if not os.fspath(path).lower().endswith(".gif"):
        raise InvalidArgument(f"cannot save {os.fspath(path)!r}: an animation is a .gif file")
    frames = animation_frames(trace, lang=lang, max_frames=max_frames)
    durations = [FRAME_MS] * (len(frames) - 1) + [LAST_MS]
    frames[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
        optimize=True,
        disposal=1,
    )
