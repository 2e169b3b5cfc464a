"""The plain table layout (`report.table.Grid.lay_out`) prints exactly what Rich prints for the same table without colour."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from fastpolicy.catalogue.coverage import seed_coverage
from fastpolicy.catalogue.loader import load_catalogue
from fastpolicy.report.browse import coverage_table, list_table
from fastpolicy.report.rendered import plain_console, print_to
from fastpolicy.report.table import Cell, Grid


def _console(width: int, buffer: io.StringIO) -> Console:
    return Console(file=buffer, width=width, soft_wrap=True, highlight=False, emoji=False)  # the CLI's console, not a terminal


def _by_rich(grid: Grid, width: int) -> str:
    buffer = io.StringIO()
    _console(width, buffer).print(grid.__rich__())
    return buffer.getvalue()


def _printed(grid: Grid, width: int) -> str:
    buffer = io.StringIO()
    console = _console(width, buffer)
    assert plain_console(console)
    print_to(console, grid, "\n")
    return buffer.getvalue()


WIDTHS = [*range(12, 60, 3), 61, 79, 80, 81, 99, 100, 120, 137, 160, 200, 240]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_and_coverage_tables_match_rich_at_every_width(width: int) -> None:
    catalogue = load_catalogue()
    for grid in (list_table(catalogue.policies), coverage_table(seed_coverage(catalogue))):
        laid_out = grid.lay_out(width)
        if width >= 40:
            assert laid_out is not None  # the fast path is taken at every ordinary terminal width
        if laid_out is not None:
            assert laid_out == _by_rich(grid, width)
        assert _printed(grid, width) == _by_rich(grid, width)


WORDS = ["a", "id", "route", "FastAPI", "ratelimit", "x" * 23, "naïve", "日本語のテキスト", "emoji🙂ok", "—", "→", "",
         "  leading", "trailing  ", "two  spaces", "line\nbreak", "[red]not markup[/]", "a-very-long-hyphenated-identifier"]


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_match_rich(seed: int) -> None:
    rng = random.Random(seed)
    columns = tuple(rng.choice(["id", "title", "a long column header", "s", "日本"]) for _ in range(rng.randint(1, 6)))
    rows = tuple(tuple(Cell(" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))) for _ in columns)
                 for _ in range(rng.randint(0, 12)))
    grid = Grid(rng.choice(["", "7 records", "Seed rules → records"]), columns, rows, after=("a line under it",) if seed % 3 == 0 else ())
    for width in (rng.randint(8, 40), rng.randint(40, 120), 200):
        laid_out = grid.lay_out(width)
        if laid_out is not None:
            assert laid_out == _by_rich(grid, width), (seed, width)
        assert _printed(grid, width) == _by_rich(grid, width)


def test_cells_rich_would_treat_specially_go_to_rich() -> None:
    grid = Grid("t", ("a", "b"), ((Cell("tab\there"), Cell("x")),))
    assert grid.lay_out(80) is None
    assert _printed(grid, 80) == _by_rich(grid, 80)


def test_a_colour_console_gets_rich_styles() -> None:
    grid = Grid("t", ("a",), ((Cell("not covered", "red"),),))
    buffer = io.StringIO()
    console = Console(file=buffer, width=40, force_terminal=True, color_system="standard", soft_wrap=True)
    assert not plain_console(console)
    print_to(console, grid, "\n")
    assert "\x1b[31mnot covered" in buffer.getvalue()
