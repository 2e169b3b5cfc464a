"""The CLI's last line of defence: typed errors rendered in one place, signals unwound, and exit 1 kept for findings only."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import typer
from rich.console import Console

from ..errors import EXIT_SCAN_FAILED, EXIT_USAGE, FastpolicyError, Terminated
from .choices import render_usage_error

ENV_DEBUG = "FASTPOLICY_DEBUG"
EXIT_INTERRUPTED = 130


def _click(name: str) -> tuple[type[BaseException], ...]:
    """click's exception class `name` when click is loaded (typer >= 0.29 vendors its own click, whose errors are
    TyperExceptions; a plug-in such as MkDocs may bring the real one). Evaluated only when an exception is being
    handled, so a start never imports click for it."""
    found = getattr(getattr(sys.modules.get("click"), "exceptions", None), name, None)
    return (found,) if isinstance(found, type) else ()


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def render_error(exc: FastpolicyError) -> None:
    """The one place errors are shown."""
    console = _err()
    for problem in exc.problems:
        console.print(str(problem), markup=False)
    console.print(f"fastpolicy: error: {exc.message}", markup=False, style="bold red")


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated()


def debugging(argv: Sequence[str]) -> bool:
    return os.environ.get(ENV_DEBUG, "") not in ("", "0") or "--debug" in argv


def command(app: Callable[..., Any]) -> Callable[..., Any]:
    """The click command of a typer app, its parameters converted without pydantic where that is exact (`coercion`)."""
    if not isinstance(app, typer.Typer):
        return app
    from .coercion import install

    return install(typer.main.get_command(app))  # type: ignore[no-any-return]


def run(app: Callable[..., Any], argv: Sequence[str]) -> int:
    """Run the typer app and return the exit code; nothing escapes as a traceback with exit 1."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _terminate)  # unwind like Ctrl-C: temp folders removed, semgrep's group stopped
    try:
        code = command(app)(args=list(argv), prog_name="fastpolicy", standalone_mode=False)
    except FastpolicyError as exc:
        render_error(exc)
        return exc.exit_code
    except (typer.Exit, *_click("Exit")) as exc:
        return int(exc.exit_code)
    except (typer.Abort, *_click("Abort"), KeyboardInterrupt):
        _err().print("fastpolicy: interrupted; nothing was left running", markup=False)
        return EXIT_INTERRUPTED
    except Terminated:
        _err().print("fastpolicy: terminated; nothing was left running", markup=False)
        return Terminated.exit_code
    except (typer.TyperException, *_click("ClickException")) as exc:  # usage errors: unknown option, bad value, missing argument
        render_usage_error(exc)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a bare traceback with exit 1
        console = _err()
        if debugging(argv):
            console.print("".join(traceback.format_exception(exc)), markup=False)
        console.print(f"fastpolicy: internal error: {type(exc).__name__}: {str(exc)[:500]}", markup=False, style="bold red")
        console.print(f"This is a bug in fastpolicy, not a finding; rerun with --debug (or {ENV_DEBUG}=1) for the traceback.", markup=False)
        return EXIT_SCAN_FAILED
    if isinstance(code, bool) or not isinstance(code, int):
        return 0
    return code


def main(app: Callable[..., Any]) -> None:
    sys.exit(run(app, sys.argv[1:]))
