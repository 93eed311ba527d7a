"""A table-driven command-line parser with the rules of spf13/pflag, as the docker CLI uses it.

The docker CLI is built with cobra, which parses flags with ``spf13/pflag``.  This module
reproduces the parts of pflag a docker command meets, including the exact error texts:

* ``--flag value``, ``--flag=value``, ``-f value``, ``-fvalue``, ``-f=value``;
* combined boolean shorthands (``-dq``), where the last letter may take a value
  (``-dqn3``, ``-dn 3``);
* boolean flags never consume the next argument (``--bool``, ``--bool=false``);
* a flag that needs a value consumes the next argument whatever it looks like
  (``--name --detach`` sets the name to ``--detach``);
* ``--`` ends the flags; a lone ``-`` and the empty string are positionals; no abbreviations;
* repeated flags: the last value wins for scalars, list kinds accumulate (a repeated flag's
  first occurrence replaces the default);
* with ``interspersed=False`` the first positional ends flag parsing.

Values are converted as pflag and docker's option types convert them (Go's ``strconv`` with
base prefixes for integers, ``time.ParseDuration``, go-units ``RAMInBytes``, docker's
``ParseCPUs``, ``encoding/csv`` for string slices): see :mod:`swarmsim.golang`,
:mod:`swarmsim.units` and :mod:`swarmsim.csvrecord`.

On a flag error docker's ``FlagErrorFunc`` prints, to stderr::

    <error text>

    Usage:  <command use line>

    Run '<command path> --help' for more information

and exits with status 125 (docker/cli ``cli/cobra.go``; older releases printed
``See '<command path> --help'.`` instead).  That framing is up to the caller; :class:`FlagError`
carries only the pflag text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from swarmsim.csvrecord import read_csv_record
from swarmsim.golang import (
    go_parse_bool,
    go_parse_float,
    go_parse_int,
    go_parse_uint,
    go_quote,
    go_quote_rune,
)
from swarmsim.units import parse_bytes, parse_duration, parse_nanocpus

__all__ = [
    "FlagError",
    "FlagKind",
    "FlagSpec",
    "HelpRequested",
    "ParsedFlags",
    "parse_flags",
]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class FlagError(Exception):
    """A command-line parsing error whose ``str`` is pflag's exact message.

    Parameters
    ----------
    message : str
        The error text, e.g. ``unknown flag: --replica``.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class HelpRequested(FlagError):
    """Raised when ``--help`` or ``-h`` is used but no ``help`` flag is defined.

    pflag returns ``ErrHelp`` in that case; cobra reacts by printing the command's help.
    Commands that define a ``help`` flag (cobra always does) see it as an ordinary boolean.
    """

    def __init__(self) -> None:
        super().__init__("pflag: help requested")


class _ConversionError(Exception):
    """A value conversion failure carrying the text of the underlying Go error."""


# ---------------------------------------------------------------------------------------------
# Flag table
# ---------------------------------------------------------------------------------------------


class FlagKind(Enum):
    """The value types of pflag and docker's option types that commands use.

    The enum value is the type name the Go value reports (``Value.Type()``).  Help output
    shows a different placeholder for some of them (``uint64`` as ``uint``, ``stringSlice``
    as ``strings``, docker's ``ListOpts`` as ``list``): use :attr:`FlagSpec.value_name`.
    """

    BOOL = "bool"
    """``BoolVar``: ``strconv.ParseBool``; never consumes the next argument."""
    STRING = "string"
    """``StringVar``: any text."""
    INT = "int"
    """``IntVar``: ``strconv.ParseInt(s, 0, 64)``."""
    UINT64 = "uint64"
    """``Uint64Var`` / docker ``Uint64Opt``: ``strconv.ParseUint(s, 0, 64)``."""
    FLOAT = "float64"
    """``Float64Var``: ``strconv.ParseFloat(s, 64)``."""
    DURATION = "duration"
    """``DurationVar`` / docker ``DurationOpt``: ``time.ParseDuration``; stored as seconds."""
    BYTES = "bytes"
    """docker ``MemBytes``: go-units ``RAMInBytes``; stored as bytes."""
    NANOCPUS = "decimal"
    """docker ``NanoCPUs``: ``opts.ParseCPUs``; stored as nano-CPUs."""
    LIST = "stringSlice"
    """``StringSliceVar``: each occurrence is split as one CSV record and appended."""
    ARRAY = "stringArray"
    """``StringArrayVar`` / docker ``ListOpts``: each occurrence appended unsplit."""


