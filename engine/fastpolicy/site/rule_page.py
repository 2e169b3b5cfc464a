"""The rule page: one per record, with the fixed skeleton of headings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..catalogue.markers import strip_markers
from ..models import Policy
from ..scan.prefilter import Prefilter, prefilters
from .html import _RELATION_LABEL, CWE_BASE, OWASP_API_2023, OWASP_BASE, _badges, _div, _fence, _link_rule, _todo_lines, _yaml
from .svg import _LEGEND, neighbourhood_svg
from .text import Prose, _e, md_escape, plain_title
from .urls import Pages

# The fixed skeleton of a rule page: every record page has exactly these second-level headings, in this order.
SKELETON = (
    "Statement",
    "Why it matters",
    "Examples",
    "How it is checked",
    "Known limitations",
    "Source guide rule",
    "References",
    "Related records",
    "How to suppress it",
)


def rule_page(policy: Policy, catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.rule(policy.id)
    by_id = catalogue.by_id()
    title = plain_title(f"{policy.id} {policy.title}")
    out = [f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nsearch:\n  boost: 2\n---\n"]
    out.append(f"# {md_escape(policy.id)} · {md_escape(policy.title)}\n")
    out.append(_badges(policy, catalogue, pages, here) + "\n")
    if policy.overridden:  # an organization's overrides.yaml changed this built-in record
        notes = "".join(f"<li>{_e(note)}</li>" for note in policy.overridden)
        out.append(f'<div class="admonition note fp-override"><p class="admonition-title">Organization override</p><ul>{notes}</ul></div>\n')

    out.append("## Statement\n")
    out.append(_div(prose.block(policy.statement), "fp-statement") + "\n")

    out.append("## Why it matters\n")
    out.append(_div(prose.block(policy.rationale), "fp-prose") + "\n")

    out.append("## Examples\n")
    if not policy.examples:
        out.append('<p class="fp-none">This record has no code examples: it is checked by review (see below).</p>\n')
    for kind, label, cls in (("bad", "Flagged", "fp-flagged"), ("good", "Accepted", "fp-accepted")):
        for example in (e for e in policy.examples if e.kind == kind):
            code, flagged = strip_markers(example.code)
            caption = f'<span class="fp-example-kind">{label}</span> {_e(example.title)}'
            if example.filename:
                caption += f' <code class="fp-filename">{_e(example.filename)}</code>'
            out.append(f'<p class="fp-example-title {cls}">{caption}</p>\n')
            out.append(_fence(code, example.language, flagged) + "\n")

    out.append("## How it is checked\n")
    out.append(_check_html(policy, prose) + "\n")
    prefilter = _prefilter_html(policy, catalogue)
    if prefilter:
        out.append(prefilter + "\n")
    if policy.check.rule:
        rule_yaml = _yaml(dict(policy.check.rule))
        out.append('<p class="fp-caption">The semgrep rule:</p>\n')
        out.append(_fence(rule_yaml, "yaml") + "\n")
    if policy.check.fix:
        out.append('<p class="fp-caption">Autofix (semgrep <code>fix</code>):</p>\n')
        out.append(_fence(policy.check.fix, "python") + "\n")

    out.append("## Known limitations\n")
    out.append(_limitations_html(policy, prose) + "\n")

    out.append("## Source guide rule\n")
    out.append(_seed_html(policy, catalogue, prose, pages, here) + "\n")

    out.append("## References\n")
    out.append(_references_html(policy) + "\n")

    out.append("## Related records\n")
    out.append(_related_html(policy, by_id, catalogue, prose, pages, here) + "\n")

    out.append("## How to suppress it\n")
    out.append(_suppress_html(policy) + "\n")
    return "\n".join(out)


MODEL_KIND_TEXT = {
    "route": "every route of the route graph (effective paths through mounts and include_router prefixes, effective dependencies "
             "from the app, routers, controller classes and parameters) that meets the conditions is a finding at its first decorator.",
    "launch": "every server launch (Dockerfile, compose, Kubernetes, Procfile, gunicorn.conf.py, systemd, supervisord, shell "
              "scripts, uvicorn.run) that meets the conditions is a finding where it is written.",
    "setting": "every setting default, module constant or environment value that meets the conditions is a finding where it is defined.",
}


def _predicate(spec: Mapping[str, Any]) -> str:
    return "; ".join(f"<code>{_e(str(k))}</code> = <code>{_e(', '.join(map(str, v)) if isinstance(v, list) else str(v))}</code>"
                     for k, v in spec.items()) or "none"


def applies_to(policy: Policy) -> str:
    """'app, settings code; pydantic >=2; kubernetes deployments' — from the record's roles, package conditions and deployment."""
    from ..project.predicates import default_roles

    roles = policy.applies_roles or default_roles(policy.check.languages or ("python",), [str(g) for g in policy.check.paths.get("include", [])])
    parts = [", ".join(roles) + " files"]
    parts += [f"{c['name']} {c['version']}" for c in policy.applies_packages]
    if policy.deployment:
        parts.append(f"{policy.deployment} deployments")
    return "; ".join(parts)


