"""The shape of a shell line, before anything runs: words, continuations, expansions.

Everything here reads text and nothing else: no swarm, no clock.  The
:class:`~swarmsim.shell.interpreter.Interpreter` uses it to cut a line into
words before it gives them a meaning, and the checks that run before a
scenario or a lesson starts (:mod:`swarmsim.scenario.lesson`, the scenario
loader) use it to judge a line without running it:

* the vocabulary: :data:`SHELL_WORDS` (the first words the shell knows),
  :data:`FAULT_WORDS` (the ones the trace records as faults) and
  :data:`NODE_FAULTS` (the ones naming one node);
* comments and blank lines (:func:`is_comment`), a trailing backslash that
  continues a line (:func:`continues`) and the logical lines of a text
  (:func:`logical_lines`);
* ``@NAME`` in front of a line, the machine it runs on (:func:`machine_prefix`);
* ``NAME=VALUE`` words (:func:`is_assignment`) and the arguments of ``export``
  and ``unset`` (:func:`environment_assignment`);
* ``$NAME``, ``${NAME}`` and ``$(...)`` in a line: :func:`expand` replaces them
  by the values a caller gives, :func:`static_words` splits a line with each
  substitution standing for one word;
* what ``printf`` or ``echo`` writes into a pipe (:func:`pipe_input`) and the
  groups of a ``partition`` line (:func:`partition_groups`);
* a word quoted so that a line written from values reads back as those words
  (:func:`quote_word`).

This module has no swarmkit counterpart; it follows POSIX ``sh``.

Differences
-----------
Only a tiny part of ``sh`` is understood.  Words split as
:func:`~swarmsim.cli.shellwords.split_command_line` splits them (quotes and
backslashes).  A command substitution holds one command and does not nest;
backquotes, arithmetic and the other parameter expansions (``${NAME:-x}``)
are plain text.  An unquoted expansion is split into words except in a line
that starts with an assignment.  ``printf`` knows ``%s``, ``%d``, ``%%`` and
backslash escapes only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from swarmsim.cli.shellargs import ShellError
from swarmsim.cli.shellwords import split_command_line

__all__ = [
    "FAULT_WORDS",
    "MACHINE_PREFIX",
    "NODE_FAULTS",
    "SHELL_WORDS",
    "continues",
    "environment_assignment",
    "expand",
    "is_assignment",
    "is_comment",
    "logical_lines",
    "machine_prefix",
    "partition_groups",
    "pipe_input",
    "quote_word",
    "static_words",
]

FAULT_WORDS = frozenset(
    {"fail", "recover", "disconnect", "reconnect", "partition", "heal", "kill", "node"}
)
NODE_FAULTS = ("fail", "recover", "disconnect", "reconnect")
SHELL_WORDS = (
    frozenset(
        {"docker", "sleep", "time", "image", "export", "unset", "echo", "help", "exit", "quit"}
    )
    | FAULT_WORDS
    | {"traffic", "autoscale"}
)
MACHINE_PREFIX = "@"  # "@worker1 docker node ls": the line runs on worker1

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*=")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_CONTINUED = re.compile(r"(?<!\\)(\\\\)*\\$")  # an odd number of final backslashes
_SAFE = re.compile(r"[\w@%+=:,./-]")
_SAFE_WORD = re.compile(r"[A-Za-z0-9_./:=@%+,-]+")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "\a", "v": "\v", "f": "\f"}

PARTITION_USAGE = "usage: partition NODE[,NODE...] / NODE[,NODE...] ..."


# ------------------------------------------------------------------------- lines


def is_comment(line: str) -> bool:
    """Whether a line is blank or a ``#`` comment (printed, never run)."""
    return not line.strip() or line.lstrip().startswith("#")


def continues(line: str) -> bool:
    """Whether a line ends in an unescaped backslash (it goes on on the next line)."""
    return _CONTINUED.search(line) is not None