_LIST_KINDS = frozenset({FlagKind.LIST, FlagKind.ARRAY})


@dataclass(frozen=True)
class FlagSpec:
    """Declaration of one flag.

    Parameters
    ----------
    name : str
        Long name without dashes, e.g. ``"replicas"``.
    shorthand : str or None, optional
        One ASCII character used after a single dash, e.g. ``"r"``.
    kind : FlagKind, optional
        The value type (default :attr:`FlagKind.STRING`).
    default : object, optional
        The value before parsing.  ``None`` means "unset" for scalar kinds (like docker's
        pointer options ``Uint64Opt``/``DurationOpt``), ``False`` for :attr:`FlagKind.BOOL`
        and an empty list for list kinds.  A list default is stored as a tuple.
    help : str, optional
        One-line usage text.
    value_name : str, optional
        Placeholder shown in help output (pflag's back-quoted name or type name).
    no_opt_default : str or None, optional
        pflag's ``NoOptDefVal``: the value used when the flag is given without ``=value``;
        such a flag never consumes the next argument.  Implied ``"true"`` for booleans.
    deprecated : str or None, optional
        pflag's ``Deprecated`` message; using the flag records
        ``Flag --<name> has been deprecated, <message>`` in :attr:`ParsedFlags.warnings`.
    shorthand_deprecated : str or None, optional
        pflag's ``ShorthandDeprecated``; using the shorthand records
        ``Flag shorthand -<c> has been deprecated, <message>`` and error messages then name
        the flag by its long form only.

    Raises
    ------
    ValueError
        If the name or shorthand is malformed.
    """

    name: str
    shorthand: str | None = None
    kind: FlagKind = FlagKind.STRING
    default: object = None
    help: str = ""
    value_name: str = ""
    no_opt_default: str | None = None
    deprecated: str | None = None
    shorthand_deprecated: str | None = None

    def __post_init__(self) -> None:
        if not self.name or self.name.startswith("-") or "=" in self.name:
            raise ValueError(f"invalid flag name {self.name!r}")
        if self.shorthand is not None and (
            len(self.shorthand) != 1 or not self.shorthand.isascii() or self.shorthand == "-"
        ):
            raise ValueError(f"invalid shorthand {self.shorthand!r} for flag {self.name!r}")
        if self.kind in _LIST_KINDS and isinstance(self.default, list):
            object.__setattr__(self, "default", tuple(self.default))

    @property
    def display_name(self) -> str:
        """How pflag names the flag in an invalid-argument error.

        Returns
        -------
        str
            ``"-r, --replicas"`` when the flag has a (non-deprecated) shorthand, else
            ``"--replicas"``.
        """
        if self.shorthand and self.shorthand_deprecated is None:
            return f"-{self.shorthand}, --{self.name}"
        return f"--{self.name}"

    @property
    def implicit_value(self) -> str | None:
        """The value used when the flag appears without one (pflag's ``NoOptDefVal``).

        Returns
        -------
        str or None
            ``"true"`` for booleans unless overridden, else :attr:`no_opt_default`.
        """
        if self.no_opt_default is not None:
            return self.no_opt_default
        if self.kind is FlagKind.BOOL:
            return "true"
        return None

    def initial_value(self) -> object:
        """Return a fresh copy of the value the flag has before parsing.

        Returns
        -------
        object
            See :attr:`default`.
        """
        if self.kind in _LIST_KINDS:
            if self.default is None:
                return []
            if isinstance(self.default, str):
                return [self.default]
            if isinstance(self.default, Sequence):
                return [str(item) for item in self.default]
            raise TypeError(f"default of list flag {self.name!r} must be a sequence of str")
        if self.kind is FlagKind.BOOL and self.default is None:
            return False
        return self.default


def _convert_scalar(kind: FlagKind, text: str) -> object:
    """Convert a flag value of a scalar kind, raising :class:`_ConversionError` with Go's text."""
    converters: dict[FlagKind, Callable[[str], object]] = {
        FlagKind.BOOL: go_parse_bool,
        FlagKind.INT: go_parse_int,
        FlagKind.UINT64: go_parse_uint,
        FlagKind.FLOAT: go_parse_float,
        FlagKind.DURATION: parse_duration,
        FlagKind.BYTES: parse_bytes,
        FlagKind.NANOCPUS: parse_nanocpus,
    }
    if kind is FlagKind.STRING:
        return text
    try:
        return converters[kind](text)
    except ValueError as exc:
        raise _ConversionError(str(exc)) from None


