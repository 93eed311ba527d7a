"""``swarmsim plot TRACE.jsonl --out OUT.png [--animate OUT.gif] [--lang en|es]``.

Draws a saved trace (:meth:`swarmsim.trace.Trace.save`) as the lesson picture
(:func:`swarmsim.viz.lesson.save_lesson_plot`) and, with ``--animate``, the
animated GIF (:func:`swarmsim.viz.animate.save_animation`).  A bad trace file
or output name is one line on standard error and exit status 2.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from swarmsim.errors import SwarmSimError

__all__ = ["add_parser", "run"]

_PICTURES = (".png", ".svg", ".pdf")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``plot`` subcommand to ``subparsers`` (from ``add_subparsers``)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "plot",
        help="draw a saved trace as a picture (and an animation)",
        description=(
            "Draw the per-node task timeline and the replica/update panel of every service "
            "of a saved trace, with its commands and faults as numbered markers."
        ),
    )
    parser.add_argument("trace", metavar="TRACE", help="a trace file written with --trace")
    parser.add_argument(
        "--out", required=True, metavar="OUT", help="the picture: a .png, .svg or .pdf file"
    )
    parser.add_argument("--animate", metavar="GIF", help="also write an animated .gif")
    parser.add_argument(
        "--lang", choices=("en", "es"), default="en", help="language of the labels (en)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``swarmsim plot``; return the exit status (0, or 2 for bad input)."""
    out = str(args.out)
    if not out.lower().endswith(_PICTURES):
        return _fail(f"cannot save {out!r}: use a .png, .svg or .pdf file name")
    if args.animate is not None and not str(args.animate).lower().endswith(".gif"):
        return _fail(f"cannot save {str(args.animate)!r}: an animation is a .gif file")
    from swarmsim.trace import load
    from swarmsim.viz.animate import save_animation
    from swarmsim.viz.lesson import save_lesson_plot

    try:
        trace = load(args.trace)
        save_lesson_plot(trace, out, lang=args.lang)
        if args.animate is not None:
            save_animation(trace, args.animate, lang=args.lang)
    except SwarmSimError as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write {error.filename}: {error.strerror}")
    return 0


def _fail(message: str) -> int:
    print(f"swarmsim: {message}", file=sys.stderr)
    return 2
