"""The relation graph in networkx: integrity checks and the site's layout (`fastpolicy graph` exports the plain
`relations.Relations` of the same edges, with no networkx)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from .catalogue import Catalogue
from .relations import relation_edges

if TYPE_CHECKING:  # networkx is imported when a graph is built, not when the catalogue loads
    import networkx as nx

ACYCLIC = ("requires", "refines")


def build_graph(catalogue: Catalogue) -> nx.MultiDiGraph:
    """Nodes are record ids; one edge per declared relation (conflicts also get their mirror edge)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for policy in catalogue.policies:
        graph.add_node(policy.id, title=policy.title, section=policy.section, severity=policy.severity, kind=policy.check.kind)
    for edge in relation_edges(catalogue):
        graph.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, note=edge.note, declared=edge.declared)
    return graph


def graph_problems(catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    ids = {p.id for p in catalogue.policies}
    for policy in catalogue.policies:
        seen: set[tuple[str, str]] = set()
        for i, relation in enumerate(policy.relations):
            line = policy.line_of("relations", i)
            if relation.target == policy.id:
                problems.append(Problem(policy.path, line, f"relations[{i}]: a record cannot relate to itself"))
            elif relation.target not in ids:
                problems.append(Problem(policy.path, line, f"relations[{i}]: target '{relation.target}' does not exist"))
            if (relation.type, relation.target) in seen:
                problems.append(Problem(policy.path, line, f"relations[{i}]: duplicate '{relation.type}' relation to {relation.target}"))
            seen.add((relation.type, relation.target))
    import networkx as nx

    graph = build_graph(catalogue)
    by_id = catalogue.by_id()
    for kind in ACYCLIC:
        sub = nx.DiGraph((u, v) for u, v, k in graph.edges(keys=True) if k == kind)
        for cycle in sorted(nx.simple_cycles(sub), key=lambda c: sorted(c)):
            start = min(cycle)
            at = cycle.index(start)
            ordered = cycle[at:] + cycle[:at]
            policy = by_id[start]
            loop = " -> ".join([*ordered, start])
            problems.append(Problem(policy.path, policy.line_of("relations"), f"'{kind}' relations form a cycle: {loop}"))
    for u, v, k in graph.edges(keys=True):
        if k in ("requires", "refines") and graph.has_edge(u, v, key="conflicts"):
            policy = by_id[u]
            problems.append(Problem(policy.path, policy.line_of("relations"), f"{u} both {k} and conflicts with {v}"))
    return problems
