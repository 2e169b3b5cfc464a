"""The commands that read a project: scan and context."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import DEFAULT_DOCS_URL, ENV_DOCS_URL, ENV_ORG_DOCS_URL
from ..errors import EXIT_OK
from .options import (
    ConfigOption,
    Deployment,
    ExcludeOption,
    ExtendExcludeOption,
    IsolatedOption,
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
    severity: Annotated[Optional[Severity], typer.Option("--severity", case_sensitive=False, help="Report findings at or above this severity.", show_default="info")] = None,
    fail_on: Annotated[Optional[Severity], typer.Option("--fail-on", case_sensitive=False, help="Exit 1 only for findings at or above this severity; those below are shown but do not fail.", show_default="every reported finding")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when findings are reported (still 3 when the scan is incomplete, 2 on a usage error).")] = False,
    deployment: Annotated[Optional[Deployment], typer.Option("--deployment", case_sensitive=False, help="Where the project runs, instead of detecting it; enables the rules specific to it.", show_default=False)] = None,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    max_file_size: Annotated[Optional[int], typer.Option("--max-file-size", help="Bytes; larger files are reported as not checked. 0 = no limit.", show_default="1000000", min=0)] = None,
    docs_url: Annotated[Optional[str], typer.Option("--docs-url", envvar=ENV_DOCS_URL, help="Base URL of the catalogue site that findings link to.")] = None,
    policies: PoliciesOption = None,
    org_docs_url: Annotated[Optional[str], typer.Option("--org-docs-url", envvar=ENV_ORG_DOCS_URL, help="Base URL of your organization's built site (`fastpolicy docs build --site-url`) that findings of your own rules link to.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress indicator on standard error.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the result cache.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Where the result cache lives.", show_default=".fastpolicy_cache")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", envvar="FASTPOLICY_JOBS", help="semgrep worker processes (1 measured fastest on a shared 2-core machine).", min=1, show_default="1")] = None,
    timeout_threshold: Annotated[int, typer.Option("--timeout-threshold", help="After this many rule timeouts (30 s each) on one file, skip the file and report it as not checked.", min=1)] = 3,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Report only findings not in this baseline file; list the ones fixed since.", show_default=False)] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Write today's findings to this baseline file (then they count as baselined).", show_default=False)] = None,
    diff: Annotated[Optional[str], typer.Option("--diff", help="Check only the files changed since this git ref (e.g. origin/main), plus untracked files.", show_default=False)] = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> int:
    """Scan a project with one semgrep run. Exit 0 clean, 1 findings, 2 usage or policy error, 3 scan failed or incomplete."""
    from ..configuration.settings import given, project_config
    from ..report.progress import progress_reporter
    from ..scan.cache import CACHE_DIR
    from ..scan.scanner import ScanOptions
    from ..scan.scanner import scan as run_scan
    from ..scan.semgrep import DEFAULT_JOBS
    from ..scan.targets import MAX_FILE_BYTES

    roots = paths or ["."]
    settings = project_config(roots, config, isolated)
    catalogue = _catalogue(list(given(policies or None, settings.policies, ())))
    settings.check_names(catalogue)
    chosen_deployment = deployment.value if deployment else settings.deployment
    options = ScanOptions(
        select=tuple(given(select or None, settings.select, ())), ignore=tuple(given(ignore or None, settings.ignore, ())),
        severity=given(severity.value if severity else None, settings.severity, "info"), deployment=chosen_deployment or "",
        exclude=(*given(exclude or None, settings.exclude, ()), *settings.extend_exclude, *(extend_exclude or ())),
        max_file_bytes=given(max_file_size, settings.max_file_size, MAX_FILE_BYTES),
        docs_url=given(docs_url, settings.docs_url, DEFAULT_DOCS_URL), org_docs_url=given(org_docs_url, settings.org_docs_url, ""),
        cache_dir=None if no_cache else (cache_dir or Path(CACHE_DIR)), jobs=given(jobs, settings.jobs, DEFAULT_JOBS), timeout_threshold=timeout_threshold,
        base=settings.root, config_path=settings.path, per_file_ignores=settings.per_file_ids(catalogue),
        roles=tuple(settings.roles.items()), unparsable=settings.unparsable,
        baseline=given(baseline, settings.baseline, None), write_baseline=write_baseline, diff=diff or "",
    )
    with _flag("--select/--ignore", " (see `fastpolicy list`)"), progress_reporter(_err(), enabled=not quiet) as progress:
        result = run_scan(catalogue, roots, options, progress=progress)
    _emit("scan", format.value, result, output)
    return exit_code(result, fail_on=given(fail_on.value if fail_on else None, settings.fail_on), exit_zero=exit_zero)


@app.command()
def context(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files or folders of the project (default: .).", show_default=False)] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="table (text) or json (the documented contract).")] = ListFormat.table,
    deployment: Annotated[Optional[Deployment], typer.Option("--deployment", case_sensitive=False, help="Where the project runs, instead of detecting it.", show_default=False)] = None,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    config: ConfigOption = None,
    isolated: IsolatedOption = False,
) -> int:
    """Show the project model: file roles, dependency versions, apps, routes with effective paths and dependencies, launches, settings, deployment."""
    from ..configuration.settings import given, project_config
    from ..scan.scanner import ScanOptions, project_context

    roots = paths or ["."]
    settings = project_config(roots, config, isolated)
    options = ScanOptions(
        deployment=(deployment.value if deployment else settings.deployment) or "",
        exclude=(*given(exclude or None, settings.exclude, ()), *settings.extend_exclude, *(extend_exclude or ())),
        base=settings.root, config_path=settings.path, roles=tuple(settings.roles.items()),
    )
    model = project_context(roots, options)
    _emit("context", "text" if format is ListFormat.table else "json", model)
    return EXIT_OK