def logical_lines(lines: Iterable[str]) -> Iterator[str]:
    """Join lines ending in a backslash with the next one (newlines kept inside).

    >>> list(logical_lines(["docker node \\\\\\n", "  ls\\n", "time"]))
    ['docker node \\\\\\n  ls', 'time']
    """
    pending = ""
    for raw in lines:
        line = pending + raw.rstrip("\n")
        if continues(line):
            pending = line + "\n"
            continue
        pending = ""
        yield line
    if pending:
        yield pending.rstrip("\n")


def machine_prefix(line: str) -> tuple[str, str]:
    """The machine of an ``@NAME ...`` line and the rest of it (``""`` and the line without one).

    >>> machine_prefix("@worker1 docker node ls"), machine_prefix(" @w2"), machine_prefix("ls")
    (('worker1', 'docker node ls'), ('w2', ''), ('', 'ls'))
    """
    stripped = line.lstrip()
    if not stripped.startswith(MACHINE_PREFIX):
        return "", line
    name, _, rest = stripped[len(MACHINE_PREFIX) :].partition(" ")
    return name, rest


# -------------------------------------------------------------------- expansions


def _expansions(line: str) -> Iterator[tuple[int, int, str, bool]]:
    """Spans of ``$(...)``, ``$NAME`` and ``${NAME}`` outside single quotes.

    Each span is ``(start, end, what, quoted)``: ``what`` is the command of a
    substitution or ``$NAME`` for a variable, ``quoted`` whether it sits inside
    double quotes.  Substitutions do not nest.

    >>> [(w, q) for _, _, w, q in _expansions('a $(b c) "$X" ${Z} $')]
    [('b c', False), ('$X', True), ('$Z', False)]
    """
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == "'" and ch != "'":
            i += 1
            continue
        if ch in "'\"":
            quote = "" if quote == ch else (quote or ch)
        elif ch == "\\":
            i += 1
        elif line.startswith("$(", i):
            end = line.find(")", i + 2)
            if end < 0:
                raise ShellError("unterminated command substitution")
            yield i, end + 1, line[i + 2 : end], quote == '"'
            i = end
        elif ch == "$":
            match = _VARIABLE.match(line, i)
            if match is not None:
                yield i, match.end(), "$" + (match.group(1) or match.group(2)), quote == '"'
                i = match.end() - 1
        i += 1


def _literal(value: str, *, quoted: bool, split: bool) -> str:
    """``value`` written so the shell reads it back as it is.

    Inside double quotes only ``\\ " $ `` ` are escaped; outside, every other
    character is, except blanks when the value is to be split into words.

    >>> print(_literal('a "b"  c', quoted=False, split=True))
    a \\"b\\" c
    >>> print(_literal("a b", quoted=False, split=False), _literal('x"$', quoted=True, split=False))
    a\\ b x\\"\\$
    """
    if quoted:
        return re.sub(r'([\\"$`])', r"\\\1", value)
    if split:
        return " ".join(_literal(word, quoted=False, split=False) for word in value.split())
    return "".join(ch if _SAFE.fullmatch(ch) else "\\" + ch for ch in value)


def expand(line: str, variable: Callable[[str], str], command: Callable[[str], str]) -> str:
    """The line with its expansions replaced by their values, quoted to be read back as such.

    ``variable(NAME)`` gives the value of ``$NAME`` and ``${NAME}``, ``command(TEXT)``
    the output of ``$(TEXT)``; they are asked from the last expansion of the line
    to the first.  An unquoted value splits into words, unless the line starts
    with an assignment (``NAME=$(...)`` keeps one word).

    Raises
    ------
    ShellError
        For a ``$(`` that is never closed.

    Examples
    --------
    >>> values = {"A": "x  y"}.get
    >>> expand('echo $A "$A" $(date)', lambda name: values(name, ""), lambda text: "now!")
    'echo x y "x  y" now\\\\!'
    >>> expand("B=$A", lambda name: values(name, ""), str)
    'B=x\\\\ \\\\ y'
    """
    split = _ASSIGNMENT.match(line) is None
    for start, end, what, quoted in reversed(list(_expansions(line))):
        value = command(what) if line[start + 1] == "(" else variable(what[1:])  # $NAME
        line = line[:start] + _literal(value, quoted=quoted, split=split) + line[end:]
    return line


