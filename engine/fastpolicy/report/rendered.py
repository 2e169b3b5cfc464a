"""The one type every reporter returns, and the one place output reaches the terminal."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from ..errors import UsageError


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
        (console or Console(soft_wrap=True, highlight=False)).print(self.rich, end=self.end)

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
            Console(file=handle, width=100, no_color=True, highlight=False, force_terminal=False, soft_wrap=True).print(self.rich, end=self.end)
