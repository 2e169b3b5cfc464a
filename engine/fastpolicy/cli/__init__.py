"""The `fastpolicy` command line: parse options, call the library, hand the result to a reporter, exit."""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer

from .. import __version__
from ..errors import FastpolicyError
from . import catalogue, docs, scan  # noqa: F401 - importing registers the commands
from .options import _err, app, exit_code

__all__ = ["app", "exit_code", "main"]


def _version(value: bool) -> None:
    if value:
        print(f"fastpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Policy-as-code for production FastAPI services."""


def render_error(exc: FastpolicyError) -> None:
    """The one place errors are shown."""
    console = _err()
    for problem in exc.problems:
        console.print(str(problem), markup=False)
    console.print(f"fastpolicy: error: {exc.message}", markup=False, style="bold red")


# typer >= 0.29 vendors its own click; catch both families of usage errors
_CLI_ERRORS: tuple[type[Exception], ...] = tuple({click.ClickException, getattr(typer, "TyperException", click.ClickException)})


def main() -> None:
    try:
        code = app(standalone_mode=False)
    except FastpolicyError as exc:
        render_error(exc)
        sys.exit(exc.exit_code)
    except (typer.Exit, click.exceptions.Exit) as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, click.exceptions.Abort):
        sys.exit(130)
    except _CLI_ERRORS as exc:  # usage errors: unknown option, bad value, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _err().print(f"fastpolicy: error: {exc}", markup=False)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
