"""Human output: findings grouped by file, with the offending line, why, how to fix, and where to read more."""

from __future__ import annotations

from itertools import groupby

from rich.markup import escape

from ..models import SEVERITIES, ScanResult
from .rendered import Rendered

_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def render_text(result: ScanResult) -> str:
    """Rich markup; the CLI prints it (colour only on a terminal)."""
    out: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        out.append(f"[bold underline]{escape(path)}[/]")
        for f in group:
            out.append(f"  {f.line}:{f.column}  [{_STYLE[f.severity]}]{f.severity.upper()}[/]  [bold]{f.rule_id}[/] {escape(f.title)}")
            if f.code:
                out.append(f"    [dim]{f.line} |[/] {escape(f.code)}")
            out.append(f"    {escape(f.message)}")
            out.append(f"    [blue]{escape(f.url)}[/]")
        out.append("")
    if result.errors:
        out.append(f"[bold red]Not checked / errors ({len(result.errors)}):[/]")
        for e in result.errors:
            where = f"{e.path}:{e.line}" if e.path and e.line else (e.path or "scan")
            rule = f" [{e.rule_id}]" if e.rule_id else ""
            out.append(f"  {escape(where)}: {e.level}: {escape(e.kind)}{escape(rule)}: {escape(e.message)}")
        out.append("")
    counts = result.counts()
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts[s]]
    total = len(result.findings)
    line = f"{total} finding{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    line += f" in {result.files_scanned} file{'s' if result.files_scanned != 1 else ''} scanned, {result.rules_run} rules"
    extras = []
    if result.suppressed:
        extras.append(f"{result.suppressed} suppressed")
    if result.below_threshold:
        extras.append(f"{result.below_threshold} below the severity threshold")
    if result.skipped_rules:
        extras.append(f"{len(result.skipped_rules)} rules do not apply to this project (deployment or package versions)")
    if extras:
        line += "; " + ", ".join(extras)
    out.append(line + ".")
    if result.deployment:
        evidence = f" ({escape(', '.join(result.deployment_evidence[:3]))})" if result.deployment_evidence else ""
        out.append(f"Deployment: {escape(result.deployment)}{evidence}; `fastpolicy context` shows the project model.")
    if not result.complete:
        out.append("[bold red]The scan is INCOMPLETE: some files or rules were not checked (see above). Exit code 3.[/]")
    return "\n".join(out) + "\n"


def text_report(result: ScanResult) -> Rendered:
    return Rendered(rich=render_text(result), end="")
