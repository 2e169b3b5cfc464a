"""Wrapping with a hanging indent at the console's width: continuation lines are indented, never back at column 0."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text


class Hanging:
    """`text` after `indent` spaces, wrapped at the console width; continuation lines indented by `indent + hang`."""

    def __init__(self, text: Text | str, indent: int = 0, hang: int = 4) -> None:
        self.text = Text.from_markup(text) if isinstance(text, str) else text
        self.indent, self.hang = indent, hang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, self.indent + self.hang + 20)
        first, rest = " " * self.indent, " " * (self.indent + self.hang)
        lines = self.text.wrap(console, width - len(rest), overflow="fold", no_wrap=False)
        for number, line in enumerate(lines):
            line.rstrip()
            yield Segment(first if number == 0 else rest)
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions):  # type: ignore[no-untyped-def]
        from rich.measure import Measurement

        return Measurement(self.indent + self.hang + 20, options.max_width)