def _check_html(policy: Policy, prose: Prose) -> str:
    check = policy.check
    if check.kind == "manual":
        parts = [
            "<p><strong>By review.</strong> No automated check: this record produces no findings.</p>",
            _div(prose.block(check.reason), "fp-prose"),
        ]
        if check.questions:
            parts.append("<p>Questions for the reviewer:</p>")
            parts.append("<ol>" + "".join(f"<li>{prose.inline(q)}</li>" for q in check.questions) + "</ol>")
        return "\n".join(parts)
    languages = ", ".join(f"<code>{_e(lang)}</code>" for lang in check.languages)
    if check.kind == "project":
        parts = [
            "<p><strong>Project-level check</strong> (semgrep, one run with every other rule). The project violates the rule when "
            "the pattern below matches <em>nowhere</em> in the scanned tree while the tree contains a <code>FastAPI(...)</code> "
            "application; the finding is reported at that call.</p>",
            f"<p>It looks for: {prose.inline(check.condition)}</p>",
        ]
    elif check.kind in MODEL_KIND_TEXT:
        parts = [f"<p><strong>Decided on the project model</strong>: {MODEL_KIND_TEXT[check.kind]}</p>",
                 "<p>Conditions: " + _predicate(check.route or check.launch or check.setting) + "</p>"]
    else:
        parts = [f"<p><strong>Automated</strong> by a semgrep pattern over {languages}; every match is a finding.</p>"]
    if check.route and check.kind == "pattern":
        parts.append("<p>A match counts only inside a route of the project model with: " + _predicate(check.route) + "</p>")
    if check.resolve:
        parts.append(f"<p>A match counts only when the setting or constant that <code>{_e(str(check.resolve['metavariable']))}</code> names is "
                     f"defined in the project with a value matching <code>{_e(str(check.resolve['value_matches']))}</code>.</p>")
    parts.append(f"<p>Applies to: {_e(applies_to(policy))}.</p>")
    paths = check.paths or {}
    for key in ("include", "exclude"):
        if paths.get(key):
            parts.append(f"<p>Files {key}d: " + ", ".join(f"<code>{_e(g)}</code>" for g in paths[key]) + "</p>")
    parts.append(f'<p>The finding says:</p>\n<blockquote class="fp-message">{prose.block(check.message)}</blockquote>')
    return "\n".join(parts)


_PREFILTERS: dict[tuple[tuple[str, str], ...], dict[str, Prefilter] | None] = {}


def _prefilter_html(policy: Policy, catalogue: Catalogue) -> str:
    """semgrep-core's prefilter for the rule: the words a file must contain before semgrep parses it for this rule."""
    if not (policy.check.automated and policy.check.uses_semgrep):
        return ""
    key = tuple((p.id, p.path) for p in catalogue.policies)
    if key not in _PREFILTERS:
        _PREFILTERS[key] = prefilters(catalogue.policies)
    found = (_PREFILTERS[key] or {}).get(policy.id)
    if found is None:
        return ""
    if not found.anchored:
        return ('<p class="fp-prefilter"><strong>No prefilter literal:</strong> every positive pattern of this rule is made of '
                "metavariables, so semgrep evaluates it on every file it reads (<code>fastpolicy validate</code> warns).</p>")
    words = found.describe(lambda literal: f"<code>{_e(literal)}</code>")
    return f'<p class="fp-prefilter"><strong>Prefilter:</strong> semgrep parses a file for this rule only when the file contains {words}.</p>'



def _limitations_html(policy: Policy, prose: Prose) -> str:
    items = [f"<li>{prose.inline(text)}</li>" for text in policy.limitations]
    for example in policy.examples:
        lines = _todo_lines(example.code, policy.id)
        if lines:
            which = "line" + ("s" if len(lines) > 1 else "")
            items.append(
                f"<li>Not yet flagged ({_e(which)} {_e(', '.join(map(str, lines)))} of the example “{_e(example.title)}”): "
                "a known miss, marked <code>todoruleid</code> in the record.</li>"
            )
    if policy.check.kind == "manual":
        items.append("<li>Checked by review only: the scanner never reports it.</li>")
    if not items:
        return '<p class="fp-none">None known.</p>'
    return "<ul>" + "".join(items) + "</ul>"


