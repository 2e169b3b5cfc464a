"""The catalogue site: every generated page (rules, sections, indexes, graph, coverage, reference) built from the records.

Pages are Markdown whose record-derived parts are HTML blocks made here, with every piece of record text
escaped (record Markdown is rendered with raw HTML disabled and links restricted to http(s)). Generated
links are relative URLs computed here; `tests/test_site.py` checks that every one of them resolves.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .coverage import seed_coverage
from .errors import FastpolicyError, PolicyError
from .examples import MARKER, parse_markers, strip_markers
from .graph import build_graph
from .loader import Catalogue, load_catalogue
from .models import CHECK_KINDS, LEVELS, SEVERITIES, Finding, Policy, ScanResult

OWASP_API_2023: dict[str, tuple[str, str]] = {
    "API1:2023": ("Broken Object Level Authorization", "0xa1-broken-object-level-authorization"),
    "API2:2023": ("Broken Authentication", "0xa2-broken-authentication"),
    "API3:2023": ("Broken Object Property Level Authorization", "0xa3-broken-object-property-level-authorization"),
    "API4:2023": ("Unrestricted Resource Consumption", "0xa4-unrestricted-resource-consumption"),
    "API5:2023": ("Broken Function Level Authorization", "0xa5-broken-function-level-authorization"),
    "API6:2023": ("Unrestricted Access to Sensitive Business Flows", "0xa6-unrestricted-access-to-sensitive-business-flows"),
    "API7:2023": ("Server Side Request Forgery", "0xa7-server-side-request-forgery"),
    "API8:2023": ("Security Misconfiguration", "0xa8-security-misconfiguration"),
    "API9:2023": ("Improper Inventory Management", "0xa9-improper-inventory-management"),
    "API10:2023": ("Unsafe Consumption of APIs", "0xaa-unsafe-consumption-of-apis"),
}
OWASP_BASE = "https://owasp.org/API-Security/editions/2023/en/"
CWE_BASE = "https://cwe.mitre.org/data/definitions/"

# The fixed skeleton of a rule page: every record page has exactly these second-level headings, in this order.
SKELETON = (
    "Statement",
    "Why it matters",
    "Examples",
    "How it is checked",
    "Known limitations",
    "Seed rule",
    "References",
    "Related records",
    "How to suppress it",
)
PLACEHOLDER_COUNTS = "<!-- fastpolicy:counts -->"
PLACEHOLDER_FINDING = "<!-- fastpolicy:finding -->"
CONFIG_KEY = "fastpolicy"  # mkdocs.yml extra.fastpolicy: {policies, builtin}
DEFAULT_SITE_URL = "https://fastpolicy.dev/"
_LEXER = {
    "python": "python",
    "dockerfile": "dockerfile",
    "yaml": "yaml",
    "json": "json",
    "toml": "toml",
    "ini": "ini",
    "bash": "bash",
    "text": "text",
}
_RELATION_LABEL = {
    "requires": ("requires", "is required by"),
    "refines": ("refines", "is refined by"),
    "related": ("related to", "related to"),
    "conflicts": ("conflicts with", "conflicts with"),
}


# --------------------------------------------------------------------------- safe text


class _SafeLinks(Treeprocessor):
    """Keep only http(s), mailto and in-page links; images become their alt text (the site works offline)."""

    def run(self, root: Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    span = Element("span")
                    span.text = child.get("alt", "")
                    span.tail = child.tail
                    parent[list(parent).index(child)] = span
                elif child.tag == "a":
                    href = child.get("href", "")
                    if not re.match(r"^(https?:|mailto:|#)", href.strip(), re.IGNORECASE):
                        child.attrib.pop("href", None)


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "fastpolicy_safe_links", 0)


class Prose:
    """Render record Markdown to HTML that cannot carry markup of its own (raw HTML is shown as text)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", _NoRawHtml()], output_format="html")

    def block(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text.strip())

    def inline(self, text: str) -> str:
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def md_escape(text: str) -> str:
    """Plain text placed in Markdown (e.g. a heading): no Markdown syntax, no HTML."""
    text = re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>&])", r"\\\1", text.replace("\n", " "))
    return text.replace("\\<", "&lt;").replace("\\>", "&gt;").replace("\\&", "&amp;")


