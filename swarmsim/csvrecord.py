"""One record of Go's ``encoding/csv``, as pflag's ``stringSlice`` and docker's options read it.

Mirrors ``csv.NewReader(strings.NewReader(value)).Read()`` with the default settings (comma
``,``, no comment character, no lazy quotes, leading spaces kept): pflag splits each
occurrence of a ``stringSlice`` flag this way, and docker's ``PortOpt`` and ``NetworkOpt``
split the long syntax of ``--publish`` and ``--network`` this way too.  Error texts are Go's,
e.g. ``parse error on line 1, column 2: bare " in non-quoted-field``.
"""

from __future__ import annotations

__all__ = ["read_csv_record"]

_ERR_BARE_QUOTE = 'bare " in non-quoted-field'
_ERR_QUOTE = 'extraneous or missing " in quoted-field'


class _CsvLines:
    """Line source reproducing ``csv.Reader.readLine`` on UTF-8 bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0
        self.num_line = 0

    def read_line(self) -> tuple[bytes, bool]:
        """Return the next line (with its ``\\n``) and whether end of input was hit."""
        data = self._data
        if self._pos >= len(data):
            self.num_line += 1
            return b"", True
        newline = data.find(b"\n", self._pos)
        if newline < 0:
            line = data[self._pos :]
            self._pos = len(data)
            if line.endswith(b"\r"):
                line = line[:-1]
        else:
            line = data[self._pos : newline + 1]
            self._pos = newline + 1
        self.num_line += 1
        if line.endswith(b"\r\n"):
            line = line[:-2] + b"\n"
        return line, False


def _length_nl(line: bytes) -> int:
    return 1 if line.endswith(b"\n") else 0


def _csv_error(start_line: int, line: int, column: int, reason: str) -> ValueError:
    if start_line != line:
        return ValueError(
            f"record on line {start_line}; parse error on line {line}, column {column}: {reason}"
        )
    return ValueError(f"parse error on line {line}, column {column}: {reason}")


def _read_csv_record(value: str) -> list[str]:
    """Port of ``csv.NewReader(strings.NewReader(value)).Read()`` with default settings."""
    lines = _CsvLines(value.encode("utf-8", "surrogatepass"))
    while True:
        line, eof = lines.read_line()
        if not eof and len(line) == _length_nl(line):
            continue  # skip empty lines
        break
    if eof:
        raise ValueError("EOF")
    record_line = lines.num_line
    pos_line = lines.num_line
    column = 1
    fields: list[bytes] = []
    while True:
        if not line or line[:1] != b'"':
            comma = line.find(b",")
            text = line[:comma] if comma >= 0 else line[: len(line) - _length_nl(line)]
            quote = text.find(b'"')
            if quote >= 0:
                raise _csv_error(record_line, lines.num_line, column + quote, _ERR_BARE_QUOTE)
            fields.append(text)
            if comma >= 0:
                line = line[comma + 1 :]
                column += comma + 1
                continue
            break
        # Quoted field.
        line = line[1:]
        column += 1
        buffer = bytearray()
        next_field = False
        while True:
            quote = line.find(b'"')
            if quote >= 0:
                buffer += line[:quote]
                line = line[quote + 1 :]
                column += quote + 1
                following = line[:1]
                if following == b'"':
                    buffer += b'"'
                    line = line[1:]
                    column += 1
                elif following == b",":
                    line = line[1:]
                    column += 1
                    next_field = True
                    break
                elif _length_nl(line) == len(line):
                    break
                else:
                    raise _csv_error(record_line, lines.num_line, column - 1, _ERR_QUOTE)
            elif line:
                buffer += line
                column += len(line)
                line, _ = lines.read_line()
                if line:
                    pos_line += 1
                    column = 1
            else:
                raise _csv_error(record_line, pos_line, column, _ERR_QUOTE)
        fields.append(bytes(buffer))
        if not next_field:
            break
    return [item.decode("utf-8", "surrogatepass") for item in fields]


def read_csv_record(value: str) -> list[str]:
    """Split a flag value as pflag's ``stringSlice`` does (one ``encoding/csv`` record).

    Parameters
    ----------
    value : str
        E.g. ``'a,b'``, ``'"x,y",z'``.  The empty string gives an empty list.

    Returns
    -------
    list of str
        The fields.

    Raises
    ------
    ValueError
        With Go's ``encoding/csv`` message, e.g.
        ``parse error on line 1, column 3: bare " in non-quoted-field``.
    """
    if value == "":
        return []
    return _read_csv_record(value)
