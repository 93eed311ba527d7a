"""The cobra plumbing every docker command shares, and a few helpers they share.

The plumbing (:class:`Command`) reproduces what cobra and docker's root command
do around each subcommand (``cli: cli/cobra.go`` ``FlagErrorFunc``,
``cli/required.go``, the usage template, pflag's ``FlagUsagesWrapped``,
``opts/opts.go`` ``FilterOpt``): flag errors framed with the usage line
(exit 125), argument-count errors (exit 1), ``--help`` (exit 0) and
``--filter key=value`` parsing.  Small helpers the command modules share
live here too: :func:`go_json` (Go's JSON encoding for ``inspect``),
:func:`natural_less` / :data:`natural_key` (``fvbommel/sortorder``) and
:func:`remove_each` (the ``rm`` loop).

``docker info`` itself lives in :mod:`swarmsim.cli.docker.info`.

Differences
-----------
Usage errors print docker's error line only, without the ``Usage:`` block and
the ``Run '... --help'`` hint docker adds below it, so every error is one line.
Help output does not wrap long flag descriptions at the terminal width.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import TYPE_CHECKING

from swarmsim.cli.docker import Output
from swarmsim.cli.flags import FlagError, FlagKind, FlagSpec, ParsedFlags, parse_flags
from swarmsim.errors import DaemonError, DockerCLIError
from swarmsim.golang import go_quote
from swarmsim.units import format_duration

if TYPE_CHECKING:
    pass

__all__ = [
    "FILTER_FLAG",
    "QUIET_FLAG",
    "Command",
    "go_json",
    "natural_key",
    "natural_less",
    "parse_filters",
    "remove_each",
]

_HELP = FlagSpec("help", "h", FlagKind.BOOL, help="Print usage", shorthand_deprecated="use --help")
_VALUE_NAMES = {
    FlagKind.BOOL: "",
    FlagKind.UINT64: "uint",
    FlagKind.ARRAY: "list",
    FlagKind.LIST: "strings",
    FlagKind.FLOAT: "float",
}

FILTER_FLAG = FlagSpec(
    "filter",
    "f",
    FlagKind.ARRAY,
    help="Filter output based on conditions provided",
    value_name="filter",
)
QUIET_FLAG = FlagSpec("quiet", "q", FlagKind.BOOL, help="Only display IDs")

_HELP_COLUMNS = 79  # docker wraps help at the terminal width - 1 (80 when not a terminal)


def _wrap_n(width: int, slop: int, text: str) -> tuple[str, str]:
    """pflag's ``wrapN``: cut ``text`` at the last blank before ``width``."""
    if width + slop > len(text):
        return text, ""
    cut = max(text.rfind(" ", 0, width), text.rfind("\t", 0, width), text.rfind("\n", 0, width))
    if cut <= 0:
        return text, ""
    newline = text.rfind("\n", 0, width)
    if 0 < newline < cut:
        return text[:newline], text[newline + 1 :]
    return text[:cut], text[cut + 1 :]


def _wrap(indent: int, text: str) -> str:
    """pflag's ``wrap``: a flag description wrapped for a column starting at ``indent``."""
    room = _HELP_COLUMNS - indent
    prefix = ""
    if room < 24:
        indent = 16
        room = _HELP_COLUMNS - indent
        prefix = "\n" + " " * indent
    if room < 24:
        return text.replace("\n", prefix)
    slop = 5
    room -= slop
    line, text = _wrap_n(room, slop, text)
    result = prefix + line.replace("\n", "\n" + " " * indent)
    while text:
        line, text = _wrap_n(room, slop, text)
        result += "\n" + " " * indent + line.replace("\n", "\n" + " " * indent)
    return result


def _flag_usage(spec: FlagSpec) -> tuple[str, str]:
    """The two columns of pflag's ``FlagUsages`` line for one flag."""
    names = f"  -{spec.shorthand}, --{spec.name}" if spec.shorthand else f"      --{spec.name}"
    value_name = spec.value_name or _VALUE_NAMES.get(spec.kind, spec.kind.value)
    if value_name:
        names += " " + value_name
    usage = spec.help
    default = spec.default
    if default not in (None, False, "", 0, 0.0, (), []):
        if spec.kind is FlagKind.DURATION and isinstance(default, int | float):
            usage += f" (default {format_duration(default)})"
        elif spec.kind is FlagKind.STRING:
            usage += f" (default {go_quote(str(default))})"
        elif default is True:
            usage += " (default true)"
        else:
            usage += f" (default {default})"
    return names, usage