@dataclass
class ParsedFlags:
    """The result of :func:`parse_flags`.

    Attributes
    ----------
    values : dict of str to object
        Every declared flag by long name, defaults filled in.
    changed : set of str
        Long names of the flags given on the command line (pflag's ``Changed``).
    args : list of str
        The positional arguments, in order.
    args_len_at_dash : int
        ``len(args)`` when ``--`` was met, or -1 (pflag's ``ArgsLenAtDash``).
    warnings : list of str
        Deprecation notices pflag would print to stderr, in order.
    """

    values: dict[str, object]
    changed: set[str]
    args: list[str]
    args_len_at_dash: int = -1
    warnings: list[str] = field(default_factory=list)

    def get_bool(self, name: str) -> bool:
        """Return the value of a boolean flag.

        Parameters
        ----------
        name : str
            Long flag name.

        Returns
        -------
        bool
            The value.
        """
        value = self.values[name]
        if not isinstance(value, bool):
            raise TypeError(f"flag {name!r} is not a bool: {value!r}")
        return value

    def get_str(self, name: str) -> str | None:
        """Return the value of a string flag (``None`` if unset without default).

        Parameters
        ----------
        name : str
            Long flag name.

        Returns
        -------
        str or None
            The value.
        """
        value = self.values[name]
        if value is not None and not isinstance(value, str):
            raise TypeError(f"flag {name!r} is not a string: {value!r}")
        return value

    def get_int(self, name: str) -> int | None:
        """Return the value of an integer-valued flag (int, uint, bytes, nano-CPUs).

        Parameters
        ----------
        name : str
            Long flag name.

        Returns
        -------
        int or None
            The value, ``None`` if unset without default.
        """
        value = self.values[name]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"flag {name!r} is not an integer: {value!r}")
        return value

    def get_float(self, name: str) -> float | None:
        """Return the value of a float or duration flag (durations are seconds).

        Parameters
        ----------
        name : str
            Long flag name.

        Returns
        -------
        float or None
            The value, ``None`` if unset without default.
        """
        value = self.values[name]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"flag {name!r} is not a number: {value!r}")
        return float(value)

    def get_list(self, name: str) -> list[str]:
        """Return the value of a list flag.

        Parameters
        ----------
        name : str
            Long flag name.

        Returns
        -------
        list of str
            A copy of the values.
        """
        value = self.values[name]
        if not isinstance(value, list):
            raise TypeError(f"flag {name!r} is not a list: {value!r}")
        return [str(item) for item in value]


