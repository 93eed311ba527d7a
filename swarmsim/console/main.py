"""The ``swarmsim`` console script: ``run``, ``validate`` and ``shell``.

``swarmsim run FILE...`` replays scenarios (YAML) and text lessons
(``.txt``), printing each transcript stamped with virtual time and a verdict
per expectation; exit status 1 when an expectation (or a lesson's line)
failed, 2 when a file is invalid -- then nothing runs.
``swarmsim validate FILE...`` only checks the files.
``swarmsim plot TRACE --out OUT.png`` draws a saved trace
(:mod:`swarmsim.console.plot_command`).
``swarmsim shell [--seed N] [--managers M] [--workers W | --machines A,B] [--from FILE]``
starts a formed swarm (hosts ``manager1..M`` and ``worker1..W``, or the
scenario's cluster after its steps; the CLI talks to the first manager) and
reads shell lines (:mod:`swarmsim.console.shell`) from the terminal or a pipe.
Piped input prints a transcript and the exit status is 1 when any command
failed.

``--trace``, ``--plot`` and ``--animate`` write the run's trace (JSON lines),
its timeline picture and its animation (:mod:`swarmsim.viz`); ``--speed``
paces virtual time against the wall clock for a projector.

``swarmsim sweep SCENARIO --grid GRID.yaml`` runs a scenario over a grid of
its parameters and many seeds (:mod:`swarmsim.console.sweep_command`).

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from swarmsim.console import plot_command, sweep_command
from swarmsim.console.argtypes import count
from swarmsim.console.pacing import pace, parse_speed
from swarmsim.errors import ScenarioError, SwarmSimError
from swarmsim.shell.interpreter import SHELL_HELP

if TYPE_CHECKING:
    from swarmsim.manager.scheduler.ranking import Ranking
    from swarmsim.scenario.model import Scenario
    from swarmsim.swarm import Swarm

__all__ = ["build_parser", "main"]

_PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _ranking_option(parser: argparse.ArgumentParser) -> None:
    """``--ranking NAME``: the node ranking (:mod:`swarmsim.manager.scheduler.ranking`)."""
    parser.add_argument(
        "--ranking",
        type=_ranking,
        metavar="NAME",
        help="scheduler node ranking: spread (swarmkit's, default), binpack, or module:Class",
    )


def _ranking(text: str) -> Ranking:
    """An argparse type: a scheduler node ranking by name or ``module:Class``."""
    from swarmsim.manager.scheduler.ranking import resolve_ranking

    try:
        return resolve_ranking(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _suffixed(*suffixes: str) -> Callable[[str], str]:
    """An argparse type: a file name ending in one of ``suffixes``."""

    def parse(text: str) -> str:
        if not text.lower().endswith(suffixes):
            raise argparse.ArgumentTypeError(f"{text!r} must end in {', '.join(suffixes)}")
        return text

    return parse


def _speed(text: str) -> float:
    try:
        return parse_speed(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _outputs(parser: argparse.ArgumentParser) -> None:
    """The options every replay shares: pictures, trace, language and pace."""
    parser.add_argument("--trace", metavar="OUT.jsonl", help="write the trace as JSON lines")
    parser.add_argument(
        "--plot", metavar="OUT", type=_suffixed(*_PLOT_SUFFIXES), help="timeline (png/svg/pdf)"
    )
    parser.add_argument(
        "--animate", metavar="OUT.gif", type=_suffixed(".gif"), help="animation of the cluster"
    )
    parser.add_argument("--lang", choices=("en", "es"), default="en", help="language (en)")
    parser.add_argument(
        "--speed", type=_speed, metavar="10x", help="pace virtual time against the wall clock"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``swarmsim`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="swarmsim",
        description="A discrete-event simulator of Docker Swarm, driven by docker commands.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "run",
        help="replay scenario files (.yaml) or text lessons (.txt)",
        description=(
            "Replay each FILE: print the transcript stamped with virtual time and a verdict "
            "per expectation.  Exit 1 when an expectation fails, 2 when a file is invalid "
            "(then nothing runs).  The format is in docs/scenarios.md."
        ),
    )
    run.add_argument("files", nargs="+", metavar="FILE", help="a scenario (.yaml) or lesson (.txt)")
    run.add_argument("--seed", type=int, help="seed instead of the scenario's (lessons: 0)")
    run.add_argument("--quiet", action="store_true", help="print only the verdicts")
    _ranking_option(run)
    _outputs(run)
    validate = commands.add_parser(
        "validate", help="check scenario files without running them", description="Check files."
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="a scenario (.yaml) or lesson (.txt)"
    )
    shell = commands.add_parser(
        "shell",
        help="type docker commands against a simulated swarm",
        description=(
            "Start a formed swarm (hosts manager1..M, worker1..W; the CLI talks to manager1), "
            "or blank machines with --machines, and read commands from the terminal or a "
            "pipe.  Piped input prints a transcript ('$ <line>' then the output) and exits 1 "
            "if any command failed."
        ),
        epilog=SHELL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    shell.add_argument("--seed", type=int, help="seed of every random stream (0)")
    shell.add_argument("--managers", type=count(1), help="manager nodes (1)")
    shell.add_argument("--workers", type=count(0), help="worker nodes (2)")
    shell.add_argument(
        "--machines",
        type=_machine_names,
        metavar="NAME,...",
        help="start from these machines with no swarm (docker swarm init is yours to run)",
    )
    shell.add_argument("--from", dest="source", metavar="FILE", help="start after a scenario")
    _ranking_option(shell)
    _outputs(shell)
    plot_command.add_parser(commands)
    sweep_command.add_parser(commands)
    return parser


def _load(files: Sequence[str]) -> list[Scenario] | None:
    """Every file checked, or ``None`` after printing the first error of each bad one."""
    from swarmsim.scenario.loader import load_file

    loaded: list[Scenario] = []
    bad = False
    for file in files:
        try:
            loaded.append(load_file(file))
        except ScenarioError as error:
            print(error, file=sys.stderr)
            bad = True
    return None if bad else loaded


def _save(swarm: Swarm, args: argparse.Namespace) -> None:
    """Write the trace, the plot and the animation asked for."""
    trace = swarm.trace
    if args.trace:
        trace.save(args.trace)
    if args.plot:
        from swarmsim.viz.lesson import save_lesson_plot

        save_lesson_plot(trace, args.plot, lang=args.lang)
    if args.animate:
        from swarmsim.viz.animate import save_animation

        save_animation(trace, args.animate, lang=args.lang)


def _run(args: argparse.Namespace) -> int:
    from swarmsim.scenario.runner import Runner

    if len(args.files) > 1 and (args.trace or args.plot or args.animate):
        print("swarmsim: --trace, --plot and --animate take one FILE", file=sys.stderr)
        return 2
    scenarios = _load(args.files)
    if scenarios is None:
        return 2
    status = 0
    for scenario in scenarios:
        runner = Runner(scenario, out=sys.stdout, lang=args.lang, quiet=args.quiet, seed=args.seed)
        if args.ranking is not None:
            runner.swarm.scheduler.ranking = args.ranking
        if args.speed:
            pace(runner.swarm, args.speed)
        status = max(status, runner.run().exit_code)
        _save(runner.swarm, args)
    return status


def _validate(args: argparse.Namespace) -> int:
    scenarios = _load(args.files)
    for scenario in scenarios or ():
        if scenario.kind == "lesson":
            count = sum(1 for step in scenario.steps if step.kind == "run")
            print(f"{scenario.file}: ok ({count} commands)")
            continue
        count = len(scenario.expectations)
        print(f"{scenario.file}: ok ({len(scenario.steps)} steps, {count} expectations)")
    return 0 if scenarios is not None else 2


def _machine_names(text: str) -> list[str]:
    """``--machines manager1,worker1``: distinct hostnames without blanks."""
    names = [name.strip() for name in text.split(",")]
    if not all(names) or any(" " in name for name in names):
        raise argparse.ArgumentTypeError(f"not a list of hostnames: {text!r}")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"a machine is named twice: {text!r}")
    return names


def _shell(args: argparse.Namespace) -> int:
    from swarmsim.console.shell import Shell
    from swarmsim.swarm import Swarm

    for stream in (sys.stdin, sys.stdout):
        # bytes that are not UTF-8 reach the shell as lone surrogates (it refuses
        # such a line) and are echoed back unchanged in the transcript
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")
    interactive = sys.stdin.isatty()
    if args.source:
        from swarmsim.scenario.runner import Runner

        if args.managers is not None or args.workers is not None or args.machines:
            print("swarmsim: --from takes the cluster from FILE", file=sys.stderr)
            return 2
        scenarios = _load([args.source])
        if scenarios is None:
            return 2
        runner = Runner(scenarios[0], out=sys.stdout, lang=args.lang, seed=args.seed)
        if args.ranking is not None:
            runner.swarm.scheduler.ranking = args.ranking
        if args.speed:
            pace(runner.swarm, args.speed)
        runner.run()
        swarm = runner.swarm
    elif args.machines:
        if args.managers is not None or args.workers is not None:
            print("swarmsim: give either --machines or --managers/--workers", file=sys.stderr)
            return 2
        swarm = Swarm(seed=args.seed or 0, machines=args.machines)
        if args.speed:
            pace(swarm, args.speed)
    else:
        managers = 1 if args.managers is None else args.managers
        workers = 2 if args.workers is None else args.workers
        swarm = Swarm(seed=args.seed or 0, managers=managers, workers=workers)
        if args.ranking is not None:
            swarm.scheduler.ranking = args.ranking
        if args.speed:
            pace(swarm, args.speed)
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing at the prompt)
    shell = Shell(swarm, clock=bool(args.speed))
    status = shell.run(sys.stdin, sys.stdout, sys.stderr, interactive=interactive)
    _save(swarm, args)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``swarmsim`` with ``argv`` (default: the process arguments); return the status."""
    args = build_parser().parse_args(argv)
    for option in ("trace", "plot", "animate"):
        path = getattr(args, option, None)
        if path and not Path(path).resolve().parent.is_dir():
            print(f"swarmsim: --{option}: no directory for {path}", file=sys.stderr)
            return 2
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "plot":
            return plot_command.run(args)
        if args.command == "sweep":
            return sweep_command.run(args)
        return _shell(args)
    except SwarmSimError as error:
        print(f"swarmsim: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `swarmsim run ... | head`: the reader has gone
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
