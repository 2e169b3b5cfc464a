"""Human output: findings grouped by file, with the offending line, why, how to fix, and where to read more."""

from __future__ import annotations

from itertools import groupby

from rich.console import Group, RenderableType
from rich.markup import escape

from ..models import SEVERITIES, ScanResult
from .rendered import Rendered
from .wrap import Hanging

_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(result: ScanResult) -> list[RenderableType]:
    """Rich renderables, wrapped at the console width with hanging indents; the CLI prints them (colour only on a terminal)."""
    out: list[RenderableType] = []
    for _path, group in groupby(result.findings, key=lambda f: f.path):
        for f in group:
            out.append(Hanging(f"[bold]{escape(f.path)}:{f.line}:{f.column}[/]  [{_STYLE[f.severity]}]{f.severity.upper()}[/]  "
                               f"[bold]{f.rule_id}[/] {escape(f.title)}"))
            if f.code:
                out.append(Hanging(f"[dim]{f.line} |[/] {escape(f.code)}", indent=4, hang=len(str(f.line)) + 3))
            out.append(Hanging(escape(f.message), indent=4, hang=0))
            more = f"[dim]fastpolicy explain {f.rule_id}[/]" + (f"  [blue]{escape(f.url)}[/]" if f.url else "")
            out.append(Hanging(more, indent=4, hang=0))
        out.append("")
    if result.errors:
        out.append(f"[bold red]Not checked / errors ({len(result.errors)}):[/]")
        for e in result.errors:
            where = f"{e.path}:{e.line}" if e.path and e.line else (e.path or "scan")
            rule = f" [{e.rule_id}]" if e.rule_id else ""
            out.append(Hanging(f"{escape(where)}: {e.level}: {escape(e.kind)}{escape(rule)}: {escape(e.message)}", indent=2))
        out.append("")
    if result.acknowledged:
        out.append(f"[bold]Acknowledged unparsable ({len(result.acknowledged)}; not checked, listed in the configuration's `unparsable`):[/]")
        for e in result.acknowledged:
            out.append(Hanging(f"{escape(e.path)}{f':{e.line}' if e.line else ''}: {escape(e.kind)}: {escape(e.message)}", indent=2))
        out.append("")
    counts = result.counts()
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts[s]]
    total = len(result.findings)
    line = _plural(total, "finding") + (f" ({', '.join(parts)})" if parts else "")
    line += f" in {_plural(result.files_scanned, 'file')} scanned, {_plural(result.rules_run, 'rule')}"
    extras = []
    if result.suppressed:
        extras.append(f"{result.suppressed} suppressed")
    if result.baselined:
        extras.append(f"{result.baselined} in the baseline")
    if result.per_file_ignored:
        extras.append(f"{result.per_file_ignored} ignored by per-file-ignores")
    if result.below_threshold:
        extras.append(f"{result.below_threshold} below the severity threshold")
    if result.skipped_rules:
        extras.append(f"{_plural(len(result.skipped_rules), 'rule')} {'does' if len(result.skipped_rules) == 1 else 'do'} not apply to this project (deployment or package versions)")
    if extras:
        line += "; " + ", ".join(extras)
    out.append(Hanging(escape(line + "."), hang=2))
    if result.fixed:
        count = sum(e.count for e in result.fixed)
        out.append(Hanging(f"Fixed since the baseline ({_plural(count, 'finding')}; rewrite it with --write-baseline {escape(result.baseline)} to shrink it):", hang=2))
        for e in result.fixed:
            times = f" (x{e.count})" if e.count > 1 else ""
            out.append(Hanging(f"{escape(e.path)}: {e.rule_id}{times} {escape(e.code)}", indent=2, hang=2))
    if result.diff_ref:
        skipped = (f"; project-wide rules not run (they need every file): {', '.join(result.diff_skipped_rules)}"
                   if result.diff_skipped_rules else "")
        out.append(Hanging(escape(f"Diff scan since {result.diff_ref}: {_plural(result.diff_files, 'changed file')} checked{skipped}."), hang=2))
    if result.deployment:
        evidence = f" ({escape(', '.join(result.deployment_evidence[:3]))})" if result.deployment_evidence else ""
        out.append(Hanging(f"Deployment: {escape(result.deployment)}{evidence}; `fastpolicy context` shows the project model.", hang=2))
    if not result.complete:
        out.append(Hanging("[bold red]The scan is INCOMPLETE: some files or rules were not checked (see above). Exit code 3.[/]", hang=2))
    return out


def text_report(result: ScanResult) -> Rendered:
    return Rendered(rich=Group(*render_text(result)))
