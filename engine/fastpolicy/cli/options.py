"""The command line's shared parts: the app, common options, catalogue loading, reporter dispatch, the exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..errors import EXIT_FINDINGS, EXIT_OK, EXIT_SCAN_FAILED, UnknownName, UsageError
from ..models import ScanResult, severity_rank
from .choices import (
    ConfigOption,
    Deployment,
    ExcludeOption,
    ExtendExcludeOption,
    GraphFormat,
    IsolatedOption,
    ListFormat,
    PoliciesOption,
    RecordArgument,
    ScanFormat,
    SectionOption,
    SelectOption,
    Severity,
)

__all__ = ["ConfigOption", "Deployment", "ExcludeOption", "ExtendExcludeOption", "IsolatedOption", "GraphFormat", "ListFormat", "PoliciesOption", "RecordArgument", "ScanFormat", "SectionOption", "SelectOption", "Severity",
           "_catalogue", "_emit", "_err", "_flag", "_out", "app", "exit_code"]

app = typer.Typer(
    name="fastpolicy",
    help="Policy-as-code for production FastAPI services: a rule catalogue and a one-pass semgrep checker.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _out() -> Console:
    return Console(soft_wrap=True, highlight=False, emoji=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def _catalogue(policies: Optional[list[Path]], sections: Optional[list[str]] = None, revalidate: bool = False):  # type: ignore[no-untyped-def]
    """The catalogue with these organization folders; None (no --policies given) = the `policies` of the project
    configuration found from the working directory, if any."""
    from ..catalogue.loader import load_catalogue

    if policies is None:
        from ..configuration.settings import project_config

        policies = list(project_config(["."]).policies or ())
    with _flag("--section"):
        return load_catalogue(policies, sections_only=sections or (), revalidate=revalidate)


@contextmanager
def _flag(flag: str, hint: str = "") -> Iterator[None]:
    """The library names the thing it does not know; the CLI adds the option that named it."""
    try:
        yield
    except UnknownName as exc:
        raise UsageError(f"{flag}: {exc.message}{hint}") from exc


def _emit(command: str, format: str, result: object, output: Optional[Path] = None) -> None:
    from ..report.registry import reporter

    rendered = reporter(command, format)(result)
    if output is not None:
        rendered.write(output)
        return
    rendered.emit(_out())



def exit_code(result: ScanResult, fail_on: str | None = None, exit_zero: bool = False) -> int:
    """The one place a scan's exit code is decided: 3 when incomplete (whatever else was asked), else 1 when a reported
    finding is at or above `fail_on` (every reported finding when None) unless `exit_zero`, else 0."""
    if not result.complete:
        return EXIT_SCAN_FAILED
    if exit_zero:
        return EXIT_OK
    failing = [f for f in result.findings if fail_on is None or severity_rank(f.severity) <= severity_rank(fail_on)]
    return EXIT_FINDINGS if failing else EXIT_OK


