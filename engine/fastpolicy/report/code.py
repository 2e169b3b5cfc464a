"""Example code in `show`: highlighted by Pygments on a console with colour; without colour the same characters
through Pygments' plain-text lexer, since building a language lexer (the Python one compiles some 90 regular
expressions) was half of what `fastpolicy show` cost and its colours are never shown there."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


class Code:
    """`code` in `lexer`'s colours, wrapped at the console width (a rich renderable)."""

    def __init__(self, code: str, lexer: str) -> None:
        self.code, self.lexer = code, lexer

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.syntax import Syntax

        lexer = self.lexer if console.color_system is not None else "text"
        yield Syntax(self.code, lexer, line_numbers=False, word_wrap=True)
