"""Tables of plain cells (`list`, `coverage`): a Rich table on a terminal, and without colour the same characters
laid out here, ten times cheaper than Rich's per-cell rendering (most of what `fastpolicy list` cost).

`Grid.lay_out` follows Rich 15's `Table` with its defaults (heavy-head box, one space of padding, header row,
columns wrapped at word boundaries and cut with "…", the title unwrapped under soft wrap) step by step, with Rich's
own cell-width, word-division and ratio helpers; tests/test_table.py compares the two byte for byte over many widths.
Anything it does not follow (tabs or control characters in a cell, a console that is not soft-wrapping, ASCII-only
or legacy Windows, widths too narrow for a cell's padding) is printed by Rich itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Rich's HEAVY_HEAD box: top, header row, line under the header, body rows, bottom
_TOP, _HEAD, _UNDER, _BODY, _BOTTOM = ("┏", "━", "┳", "┓"), ("┃", "┃", "┃"), ("┡", "━", "╇", "┩"), ("│", "│", "│"), ("└", "─", "┴", "┘")


@dataclass(frozen=True)
class Cell:
    text: str
    style: str = ""  # a Rich style, shown only in colour


@dataclass(frozen=True)
class Grid:
    """A titled table of plain text cells; `after` are lines printed under it (each unwrapped, as Rich prints a Text)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    after: tuple[str, ...] = ()

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        table = Table(title=self.title)
        for column in self.columns:
            table.add_column(column)
        for row in self.rows:
            table.add_row(*(Text(cell.text, style=cell.style) for cell in row))
        return Group(table, *(Text(line) for line in self.after)) if self.after else table

    def lay_out(self, width: int) -> str | None:
        """The characters Rich prints for this table on a `width`-column console without colour; None when unsure."""
        from rich._ratio import ratio_reduce
        from rich._wrap import divide_line
        from rich.cells import cell_len, set_cell_size

        texts = [list(self.columns), *([cell.text for cell in row] for row in self.rows)]
        if any(ch in text for row in texts for text in row for ch in _UNSURE) or any(len(row) != len(self.columns) for row in texts):
            return None
        longest = [max((cell_len(line) for text in column for line in text.splitlines()), default=0) for column in zip(*texts)]
        room = width - len(self.columns) - 1  # the edges and dividers
        widths = [_widest(n, room) or 1 for n in longest]
        if sum(widths) > room:
            widths = _collapse(widths, room, ratio_reduce)
            if sum(widths) > room:
                widths = ratio_reduce(sum(widths) - room, [1] * len(widths), widths, widths)
            widths = [_widest(n, w) for n, w in zip(longest, widths)]
        if min(widths) < 3:
            return None  # a cell narrower than its padding: Rich's own corner cases
        out = [self.title] if self.title else []
        out.append(_rule(_TOP, widths))
        for index, row in enumerate(texts):
            cells = [_wrap(text, w - 2, divide_line, cell_len, set_cell_size) for text, w in zip(row, widths)]
            height = max(len(lines) for lines in cells)
            blank = [" " * (w - 2) for w in widths]
            for line in range(height):
                parts = []
                for lines, b in zip(cells, blank):
                    missing = height - len(lines)
                    at = line - missing if index == 0 else line  # the header sits at the bottom, rows at the top
                    parts.append(f" {lines[at] if 0 <= at < len(lines) else b} ")
                bar = _HEAD if index == 0 else _BODY
                out.append(bar[0] + bar[1].join(parts) + bar[2])
            if index == 0:
                out.append(_rule(_UNDER, widths))
        out.append(_rule(_BOTTOM, widths))
        return "\n".join([*out, *self.after]) + "\n"


_UNSURE = frozenset(chr(c) for c in (*range(0, 10), *range(11, 32), 127))  # tabs and control characters: Rich decides


def _rule(box: tuple[str, str, str, str], widths: Sequence[int]) -> str:
    return box[0] + box[2].join(box[1] * w for w in widths) + box[3]


def _widest(longest: int, room: int) -> int:
    """The maximum of Rich's `Table._measure_column` for padded text cells whose longest line is `longest` cells wide
    (Measurement.get of a Padding of a Text, each normalized and capped at `room`; the minimum is never used here)."""
    if room < 1:
        return 0
    return room if room < 3 else min(longest + 2, room)


def _collapse(widths: list[int], room: int, ratio_reduce: Any) -> list[int]:
    """Rich's `Table._collapse_widths` when every column may wrap: shrink the widest columns first."""
    excess = sum(widths) - room
    while sum(widths) and excess > 0:
        widest = max(widths)
        second = max((w for w in widths if w != widest), default=0)
        if not widest - second:
            break
        ratios = [1 if w == widest else 0 for w in widths]
        widths = ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        excess = sum(widths) - room
    return widths


def _wrap(text: str, width: int, divide_line: Any, cell_len: Any, set_cell_size: Any) -> list[str]:
    """Rich's `Text.wrap` for a left-justified cell cut with an ellipsis: every line exactly `width` cells."""
    out = []
    for line in text.split("\n"):
        offsets = [0, *divide_line(line, width, fold=False), len(line)]
        for start, end in zip(offsets, offsets[1:]):
            piece = line[start:end]
            if len(piece) > width:  # Text.rstrip_end: drop trailing whitespace beyond the width
                trailing = len(piece) - len(piece.rstrip())
                piece = piece[: len(piece) - min(trailing, len(piece) - width)]
            length = cell_len(piece)
            if length > width:
                piece = set_cell_size(piece, width - 1) + "…"
            elif length < width:
                piece += " " * (width - length)
            out.append(piece)
    return out
