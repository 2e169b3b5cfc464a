"""The `fastpolicy` command line: parse options, call the library, hand the result to a reporter, exit."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from rich.console import Console

from . import __version__
from .cli_docs import docs_app
from .errors import EXIT_FINDINGS, EXIT_OK, EXIT_SCAN_FAILED, FastpolicyError
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


def _out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _catalogue(policies: Optional[list[Path]], sections: Optional[list[str]] = None):  # type: ignore[no-untyped-def]
    from .loader import load_catalogue

    return load_catalogue(policies or [], sections_only=sections or ())


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
    from .validation import check_rules_with_semgrep

    catalogue = _catalogue(policies, section)
    checked = check_rules_with_semgrep(catalogue)
    _out().print(f"{len(catalogue.policies)} records valid ({checked} semgrep rules accepted).")
    return EXIT_OK


@app.command("test")
def test_examples(
    policies: PoliciesOption = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", "-s", help="Only these record ids, names or sections.")] = None,
    section: SectionOption = None,
) -> int:
    """Run every record's bad and good examples through semgrep (one process) and compare with their markers."""
    from .examples import run_examples
    from .scanner import select_policies

    catalogue = _catalogue(policies, section)
    chosen = select_policies(catalogue, select or [], [])
    report = run_examples(chosen)
    console = _out()
    for o in report.failures:
        what = f"examples[{o.index}] ({o.kind}{': ' + o.title if o.title else ''})"
        if o.parse_error:
            console.print(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: does not parse: {o.parse_error}", markup=False)
        if o.missing:
            console.print(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: expected a finding on example line(s) {', '.join(map(str, o.missing))}, got none", markup=False)
        if o.unexpected:
            console.print(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: unexpected finding on example line(s) {', '.join(map(str, o.unexpected))}", markup=False)
    for o in report.outcomes:
        if o.todo_hits:
            console.print(f"{o.policy_path}:{o.line}: note: {o.policy_id} examples[{o.index}]: todoruleid line(s) {', '.join(map(str, o.todo_hits))} are now flagged; make them ruleid", markup=False)
    failed = len(report.failures)
    console.print(f"{len(report.outcomes) - failed}/{len(report.outcomes)} examples passed across {report.records} records.")
    return EXIT_FINDINGS if failed else EXIT_OK


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders to scan.", show_default=False)],
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="Output format.")] = ScanFormat.text,
    select: Annotated[Optional[list[str]], typer.Option("--select", "-s", help="Only these record ids, names or sections (repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", "-i", help="Skip these record ids, names or sections (repeatable).")] = None,
    severity: Annotated[str, typer.Option("--severity", help="Report findings at or above: critical, high, medium, low, info.")] = "info",
    deployment: Annotated[str, typer.Option("--deployment", help="Where the project runs: kubernetes or vm. Enables the rules specific to it.")] = "",
    exclude: Annotated[Optional[list[str]], typer.Option("--exclude", help="Glob of files or folders to leave out (repeatable).")] = None,
    max_file_size: Annotated[int, typer.Option("--max-file-size", help="Bytes; larger files are reported as not checked. 0 = no limit.")] = 1_000_000,
    docs_url: Annotated[Optional[str], typer.Option("--docs-url", envvar="FASTPOLICY_DOCS_URL", help="Base URL of the catalogue site that findings link to.")] = None,
    policies: PoliciesOption = None,
) -> int:
    """Scan a project with one semgrep run. Exit 0 clean, 1 findings, 2 usage or policy error, 3 scan failed or incomplete."""
    from .errors import UsageError
    from .reporters import REPORTERS
    from .scanner import DEFAULT_DOCS_URL, ScanOptions
    from .scanner import scan as run_scan

    if deployment and deployment not in ("kubernetes", "vm"):
        raise UsageError("--deployment must be 'kubernetes' or 'vm'")
    catalogue = _catalogue(policies)
    options = ScanOptions(
        select=tuple(select or ()), ignore=tuple(ignore or ()), severity=severity, deployment=deployment,
        exclude=tuple(exclude or ()), max_file_bytes=max_file_size, docs_url=docs_url or DEFAULT_DOCS_URL,
    )
    result = run_scan(catalogue, paths, options)
    output = REPORTERS[format.value](result)
    if format is ScanFormat.text:
        _out().print(output, end="")
    else:
        sys.stdout.write(output)
    return exit_code(result)


@app.command("list")
def list_records(
    section: Annotated[Optional[str], typer.Option("--section", help="Only this section.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    policies: PoliciesOption = None,
) -> int:
    """List the records."""
    from .errors import UsageError
    from .presenters import list_table, record_summary

    catalogue = _catalogue(policies)
    if section and section not in catalogue.sections:
        raise UsageError(f"unknown section '{section}' (known: {', '.join(sorted(catalogue.sections))})")
    records = [p for p in catalogue.policies if not section or p.section == section]
    if format is ListFormat.json:
        sys.stdout.write(json.dumps([record_summary(p) for p in records], indent=2, ensure_ascii=False) + "\n")
    else:
        _out().print(list_table(records))
    return EXIT_OK


@app.command()
def show(record: Annotated[str, typer.Argument(help="Record id, name or alias.")], policies: PoliciesOption = None) -> int:
    """Show one record in full."""
    from .errors import UsageError
    from .presenters import record_panel

    catalogue = _catalogue(policies)
    policy = catalogue.get(record)
    if policy is None:
        raise UsageError(f"no record '{record}' (see `fastpolicy list`)")
    _out().print(record_panel(policy, catalogue))
    return EXIT_OK


@app.command()
def coverage(
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
    policies: PoliciesOption = None,
) -> int:
    """Each seed rule and the records that encode it; totals covered, automated, manual."""
    from dataclasses import asdict

    from .coverage import seed_coverage
    from .presenters import coverage_table

    report = seed_coverage(_catalogue(policies))
    if format is ListFormat.json:
        data = {"rules": [{**asdict(r), "records": [{"id": i, "kind": k} for i, k in r.records]} for r in report.rules], "totals": report.totals()}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        _out().print(coverage_table(report))
    return EXIT_OK


@app.command()
def graph(
    record: Annotated[Optional[str], typer.Argument(help="Show only this record's neighbourhood.")] = None,
    format: Annotated[GraphFormat, typer.Option("--format", "-f")] = GraphFormat.mermaid,
    radius: Annotated[int, typer.Option("--radius", help="Neighbourhood radius.")] = 1,
    policies: PoliciesOption = None,
) -> int:
    """The relation graph (requires, refines, related, conflicts), whole or around one record."""
    from .errors import UsageError
    from .graph import build_graph, neighbourhood, to_dot, to_json, to_mermaid

    catalogue = _catalogue(policies)
    g = build_graph(catalogue)
    if record:
        policy = catalogue.get(record)
        if policy is None:
            raise UsageError(f"no record '{record}'")
        g = neighbourhood(g, policy.id, radius)
    render = {"mermaid": to_mermaid, "dot": to_dot, "json": to_json}[format.value]
    sys.stdout.write(render(g))
    return EXIT_OK


app.add_typer(docs_app, name="docs")


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


if __name__ == "__main__":
    main()
