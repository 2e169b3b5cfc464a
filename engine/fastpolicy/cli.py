"""The `fastpolicy` command line: parse options, call the library, hand the result to a reporter, exit."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from rich.console import Console

from . import __version__, choices
from .choices import Deployment, GraphFormat, ListFormat, PoliciesOption, RecordArgument, ScanFormat, SectionOption, SelectOption, Severity
from .config import DEFAULT_DOCS_URL, ENV_DOCS_URL, ENV_ORG_DOCS_URL
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_SCAN_FAILED, FastpolicyError, UnknownName, UsageError
from .models import ScanResult
from .report.progress import progress_reporter

app = typer.Typer(
    name="fastpolicy",
    help="Policy-as-code for production FastAPI services: a rule catalogue and a one-pass semgrep checker.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _catalogue(policies: Optional[list[Path]], sections: Optional[list[str]] = None):  # type: ignore[no-untyped-def]
    from .catalogue.loader import load_catalogue

    with _flag("--section"):
        return load_catalogue(policies or [], sections_only=sections or ())


@contextmanager
def _flag(flag: str, hint: str = "") -> Iterator[None]:
    """The library names the thing it does not know; the CLI adds the option that named it."""
    try:
        yield
    except UnknownName as exc:
        raise UsageError(f"{flag}: {exc.message}{hint}") from exc


def _emit(command: str, format: str, result: object, output: Optional[Path] = None) -> None:
    from .report.registry import reporter

    rendered = reporter(command, format)(result)
    if output is not None:
        return rendered.write(output)
    rendered.emit(_out())


def exit_code(result: ScanResult) -> int:
    """The one place a scan's exit code is decided."""
    if not result.complete:
        return EXIT_SCAN_FAILED
    return EXIT_FINDINGS if result.findings else EXIT_OK


@app.command()
def validate(policies: PoliciesOption = None, section: SectionOption = None) -> int:
    """Check every record: YAML, schema, file names, ids, seed numbers, relations, and semgrep's verdict on each rule."""
    from .scan.rulecheck import check_rules_with_semgrep

    catalogue = _catalogue(policies, section)
    checked = check_rules_with_semgrep(catalogue)
    _out().print(f"{len(catalogue.policies)} records valid ({checked} semgrep rules accepted).")
    return EXIT_OK


