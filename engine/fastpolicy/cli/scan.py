"""The commands that read a project: scan and context."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import DEFAULT_DOCS_URL, ENV_DOCS_URL, ENV_ORG_DOCS_URL
from ..errors import EXIT_OK
from .options import (
    Deployment,
    ListFormat,
    PoliciesOption,
    ScanFormat,
    SelectOption,
    Severity,
    _catalogue,
    _emit,
    _err,
    _flag,
    app,
    exit_code,
)


@app.command()
def scan(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files or folders to scan (default: the current folder).", show_default=False)] = None,
    format: Annotated[ScanFormat, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")] = ScanFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file instead of standard output.", show_default=False)] = None,
    select: SelectOption = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", "-i", help="Skip these record ids, names or sections (repeatable).")] = None,
    severity: Annotated[Severity, typer.Option("--severity", case_sensitive=False, help="Report findings at or above this severity.")] = Severity.info,
    deployment: Annotated[Optional[Deployment], typer.Option("--deployment", case_sensitive=False, help="Where the project runs, instead of detecting it; enables the rules specific to it.", show_default=False)] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files or folders to leave out (repeatable).")] = None,
    max_file_size: Annotated[int, typer.Option("--max-file-size", help="Bytes; larger files are reported as not checked. 0 = no limit.")] = 1_000_000,
    docs_url: Annotated[Optional[str], typer.Option("--docs-url", envvar=ENV_DOCS_URL, help="Base URL of the catalogue site that findings link to.")] = None,
    policies: PoliciesOption = None,
    org_docs_url: Annotated[Optional[str], typer.Option("--org-docs-url", envvar=ENV_ORG_DOCS_URL, help="Base URL of your organization's built site (`fastpolicy docs build --site-url`) that findings of your own rules link to.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress indicator on standard error.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the result cache.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Where the result cache lives.", show_default=".fastpolicy_cache")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", envvar="FASTPOLICY_JOBS", help="semgrep worker processes (1 measured fastest on a shared 2-core machine).", min=1)] = 1,
    timeout_threshold: Annotated[int, typer.Option("--timeout-threshold", help="After this many rule timeouts (30 s each) on one file, skip the file and report it as not checked.", min=1)] = 3,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Report only findings not in this baseline file; list the ones fixed since.", show_default=False)] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Write today's findings to this baseline file (then they count as baselined).", show_default=False)] = None,
    diff: Annotated[Optional[str], typer.Option("--diff", help="Check only the files changed since this git ref (e.g. origin/main), plus untracked files.", show_default=False)] = None,
) -> int:
    """Scan a project with one semgrep run. Exit 0 clean, 1 findings, 2 usage or policy error, 3 scan failed or incomplete."""
    from ..report.progress import progress_reporter
    from ..scan.cache import CACHE_DIR
    from ..scan.scanner import ScanOptions
    from ..scan.scanner import scan as run_scan

    options = ScanOptions(
        select=tuple(select or ()), ignore=tuple(ignore or ()), severity=severity.value, deployment=deployment.value if deployment else "",
        exclude=tuple(exclude or ()), max_file_bytes=max_file_size, docs_url=docs_url or DEFAULT_DOCS_URL, org_docs_url=org_docs_url or "",
        cache_dir=None if no_cache else (cache_dir or Path(CACHE_DIR)), jobs=jobs, timeout_threshold=timeout_threshold,
        baseline=baseline, write_baseline=write_baseline, diff=diff or "",
    )
    with _flag("--select/--ignore", " (see `fastpolicy list`)"), progress_reporter(_err(), enabled=not quiet) as progress:
        result = run_scan(_catalogue(policies), paths or ["."], options, progress=progress)
    _emit("scan", format.value, result, output)
    return exit_code(result)


@app.command()
def context(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files or folders of the project (default: .).", show_default=False)] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="table (text) or json (the documented contract).")] = ListFormat.table,
    deployment: Annotated[Optional[Deployment], typer.Option("--deployment", case_sensitive=False, help="Where the project runs, instead of detecting it.", show_default=False)] = None,
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files or folders to leave out (repeatable).")] = None,
) -> int:
    """Show the project model: file roles, dependency versions, apps, routes with effective paths and dependencies, launches, settings, deployment."""
    from ..scan.scanner import ScanOptions, project_context

    model = project_context(paths or ["."], ScanOptions(deployment=deployment.value if deployment else "", exclude=tuple(exclude or ())))
    _emit("context", "text" if format is ListFormat.table else "json", model)
    return EXIT_OK
