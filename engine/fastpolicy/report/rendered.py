"""The one type every reporter returns, and the one place output reaches the terminal."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:  # Rich is imported by the CLI's console; a report without colour may never need more of it
    from rich.console import Console


@dataclass(frozen=True)
class Rendered:
    """Report output: `text` is written verbatim; `rich` (markup or a renderable) is printed through Rich,
    which adds colour only on a terminal. A reporter fills exactly one of them."""

    text: str = ""
    rich: Any = None
    end: str = "\n"  # after a rich renderable

    def emit(self, console: Console | None = None) -> None:
        if self.rich is None:
            sys.stdout.write(self.text)
            return
        if console is None:
            from rich.console import Console

            console = Console(soft_wrap=True, highlight=False)
        print_to(console, self.rich, self.end)

    def write(self, path: Path) -> None:
        """Write to a file: verbatim text, or the rich renderable as plain text (no colour) at 100 columns."""
        try:
            handle = path.open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise UsageError(f"cannot write the report to {path}: {exc.strerror or exc}") from exc
        with handle:
            if self.rich is None:
                handle.write(self.text)
                return
            from rich.console import Console

            print_to(Console(file=handle, width=100, no_color=True, highlight=False, force_terminal=False, soft_wrap=True), self.rich, self.end)


def print_to(console: Console, renderable: Any, end: str) -> None:
    """Print through Rich, or, for a renderable that can lay itself out as plain text (`table.Grid`) on a console that
    shows no colour, write that text: the same characters without Rich's per-cell rendering."""
    lay_out = getattr(renderable, "lay_out", None)
    if lay_out is not None and plain_console(console):
        text = lay_out(console.width)
        if text is not None:
            console.file.write(text)
            console.file.flush()
            return
    console.print(renderable, end=end)


def plain_console(console: Console) -> bool:
    """A console whose output is the bare characters: no colour or style, soft wrap, Unicode boxes."""
    return (console.color_system is None and console.soft_wrap and not console.legacy_windows
            and console.encoding.lower().startswith("utf") and not console.record and not console.is_jupyter)
