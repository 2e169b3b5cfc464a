"""Home page parts: live counts and a sample finding rendered by the real text reporter."""

from __future__ import annotations

from collections import Counter

from ..catalogue.catalogue import Catalogue
from ..catalogue.coverage import seed_coverage
from ..catalogue.markers import strip_markers
from ..models import CHECK_KINDS, SEVERITIES, Finding, ScanResult
from .html import _fence
from .text import _e
from .urls import Pages


def counts_html(catalogue: Catalogue, pages: Pages, here: str = "index.md") -> str:
    policies = catalogue.policies
    by_section = Counter(p.section for p in policies)
    by_severity = Counter(p.severity for p in policies)
    by_kind = Counter(p.check.kind for p in policies)
    totals = seed_coverage(catalogue).totals()
    sections = "".join(
        f'<tr><td><a href="{_e(pages.href(here, Pages.section(k)))}">{_e(s.title)}</a></td><td>{by_section.get(k, 0)}</td></tr>'
        for k, s in catalogue.sections.items()
    )
    severities = "".join(
        f'<tr><td><span class="fp-badge fp-sev fp-sev-{s}">{s}</span></td><td>{by_severity.get(s, 0)}</td></tr>' for s in SEVERITIES
    )
    kinds = "".join(f"<tr><td>{k}</td><td>{by_kind.get(k, 0)}</td></tr>" for k in CHECK_KINDS)
    return (
        f'<div class="fp-counts"><p class="fp-total"><strong>{len(policies)}</strong> records · '
        f"<strong>{totals['covered']}</strong>/{totals['seed_rules']} seed rules covered, <strong>{totals['automated']}</strong> automated "
        f'(<a href="{_e(pages.href(here, Pages.COVERAGE))}">coverage</a>)</p>\n'
        f'<div class="fp-count-tables"><table><thead><tr><th>section</th><th>records</th></tr></thead><tbody>{sections}</tbody></table>'
        f"<table><thead><tr><th>severity</th><th>records</th></tr></thead><tbody>{severities}</tbody></table>"
        f"<table><thead><tr><th>check</th><th>records</th></tr></thead><tbody>{kinds}</tbody></table></div></div>"
    )


def sample_finding(catalogue: Catalogue, docs_url: str) -> str:
    """What `fastpolicy scan` prints for one finding, rendered by the real text reporter from a real record."""
    from io import StringIO

    from rich.console import Console

    from ..report.text import text_report
    from ..scan.findings import rule_url

    candidates = [p for p in catalogue.policies if p.check.kind == "pattern" and any(e.kind == "bad" for e in p.examples)]
    policy = next((p for p in candidates if p.id == "SEC-010"), candidates[0] if candidates else None)
    if policy is None:
        return ""
    example = next(e for e in policy.examples if e.kind == "bad")
    code, flagged = strip_markers(example.code)
    line = flagged[0] if flagged else 1
    source = code.splitlines()[line - 1] if code.splitlines() else ""
    finding = Finding(
        rule_id=policy.id,
        name=policy.name,
        title=policy.title,
        severity=policy.severity,
        seed=policy.seed,
        path=example.filename or "app/main.py",
        line=line,
        end_line=line,
        column=len(source) - len(source.lstrip()) + 1,
        message=policy.check.message,
        code=source.strip(),
        url=rule_url(policy, docs_url),
    )
    automated = sum(1 for p in catalogue.policies if p.check.automated)  # what a scan runs: manual records have no check
    buffer = StringIO()
    console = Console(file=buffer, width=72, no_color=True, highlight=False, force_terminal=False)  # fits a phone-width code block
    text_report(ScanResult(findings=(finding,), errors=(), files_scanned=1, rules_run=automated)).emit(console)
    return _fence(buffer.getvalue().rstrip() + "\n", "text")