def _seed_html(policy: Policy, catalogue: Catalogue, prose: Prose, pages: Pages, here: str) -> str:
    if not policy.seed:
        parts = ["<p>Beyond the source guide: this record adds a rule the guide does not state.</p>"]
    else:
        items = []
        for number in policy.seed:
            rule = catalogue.seed[number]
            link = _e(pages.href(here, Pages.COVERAGE, number.lower().replace(".", "-")))
            items.append(
                f'<li><a href="{link}"><code>{_e(number)}</code></a> {_e(rule.section_title)} / {_e(rule.topic)}: {prose.inline(rule.opens)}</li>'
            )
        parts = ["<ul>" + "".join(items) + "</ul>"]
    if policy.seed_verdict or policy.seed_note:
        verdict = policy.seed_verdict or "note"
        parts.append(
            f'<div class="admonition fp-seed-{_e(verdict)}"><p class="admonition-title">Checked against the guide: {_e(verdict)}</p>\n'
            f"{prose.block(policy.seed_note) if policy.seed_note else ''}</div>"
        )
    elif policy.seed:
        parts.append('<p class="fp-none">The guide\'s rule stands as written.</p>')
    return "\n".join(parts)


def _references_html(policy: Policy) -> str:
    items = [f'<li><a href="{_e(url)}">{_e(title)}</a></li>' for title, url in policy.references]
    standards = []
    for code in policy.owasp:
        name, slug = OWASP_API_2023.get(code, (code, ""))
        href = OWASP_BASE + slug + "/" if slug else OWASP_BASE
        standards.append(f'<a class="fp-badge fp-std" href="{_e(href)}">OWASP {_e(code)} {_e(name)}</a>')
    for cwe in policy.cwe:
        number = cwe.split("-", 1)[1]
        standards.append(f'<a class="fp-badge fp-std" href="{_e(CWE_BASE + number + ".html")}">{_e(cwe)}</a>')
    html = "<ul>" + "".join(items) + "</ul>"
    if standards:
        html += '\n<p class="fp-standards">' + " ".join(standards) + "</p>"
    return html


def _related_html(policy: Policy, by_id: Mapping[str, Policy], catalogue: Catalogue, prose: Prose, pages: Pages, here: str) -> str:
    items = []
    for relation in policy.relations:
        target = by_id.get(relation.target)
        if target is None:
            continue
        items.append(
            f'<li><span class="fp-rel fp-rel-{_e(relation.type)}">{_e(_RELATION_LABEL[relation.type][0])}</span> {_link_rule(pages, here, target)}: {prose.inline(relation.note)}</li>'
        )
    for other in catalogue.policies:
        for relation in other.relations:
            if relation.target == policy.id and other.id != policy.id:
                label = _RELATION_LABEL[relation.type][1]
                items.append(
                    f'<li><span class="fp-rel fp-rel-{_e(relation.type)}">{_e(label)}</span> {_link_rule(pages, here, other)}: {prose.inline(relation.note)}</li>'
                )
    if not items:
        return '<p class="fp-none">No related records.</p>'
    drawing = neighbourhood_svg(policy, catalogue, pages, here)
    return '<ul class="fp-related">' + "".join(items) + "</ul>\n" + f'<div class="fp-graph-box">{drawing}</div>\n{_LEGEND}'


def _suppress_html(policy: Policy) -> str:
    if policy.check.kind == "manual":
        return f"<p>Nothing to suppress: <code>{_e(policy.id)}</code> is checked by review and never reported by <code>fastpolicy scan</code>.</p>"
    where = "the <code>FastAPI(...)</code> line the finding points at" if policy.check.kind == "project" else "the flagged line"
    return (
        f"<p>Add <code># fastpolicy: ignore[{_e(policy.id)}]: why</code> on {where} (any line of its statement), or alone on the "
        f"line above it; the name <code>{_e(policy.name)}</code> works too, in any case, and several ids are separated by commas. "
        "An optional <code>until=YYYY-MM-DD</code> after the bracket makes it expire. Only the named rules are suppressed; "
        "suppressed findings are counted in the scan summary, and unknown, unused, expired or malformed suppressions are "
        "reported (FPY-100..103). To skip the rule for a whole run, use "
        f"<code>fastpolicy scan --ignore {_e(policy.id)}</code>.</p>\n"
        f'<pre class="fp-suppress"><code># fastpolicy: ignore[{_e(policy.id)}]: explain why here, reviewed YYYY-MM</code></pre>'
    )
