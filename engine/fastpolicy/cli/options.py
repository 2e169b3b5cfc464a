"""The command line's shared parts: the app, common options, catalogue loading, reporter dispatch, the exit code."""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_SCAN_FAILED, UnknownName, UsageError
from ..models import ScanResult

app = typer.Typer(
    name="fastpolicy",
    help="Policy-as-code for production FastAPI services: a rule catalogue and a one-pass semgrep checker.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

PoliciesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--policies", "-p", help="An organization's folder of records, added to the built-in catalogue (repeatable).", show_default=False),
]

SectionOption = Annotated[
    Optional[list[str]],
    typer.Option("--section", help="Only records (and problems) of this section (repeatable).", show_default=False),
]

SelectOption = Annotated[
    Optional[list[str]],
    typer.Option("--select", "-s", help="Only these record ids, names or sections (repeatable).", show_default=False),
]


def _out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _catalogue(policies: Optional[list[Path]], sections: Optional[list[str]] = None, revalidate: bool = False):  # type: ignore[no-untyped-def]
    from ..catalogue.loader import load_catalogue

    with _flag("--section"):
        return load_catalogue(policies or [], sections_only=sections or (), revalidate=revalidate)


@contextmanager
def _flag(flag: str, hint: str = "") -> Iterator[None]:
    """The library names the thing it does not know; the CLI adds the option that named it."""
    try:
        yield
    except UnknownName as exc:
        raise UsageError(f"{flag}: {exc.message}{hint}") from exc


def _emit(command: str, format: str, result: object) -> None:
    from ..report.registry import reporter

    reporter(command, format)(result).emit(_out())


class ScanFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"


def exit_code(result: ScanResult) -> int:
    """The one place a scan's exit code is decided."""
    if not result.complete:
        return EXIT_SCAN_FAILED
    return EXIT_FINDINGS if result.findings else EXIT_OK