def plain_title(text: str) -> str:
    """A title for templates that print it unescaped (<title>, nav): nothing in it can form a tag or an attribute.

    An `&` that would start an entity is escaped, because Jinja's `striptags` (used for <title>) unescapes once.
    """
    text = re.sub(r"&(?=#?[A-Za-z0-9]+;)", "&amp;", text)
    return text.translate(str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’", "\n": " "}))


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


# --------------------------------------------------------------------------- page addresses


@dataclass(frozen=True)
class Pages:
    """Where each generated page lives (source path) and how pages link to each other."""

    directory_urls: bool = True

    @staticmethod
    def rule(policy_id: str) -> str:
        return f"rules/{policy_id}.md"

    @staticmethod
    def section(key: str) -> str:
        return f"sections/{key}.md"

    ALL_RULES = "rules/index.md"
    GRAPH = "graph.md"
    COVERAGE = "coverage.md"
    SCHEMA = "reference/schema.md"
    CLI = "reference/cli.md"

    def url(self, src: str) -> str:
        """The page's URL path relative to the site root (no leading slash)."""
        stem = src[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/" if self.directory_urls else stem + ".html"

    def href(self, from_src: str, to_src: str, anchor: str = "") -> str:
        """A relative link from one page to another, as the browser resolves it."""
        here = self.url(from_src)
        base = here if here.endswith("/") or not here else posixpath.dirname(here)
        target = self.url(to_src)
        rel = posixpath.relpath(target or ".", base.rstrip("/") or ".")
        if target.endswith("/") or not target:
            rel = rel + "/" if rel != "." else "./"
        return rel + (f"#{anchor}" if anchor else "")


# --------------------------------------------------------------------------- small HTML pieces


def _badges(policy: Policy, catalogue: Catalogue, pages: Pages, here: str) -> str:
    section = catalogue.sections[policy.section]
    level = policy.level.lower().replace(" ", "-")
    parts = [
        f'<span class="fp-badge fp-level fp-level-{level}" title="Requirement level (RFC 2119)">{_e(policy.level)}</span>',
        f'<span class="fp-badge fp-sev fp-sev-{_e(policy.severity)}" title="Severity">{_e(policy.severity)}</span>',
        f'<a class="fp-badge fp-section" href="{_e(pages.href(here, Pages.section(policy.section)))}" title="Section">{_e(section.title)}</a>',
        f'<span class="fp-badge fp-kind fp-kind-{_e(policy.check.kind)}" title="How it is checked">{_e(policy.check.kind)} check</span>',
    ]
    if policy.deployment:
        parts.append(f'<span class="fp-badge fp-deploy" title="Runs only with scan --deployment">{_e(policy.deployment)} only</span>')
    meta = [f"name <code>{_e(policy.name)}</code>", f"topic {_e(policy.topic)}"]
    if policy.aliases:
        meta.append("formerly " + ", ".join(f"<code>{_e(a)}</code>" for a in policy.aliases))
    if policy.origin != "builtin":
        meta.append(f"from <code>{_e(policy.origin)}</code>")
    return f'<div class="fp-badges">{" ".join(parts)}</div>\n<p class="fp-meta">{" · ".join(meta)}</p>'


def _fence(code: str, language: str, hl_lines: Sequence[int] = ()) -> str:
    """A fenced code block that the code itself cannot close early."""
    longest = max((len(m) for m in re.findall(r"`+|~+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    options = f' hl_lines="{" ".join(str(n) for n in hl_lines)}"' if hl_lines else ""
    body = code if code.endswith("\n") else code + "\n"
    return f"{fence}{_LEXER.get(language, 'text')}{options}\n{body}{fence}"


class _LiteralDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line strings (semgrep patterns) as literal blocks, the way rule authors write them."""


def _str_presenter(dumper: Any, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str_presenter)


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=120)


def _div(html: str, cls: str) -> str:
    return f'<div class="{cls}">\n{html}\n</div>'


def _todo_lines(code: str, policy_id: str) -> list[int]:
    """Lines (numbered as shown on the page, markers stripped) that a todoruleid marker says should be flagged."""
    lines = code.splitlines()
    marker_only = [i + 1 for i, text in enumerate(lines) if MARKER.search(text) and text.lstrip().startswith("#")]
    shown = []
    for marker in parse_markers(code):
        if marker.kind == "todoruleid" and marker.rule_id == policy_id:
            shown.append(marker.target_line - sum(1 for n in marker_only if n < marker.target_line))
    return sorted(set(shown))


def _link_rule(pages: Pages, here: str, policy: Policy, with_title: bool = True) -> str:
    title = f" {_e(policy.title)}" if with_title else ""
    return f'<a href="{_e(pages.href(here, Pages.rule(policy.id)))}"><code>{_e(policy.id)}</code>{title}</a>'


# --------------------------------------------------------------------------- SVG drawings

_EDGE_CLASS = {"requires": "fp-e-requires", "refines": "fp-e-refines", "related": "fp-e-related", "conflicts": "fp-e-conflicts"}


def _svg_defs() -> str:
    return (
        "<defs>"
        '<marker id="fp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="fp-arrowhead"/></marker>'
        "</defs>"
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def neighbourhood_svg(policy: Policy, catalogue: Catalogue, pages: Pages, here: str) -> str:
    """The record in the middle; what it points to on the right, what points to it on the left."""
    by_id = catalogue.by_id()
    outgoing = [(r.type, r.target) for r in policy.relations if r.target in by_id]
    incoming = sorted((r.type, p.id) for p in catalogue.policies for r in p.relations if r.target == policy.id and p.id != policy.id)
    if not outgoing and not incoming:
        return ""
    box_w, box_h, gap = 230, 40, 12
    rows = max(len(outgoing), len(incoming), 1)
    height = rows * (box_h + gap) + gap
    width = 3 * box_w + 2 * 110
    cx, cy = box_w + 110, height / 2 - box_h / 2
    out = [
        f'<svg class="fp-graph fp-neighbourhood" role="img" aria-label="Relations of {_e(policy.id)}" viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" xmlns="http://www.w3.org/2000/svg">',
        _svg_defs(),
    ]

    def node(x: float, y: float, pid: str, current: bool = False) -> str:
        target = by_id[pid]
        conflict = any(r.type == "conflicts" for r in target.relations) or any(
            r.type == "conflicts" and r.target == pid for p in catalogue.policies for r in p.relations
        )
        cls = "fp-node" + (" fp-current" if current else "") + (" fp-conflicted" if conflict else "") + f" fp-sev-{_e(target.severity)}"
        inner = (
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{box_w}" height="{box_h}" rx="6"/>'
            f'<text x="{x + 8:.0f}" y="{y + 16:.0f}" class="fp-node-id">{_e(pid)}</text>'
            f'<text x="{x + 8:.0f}" y="{y + 32:.0f}" class="fp-node-title">{_e(_short(target.title, 34))}</text>'
            f"<title>{_e(pid)}: {_e(target.title)}</title>"
        )
        if current:
            return f'<g class="{cls}">{inner}</g>'
        return f'<a href="{_e(pages.href(here, Pages.rule(pid)))}" class="{cls}">{inner}</a>'

    def edge(x1: float, y1: float, x2: float, y2: float, kind: str, label: str) -> str:
        mx = (x1 + x2) / 2
        arrow = ' marker-end="url(#fp-arrow)"' if kind != "related" else ""
        both = ' marker-start="url(#fp-arrow)"' if kind == "conflicts" else ""
        return (
            f'<path class="fp-edge {_EDGE_CLASS[kind]}" d="M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"{arrow}{both}/>'
            f'<text class="fp-edge-label" x="{mx:.0f}" y="{(y1 + y2) / 2 - 4:.0f}" text-anchor="middle">{_e(label)}</text>'
        )

    def column_y(i: int, n: int) -> float:
        top = (height - (n * (box_h + gap) - gap)) / 2
        return top + i * (box_h + gap)

    for i, (kind, pid) in enumerate(outgoing):
        y = column_y(i, len(outgoing))
        out.append(edge(cx + box_w, cy + box_h / 2, cx + box_w + 110, y + box_h / 2, kind, _RELATION_LABEL[kind][0]))
        out.append(node(cx + box_w + 110, y, pid))
    for i, (kind, pid) in enumerate(incoming):
        y = column_y(i, len(incoming))
        out.append(edge(box_w, y + box_h / 2, cx, cy + box_h / 2, kind, _RELATION_LABEL[kind][0]))
        out.append(node(0, y, pid))
    out.append(node(cx, cy, policy.id, current=True))
    out.append("</svg>")
    return "".join(out)


def catalogue_svg(catalogue: Catalogue, pages: Pages, here: str) -> str:
    """The whole relation graph: one column per section, edges as curves, conflicts in red; every node is a link."""
    graph = build_graph(catalogue)
    sections = [key for key in catalogue.sections if any(p.section == key for p in catalogue.policies)]
    box_w, box_h, gap, col_gap, head, per_tier = 200, 34, 8, 80, 34, 4
    position: dict[str, tuple[float, float]] = {}
    columns: dict[str, list[Policy]] = {key: [p for p in catalogue.policies if p.section == key] for key in sections}
    tiers = [sections[i : i + per_tier] for i in range(0, len(sections), per_tier)]
    heading: dict[str, tuple[float, float]] = {}
    top = 0.0
    for tier in tiers:
        for c, key in enumerate(tier):
            x = 20 + c * (box_w + col_gap)
            heading[key] = (x, top + 24)
            for r, policy in enumerate(columns[key]):
                position[policy.id] = (x, top + head + r * (box_h + gap))
        top += head + max(len(columns[k]) for k in tier) * (box_h + gap) + 30
    width = 40 + min(len(sections), per_tier) * (box_w + col_gap)
    height = int(top)
    conflicted = {n for u, v, k in graph.edges(keys=True) if k == "conflicts" for n in (u, v)}
    out = [
        f'<svg class="fp-graph fp-catalogue-graph" role="img" aria-label="Relation graph of the catalogue" viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        _svg_defs(),
    ]
    for key, (x, y) in heading.items():
        link = _e(pages.href(here, Pages.section(key)))
        out.append(
            f'<a href="{link}" class="fp-col-head"><text x="{x:.0f}" y="{y:.0f}">{_e(_short(catalogue.sections[key].title, 30))}</text></a>'
        )
    edges = sorted({(u, v, d["type"]) for u, v, d in graph.edges(data=True) if d.get("declared")})
    for u, v, kind in edges:
        (x1, y1), (x2, y2) = position[u], position[v]
        y1c, y2c = y1 + box_h / 2, y2 + box_h / 2
        if x2 > x1:
            sx, tx = x1 + box_w, x2
            path = f"M{sx:.0f},{y1c:.0f} C{sx + 60:.0f},{y1c:.0f} {tx - 60:.0f},{y2c:.0f} {tx:.0f},{y2c:.0f}"
        elif x2 < x1:
            sx, tx = x1, x2 + box_w
            path = f"M{sx:.0f},{y1c:.0f} C{sx - 60:.0f},{y1c:.0f} {tx + 60:.0f},{y2c:.0f} {tx:.0f},{y2c:.0f}"
        else:
            sx = x1 + box_w
            bulge = 30 + min(abs(y2c - y1c) / 6, col_gap - 35)
            path = f"M{sx:.0f},{y1c:.0f} C{sx + bulge:.0f},{y1c:.0f} {sx + bulge:.0f},{y2c:.0f} {sx:.0f},{y2c:.0f}"
        arrow = ' marker-end="url(#fp-arrow)"' if kind != "related" else ""
        both = ' marker-start="url(#fp-arrow)"' if kind == "conflicts" else ""
        out.append(
            f'<path class="fp-edge {_EDGE_CLASS[kind]}" data-source="{_e(u)}" data-target="{_e(v)}" d="{path}"{arrow}{both}><title>{_e(u)} {_e(_RELATION_LABEL[kind][0])} {_e(v)}</title></path>'
        )
    by_id = catalogue.by_id()
    for pid, (x, y) in sorted(position.items()):
        policy = by_id[pid]
        cls = f"fp-node fp-sev-{_e(policy.severity)}" + (" fp-conflicted" if pid in conflicted else "")
        out.append(
            f'<a href="{_e(pages.href(here, Pages.rule(pid)))}" class="{cls}" data-node="{_e(pid)}">'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{box_w}" height="{box_h}" rx="6"/>'
            f'<text x="{x + 7:.0f}" y="{y + 14:.0f}" class="fp-node-id">{_e(pid)}</text>'
            f'<text x="{x + 7:.0f}" y="{y + 28:.0f}" class="fp-node-title">{_e(_short(policy.title, 30))}</text>'
            f"<title>{_e(pid)}: {_e(policy.title)}</title></a>"
        )
    out.append("</svg>")
    return "".join(out)


_LEGEND = (
    '<p class="fp-legend"><span class="fp-key fp-e-requires"></span> requires '
    '<span class="fp-key fp-e-refines"></span> refines '
    '<span class="fp-key fp-e-related"></span> related '
    '<span class="fp-key fp-e-conflicts"></span> conflicts (red outline: a record in a conflict)</p>'
)


# --------------------------------------------------------------------------- rule page


def rule_page(policy: Policy, catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.rule(policy.id)
    by_id = catalogue.by_id()
    title = plain_title(f"{policy.id} {policy.title}")
    out = [f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nsearch:\n  boost: 2\n---\n"]
    out.append(f"# {md_escape(policy.id)} · {md_escape(policy.title)}\n")
    out.append(_badges(policy, catalogue, pages, here) + "\n")

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
    if policy.check.rule:
        rule_yaml = _yaml(dict(policy.check.rule))
        out.append('<p class="fp-caption">The semgrep rule:</p>\n')
        out.append(_fence(rule_yaml, "yaml") + "\n")
    if policy.check.fix:
        out.append('<p class="fp-caption">Autofix (semgrep <code>fix</code>):</p>\n')
        out.append(_fence(policy.check.fix, "python") + "\n")

    out.append("## Known limitations\n")
    out.append(_limitations_html(policy, prose) + "\n")

    out.append("## Seed rule\n")
    out.append(_seed_html(policy, catalogue, prose, pages, here) + "\n")

    out.append("## References\n")
    out.append(_references_html(policy) + "\n")

    out.append("## Related records\n")
    out.append(_related_html(policy, by_id, catalogue, prose, pages, here) + "\n")

    out.append("## How to suppress it\n")
    out.append(_suppress_html(policy) + "\n")
    return "\n".join(out)


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
    else:
        parts = [f"<p><strong>Automated</strong> by a semgrep pattern over {languages}; every match is a finding.</p>"]
    paths = check.paths or {}
    for key in ("include", "exclude"):
        if paths.get(key):
            parts.append(f"<p>Files {key}d: " + ", ".join(f"<code>{_e(g)}</code>" for g in paths[key]) + "</p>")
    parts.append(f'<p>The finding says:</p>\n<blockquote class="fp-message">{prose.block(check.message)}</blockquote>')
    return "\n".join(parts)


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
        parts = ["<p>Beyond the seed: this record adds a rule the seed document does not state.</p>"]
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
            f'<div class="admonition fp-seed-{_e(verdict)}"><p class="admonition-title">Seed correction: {_e(verdict)}</p>\n'
            f"{prose.block(policy.seed_note) if policy.seed_note else ''}</div>"
        )
    elif policy.seed:
        parts.append('<p class="fp-none">The seed rule stands as written.</p>')
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
        f"<p>Add <code># fastpolicy: ignore[{_e(policy.id)}]</code> at the end of {where}, or alone on the line above it "
        "(several ids separated by commas), and say why in the same comment. Only the named ids are suppressed; "
        "suppressed findings are counted in the scan summary. To skip the rule for a whole run, use "
        f"<code>fastpolicy scan --ignore {_e(policy.id)}</code>.</p>\n"
        f'<pre class="fp-suppress"><code># fastpolicy: ignore[{_e(policy.id)}] reviewed: explain why here</code></pre>'
    )


# --------------------------------------------------------------------------- index pages


def _rules_table(records: Sequence[Policy], catalogue: Catalogue, pages: Pages, here: str, *, filterable: bool) -> str:
    head = "<tr><th>id</th><th>title</th><th>section</th><th>level</th><th>severity</th><th>check</th><th>seed</th></tr>"
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
    seed = f"Seed section {section.seed_section}. " if section.seed_section else ""
    return (
        f"---\ntitle: {json.dumps(plain_title(section.title), ensure_ascii=False)}\n---\n\n# {md_escape(section.title)}\n\n"
        f"{_div(intro, 'fp-prose')}\n\n<p>{_e(seed)}Id prefix <code>{_e(section.prefix)}</code>; {len(records)} record"
        f"{'s' if len(records) != 1 else ''}.</p>\n\n{body}\n"
    )


def graph_page(catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.GRAPH
    graph = build_graph(catalogue)
    by_id = catalogue.by_id()
    declared = sorted({(u, v, d["type"], d["note"]) for u, v, d in graph.edges(data=True) if d.get("declared")})
    conflicts = [e for e in declared if e[2] == "conflicts"]
    rows = "".join(
        f"<tr><td>{_link_rule(pages, here, by_id[u])}</td><td>{_link_rule(pages, here, by_id[v])}</td><td>{prose.inline(note)}</td></tr>"
        for u, v, _, note in conflicts
    )
    conflict_html = (
        f"<table><thead><tr><th>record</th><th>conflicts with</th><th>when each applies</th></tr></thead><tbody>{rows}</tbody></table>"
        if conflicts
        else '<p class="fp-none">No conflicts declared.</p>'
    )
    counts = Counter(t for _, _, t, _ in declared)
    summary = ", ".join(f"{counts[t]} {t}" for t in ("requires", "refines", "related", "conflicts"))
    return (
        "---\ntitle: Relation graph\nhide: [navigation, toc]\n---\n\n# Relation graph\n\n"
        f"<p>{len(catalogue.policies)} records and {len(declared)} declared relations ({_e(summary)}), one column per section. "
        "Every node links to its record; hover a node to follow its edges. The same graph is available from the command line: "
        "<code>fastpolicy graph --format mermaid|dot|json</code>.</p>\n\n"
        f'{_LEGEND}\n\n<div class="fp-graph-box fp-graph-scroll">{catalogue_svg(catalogue, pages, here)}</div>\n\n'
        f"## Conflicts\n\n{conflict_html}\n"
    )


def coverage_page(catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.COVERAGE
    by_id = catalogue.by_id()
    report = seed_coverage(catalogue)
    totals = report.totals()
    out = [
        "---\ntitle: Coverage\n---\n\n# Coverage\n",
        f"<p>{totals['covered']} of {totals['seed_rules']} seed rules are encoded by at least one record: {totals['automated']} automated, "
        f"{totals['manual_only']} by review only; {totals['uncovered']} not yet covered. The same data: <code>fastpolicy coverage --format json</code>.</p>\n",
        "## Seed rules\n",
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
            f"<table><thead><tr><th>seed</th><th>topic</th><th>rule</th><th>records</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
        )
    out.append("## OWASP API Security Top 10 (2023)\n")
    rows = []
    for code, (name, slug) in OWASP_API_2023.items():
        records = [p for p in catalogue.policies if code in p.owasp]
        links = ", ".join(_link_rule(pages, here, p, with_title=False) for p in records) or '<span class="fp-none">none yet</span>'
        rows.append(f'<tr><td><a href="{_e(OWASP_BASE + slug + "/")}">{_e(code)}</a></td><td>{_e(name)}</td><td>{links}</td></tr>')
    out.append(f"<table><thead><tr><th>category</th><th>name</th><th>records</th></tr></thead><tbody>{''.join(rows)}</tbody></table>\n")
    return "\n".join(out)


# --------------------------------------------------------------------------- home page parts


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
    from rich.text import Text

    from .reporters.text import render_text
    from .scanner import rule_url

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
    text = Text.from_markup(
        render_text(ScanResult(findings=(finding,), errors=(), files_scanned=1, rules_run=len(catalogue.policies)))
    ).plain
    return _fence(text, "text")


# --------------------------------------------------------------------------- reference pages


def _schema_type(node: Mapping[str, Any], pages: Pages) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#def-{_e(name.lower())}"><code>{_e(name)}</code></a>'
    if "const" in node:
        return f"<code>{_e(json.dumps(node['const']))}</code>"
    if "enum" in node:
        return "one of " + ", ".join(f"<code>{_e(v)}</code>" for v in node["enum"])
    for key in ("oneOf", "anyOf"):
        if key in node:
            return " or ".join(_schema_type(sub, pages) for sub in node[key])
    kind = node.get("type", "")
    if kind == "array":
        items = node.get("items", {})
        return f"list of {_schema_type(items, pages)}" if items else "list"
    text = f"<code>{_e(kind)}</code>" if kind else "any"
    if "pattern" in node:
        text += f" matching <code>{_e(node['pattern'])}</code>"
    if kind == "object" and "properties" in node:
        text += " (" + ", ".join(f"<code>{_e(k)}</code>" for k in node["properties"]) + ")"
    return text


def _schema_table(node: Mapping[str, Any], pages: Pages) -> str:
    required = set(node.get("required", ()))
    rows = "".join(
        f"<tr><td><code>{_e(key)}</code>{' <strong>required</strong>' if key in required else ''}</td>"
        f"<td>{_schema_type(sub, pages)}</td><td>{_e(sub.get('description', ''))}</td></tr>"
        for key, sub in node.get("properties", {}).items()
    )
    return f"<table><thead><tr><th>key</th><th>value</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table>"


def schema_page(pages: Pages) -> str:
    from .schema import policy_schema

    schema = policy_schema()
    out = [
        "---\ntitle: Record schema\n---\n\n# Record schema\n",
        f"<p>Generated from <code>schemas/policy.schema.json</code> ({_e(schema.get('$schema', ''))}). {_e(schema.get('description', ''))}</p>\n",
        "## Record\n",
        _schema_table(schema, pages) + "\n",
    ]
    for name, node in schema.get("$defs", {}).items():
        out.append(f'<h3 id="def-{_e(name.lower())}">{_e(name)}</h3>\n')
        if node.get("description"):
            out.append(f"<p>{_e(node['description'])}</p>\n")
        out.append((_schema_table(node, pages) if "properties" in node else f"<p>{_schema_type(node, pages)}</p>") + "\n")
    out.append("## The schema file\n")
    out.append(_fence(json.dumps(schema, indent=2, ensure_ascii=False), "json") + "\n")
    return "\n".join(out)


def cli_page() -> str:
    """The command-line reference, read from the typer app itself (its usage lines, help texts and options)."""
    import typer

    from .cli import app

    root = typer.main.get_command(app)
    out = ["---\ntitle: Command line\n---\n\n# Command line\n", "<p>Generated from the <code>fastpolicy</code> command itself.</p>\n"]

    def walk(command: Any, ctx: Any, name: str, depth: int) -> None:
        if depth:
            out.append(f"{'#' * min(depth + 1, 4)} {md_escape(name)}\n")
        if command.help:
            out.append(f"<p>{_e(command.help.strip())}</p>\n")
        out.append(_fence(command.get_usage(ctx), "text") + "\n")
        records = [rec for rec in (p.get_help_record(ctx) for p in command.params) if rec]
        if records:
            rows = "".join(f"<tr><td><code>{_e(names)}</code></td><td>{_e(text)}</td></tr>" for names, text in records)
            out.append(f"<table><thead><tr><th>argument / option</th><th>meaning</th></tr></thead><tbody>{rows}</tbody></table>\n")
        for sub_name, sub in sorted(getattr(command, "commands", {}).items()):
            if getattr(sub, "hidden", False):
                continue
            walk(sub, sub.context_class(sub, info_name=sub_name, parent=ctx), f"{name} {sub_name}", depth + 1)

    walk(root, root.context_class(root, info_name="fastpolicy"), "fastpolicy", 0)
    return "\n".join(out)


# --------------------------------------------------------------------------- the whole site


@dataclass(frozen=True)
class SiteOptions:
    """Which records the site shows: the built-in catalogue and/or organization folders."""

    policies: tuple[Path, ...] = ()
    builtin: bool = True

    @classmethod
    def from_config(cls, extra: Mapping[str, Any]) -> SiteOptions:
        raw = dict(extra.get(CONFIG_KEY) or {})
        folders = raw.get("policies") or ()
        if isinstance(folders, str):
            folders = [f for f in folders.split(os.pathsep) if f.strip()]
        builtin = raw.get("builtin", True)
        if isinstance(builtin, str):
            builtin = builtin.strip().lower() not in ("0", "false", "no", "off", "")
        return cls(tuple(Path(f) for f in folders), bool(builtin))

    def load(self) -> Catalogue:
        return load_catalogue(list(self.policies), include_builtin=self.builtin)


def generate_pages(catalogue: Catalogue, *, directory_urls: bool = True) -> dict[str, str]:
    """Every generated page: source path -> Markdown."""
    pages = Pages(directory_urls)
    prose = Prose()
    out: dict[str, str] = {Pages.ALL_RULES: all_rules_page(catalogue, pages)}
    for policy in catalogue.policies:
        out[Pages.rule(policy.id)] = rule_page(policy, catalogue, prose, pages)
    for key in catalogue.sections:
        out[Pages.section(key)] = section_page(key, catalogue, prose, pages)
    out[Pages.GRAPH] = graph_page(catalogue, prose, pages)
    out[Pages.COVERAGE] = coverage_page(catalogue, prose, pages)
    out[Pages.SCHEMA] = schema_page(pages)
    out[Pages.CLI] = cli_page()
    return out


def fill_placeholders(
    markdown_text: str, catalogue: Catalogue, *, docs_url: str, directory_urls: bool = True, here: str = "index.md"
) -> str:
    """Hand-written pages may ask for live data: the counts and a sample finding."""
    pages = Pages(directory_urls)
    fill = {
        PLACEHOLDER_COUNTS: lambda: counts_html(catalogue, pages, here),
        PLACEHOLDER_FINDING: lambda: sample_finding(catalogue, docs_url),
    }
    for placeholder, make in fill.items():
        alone = re.compile(rf"^{re.escape(placeholder)}[ \t]*$", re.MULTILINE)  # only on a line of its own
        if alone.search(markdown_text):
            html = make()
            markdown_text = alone.sub(lambda _, html=html: html, markdown_text)  # a function: the HTML is no regex template
    return markdown_text


def site_nav(catalogue: Catalogue, hand_written: Sequence[str]) -> list[Any]:
    """The navigation: rule pages are reached from the tables, the graph and search, not listed one by one."""
    used = [k for k in catalogue.sections if any(p.section == k for p in catalogue.policies)]
    reference = [{"Record schema": Pages.SCHEMA}, {"Command line": Pages.CLI}]
    reference += [path for path in sorted(hand_written) if path.startswith("reference/")]
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Rules": [{"All rules": Pages.ALL_RULES}, *({plain_title(catalogue.sections[k].title): Pages.section(k)} for k in used)]},
    ]
    nav += [{"Graph": Pages.GRAPH}, {"Coverage": Pages.COVERAGE}, {"Reference": reference}]
    others = [p for p in sorted(hand_written) if p.endswith(".md") and p != "index.md" and not p.startswith("reference/")]
    return nav + others


def policy_problem_text(exc: PolicyError) -> str:
    return "\n".join([f"fastpolicy: the catalogue is invalid, the site is not built: {exc.message}", *(f"  {p}" for p in exc.problems)])


# --------------------------------------------------------------------------- building outside `mkdocs build`


def mkdocs_config_path() -> Path:
    """The site's mkdocs.yml: in the source checkout (engine/fastpolicy -> repository root)."""
    path = Path(__file__).resolve().parent.parent.parent / "mkdocs.yml"
    if not path.is_file():
        raise FastpolicyError(f"the site configuration is missing from this installation ({path}); build from a source checkout")
    return path


def _load_config(options: SiteOptions, **overrides: Any) -> Any:
    from mkdocs.config import load_config

    config = load_config(config_file=str(mkdocs_config_path()), **overrides)
    config.extra[CONFIG_KEY] = {"policies": [str(p.resolve()) for p in options.policies], "builtin": options.builtin}
    return config


def build_site(options: SiteOptions, out: Path, *, site_url: str = "") -> Catalogue:
    """Validate the records (PolicyError lists every problem), then build the site into `out` strictly."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    catalogue = options.load()
    overrides: dict[str, Any] = {"site_dir": str(out.resolve()), "strict": True}
    if site_url:
        overrides["site_url"] = site_url
    config = _load_config(options, **overrides)
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        raise FastpolicyError(f"the site build failed: {exc}") from exc
    return catalogue


def serve_site(options: SiteOptions, address: str) -> None:
    from mkdocs.commands.serve import serve

    options.load()
    extra_config = _load_config(options).extra
    serve(config_file=str(mkdocs_config_path()), dev_addr=address, extra=dict(extra_config), watch=[str(p) for p in options.policies])


def watch_paths(options: SiteOptions) -> list[Path]:
    from .resources import policies_dir, schemas_dir

    return ([policies_dir(), schemas_dir()] if options.builtin else [schemas_dir()]) + list(options.policies)
