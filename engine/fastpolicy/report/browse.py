"""Browse reports: list, show and coverage, as tables/panels for the terminal or JSON (no printing here)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Group
from rich.markup import escape
from rich.text import Text

from ..catalogue.catalogue import Catalogue
from ..catalogue.coverage import CoverageReport
from ..catalogue.languages import lexer
from ..catalogue.markers import strip_markers
from ..models import Policy
from .code import Code
from .rendered import Rendered
from .table import Cell, Grid
from .wrap import Hanging


@dataclass(frozen=True)
class Listing:
    """The records `fastpolicy list` shows."""

    records: tuple[Policy, ...]


@dataclass(frozen=True)
class RecordView:
    """One record, with the catalogue its relations point into."""

    policy: Policy
    catalogue: Catalogue


def record_summary(policy: Policy) -> dict[str, Any]:
    return {
        "id": policy.id,
        "name": policy.name,
        "title": policy.title,
        "section": policy.section,
        "severity": policy.severity,
        "level": policy.level,
        "seed": list(policy.seed),
        "check": policy.check.kind,
        "origin": policy.origin,
        "enabled": policy.enabled,
        "overridden": list(policy.overridden),
    }


def list_table(records: Sequence[Policy]) -> Grid:
    rows = []
    for p in records:
        severity = p.severity + (" *" if p.overridden else "") if p.enabled else f"{p.severity} (disabled)"
        rows.append(tuple(Cell(text) for text in (p.id, p.title, p.section, p.level, severity, p.check.kind, ", ".join(p.seed))))
    return Grid(f"{len(records)} records", ("id", "title", "section", "level", "severity", "check", "seed"), tuple(rows))


def override_notes(records: Sequence[Policy]) -> list[Hanging]:
    """Under the table: each record an organization's overrides.yaml changed, its effective value and where it came from."""
    return [Hanging(escape(f"* {p.id}: {'; '.join(p.overridden)}"), hang=2) for p in records if p.overridden]


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of YAML block text into paragraphs (blank lines and list items kept), so Rich can wrap them."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not re.match(r"\s*([-*]|\d+[.)])\s", line):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def record_panel(policy: Policy, catalogue: Catalogue) -> Group:
    parts: list[Any] = [
        Text.from_markup(f"[bold]{policy.level}[/] · severity [bold]{policy.severity}[/] · {policy.section} / {escape(policy.topic)} · check: {policy.check.kind} · seed: {', '.join(policy.seed) or '—'}"),
        *(Text(f"Organization override: {note}", style="bold") for note in policy.overridden),
        Text(""),
        Text(reflow(policy.statement), style="bold"),
        Text(""),
        Text("Why it matters", style="underline"),
        Text(reflow(policy.rationale)),
    ]
    if policy.seed_note:
        parts += [Text(""), Text(f"About the seed ({policy.seed_verdict})", style="underline"), Text(reflow(policy.seed_note))]
    parts += [Text(""), Text("How it is checked", style="underline")]
    check = policy.check
    if check.kind == "manual":
        parts.append(Text(reflow(check.reason)))
        parts += [Text(f"  ? {q}") for q in check.questions]
    else:
        if check.kind == "project":
            parts.append(Text(f"Project-level: flagged at FastAPI(...) when nothing matches: {check.condition}"))
        parts.append(Text(f"Message: {reflow(check.message)}"))
    for example in policy.examples:
        code, _ = strip_markers(example.code)
        label = "Flagged" if example.kind == "bad" else "Accepted"
        parts += [Text(""), Text(f"{label}: {example.title}", style="green" if example.kind == "good" else "red")]
        parts.append(Code(code.rstrip(), lexer(example.language)))
    if policy.limitations:
        parts += [Text(""), Text("Known limitations", style="underline"), *[Text(f"  - {x}") for x in policy.limitations]]
    if policy.relations:
        by_id = catalogue.by_id()
        parts += [Text(""), Text("Related records", style="underline")]
        for r in policy.relations:
            target = by_id.get(r.target)
            parts.append(Text(f"  {r.type} {r.target} {target.title if target else ''}: {r.note}"))
    parts += [Text(""), Text("References", style="underline"), *_references(policy)]
    parts += [Text(""), Text(f"Suppress one finding: # fastpolicy: ignore[{policy.id}]: why (until=YYYY-MM-DD optional)", style="dim"), Text(f"Source: {policy.path}", style="dim")]
    # no box: text wraps at the terminal width and a URL is never cut (a terminal keeps it clickable)
    from rich.rule import Rule

    heading = Text.from_markup(f"[bold]{policy.id}[/] {escape(policy.title)}")
    wrapped = [Hanging(p, hang=4 if p.plain.startswith("  ") else 0) if isinstance(p, Text) and p.plain and not p.no_wrap else p
               for p in parts]
    return Group(Rule(heading, align="left"), *wrapped, Rule())


def _references(policy: Policy) -> list[Any]:
    out: list[Any] = []
    for title, url in policy.references:
        out += [Text(f"  {title}"), Text(f"    {url}", no_wrap=True, overflow="ignore", style="blue")]
    return out


def coverage_table(report: CoverageReport) -> Grid:
    rows = []
    for r in report.rules:
        records = Cell(", ".join(f"{i} ({k})" for i, k in r.records)) if r.records else Cell("not covered", "red")
        rows.append((Cell(r.number), Cell(r.topic), Cell(r.text), records))
    t = report.totals()
    summary = f"{t['covered']}/{t['seed_rules']} seed rules covered: {t['automated']} automated, {t['manual_only']} manual only, {t['uncovered']} not covered."
    return Grid("Seed rules → records", ("seed", "topic", "rule", "records"), tuple(rows), after=(summary,))


def _json(data: object) -> Rendered:
    return Rendered(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def list_table_report(listing: Listing) -> Rendered:
    if any(p.overridden for p in listing.records):
        return Rendered(rich=Group(list_table(listing.records), *override_notes(listing.records)))
    return Rendered(rich=list_table(listing.records))


def list_json_report(listing: Listing) -> Rendered:
    return _json([record_summary(p) for p in listing.records])


def show_report(view: RecordView) -> Rendered:
    return Rendered(rich=record_panel(view.policy, view.catalogue))


def coverage_table_report(report: CoverageReport) -> Rendered:
    return Rendered(rich=coverage_table(report))


def coverage_json_report(report: CoverageReport) -> Rendered:
    rules = [{**asdict(r), "records": [{"id": i, "kind": k} for i, k in r.records]} for r in report.rules]
    return _json({"rules": rules, "totals": report.totals()})
