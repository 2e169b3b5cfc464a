"""Graph exports: mermaid, dot and JSON of a relation graph (whole or a neighbourhood)."""

from __future__ import annotations

import json
from typing import Any

from ..catalogue.relations import Relations
from .rendered import Rendered


def to_json(graph: Relations) -> str:
    data: dict[str, Any] = {
        "nodes": [{"id": n, **graph.nodes[n]} for n in sorted(graph.nodes)],
        "edges": [{"source": u, "target": v, "type": t, "note": note} for u, v, t, note in graph.declared()],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _label(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")


def to_mermaid(graph: Relations) -> str:
    arrows = {"requires": "-->", "refines": "-.->", "related": "---", "conflicts": "<-->"}
    lines = ["graph LR"]
    for node in sorted(graph.nodes):
        key = node.replace("-", "_")
        lines.append(f'  {key}["{node}: {_label(graph.nodes[node].get("title", ""))}"]')
    for u, v, t, _ in graph.declared():
        lines.append(f"  {u.replace('-', '_')} {arrows[t]}|{t}| {v.replace('-', '_')}")
    conflicted = sorted({n for u, v, t, _ in graph.declared() if t == "conflicts" for n in (u, v)})
    if conflicted:
        lines.append("  classDef conflict stroke:#d32f2f,stroke-width:3px")
        lines.append("  class " + ",".join(n.replace("-", "_") for n in conflicted) + " conflict")
    return "\n".join(lines) + "\n"


def to_dot(graph: Relations) -> str:
    styles = {"requires": "solid", "refines": "dashed", "related": "dotted", "conflicts": "bold"}
    lines = ["digraph fastpolicy {", "  rankdir=LR;", "  node [shape=box];"]
    for node in sorted(graph.nodes):
        lines.append(f'  "{node}" [label="{node}\\n{_label(graph.nodes[node].get("title", ""))}"];')
    for u, v, t, _ in graph.declared():
        extra = ', color="red", dir=both' if t == "conflicts" else ""
        lines.append(f'  "{u}" -> "{v}" [label="{t}", style={styles[t]}{extra}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid_report(graph: Relations) -> Rendered:
    return Rendered(to_mermaid(graph))


def dot_report(graph: Relations) -> Rendered:
    return Rendered(to_dot(graph))


def json_report(graph: Relations) -> Rendered:
    return Rendered(to_json(graph))
