"""The tables of docker commands and flags, from the CLI's own registries.

* simulated commands: every path registered with
  :func:`swarmsim.cli.docker.command` (:data:`swarmsim.cli.docker.COMMANDS`);
* commands refused with ``not simulated by swarmsim``:
  :data:`swarmsim.cli.docker.unsimulated.NOT_SIMULATED`;
* ``docker service create/update`` flags refused with ``--FLAG is not
  simulated``: :data:`swarmsim.cli.docker.service_opts.UNSUPPORTED`.

The page is included in ``docs/simulated.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

Warn = Callable[[str], None]


def _grouped(paths: set[tuple[str, ...]], whole_text: str) -> list[str]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[path[0]].append(" ".join(path[1:]))
    rows = []
    for group in sorted(groups):
        subs = sorted(s for s in groups[group] if s)
        whole = "" in groups[group]
        shown = whole_text if whole and not subs else ", ".join(f"`{s}`" for s in subs)
        rows.append(f"| `docker {group}` | {shown} |")
    return rows


def render(repo: Path, warn: Warn) -> str:
    """The Markdown fragment (no title) listing commands and flags."""
    from swarmsim.cli.docker import COMMANDS, _load_commands
    from swarmsim.cli.docker.service_opts import UNSUPPORTED
    from swarmsim.cli.docker.unsimulated import NOT_SIMULATED

    _load_commands()
    simulated = set(COMMANDS)
    refused = set(NOT_SIMULATED) - simulated
    if not simulated:
        warn("commands table: no docker command is registered")
    return "\n".join(
        [
            "### Simulated docker commands",
            "",
            "| command | subcommands |",
            "| --- | --- |",
            *_grouped(simulated, "*(the command itself)*"),
            "",
            "### Docker commands that are not simulated",
            "",
            "Each prints `docker CMD: not simulated by swarmsim` on standard error and exits 1;",
            "a word docker does not know keeps docker's own `unknown command` error.",
            "",
            "| command | subcommands |",
            "| --- | --- |",
            *_grouped(refused, "*(the command and all its subcommands)*"),
            "",
            "### `docker service create` / `update` flags that are not simulated",
            "",
            "They are parsed as docker parses them, then refused with",
            "`swarmsim: --FLAG is not simulated` (exit 1), so nothing is half-applied:",
            "",
            ", ".join(f"`--{name}`" for name in sorted(UNSUPPORTED)) + ".",
            "",
        ]
    )
