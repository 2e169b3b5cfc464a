"""A progress indicator on standard error while a scan runs: only on a terminal, only after a second, never under --quiet."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

Report = Callable[[str], None]
DELAY = 1.0  # seconds before the indicator appears: quick scans stay quiet


@contextmanager
def progress_reporter(console: Console, *, enabled: bool = True, delay: float = DELAY) -> Iterator[Report | None]:
    """Yields a callback taking a stage description (or None when off); the indicator vanishes when the scan ends."""
    if not enabled or not console.is_terminal or console.is_dumb_terminal:
        yield None
        return
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True)
    task = progress.add_task("fastpolicy: starting", total=None)
    lock = threading.Lock()
    state = {"started": False, "done": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                progress.start()
                state["started"] = True

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield lambda stage: progress.update(task, description=f"fastpolicy: {stage}")
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["started"]:
                progress.stop()
