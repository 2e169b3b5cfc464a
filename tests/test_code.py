"""`show` prints example code without a language lexer when there is no colour: the same characters as highlighted."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.syntax import Syntax

from fastpolicy.catalogue.languages import lexer
from fastpolicy.catalogue.loader import load_catalogue
from fastpolicy.catalogue.markers import strip_markers
from fastpolicy.report.code import Code


def _printed(renderable: object, width: int, colour: bool) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, soft_wrap=True, highlight=False, emoji=False,
                      force_terminal=colour, color_system="truecolor" if colour else None)
    console.print(renderable)
    return buffer.getvalue()


EXAMPLES = sorted({(strip_markers(e.code)[0].rstrip(), lexer(e.language)) for p in load_catalogue().policies for e in p.examples})


@pytest.mark.parametrize("width", [30, 80, 200])
def test_every_example_prints_the_same_characters_as_highlighted_code(width: int) -> None:
    assert len(EXAMPLES) > 100 and {name for _, name in EXAMPLES} > {"python"}
    for code, name in EXAMPLES:
        highlighted = Syntax(code, name, line_numbers=False, word_wrap=True)
        assert _printed(Code(code, name), width, colour=False) == _printed(highlighted, width, colour=False), code


def test_a_colour_console_still_gets_the_language_colours() -> None:
    code, name = next((c, n) for c, n in EXAMPLES if n == "python")
    coloured = _printed(Code(code, name), 80, colour=True)
    assert coloured == _printed(Syntax(code, name, line_numbers=False, word_wrap=True), 80, colour=True)
    assert coloured != _printed(Syntax(code, "text", line_numbers=False, word_wrap=True), 80, colour=True)