class _Parser:
    """State of one pflag ``FlagSet.Parse`` run."""

    def __init__(self, specs: Sequence[FlagSpec], interspersed: bool) -> None:
        self.by_name: dict[str, FlagSpec] = {}
        self.by_short: dict[str, FlagSpec] = {}
        for spec in specs:
            if spec.name in self.by_name:
                raise ValueError(f"flag redefined: {spec.name}")
            self.by_name[spec.name] = spec
            if spec.shorthand is not None:
                if spec.shorthand in self.by_short:
                    other = self.by_short[spec.shorthand].name
                    raise ValueError(
                        f"unable to redefine {spec.shorthand!r} shorthand in {spec.name!r} "
                        f"flagset: it's already used for {other!r} flag"
                    )
                self.by_short[spec.shorthand] = spec
        self.interspersed = interspersed
        self.result = ParsedFlags(
            values={spec.name: spec.initial_value() for spec in specs},
            changed=set(),
            args=[],
        )

    def set_value(self, spec: FlagSpec, text: str) -> None:
        """Port of ``FlagSet.Set``: convert, store, mark changed, note deprecation."""
        values = self.result.values
        try:
            if spec.kind in _LIST_KINDS:
                if spec.kind is FlagKind.LIST:
                    try:
                        items = read_csv_record(text)
                    except ValueError as exc:
                        raise _ConversionError(str(exc)) from None
                else:
                    items = [text]
                current = values[spec.name]
                if spec.name in self.result.changed and isinstance(current, list):
                    current.extend(items)
                else:
                    values[spec.name] = items
            else:
                values[spec.name] = _convert_scalar(spec.kind, text)
        except _ConversionError as exc:
            raise FlagError(
                f"invalid argument {go_quote(text)} for {go_quote(spec.display_name)} flag: {exc}"
            ) from None
        self.result.changed.add(spec.name)
        if spec.deprecated is not None:
            self.result.warnings.append(
                f"Flag --{spec.name} has been deprecated, {spec.deprecated}"
            )

    def parse_long(self, arg: str, rest: list[str]) -> list[str]:
        """Port of ``parseLongArg``; returns the remaining arguments."""
        name = arg[2:]
        if not name or name[0] in "-=":
            raise FlagError(f"bad flag syntax: {arg}")
        name, has_value, inline = name.partition("=")
        spec = self.by_name.get(name)
        if spec is None:
            if name == "help":
                raise HelpRequested
            raise FlagError(f"unknown flag: --{name}")
        if has_value:
            value = inline
        elif spec.implicit_value is not None:
            value = spec.implicit_value
        elif rest:
            value, rest = rest[0], rest[1:]
        else:
            raise FlagError(f"flag needs an argument: {arg}")
        self.set_value(spec, value)
        return rest

    def parse_single_short(self, shorthands: str, rest: list[str]) -> tuple[str, list[str]]:
        """Port of ``parseSingleShortArg``; returns the unprocessed letters and arguments."""
        letter = shorthands[0]
        remaining = shorthands[1:]
        spec = self.by_short.get(letter)
        if spec is None:
            if letter == "h":
                raise HelpRequested
            # Go indexes bytes: a non-ASCII letter is named by its first UTF-8 byte.
            first_byte = chr(letter.encode("utf-8", "surrogatepass")[0])
            raise FlagError(f"unknown shorthand flag: {go_quote_rune(first_byte)} in -{shorthands}")
        if len(shorthands) > 2 and shorthands[1] == "=":
            value = shorthands[2:]
            remaining = ""
        elif spec.implicit_value is not None:
            value = spec.implicit_value
        elif len(shorthands) > 1:
            value = shorthands[1:]
            remaining = ""
        elif rest:
            value, rest = rest[0], rest[1:]
        else:
            raise FlagError(f"flag needs an argument: {go_quote_rune(letter)} in -{shorthands}")
        if spec.shorthand_deprecated is not None:
            self.result.warnings.append(
                f"Flag shorthand -{spec.shorthand} has been deprecated, {spec.shorthand_deprecated}"
            )
        self.set_value(spec, value)
        return remaining, rest

    def parse(self, arguments: Sequence[str]) -> ParsedFlags:
        """Port of ``parseArgs``."""
        rest = list(arguments)
        positionals = self.result.args
        while rest:
            arg, rest = rest[0], rest[1:]
            if len(arg) <= 1 or arg[0] != "-":
                positionals.append(arg)
                if not self.interspersed:
                    positionals.extend(rest)
                    break
                continue
            if arg[1] == "-":
                if len(arg) == 2:
                    self.result.args_len_at_dash = len(positionals)
                    positionals.extend(rest)
                    break
                rest = self.parse_long(arg, rest)
            else:
                shorthands = arg[1:]
                while shorthands:
                    shorthands, rest = self.parse_single_short(shorthands, rest)
        return self.result


def parse_flags(
    args: Sequence[str], specs: Sequence[FlagSpec], *, interspersed: bool = True
) -> ParsedFlags:
    """Parse command-line arguments against a flag table with pflag's rules.

    Parameters
    ----------
    args : Sequence of str
        The arguments after the command name.
    specs : Sequence of FlagSpec
        The flags the command accepts.
    interspersed : bool, optional
        If ``False``, the first positional argument (or a lone ``-``) ends flag parsing and
        everything from it on is positional (``docker service create IMAGE COMMAND...``).

    Returns
    -------
    ParsedFlags
        Values (defaults filled), the set of changed flags and the positionals.

    Raises
    ------
    FlagError
        With pflag's exact message, e.g. ``unknown flag: --replica``,
        ``unknown shorthand flag: 'x' in -x``, ``flag needs an argument: --name``,
        ``flag needs an argument: 'n' in -n``, ``bad flag syntax: ---x``,
        ``invalid argument "x" for "-r, --replicas" flag: strconv.ParseUint: parsing "x":
        invalid syntax``.
    HelpRequested
        When ``--help``/``-h`` is used and not declared.
    ValueError
        If ``specs`` declares a name or shorthand twice.

    Examples
    --------
    >>> specs = [FlagSpec("replicas", "r", FlagKind.UINT64), FlagSpec("detach", "d", FlagKind.BOOL)]
    >>> parsed = parse_flags(["-d", "--replicas=3", "web"], specs)
    >>> parsed.values["replicas"], parsed.values["detach"], parsed.args
    (3, True, ['web'])
    """
    return _Parser(specs, interspersed).parse(args)
