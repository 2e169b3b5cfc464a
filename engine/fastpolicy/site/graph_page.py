"""The relation graph page: per-section clusters drawn at build time, conflicts first, "related" on demand, a filter.

What a reader learns from the graph is which rules build on which (requires, refines) and which contradict each other
(conflicts): those edges are drawn, per section, as small layered drawings (the rule a record builds on to its left).
"related" (see also) links are far more numerous and say little on their own: they are drawn only when the reader asks
(a checkbox), and every record lists them. Records of a section with no requires/refines/conflicts edge are cards.
Everything is static HTML and SVG; the filter (fastpolicy.js) only shows and hides.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..catalogue.catalogue import Catalogue
from ..catalogue.graph import build_graph
from ..models import SEVERITIES, Policy
from .html import _RELATION_LABEL, _link_rule
from .svg import _EDGE_CLASS, _svg_defs
from .text import Prose, _e
from .urls import Pages

STRUCTURAL = ("requires", "refines", "conflicts")  # drawn; "related" is drawn on demand
RELATION_TYPES = (*STRUCTURAL, "related")
MEANING = {
    "requires": "needs the other rule in place first",
    "refines": "is a narrower, more specific case of the other",
    "conflicts": "cannot hold together with the other: the note says which applies when",
    "related": "is worth reading with the other (see also: same topic, no dependency)",
}
BOX_W, LINE_H, TITLE_CHARS, MAX_LINES = 236, 13, 32, 3
BOX_H = 22 + MAX_LINES * LINE_H + 4
GAP_X, GAP_Y, PAD = 84, 14, 6


@dataclass
class Component:
    """A connected group of requires/refines/conflicts edges touching one section; `ghosts` are from other sections."""

    nodes: set[str] = field(default_factory=set)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    ghosts: set[str] = field(default_factory=set)


def _title_lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[: MAX_LINES - 1] + [textwrap.shorten(" ".join(lines[MAX_LINES - 1 :]), TITLE_CHARS, placeholder=" …")]
    return lines


def components(section: str, catalogue: Catalogue, edges: Iterable[tuple[str, str, str]]) -> list[Component]:
    """Structural edges with an end in `section`, grouped by connectivity (union-find); largest first, then by id."""
    import networkx as nx

    by_id = catalogue.by_id()
    mine = [(u, v, k) for u, v, k in edges if k in STRUCTURAL and section in (by_id[u].section, by_id[v].section)]
    graph = nx.Graph()
    graph.add_edges_from((u, v) for u, v, _ in mine)
    out = []
    for group in nx.connected_components(graph):
        nodes = set(group)
        out.append(
            Component(
                nodes=nodes,
                edges=sorted(e for e in mine if e[0] in nodes),
                ghosts={n for n in nodes if by_id[n].section != section},
            )
        )
    return sorted(out, key=lambda c: (-len(c.nodes), min(c.nodes)))


def _layout(component: Component) -> dict[str, tuple[int, int]]:
    """(column, row) per node: a record sits right of every record it requires or refines; conflicts share a column."""
    import networkx as nx

    directed = nx.DiGraph()
    directed.add_nodes_from(component.nodes)
    directed.add_edges_from((u, v) for u, v, k in component.edges if k != "conflicts")  # acyclic: `fastpolicy validate` checks
    column: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(directed))):  # sinks (the rules others build on) first
        column[node] = max((column[t] + 1 for t in directed.successors(node)), default=0)
    for u, v, k in component.edges:  # a conflict partner that builds on nothing sits right of its rival: one straight red edge
        if k == "conflicts" and not any(directed.successors(v)) and not any(directed.predecessors(v)):
            column[v] = column[u] + 1
    rows: dict[str, tuple[int, int]] = {}
    by_column: dict[int, list[str]] = defaultdict(list)
    for node in sorted(component.nodes):
        by_column[column[node]].append(node)
    for c in sorted(by_column):

        def anchor(node: str, c: int = c) -> tuple[float, str]:
            near = [rows[t][1] for t in (*directed.successors(node), *directed.predecessors(node)) if t in rows]
            return (sum(near) / len(near) if near else 1e9, node)

        for r, node in enumerate(sorted(by_column[c], key=anchor)):
            rows[node] = (c, r)
    return rows


def component_svg(component: Component, catalogue: Catalogue, pages: Pages, here: str, related: Iterable[tuple[str, str]]) -> str:
    by_id = catalogue.by_id()
    place = _layout(component)
    columns = max(c for c, _ in place.values()) + 1
    rows = max(r for _, r in place.values()) + 1
    width = PAD * 2 + columns * BOX_W + (columns - 1) * GAP_X
    height = PAD * 2 + rows * BOX_H + (rows - 1) * GAP_Y

    def xy(node: str) -> tuple[int, int]:
        c, r = place[node]
        return PAD + c * (BOX_W + GAP_X), PAD + r * (BOX_H + GAP_Y)

    out = [
        f'<svg class="fp-graph fp-cluster-graph" role="img" aria-label="{_e(", ".join(sorted(component.nodes)))}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        _svg_defs(),
    ]
    drawn = [(u, v, k) for u, v, k in component.edges] + [(u, v, "related") for u, v in related if u in place and v in place]
    for u, v, kind in drawn:
        (x1, y1), (x2, y2) = xy(u), xy(v)
        y1c, y2c = y1 + BOX_H / 2, y2 + BOX_H / 2
        if x1 > x2:  # u builds on v, to its left
            sx, tx = x1, x2 + BOX_W
            path = f"M{sx},{y1c:.0f} C{sx - 40},{y1c:.0f} {tx + 40},{y2c:.0f} {tx},{y2c:.0f}"
        elif x1 < x2:
            sx, tx = x1 + BOX_W, x2
            path = f"M{sx},{y1c:.0f} C{sx + 40},{y1c:.0f} {tx - 40},{y2c:.0f} {tx},{y2c:.0f}"
        else:  # same column: an arc on the right, bulging with the distance
            sx = x1 + BOX_W
            bulge = 24 + min(abs(y2c - y1c) / 5, GAP_X - 30)
            path = f"M{sx},{y1c:.0f} C{sx + bulge:.0f},{y1c:.0f} {sx + bulge:.0f},{y2c:.0f} {sx},{y2c:.0f}"
        arrow = ' marker-end="url(#fp-arrow)"' if kind != "related" else ""
        both = ' marker-start="url(#fp-arrow)"' if kind == "conflicts" else ""
        out.append(
            f'<path class="fp-edge {_EDGE_CLASS[kind]}" data-kind="{kind}" data-source="{_e(u)}" data-target="{_e(v)}" d="{path}"{arrow}{both}>'
            f"<title>{_e(u)} {_e(_RELATION_LABEL[kind][0])} {_e(v)}</title></path>"
        )
    conflicted = {n for u, v, k in component.edges if k == "conflicts" for n in (u, v)}
    for node in sorted(place):
        policy = by_id[node]
        x, y = xy(node)
        ghost = node in component.ghosts
        cls = f"fp-node fp-sev-{_e(policy.severity)}" + (" fp-conflicted" if node in conflicted else "") + (" fp-ghost" if ghost else "")
        data = f'data-ghost="{_e(node)}"' if ghost else f'data-node="{_e(node)}"'
        words = " ".join((policy.id, policy.name, policy.title)).lower()
        lines = "".join(
            f'<text x="{x + 8}" y="{y + 32 + i * LINE_H}" class="fp-node-title">{_e(line)}</text>' for i, line in enumerate(_title_lines(policy.title))
        )
        where = f" ({_e(catalogue.sections[policy.section].title)})" if ghost else ""  # in the tooltip: the box is too narrow
        out.append(
            f'<a href="{_e(pages.href(here, Pages.rule(node)))}" class="{cls}" {data} data-text="{_e(words)}">'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<rect x="{x}" y="{y}" width="5" height="{BOX_H}" class="fp-sev-bar"/>'
            f'<text x="{x + 8}" y="{y + 16}" class="fp-node-id">{_e(node)}</text>{lines}'
            f"<title>{_e(node)}{where}: {_e(policy.title)}</title></a>"
        )
    out.append("</svg>")
    return "".join(out)


def _relations_list(policy: Policy, catalogue: Catalogue, pages: Pages, here: str) -> str:
    by_id = catalogue.by_id()
    items = []
    for relation in sorted(policy.relations, key=lambda r: (RELATION_TYPES.index(r.type), r.target)):
        if relation.target in by_id:
            items.append(
                f'<li data-kind="{_e(relation.type)}"><span class="fp-rel fp-rel-{_e(relation.type)}">{_e(_RELATION_LABEL[relation.type][0])}</span> '
                f"{_link_rule(pages, here, by_id[relation.target])}</li>"
            )
    return f'<ul class="fp-card-relations">{"".join(items)}</ul>' if items else ""


def _card(policy: Policy, catalogue: Catalogue, pages: Pages, here: str) -> str:
    words = " ".join((policy.id, policy.name, policy.title)).lower()
    return (
        f'<li class="fp-card" data-node="{_e(policy.id)}" data-text="{_e(words)}">'
        f'<span class="fp-badge fp-sev fp-sev-{_e(policy.severity)}">{_e(policy.severity)}</span> '
        f"{_link_rule(pages, here, policy)}{_relations_list(policy, catalogue, pages, here)}</li>"
    )


def _controls(catalogue: Catalogue, sections: list[str], counts: Counter[str]) -> str:
    options = "".join(f'<option value="{_e(k)}">{_e(catalogue.sections[k].title)}</option>' for k in sections)
    boxes = "".join(
        f'<label title="{_e(MEANING[kind])}"><input type="checkbox" data-relation="{kind}"{"" if kind == "related" else " checked"}> '
        f'<span class="fp-key {_EDGE_CLASS[kind]}"></span> {_e(kind)} ({counts[kind]})</label>'
        for kind in RELATION_TYPES
    )
    total = len(catalogue.policies)
    return (
        '<form class="fp-filters fp-graph-filters">'
        f'<label>Section <select data-graph="section"><option value="">all</option>{options}</select></label>'
        f'<label>Find <input type="search" data-graph="text" placeholder="id, name or title words"></label>{boxes}'
        f'<output class="fp-count" data-total="{total}">{total} of {total} records</output></form>'
    )


def graph_page(catalogue: Catalogue, prose: Prose, pages: Pages) -> str:
    here = Pages.GRAPH
    graph = build_graph(catalogue)
    by_id = catalogue.by_id()
    declared = sorted({(u, v, d["type"], d["note"]) for u, v, d in graph.edges(data=True) if d.get("declared")})
    edges = [(u, v, k) for u, v, k, _ in declared]
    related = [(u, v) for u, v, k in edges if k == "related"]
    counts = Counter(k for _, _, k in edges)
    sections = [key for key in catalogue.sections if any(p.section == key for p in catalogue.policies)]

    conflicts = [e for e in declared if e[2] == "conflicts"]
    rows = "".join(
        f"<tr><td>{_link_rule(pages, here, by_id[u])}</td><td>{_link_rule(pages, here, by_id[v])}</td><td>{prose.inline(note)}</td></tr>"
        for u, v, _, note in conflicts
    )
    conflict_html = (
        f'<table class="fp-conflicts"><thead><tr><th>record</th><th>conflicts with</th><th>which applies when</th></tr></thead><tbody>{rows}</tbody></table>'
        if conflicts
        else '<p class="fp-none">No conflicts declared.</p>'
    )
    meaning = "".join(
        f'<li><span class="fp-key {_EDGE_CLASS[k]}"></span> <strong>{_e(k)}</strong>: the record {_e(MEANING[k])}.</li>' for k in RELATION_TYPES
    )
    clusters = []
    for key in sections:
        section = catalogue.sections[key]
        groups = components(key, catalogue, edges)
        in_drawings = {n for g in groups for n in g.nodes}
        drawings = "".join(f'<div class="fp-graph-box">{component_svg(g, catalogue, pages, here, related)}</div>' for g in groups)
        drawings = f'<div class="fp-drawings">{drawings}</div>' if drawings else ""
        cards = [_card(p, catalogue, pages, here) for p in catalogue.policies if p.section == key and p.id not in in_drawings]
        rest = (
            f'<p class="fp-caption">With no requires, refines or conflicts relation:</p><ul class="fp-cards">{"".join(cards)}</ul>'
            if cards
            else ""
        )
        link = _e(pages.href(here, Pages.section(key)))
        clusters.append(
            f'<section class="fp-cluster" data-section="{_e(key)}"><h3 id="cluster-{_e(key)}"><a href="{link}">{_e(section.title)}</a></h3>'
            f"{drawings}{rest}</section>"
        )
    severities = " ".join(f'<span class="fp-badge fp-sev fp-sev-{s}">{s}</span>' for s in SEVERITIES)
    return (
        "---\ntitle: Relation graph\nhide: [navigation, toc]\n---\n\n# Relation graph\n\n"
        f"<p>{len(catalogue.policies)} records and {len(edges)} declared relations. A record may say of another that it</p>\n"
        f'<ul class="fp-meanings">{meaning}</ul>\n\n'
        "## Conflicts\n\n<p>Two rules that cannot both hold: the project's context decides which one applies.</p>\n\n"
        f"{conflict_html}\n\n"
        "## By section\n\n"
        "<p>Each drawing is a group of rules that build on each other: a rule sits to the right of the rules it requires or "
        "refines, arrows point at the rule built on, conflicts are red; a record from another section is grey and dashed (its tooltip names the section). "
        f"The left bar is the severity ({severities}). Tick <em>related</em> to draw the see-also links too; every node "
        "links to its record. The same graph from the command line: <code>fastpolicy graph --format mermaid|dot|json</code>.</p>\n\n"
        f'<div class="fp-graph-view fp-hide-related">{_controls(catalogue, sections, counts)}{"".join(clusters)}</div>\n'
    )
