"""Shell-like splitting of a command line into words, for scenario files and the shell.

Mirrors the tokenizer of a POSIX shell (``sh``'s quoting rules) without any expansion: what
``shlex.quote`` writes, :func:`split_command_line` reads back.
"""

from __future__ import annotations

__all__ = ["split_command_line"]


_BLANKS = frozenset(" \t\n\r\v\f")
_DQUOTE_ESCAPABLE = frozenset('$`"\\')


def split_command_line(line: str) -> list[str]:
    """Split a command line into words like a POSIX shell, without any expansion.

    Rules: blanks separate words; ``'...'`` keeps everything literally; inside ``"..."`` a
    backslash escapes only ``$``, `````, ``"``, ``\\`` and a newline (other backslashes are kept);
    outside quotes a backslash makes the next character literal; backslash-newline is a line
    continuation and disappears; quotes glue to adjacent text (``a"b c"`` is one word); an
    empty quoted string is an empty word; ``#`` at the start of a word begins a comment that
    runs to the end of the line.  Nothing is expanded or executed (``$HOME``, ``*``, ``~``,
    ``;``, ``|`` are ordinary characters).

    Parameters
    ----------
    line : str
        The command line (it may span several lines).

    Returns
    -------
    list of str
        The words.

    Raises
    ------
    ValueError
        ``unterminated quoted string`` for an unclosed ``'`` or ``"``, and
        ``trailing backslash at end of input`` for a final unescaped backslash.

    Examples
    --------
    >>> split_command_line('docker service create --name "my web" nginx # comment')
    ['docker', 'service', 'create', '--name', 'my web', 'nginx']
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i = 0
    size = len(line)
    while i < size:
        ch = line[i]
        if ch in _BLANKS:
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
            i += 1
            continue
        if ch == "#" and not in_word:
            newline = line.find("\n", i)
            if newline < 0:
                break
            i = newline
            continue
        if ch == "\\":
            if i + 1 >= size:
                raise ValueError("trailing backslash at end of input")
            following = line[i + 1]
            i += 2
            if following == "\n":
                continue
            current.append(following)
            in_word = True
            continue
        in_word = True
        if ch == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ValueError("unterminated quoted string")
            current.append(line[i + 1 : end])
            i = end + 1
            continue
        if ch == '"':
            i += 1
            while True:
                if i >= size:
                    raise ValueError("unterminated quoted string")
                inner = line[i]
                if inner == '"':
                    i += 1
                    break
                if inner == "\\" and i + 1 < size and line[i + 1] in _DQUOTE_ESCAPABLE:
                    current.append(line[i + 1])
                    i += 2
                    continue
                if inner == "\\" and i + 1 < size and line[i + 1] == "\n":
                    i += 2
                    continue
                current.append(inner)
                i += 1
            continue
        current.append(ch)
        i += 1
    if in_word:
        words.append("".join(current))
    return words
