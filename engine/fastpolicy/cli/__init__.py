"""The `fastpolicy` command line: parse options, call the library, hand the result to a reporter, exit."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from . import catalogue, docs, scan  # noqa: F401 - importing registers the commands
from .choices import order_help
from .options import app, exit_code

__all__ = ["app", "exit_code", "main"]


def _version(value: bool) -> None:
    if value:
        print(f"fastpolicy {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error (also FASTPOLICY_DEBUG=1).")] = False,
) -> None:
    """Policy-as-code for production FastAPI services."""


order_help(app)


def main() -> None:
    from .boundary import main as guarded

    guarded(app)
