"""Index pages: all rules, one page per section and the coverage page (the graph page is graph_page.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..catalogue.catalogue import Catalogue
from ..catalogue.coverage import seed_coverage
from ..models import CHECK_KINDS, LEVELS, SEVERITIES, Policy
from .html import OWASP_API_2023, OWASP_BASE, _div, _link_rule
from .text import GUIDE_TITLE, Prose, _e, md_escape, plain_title
from .urls import Pages


def _rules_table(records: Sequence[Policy], catalogue: Catalogue, pages: Pages, here: str, *, filterable: bool) -> str:
    head = (
        "<tr><th>id</th><th>title</th><th>section</th><th>level</th><th>severity</th><th>check</th>"
        '<th title="the rule(s) of the source guide this record encodes">guide rule</th></tr>'
    )
    rows = []
    for p in records:
        data = (
            f' data-section="{_e(p.section)}" data-severity="{_e(p.severity)}" data-level="{_e(p.level)}" data-kind="{_e(p.check.kind)}"'
            f' data-text="{_e(" ".join((p.id, p.name, p.title, p.topic, *p.aliases)).lower())}"'
        )
        section = f'<a href="{_e(pages.href(here, Pages.section(p.section)))}">{_e(catalogue.sections[p.section].title)}</a>'
        rows.append(
            f"<tr{data}><td>{_link_rule(pages, here, p, with_title=False)}</td>"
            f'<td><a href="{_e(pages.href(here, Pages.rule(p.id)))}">{_e(p.title)}</a></td><td>{section}</td>'
            f'<td>{_e(p.level)}</td><td><span class="fp-badge fp-sev fp-sev-{_e(p.severity)}">{_e(p.severity)}</span></td>'
            f"<td>{_e(p.check.kind)}</td><td>{_e(', '.join(p.seed))}</td></tr>"
        )
    cls = "fp-rules fp-filterable" if filterable else "fp-rules"
    return f'<table class="{cls}"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def all_rules_page(catalogue: Catalogue, pages: Pages) -> str:
    here = Pages.ALL_RULES

    def select(name: str, label: str, values: Iterable[tuple[str, str]]) -> str:
        options = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in values)
        return f'<label>{_e(label)} <select data-filter="{name}"><option value="">all</option>{options}</select></label>'

    used = [k for k in catalogue.sections if any(p.section == k for p in catalogue.policies)]
    controls = (
        '<form class="fp-filters">'
        + select("section", "Section", [(k, catalogue.sections[k].title) for k in used])
        + select("severity", "Severity", [(s, s) for s in SEVERITIES])
        + select("level", "Level", [(lv, lv) for lv in LEVELS])
        + select("kind", "Check", [(k, k) for k in CHECK_KINDS])
        + '<label>Text <input type="search" data-filter="text" placeholder="id, name or title words"></label>'
        + f'<output class="fp-count" data-total="{len(catalogue.policies)}">{len(catalogue.policies)} of {len(catalogue.policies)} rules</output>'
        "</form>"
    )
    return (
        f"---\ntitle: All rules\nhide: [navigation, toc]\n---\n\n# All rules\n\n"
        f"Every record of the catalogue ({len(catalogue.policies)}). Filter by section, severity, level and check kind, "
        "or type words from an id, name or title; the table updates as you type.\n\n"
        f"{controls}\n\n{_rules_table(catalogue.policies, catalogue, pages, here, filterable=True)}\n"
    )


def section_page(key: str, catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    section = catalogue.sections[key]
    here = Pages.section(key)
    records = [p for p in catalogue.policies if p.section == key]
    intro = prose.block(section.description) if section.description else ""
    body = (
        _rules_table(records, catalogue, pages, here, filterable=False)
        if records
        else '<p class="fp-none">No records in this section yet.</p>'
    )
    seed = f"Section {section.seed_section} of the source guide. " if section.seed_section else ""
    return (
        f"---\ntitle: {json.dumps(plain_title(section.title), ensure_ascii=False)}\n---\n\n# {md_escape(section.title)}\n\n"
        f"{_div(intro, 'fp-prose')}\n\n<p>{_e(seed)}Id prefix <code>{_e(section.prefix)}</code>; {len(records)} record"
        f"{'s' if len(records) != 1 else ''}.</p>\n\n{body}\n"
    )


def coverage_page(catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.COVERAGE
    by_id = catalogue.by_id()
    report = seed_coverage(catalogue)
    totals = report.totals()
    out = [
        "---\ntitle: Coverage\n---\n\n# Coverage\n",
        f"<p>The catalogue started from a source guide, <em>{_e(GUIDE_TITLE)}</em>, whose rules are numbered by section "
        "(<code>S2.10</code> is the guide's rule 10 of section 2). Each record names the guide rules it encodes, and says where "
        "the guide is dated, wrong or unsourced.</p>\n",
        f"<p>{totals['covered']} of the guide's {totals['seed_rules']} rules are encoded by at least one record: {totals['automated']} automated, "
        f"{totals['manual_only']} by review only; {totals['uncovered']} not yet covered. The same data: <code>fastpolicy coverage --format json</code>.</p>\n",
        "## Rules of the source guide\n",
    ]
    for section_number in sorted({r.section for r in report.rules}):
        rules = [r for r in report.rules if r.section == section_number]
        rows = []
        for r in rules:
            records = (
                ", ".join(
                    f'{_link_rule(pages, here, by_id[i], with_title=False)} <span class="fp-kind-note">({_e(k)})</span>'
                    for i, k in r.records
                )
                or '<span class="fp-none">not covered</span>'
            )
            state = "automated" if r.automated else ("review" if r.covered else "uncovered")
            rows.append(
                f'<tr id="{_e(r.number.lower().replace(".", "-"))}" class="fp-cov-{state}"><td><code>{_e(r.number)}</code></td>'
                f"<td>{_e(r.topic)}</td><td>{prose.inline(r.text)}</td><td>{records}</td></tr>"
            )
        out.append(f"### {section_number}. {md_escape(rules[0].section_title)}\n")
        out.append(
            f"<table><thead><tr><th>guide rule</th><th>topic</th><th>rule</th><th>records</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
        )
    out.append("## OWASP API Security Top 10 (2023)\n")
    rows = []
    for code, (name, slug) in OWASP_API_2023.items():
        records = [p for p in catalogue.policies if code in p.owasp]
        links = ", ".join(_link_rule(pages, here, p, with_title=False) for p in records) or '<span class="fp-none">none yet</span>'
        rows.append(f'<tr><td><a href="{_e(OWASP_BASE + slug + "/")}">{_e(code)}</a></td><td>{_e(name)}</td><td>{links}</td></tr>')
    out.append(f"<table><thead><tr><th>category</th><th>name</th><th>records</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n")
    return "\n".join(out)
