"""The ``swarmsim`` console script.

``swarmsim shell [--seed N] [--managers M] [--workers W]`` starts a formed
swarm (hosts ``manager1..M`` and ``worker1..W``; the CLI talks to
``manager1``) and reads shell lines (:mod:`swarmsim.cli.shell`) from the
terminal or from a pipe.  Piped input prints a transcript and the exit status
is 1 when any command failed.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable, Sequence

from swarmsim.cli.shell import SHELL_HELP, Shell
from swarmsim.errors import SwarmSimError

__all__ = ["build_parser", "main"]


def _count(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}: {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``swarmsim`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="swarmsim",
        description="A discrete-event simulator of Docker Swarm, driven by docker commands.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    shell = commands.add_parser(
        "shell",
        help="type docker commands against a simulated swarm",
        description=(
            "Start a formed swarm (hosts manager1..M, worker1..W; the CLI talks to manager1) "
            "and read commands from the terminal or a pipe.  Piped input prints a transcript "
            "('$ <line>' then the output) and exits 1 if any command failed."
        ),
        epilog=SHELL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    shell.add_argument("--seed", type=int, default=0, help="seed of every random stream (0)")
    shell.add_argument("--managers", type=_count(1), default=1, help="manager nodes (1)")
    shell.add_argument("--workers", type=_count(0), default=2, help="worker nodes (2)")
    return parser


def _shell(args: argparse.Namespace) -> int:
    from swarmsim.swarm import Swarm

    swarm = Swarm(seed=args.seed, managers=args.managers, workers=args.workers)
    for stream in (sys.stdin, sys.stdout):
        # bytes that are not UTF-8 reach the shell as lone surrogates (it refuses
        # such a line) and are echoed back unchanged in the transcript
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    interactive = sys.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing at the prompt)
    return Shell(swarm).run(sys.stdin, sys.stdout, sys.stderr, interactive=interactive)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``swarmsim`` with ``argv`` (default: the process arguments); return the status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "shell":
            return _shell(args)
    except SwarmSimError as error:
        print(f"swarmsim: {error}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