@dataclass(frozen=True)
class Command:
    """One docker subcommand's cobra definition: usage, flags and argument count.

    Parameters
    ----------
    path
        The command path, e.g. ``docker node ls``.
    use
        cobra's ``Use`` (``ls [OPTIONS]``).
    short
        One-line description shown by ``--help``.
    flags
        The flags it accepts (``--help`` is added).
    min_args, max_args
        Accepted number of positional arguments (``max_args`` None = no limit).
    aliases
        Other names of the last word (``list``).
    alias_line
        docker's ``aliases`` annotation, the help's ``Aliases:`` line when set
        (``docker system info, docker info``): it wins over ``aliases``, as in
        ``cli: cli/cobra.go`` ``commandAliases``.
    """

    path: str
    use: str
    short: str
    flags: tuple[FlagSpec, ...] = ()
    min_args: int = 0
    max_args: int | None = None
    aliases: tuple[str, ...] = ()
    alias_line: str = ""

    @property
    def use_line(self) -> str:
        """cobra's ``UseLine`` (``docker node ls [OPTIONS]``)."""
        return f"{self.path.rsplit(' ', 1)[0]} {self.use}"

    def flag_error(self, message: str) -> DockerCLIError:
        """A flag error as docker's ``FlagErrorFunc`` reports it (exit status 125).

        Only the error line is printed, not the usage block docker adds below
        it: every error of swarmsim is one line.
        """
        return DockerCLIError(message, 125)

    def help(self) -> str:
        """The ``--help`` text (docker's usage template)."""
        text = f"\nUsage:  {self.use_line}\n\n{self.short}\n"
        if self.alias_line or self.aliases:
            parent = self.path.rsplit(" ", 1)[0]
            names = ", ".join([self.path, *(f"{parent} {a}" for a in self.aliases)])
            text += f"\nAliases:\n  {self.alias_line or names}\n"
        if self.flags:
            rows = [_flag_usage(spec) for spec in sorted(self.flags, key=lambda s: s.name)]
            width = max(len(names) for names, _ in rows) + 1
            text += "\nOptions:\n"
            for names, usage in rows:
                line = f"{names.ljust(width)}  {_wrap(width + 2, usage)}"
                text += line.rstrip() + "\n"
        return text

    def _args_error(self, count: int) -> DockerCLIError | None:
        low, high = self.min_args, self.max_args
        if low <= count and (high is None or count <= high):
            return None
        word = "argument" if (high if high is not None else low) == 1 else "arguments"
        if high == 0:
            text = f"docker: '{self.path}' accepts no arguments"
        elif high is None:
            text = f"docker: '{self.path}' requires at least {low} {word}"
        elif low != high:
            text = f"docker: '{self.path}' requires at least {low} and at most {high} {word}"
        else:
            text = f"docker: '{self.path}' requires {low} {word}"
        return DockerCLIError(text, 1)

    def parse(self, argv: Sequence[str], out: Output) -> ParsedFlags | None:
        """Parse ``argv``; print help and return ``None`` for ``--help``.

        Raises
        ------
        DockerCLIError
            Flag errors (exit 125) and wrong argument counts (exit 1).
        """
        try:
            parsed = parse_flags(argv, (*self.flags, _HELP))
        except FlagError as error:
            raise self.flag_error(str(error)) from None
        for warning in parsed.warnings:
            out.error(warning)
        if parsed.get_bool("help"):
            out.write(self.help())
            return None
        args_error = self._args_error(len(parsed.args))
        if args_error is not None:
            raise args_error
        return parsed


def go_json(value: object, indent: bool = True) -> str:
    """JSON as Go's ``encoding/json`` writes it for ``docker ... inspect``.

    Indented output uses four spaces (``json.MarshalIndent(v, "", "    ")``); ``<``,
    ``>`` and ``&`` are escaped as Go does; non-ASCII text is written as is.

    Examples
    --------
    >>> go_json({"Name": "a<b", "Labels": {}}, indent=False)
    '{"Name":"a\\\\u003cb","Labels":{}}'
    """
    if indent:
        text = json.dumps(value, indent=4, ensure_ascii=False)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def natural_less(a: str, b: str) -> bool:
    """``sortorder.NaturalLess``: digit runs compare as numbers (``node-2`` < ``node-10``).

    Examples
    --------
    >>> sorted(["node-10", "node-2", "node-1"], key=natural_key)
    ['node-1', 'node-2', 'node-10']
    """
    i = j = 0
    while i < len(a) and j < len(b):
        da, db = a[i].isdigit(), b[j].isdigit()
        if da != db:
            return da
        if not da:
            if a[i] != b[j]:
                return a[i] < b[j]
            i, j = i + 1, j + 1
            continue
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        start_a, start_b = i, j
        while i < len(a) and a[i].isdigit():
            i += 1
        while j < len(b) and b[j].isdigit():
            j += 1
        num_a, num_b = a[start_a:i], b[start_b:j]
        if len(num_a) != len(num_b):
            return len(num_a) < len(num_b)
        if num_a != num_b:
            return num_a < num_b
        if start_a != start_b:
            return start_a < start_b
    return len(a) < len(b)


def _natural_cmp(a: str, b: str) -> int:
    return -1 if natural_less(a, b) else int(natural_less(b, a))


natural_key = cmp_to_key(_natural_cmp)
"""Sort key for :func:`natural_less` (``sorted(names, key=natural_key)``)."""


def remove_each(refs: Sequence[str], remove: Callable[[str], object], out: Output) -> None:
    """docker's ``rm`` loop (``service rm``, ``node rm``): each removed argument, then errors.

    Raises
    ------
    DockerCLIError
        The daemon's errors, ``Error response from daemon: ...`` one per line (exit 1).
    """
    errors: list[str] = []
    for ref in refs:
        try:
            remove(ref)
        except DaemonError as error:
            errors.append(f"Error response from daemon: {error}")
            continue
        out.line(ref)
    if errors:
        raise DockerCLIError("\n".join(errors))


def parse_filters(command: Command, values: Sequence[str]) -> dict[str, list[str]]:
    """``--filter`` values as ``{name: [values]}``, as docker's ``FilterOpt.Set``.

    Names are lower-cased, names and values trimmed; an empty value is ignored.

    Raises
    ------
    DockerCLIError
        ``invalid argument "x" for "-f, --filter" flag: bad format of filter
        (expected name=value)``, framed as a flag error.
    """
    filters: dict[str, list[str]] = {}
    for value in values:
        if not value:
            continue
        if "=" not in value:
            raise command.flag_error(
                f"invalid argument {go_quote(value)} for {go_quote(FILTER_FLAG.display_name)} "
                "flag: bad format of filter (expected name=value)"
            )
        name, _, rest = value.partition("=")
        filters.setdefault(name.strip().lower(), []).append(rest.strip())
    return filters