def quote_word(word: str) -> str:
    """``word`` quoted for the shell when it needs it (``'my web'``): a line to show.

    >>> quote_word("zone=a"), quote_word("label.room=lab 2"), quote_word("it's")
    ('zone=a', "'label.room=lab 2'", "'it'\\\\''s'")
    """
    if _SAFE_WORD.fullmatch(word):
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def static_words(line: str) -> list[str]:
    """A line's words before it runs, each ``$(...)`` standing for one word (for checks).

    Raises
    ------
    ValueError, ShellError
        For a line that does not split (an open quote, an open substitution).

    >>> static_words("TOKEN=$(docker swarm join-token -q worker)")
    ['TOKEN=_']
    """
    for start, end, _what, _ in reversed(list(_expansions(line))):
        if line[start + 1] == "(":
            line = line[:start] + "_" + line[end:]
    return split_command_line(line)


# ------------------------------------------------------------------------- words


def is_assignment(words: list[str]) -> bool:
    """Whether a line's words only set shell variables (``TOKEN=abc``).

    >>> is_assignment(["A=1", "B="]), is_assignment(["A=1", "docker"]), is_assignment([])
    (True, False, False)
    """
    return bool(words) and all(_ASSIGNMENT.match(word) for word in words)


def environment_assignment(word: str, command: str = "export") -> tuple[str, str | None]:
    """The name and value of an ``export`` word (``None``: no ``=``, nothing to set).

    Raises
    ------
    ShellError
        As bash says it (``not a valid identifier``).

    Examples
    --------
    >>> environment_assignment("TAG=1.25"), environment_assignment("TAG")
    (('TAG', '1.25'), ('TAG', None))
    >>> environment_assignment("1A=b")
    Traceback (most recent call last):
    ...
    swarmsim.cli.shellargs.ShellError: `1A=b': not a valid identifier
    """
    name, equals, value = word.partition("=")
    if not _IDENTIFIER.fullmatch(name) or (command == "unset" and equals):
        raise ShellError(f"`{word}': not a valid identifier")
    return name, value if equals else None


def partition_groups(args: list[str]) -> list[list[str]]:
    """The groups of a ``partition`` line's arguments (names split on ``,`` and ``/``).

    Examples
    --------
    >>> partition_groups(["manager1,worker1", "/", "worker2,", "worker3"])
    [['manager1', 'worker1'], ['worker2', 'worker3']]
    >>> partition_groups(["a/b"])
    [['a'], ['b']]
    """
    if not args:
        raise ShellError(PARTITION_USAGE)
    return [part.replace(",", " ").split() for part in " ".join(args).split("/")]


def pipe_input(words: list[str]) -> bytes | None:
    """What ``printf FORMAT [ARG...]`` or ``echo [-n] WORD...`` writes into a pipe.

    ``printf`` understands ``%s``, ``%d``, ``%%`` and backslash escapes (the format
    is reused while arguments remain, as the shell's printf does); ``echo`` joins
    its words with spaces and ends with a newline unless ``-n``.  Any other
    command gives ``None``.

    Examples
    --------
    >>> pipe_input(["printf", "pw"]), pipe_input(["echo", "-n", "a", "b"])
    (b'pw', b'a b')
    >>> pipe_input(["printf", "%s=%s\\n", "a", "1", "b"])
    b'a=1\\nb=\\n'
    """
    if words[:1] == ["echo"]:
        newline = words[1:2] != ["-n"]
        text = " ".join(words[2 - newline :]) + ("\n" if newline else "")
        return text.encode()
    if words[:1] != ["printf"] or len(words) < 2:
        return None
    fmt, args = _unescape(words[1]), list(words[2:])
    out = []
    while True:
        used = 0

        def convert(match: re.Match[str]) -> str:
            nonlocal used
            if match.group() == "%%":
                return "%"
            used += 1
            return args.pop(0) if args else ("0" if match.group() == "%d" else "")

        out.append(re.sub(r"%[sd%]", convert, fmt))
        if not args or not used:
            break
    return "".join(out).encode()


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)
