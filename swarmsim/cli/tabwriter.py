"""Emulation of the tabwriter behind every docker CLI table.

The docker CLI renders ``table`` formats through ``cli/command/formatter/tabwriter``, a copy of
Go's ``text/tabwriter`` that measures cells with ``go-runewidth`` instead of counting runes.
Tables are written with ``NewWriter(out, 10, 1, 3, ' ', 0)``: minimum cell width 10, tab width
1, padding 3, pad character space, no flags.

The algorithm is the elastic-tabstops one of Go's package:

* input is split into cells terminated by ``\\t`` (or ``\\v``); the text after the last tab of
  a line is a cell too but belongs to no column and is never padded;
* a *column block* is a run of consecutive lines that all have a tab-terminated cell in that
  column; its width is ``max(minwidth, widest cell + padding)``; a line with fewer cells ends
  the block, so the same column index may have different widths above and below it;
* empty cells are padded as well, which is why docker rows whose last column is empty end with
  the padding of the previous column.

The ``inspect --pretty`` outputs are *not* tabwriter tables: docker renders those templates
straight to the output (``formatter.Context.postFormat`` only uses the tabwriter for formats
starting with ``table``), so their tab characters are printed literally.

Docker's writer is fed the header line, then ``"\\n"``, then every row followed by ``"\\n"``;
:func:`render_table` reproduces exactly that.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "TabWriter",
    "char_width",
    "display_width",
    "render_table",
]

_CELL_TERMINATOR = re.compile("[\t\v\n\f]")


def char_width(ch: str) -> int:
    """Return the terminal column width of one character, approximating ``go-runewidth``.

    Control characters, combining marks and format characters are 0 columns wide, East Asian
    wide and full-width characters 2, everything else (including East Asian *ambiguous*
    characters such as ``…``, as in a non-CJK locale) 1.

    Parameters
    ----------
    ch : str
        A single character.

    Returns
    -------
    int
        0, 1 or 2.
    """
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    if code < 0x7F:
        return 1
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def display_width(text: str) -> int:
    """Return the terminal column width of ``text`` (the sum of :func:`char_width`).

    Parameters
    ----------
    text : str
        Any text without line breaks.

    Returns
    -------
    int
        The width in columns; equal to ``len(text)`` for ASCII and for ``…``.

    Notes
    -----
    ``go-runewidth`` measures grapheme clusters, so emoji sequences joined with U+200D may be
    narrower in docker than the per-character sum computed here.
    """
    if text.isascii():
        if text.isprintable():  # in ASCII: every character from " " to "~"
            return len(text)
        return sum(1 for ch in text if " " <= ch < "\x7f")
    return sum(char_width(ch) for ch in text)


@dataclass(frozen=True, slots=True)
class _Cell:
    """A cell of buffered text: its content, display width and terminator kind."""

    text: str
    width: int
    htab: bool


class TabWriter:
    """A port of Go's ``text/tabwriter.Writer`` (docker's fork) working on ``str``.

    Text is buffered with :meth:`write`; :meth:`flush` formats whatever is buffered and returns
    all output produced since the previous call.  As in Go, a line consisting of a single cell
    (no tab) or a form feed ``\\f`` flushes the buffered block early; this never changes the
    output, only when it becomes available.

    Parameters
    ----------
    minwidth : int, optional
        Minimal cell width including any padding (docker tables: 10).
    tabwidth : int, optional
        Width of a tab character when padding with tabs (docker tables: 1).
    padding : int, optional
        Padding added to a cell before computing its width (docker tables: 3).
    padchar : str, optional
        The single character used for padding; ``"\\t"`` pads with tabs (docker: ``" "``).
    align_right : bool, optional
        Go's ``AlignRight`` flag: pad on the left of the cell text.
    discard_empty_columns : bool, optional
        Go's ``DiscardEmptyColumns`` flag: a column made only of empty ``\\v``-terminated
        cells gets width 0.
    tab_indent : bool, optional
        Go's ``TabIndent`` flag: pad leading empty cells with tabs whatever ``padchar`` is.
    debug : bool, optional
        Go's ``Debug`` flag: print ``|`` between columns and ``---`` after a form feed.

    Raises
    ------
    ValueError
        If a width is negative or ``padchar`` is not a single character.

    Notes
    -----
    Go's HTML filtering and ``Escape`` (``0xff``) bracketing are not emulated: a Python ``str``
    reaches docker's writer as UTF-8, where byte ``0xff`` cannot occur.
    """

    def __init__(
        self,
        minwidth: int = 10,
        tabwidth: int = 1,
        padding: int = 3,
        padchar: str = " ",
        *,
        align_right: bool = False,
        discard_empty_columns: bool = False,
        tab_indent: bool = False,
        debug: bool = False,
    ) -> None:
        if minwidth < 0 or tabwidth < 0 or padding < 0:
            raise ValueError("negative minwidth, tabwidth, or padding")
        if len(padchar) != 1:
            raise ValueError(f"padchar must be a single character, got {padchar!r}")
        self._minwidth = minwidth
        self._tabwidth = tabwidth
        self._padding = padding
        self._padchar = padchar
        # As in Go, tab padding forces left alignment.
        self._align_right = align_right and padchar != "\t"
        self._discard_empty_columns = discard_empty_columns
        self._tab_indent = tab_indent
        self._debug = debug
        self._out: list[str] = []
        self._lines: list[list[_Cell]] = [[]]
        self._cell: list[str] = []
        self._widths: list[int] = []

    # -- input --------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """Buffer ``text``, splitting it into cells and lines.

        Parameters
        ----------
        text : str
            Text with ``\\t``/``\\v`` cell terminators and ``\\n``/``\\f`` line breaks.
        """
        start = 0
        for match in _CELL_TERMINATOR.finditer(text):  # the terminators only, found in C
            index = match.start()
            ch = text[index]
            self._cell.append(text[start:index])
            start = index + 1
            ncells = self._terminate_cell(htab=ch == "\t")
            if ch in "\n\f":
                self._lines.append([])
                if ch == "\f" or ncells == 1:
                    # The finished line cannot influence the layout of later lines.
                    self._flush_buffer()
                    if ch == "\f" and self._debug:
                        self._out.append("---\n")
        self._cell.append(text[start:])

    def flush(self) -> str:
        """Format everything buffered and return the output produced since the last flush.

        Returns
        -------
        str
            The formatted text.
        """
        self._flush_buffer()
        output = "".join(self._out)
        self._out = []
        return output

    # -- internals ----------------------------------------------------------------------------

    def _terminate_cell(self, *, htab: bool) -> int:
        text = "".join(self._cell)
        self._cell = []
        line = self._lines[-1]
        line.append(_Cell(text, display_width(text), htab))
        return len(line)

    def _flush_buffer(self) -> None:
        if "".join(self._cell):
            self._terminate_cell(htab=False)
        self._format(0, len(self._lines))
        self._lines = [[]]
        self._cell = []
        self._widths = []

    def _write_padding(self, text_width: int, cell_width: int, use_tabs: bool) -> None:
        if self._padchar == "\t" or use_tabs:
            if self._tabwidth == 0:
                return
            cell_width = -(-cell_width // self._tabwidth) * self._tabwidth
            missing = cell_width - text_width
            self._out.append("\t" * -(-missing // self._tabwidth))
            return
        self._out.append(self._padchar * (cell_width - text_width))

    def _write_lines(self, line0: int, line1: int) -> None:
        for index in range(line0, line1):
            line = self._lines[index]
            use_tabs = self._tab_indent
            for column, cell in enumerate(line):
                if column > 0 and self._debug:
                    self._out.append("|")
                padded = column < len(self._widths)
                if not cell.text:
                    if padded:
                        self._write_padding(cell.width, self._widths[column], use_tabs)
                    continue
                use_tabs = False
                if self._align_right:
                    if padded:
                        self._write_padding(cell.width, self._widths[column], False)
                    self._out.append(cell.text)
                else:
                    self._out.append(cell.text)
                    if padded:
                        self._write_padding(cell.width, self._widths[column], False)
            if index + 1 == len(self._lines):
                # Last buffered line: no line break, just any pending partial cell.
                self._out.append("".join(self._cell))
            else:
                self._out.append("\n")

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            if column >= len(self._lines[this]) - 1:
                this += 1
                continue
            # This line has a cell in `column`: a column block starts here.
            self._write_lines(line0, this)
            line0 = this
            width = self._minwidth
            discardable = True
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                cell = line[column]
                width = max(width, cell.width + self._padding)
                if cell.width > 0 or cell.htab:
                    discardable = False
                this += 1
            if discardable and self._discard_empty_columns:
                width = 0
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)


def render_table(rows: Sequence[Sequence[str]]) -> str:
    """Render rows the way a docker ``table`` format is printed.

    Each row is joined with tabs and terminated by a newline, and the whole text goes through
    a :class:`TabWriter` configured as docker's (minwidth 10, tabwidth 1, padding 3, spaces).
    Cells should not contain tabs or line breaks (docker would interpret them too).

    Parameters
    ----------
    rows : Sequence of Sequence of str
        The header row first, then the data rows.  Rows may have different lengths; a shorter
        row ends the column blocks it does not reach.

    Returns
    -------
    str
        The lines joined with ``"\\n"``, ending with ``"\\n"`` (empty for no rows).

    Examples
    --------
    >>> print(render_table([["NAME", "SERVICES"], ["web", "1"]]), end="")
    NAME      SERVICES
    web       1
    """
    writer = TabWriter()
    writer.write("".join("\t".join(row) + "\n" for row in rows))
    return writer.flush()
