"""Authoring and browsing commands: validate, test, list, show, coverage, graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import EXIT_FINDINGS, EXIT_OK, UsageError
from .options import (
    GraphFormat,
    ListFormat,
    PoliciesOption,
    RecordArgument,
    SectionOption,
    SelectOption,
    Severity,
    _catalogue,
    _emit,
    _err,
    _flag,
    _out,
    app,
)


@app.command()
def validate(policies: PoliciesOption = None, section: SectionOption = None) -> int:
    """Check every record: YAML, schema, file names, ids, seed numbers, relations, and semgrep's verdict on each rule."""
    from ..scan.prefilter import unanchored_python_rules
    from ..scan.rulecheck import check_rules_with_semgrep

    catalogue = _catalogue(policies, section, revalidate=True)
    checked = check_rules_with_semgrep(catalogue)
    _out().print(f"{len(catalogue.policies)} records valid ({checked} semgrep rules accepted).")
    unanchored = unanchored_python_rules(catalogue.policies)
    if unanchored is None:
        _err().print("warning: semgrep-core was not found, so the rules' prefilters were not checked", markup=False)
    for rule_id in unanchored or ():
        policy = catalogue.get(rule_id)
        where = f"{policy.path}:{policy.line_of('check')}: " if policy else ""
        _err().print(f"warning: {where}{rule_id}: no literal semgrep's prefilter can use (every positive pattern is metavariables), "
                     "so the rule is evaluated on every file it reads; add the distinctive name as a literal pattern", markup=False)
    return EXIT_OK


@app.command("test")
def test_examples(policies: PoliciesOption = None, select: SelectOption = None, section: SectionOption = None) -> int:
    """Run every record's bad and good examples through semgrep (one process) and compare with their markers."""
    from ..scan.examples import run_examples
    from ..scan.scanner import select_policies

    catalogue = _catalogue(policies, section)
    with _flag("--select/--ignore", " (see `fastpolicy list`)"):
        chosen = select_policies(catalogue, select or [], [])
    report = run_examples(chosen)
    _emit("test", "text", report)
    return EXIT_FINDINGS if report.failures else EXIT_OK


@app.command("list")
def list_records(section: SectionOption = None, format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table, policies: PoliciesOption = None) -> int:
    """List the records (of the given sections)."""
    from ..report.browse import Listing

    catalogue = _catalogue(policies, section)
    _emit("list", format.value, Listing(catalogue.policies))
    return EXIT_OK


@app.command()
def show(record: RecordArgument, policies: PoliciesOption = None) -> int:
    """Show one record in full: the rule, why, how it is checked, examples, references."""
    from ..report.browse import RecordView
    from ..scan.suppression import SYNTAX, meta_rule

    catalogue = _catalogue(policies)
    policy = catalogue.get(record)
    if policy is None and (rule := meta_rule(record)) is not None:
        _out().print(f"{rule.id} {rule.name}: {rule.title}\n\n{rule.statement}\n\nFix: {rule.fix}\n\nSyntax: {SYNTAX}", markup=False)
        return EXIT_OK
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
    from ..catalogue.scaffold import scaffold

    path = scaffold(policies, record, name=name, section=section, severity=severity.value)
    _out().print(f"Wrote {path}. Edit the TODOs, then run: fastpolicy validate --policies {policies} && fastpolicy test --policies {policies}", markup=False)
    return EXIT_OK


@app.command()
def coverage(format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table, policies: PoliciesOption = None) -> int:
    """Each seed rule and the records that encode it; totals covered, automated, manual."""
    from ..catalogue.coverage import seed_coverage

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
    from ..catalogue.relations import neighbourhood, relations

    catalogue = _catalogue(policies)
    g = relations(catalogue)
    if record:
        policy = catalogue.get(record)
        if policy is None:
            raise UsageError(f"There is no record named '{record}'; `fastpolicy list` shows them all.")
        g = neighbourhood(g, policy.id, radius)
    _emit("graph", format.value, g)
    return EXIT_OK
