"""The `fastpolicy` command line: parse options, call the library, hand the result to a reporter, exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .config import DEFAULT_DOCS_URL, ENV_DOCS_URL
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_SCAN_FAILED, UnknownName, UsageError
from .models import ScanResult

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
    return Console(soft_wrap=True, highlight=False, emoji=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


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


def _emit(command: str, format: str, result: object) -> None:
    from .report.registry import reporter

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
    paths: Annotated[list[str], typer.Argument(help="Files or folders to scan.", show_default=False)],
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="Output format.")] = ScanFormat.text,
    select: SelectOption = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", "-i", help="Skip these record ids, names or sections (repeatable).")] = None,
    severity: Annotated[str, typer.Option("--severity", help="Report findings at or above: critical, high, medium, low, info.")] = "info",
    deployment: Annotated[str, typer.Option("--deployment", help="Where the project runs: kubernetes or vm. Enables the rules specific to it.")] = "",
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files or folders to leave out (repeatable).")] = None,
    max_file_size: Annotated[int, typer.Option("--max-file-size", help="Bytes; larger files are reported as not checked. 0 = no limit.")] = 1_000_000,
    docs_url: Annotated[Optional[str], typer.Option("--docs-url", envvar=ENV_DOCS_URL, help="Base URL of the catalogue site that findings link to.")] = None,
    policies: PoliciesOption = None,
) -> int:
    """Scan a project with one semgrep run. Exit 0 clean, 1 findings, 2 usage or policy error, 3 scan failed or incomplete."""
    from .scan.scanner import ScanOptions
    from .scan.scanner import scan as run_scan

    if deployment and deployment not in ("kubernetes", "vm"):
        raise UsageError("--deployment must be 'kubernetes' or 'vm'")
    options = ScanOptions(
        select=tuple(select or ()), ignore=tuple(ignore or ()), severity=severity, deployment=deployment,
        exclude=tuple(exclude or ()), max_file_bytes=max_file_size, docs_url=docs_url or DEFAULT_DOCS_URL,
    )
    with _flag("--select/--ignore", " (see `fastpolicy list`)"):
        result = run_scan(_catalogue(policies), paths, options)
    _emit("scan", format.value, result)
    return exit_code(result)


@app.command()
def context(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files or folders of the project (default: .).", show_default=False)] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="table (text) or json (the documented contract).")] = ListFormat.table,
    deployment: Annotated[str, typer.Option("--deployment", help="Where the project runs (kubernetes or vm), instead of detecting it.")] = "",
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files or folders to leave out (repeatable).")] = None,
) -> int:
    """Show the project model: file roles, dependency versions, apps, routes with effective paths and dependencies, launches, settings, deployment."""
    from .scan.scanner import ScanOptions, project_context

    if deployment and deployment not in ("kubernetes", "vm"):
        raise UsageError("--deployment must be 'kubernetes' or 'vm'")
    model = project_context(paths or ["."], ScanOptions(deployment=deployment, exclude=tuple(exclude or ())))
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
def show(record: Annotated[str, typer.Argument(help="Record id, name or alias.")], policies: PoliciesOption = None) -> int:
    """Show one record in full."""
    from .report.browse import RecordView

    catalogue = _catalogue(policies)
    policy = catalogue.get(record)
    if policy is None:
        raise UsageError(f"no record '{record}' (see `fastpolicy list`)")
    _emit("show", "panel", RecordView(policy, catalogue))
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
            raise UsageError(f"no record '{record}'")
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


def main() -> None:
    from .boundary import main as guarded

    guarded(app)


if __name__ == "__main__":
    main()
