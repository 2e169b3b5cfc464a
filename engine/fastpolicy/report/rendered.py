"""The one type every reporter returns, and the one place output reaches the terminal."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

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
        (console or Console(soft_wrap=True, highlight=False)).print(self.rich, end=self.end)