@app.command("test")
def test_examples(policies: PoliciesOption = None, select: SelectOption = None, section: SectionOption = None) -> int:
    """Run every record's bad and good examples through semgrep (one process) and compare with their markers."""
    from .scan.examples import run_examples
    from .scan.scanner import select_policies

    catalogue = _catalogue(policies, section)
    with _flag("--select/--ignore", " (see `fastpolicy list`)"):
        chosen = select_policies(catalogue, select or [], [])
    report = run_examples(chosen)
    _emit("test", "text", report)
    return EXIT_FINDINGS if report.failures else EXIT_OK


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
) -> int:
    """Scan a project with one semgrep run. Exit 0 clean, 1 findings, 2 usage or policy error, 3 scan failed or incomplete."""
    from .scan.scanner import ScanOptions
    from .scan.scanner import scan as run_scan

    options = ScanOptions(
        select=tuple(select or ()), ignore=tuple(ignore or ()), severity=severity.value, deployment=deployment.value if deployment else "",
        exclude=tuple(exclude or ()), max_file_bytes=max_file_size, docs_url=docs_url or DEFAULT_DOCS_URL, org_docs_url=org_docs_url or "",
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
    from .scan.scanner import ScanOptions, project_context

    model = project_context(paths or ["."], ScanOptions(deployment=deployment.value if deployment else "", exclude=tuple(exclude or ())))
    _emit("context", "text" if format is ListFormat.table else "json", model)
    return EXIT_OK


@app.command("list")
def list_records(section: SectionOption = None, format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table, policies: PoliciesOption = None) -> int:
    """List the records (of the given sections)."""
    from .report.browse import Listing

    catalogue = _catalogue(policies, section)
    _emit("list", format.value, Listing(catalogue.policies))
    return EXIT_OK


@app.command()
def show(record: RecordArgument, policies: PoliciesOption = None) -> int:
    """Show one record in full: the rule, why, how it is checked, examples, references."""
    from .report.browse import RecordView

    catalogue = _catalogue(policies)
    policy = catalogue.get(record)
    if policy is None:
        raise UsageError(f"There is no record named '{record}'; `fastpolicy list` shows them all.")
    _emit("show", "panel", RecordView(policy, catalogue))
    return EXIT_OK


app.command("explain", help="Explain a finding's rule: what each finding tells you to run (the same as `show`).")(show)


@app.command()
def new(
    record: Annotated[str, typer.Argument(help="The new record's id, e.g. ACME-001 (the prefix names the section).", show_default=False)],
    policies: Annotated[Path, typer.Option("--policies", "-p", help="Your organization's folder of records.")] = Path("policies"),
    name: Annotated[str, typer.Option("--name", help="Kebab-case name (default: todo-<id>).", show_default=False)] = "",
    section: Annotated[str, typer.Option("--section", help="Section key, when the prefix is new (default: the prefix in lower case).", show_default=False)] = "",
    severity: Annotated[Severity, typer.Option("--severity", case_sensitive=False)] = Severity.medium,
) -> int:
    """Scaffold a record with every required key and a bad/good example to replace; then `validate` and `test` it."""
    from .catalogue.scaffold import scaffold

    path = scaffold(policies, record, name=name, section=section, severity=severity.value)
    _out().print(f"Wrote {path}. Edit the TODOs, then run: fastpolicy validate --policies {policies} && fastpolicy test --policies {policies}", markup=False)
    return EXIT_OK


@app.command()
def coverage(format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table, policies: PoliciesOption = None) -> int:
    """Each seed rule and the records that encode it; totals covered, automated, manual."""
    from .catalogue.coverage import seed_coverage

    _emit("coverage", format.value, seed_coverage(_catalogue(policies)))
    return EXIT_OK


@app.command()
def graph(
    record: Annotated[Optional[str], typer.Argument(help="Show only this record's neighbourhood.")] = None,
    format: Annotated[GraphFormat, typer.Option("--format", "-f")] = GraphFormat.mermaid,
    radius: Annotated[int, typer.Option("--radius", help="Neighbourhood radius.")] = 1,
    policies: PoliciesOption = None,
) -> int:
    """The relation graph (requires, refines, related, conflicts), whole or around one record."""
    from .catalogue.graph import build_graph, neighbourhood

    catalogue = _catalogue(policies)
    g = build_graph(catalogue)
    if record:
        policy = catalogue.get(record)
        if policy is None:
            raise UsageError(f"There is no record named '{record}'; `fastpolicy list` shows them all.")
        g = neighbourhood(g, policy.id, radius)
    _emit("graph", format.value, g)
    return EXIT_OK


docs_app = typer.Typer(help="Build or serve the catalogue site (every record gets a page).", no_args_is_help=True)
NoBuiltin = Annotated[bool, typer.Option("--no-builtin", help="Publish only the organization's records, not the built-in catalogue.")]


def _site():  # type: ignore[no-untyped-def]
    """The site builder needs MkDocs (the `docs` extra); say so instead of failing on an import."""
    try:
        from .site import assemble, build
    except ImportError as exc:
        raise UsageError(f"building the site needs MkDocs: pip install 'fastpolicy[docs]' ({exc})") from exc
    return assemble, build


@docs_app.command("build")
def docs_build(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path("build/site"),
    policies: PoliciesOption = None,
    no_builtin: NoBuiltin = False,
    site_url: Annotated[str, typer.Option("--site-url", help="Where the site will be published; findings' links use it as --docs-url.")] = "",
) -> int:
    """Validate the records and build the site (strict: any warning fails the build)."""
    assemble, build = _site()
    catalogue = build.build_site(assemble.SiteOptions(tuple(policies or ()), not no_builtin), out, site_url=site_url)
    _out().print(f"Built the site for {len(catalogue.policies)} records into {out}/ (open {out}/index.html).", markup=False)
    return EXIT_OK


@docs_app.command("serve")
def docs_serve(
    policies: PoliciesOption = None,
    no_builtin: NoBuiltin = False,
    address: Annotated[str, typer.Option("--address", "-a", help="host:port to serve on.")] = "127.0.0.1:8000",
) -> int:
    """Serve the site locally, rebuilding it when a record changes."""
    assemble, build = _site()
    build.serve_site(assemble.SiteOptions(tuple(policies or ()), not no_builtin), address)
    return EXIT_OK


app.add_typer(docs_app, name="docs")

choices.order_help(app)


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
        choices.render_usage_error(exc)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
