"""``swarmsim sweep SCENARIO --grid GRID.yaml --seeds 30 --jobs N --out results.csv``.

Runs a scenario for every combination of its parameters in ``GRID.yaml``
(a mapping of parameter names to lists of values, or a list of mappings)
and every seed, in a process pool, and writes the tidy frame of
:func:`swarmsim.experiments.sweep` as CSV (standard output without
``--out``).  A grid key must name one of the scenario's ``parameters:``; a bad
grid or scenario is one ``FILE:LINE:COL: path: message`` line and exit
status 2, before any run.  Runs that fail are rows with an ``error``; the
status is then 1.

This module has no swarmkit counterpart.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

from swarmsim.console.argtypes import count
from swarmsim.errors import ScenarioError, SwarmSimError

__all__ = ["add_parser", "load_grid", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``sweep`` subcommand to ``subparsers`` (from ``add_subparsers``)."""
    positive = count(1)
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sweep",
        help="run a scenario over a grid of its parameters and many seeds",
        description=(
            "Run SCENARIO for every combination of GRID's parameter values and every seed, "
            "then write one CSV row per run: the parameters, the seed, the metrics (update "
            "duration, fewest available replicas, failed tasks...), an error column and "
            "the simulator version.  docs/guides/experimenter.md explains the columns."
        ),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="a scenario file with parameters:")
    parser.add_argument(
        "--grid", required=True, metavar="GRID.yaml", help="parameter name -> list of values"
    )
    parser.add_argument("--seeds", type=positive, default=30, help="seeds 0..N-1 (30)")
    parser.add_argument("--jobs", type=positive, help="worker processes (as many as cores)")
    parser.add_argument("--out", metavar="OUT.csv", help="the CSV file (standard output)")
    parser.add_argument("--cache", metavar="DIR", help="keep finished runs in DIR")
    parser.add_argument("--service", metavar="NAME", help="the service to measure")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def load_grid(path: str, parameters: dict[str, object]) -> list[dict[str, Any]]:
    """The combinations of a grid file, checked against the scenario's ``parameters``.

    Raises
    ------
    ScenarioError
        ``FILE:LINE:COL: path: message`` for the first problem.
    """
    from swarmsim.errors import InvalidArgument
    from swarmsim.experiments.grid import combinations
    from swarmsim.scenario.lesson import read_source
    from swarmsim.scenario.yamlsource import dotted, load_yaml

    data, positions = load_yaml(path, read_source(path))
    rows = data if isinstance(data, list) else [data]
    if not isinstance(data, dict | list) or not data:
        raise ScenarioError(path, 1, 1, "(root)", "a grid maps parameter names to lists of values")
    for i, row in enumerate(rows):
        where: tuple[str | int, ...] = (i,) if isinstance(data, list) else ()
        if not isinstance(row, dict):
            line, col = positions.of(where)
            raise ScenarioError(path, line, col, dotted(where), "expected a mapping of parameters")
        for name, values in row.items():
            key = (*where, name)
            if name not in parameters:
                close = difflib.get_close_matches(name, list(parameters), n=1)
                known = ", ".join(parameters) or "none"
                hint = f"; did you mean {close[0]!r}?" if close else f" (parameters: {known})"
                line, col = positions.of(key, key=True)
                message = f"the scenario has no parameter {name!r}{hint}"
                raise ScenarioError(path, line, col, dotted(key), message)
            try:
                combinations({name: values} if isinstance(data, dict) else [{name: values}])
            except InvalidArgument as error:
                line, col = positions.of(key)
                raise ScenarioError(path, line, col, dotted(key), str(error)) from None
    return combinations(data)


def run(args: argparse.Namespace) -> int:
    """Run ``swarmsim sweep``; return the exit status."""
    from swarmsim.experiments import sweep
    from swarmsim.scenario.loader import load_scenario
    from swarmsim.scenario.parameters import declared_parameters

    if args.out is not None and not Path(args.out).resolve().parent.is_dir():
        return _fail(f"--out: no directory for {args.out}", 2)
    try:
        scenario = load_scenario(args.scenario)
        grid = load_grid(args.grid, declared_parameters(args.scenario))
        for combination in grid:  # every combination checked before any run
            load_scenario(args.scenario, parameters=combination)
    except ScenarioError as error:
        return _fail(str(error), 2)
    try:
        frame = sweep(
            scenario,
            grid,
            seeds=args.seeds,
            jobs=args.jobs,
            progress=not args.quiet,
            cache=args.cache,
            service=args.service,
        )
    except SwarmSimError as error:
        return _fail(str(error), 2)
    if args.out is None:
        frame.to_csv(sys.stdout, index=False)
    else:
        frame.to_csv(args.out, index=False)
    failed = int((frame["error"] != "").sum())
    print(f"swarmsim: {len(frame)} runs, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _fail(message: str, status: int) -> int:
    print(f"swarmsim: {message}", file=sys.stderr)
    return status
