"""SVG drawings: a record's neighbourhood, with its legend (the graph page draws its clusters in graph_page.py)."""

from __future__ import annotations

from ..catalogue.catalogue import Catalogue
from ..models import Policy
from .html import _RELATION_LABEL
from .text import _e
from .urls import Pages

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


_LEGEND = (
    '<p class="fp-legend"><span class="fp-key fp-e-requires"></span> requires '
    '<span class="fp-key fp-e-refines"></span> refines '
    '<span class="fp-key fp-e-related"></span> related '
    '<span class="fp-key fp-e-conflicts"></span> conflicts (red outline: a record in a conflict)</p>'
)
