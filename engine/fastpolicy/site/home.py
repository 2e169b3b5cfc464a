"""Home page parts: live counts and a sample finding rendered by the real text reporter."""

from __future__ import annotations

from collections import Counter

from ..catalogue.catalogue import Catalogue
from ..catalogue.coverage import seed_coverage
from ..catalogue.markers import strip_markers
from ..models import SEVERITIES, Finding, Policy, ScanResult
from .text import _e
from .urls import Pages

# The sample finding is printed twice by the real reporter: at a desktop terminal's width and at a phone's; the page
# shows the one that fits its column (a CSS container query), so neither is ever cut off or scrolled sideways.
SAMPLE_WIDTHS = {"wide": 72, "narrow": 44}
_KIND_WORDS = {"pattern": "a code pattern", "project": "the project model", "manual": "review (no automated check)"}


def default_scan_rules(catalogue: Catalogue) -> list[Policy]:
    """What `fastpolicy scan` runs on a project whose deployment is unknown: the automated records not tied to one."""
    return [p for p in catalogue.policies if p.check.automated and not p.deployment]


def counts_html(catalogue: Catalogue, pages: Pages, here: str = "index.md") -> str:
    policies = catalogue.policies
    automated = [p for p in policies if p.check.automated]
    default = default_scan_rules(catalogue)
    deployment_only = Counter(p.deployment for p in automated if p.deployment)
    manual = len(policies) - len(automated)
    totals = seed_coverage(catalogue).totals()
    by_section = Counter(p.section for p in policies)
    run_by_section = Counter(p.section for p in automated)
    by_severity = Counter(p.severity for p in policies)
    by_kind = Counter(p.check.kind for p in policies)
    sections = "".join(
        f'<tr><td><a href="{_e(pages.href(here, Pages.section(k)))}">{_e(s.title)}</a></td><td>{by_section.get(k, 0)}</td>'
        f"<td>{run_by_section.get(k, 0)}</td></tr>"
        for k, s in catalogue.sections.items()
        if by_section.get(k)
    )
    severities = "".join(
        f'<tr><td><span class="fp-badge fp-sev fp-sev-{s}">{s}</span></td><td>{by_severity.get(s, 0)}</td></tr>' for s in SEVERITIES
    )
    kinds = "".join(f"<tr><td>{_e(word)}</td><td>{by_kind.get(k, 0)}</td></tr>" for k, word in _KIND_WORDS.items())
    extra = " and ".join(f"{n} more with <code>--deployment {_e(d)}</code>" for d, n in sorted(deployment_only.items()))
    return (
        f'<div class="fp-counts"><p class="fp-total"><strong>{len(policies)}</strong> records. '
        f"A scan runs the <strong>{len(default)}</strong> automated rules that fit any project"
        + (f" ({extra}, or when the repository shows it)" if extra else "")
        + f"; the other {manual} are review checklists, on this site and in <code>fastpolicy explain</code>. "
        f"Together they encode <strong>{totals['covered']}</strong> of the {totals['seed_rules']} rules of the source guide "
        f'(<a href="{_e(pages.href(here, Pages.COVERAGE))}">coverage</a>).</p>\n'
        '<div class="fp-count-tables"><table><thead><tr><th>section</th><th>records</th><th>automated</th></tr></thead>'
        f"<tbody>{sections}</tbody></table>"
        f"<table><thead><tr><th>severity</th><th>records</th></tr></thead><tbody>{severities}</tbody></table>"
        f"<table><thead><tr><th>checked by</th><th>records</th></tr></thead><tbody>{kinds}</tbody></table></div></div>"
    )


def sample_policy(catalogue: Catalogue) -> Policy | None:
    candidates = [p for p in catalogue.policies if p.check.kind == "pattern" and any(e.kind == "bad" for e in p.examples)]
    return next((p for p in candidates if p.id == "SEC-010"), candidates[0] if candidates else None)


def sample_report(catalogue: Catalogue, docs_url: str, width: int) -> str:
    """What `fastpolicy scan` prints for one finding in a terminal `width` columns wide, by the real text reporter from a real
    record's flagged example; the summary counts the rules a default scan runs."""
    from io import StringIO

    from rich.console import Console

    from ..report.text import text_report
    from ..scan.findings import rule_url

    policy = sample_policy(catalogue)
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
    buffer = StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, force_terminal=False)
    result = ScanResult(findings=(finding,), errors=(), files_scanned=1, rules_run=len(default_scan_rules(catalogue)))
    text_report(result).emit(console)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip().splitlines())


def sample_finding(catalogue: Catalogue, docs_url: str) -> str:
    """The sample finding as one line of HTML (a raw block Markdown passes through): a terminal at each width of SAMPLE_WIDTHS."""
    reports = {name: sample_report(catalogue, docs_url, width) for name, width in SAMPLE_WIDTHS.items()}
    if not any(reports.values()):
        return ""
    blocks = "".join(
        f'<pre class="fp-sample-{name}" data-columns="{SAMPLE_WIDTHS[name]}"><code>{_lines(text)}</code></pre>'
        for name, text in reports.items()
    )
    return f'<div class="fp-sample" role="figure" aria-label="fastpolicy scan output for one finding">{blocks}</div>'


def _lines(text: str) -> str:
    return "&#10;".join(_e(line) for line in text.splitlines())  # newlines as references: the block stays one Markdown line

