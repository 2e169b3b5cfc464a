"""The relation graph (networkx): integrity checks and neighbourhoods (exports live in report.graph)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from .catalogue import Catalogue

if TYPE_CHECKING:  # networkx is imported when a graph is built, not when the catalogue loads
    import networkx as nx

ACYCLIC = ("requires", "refines")


def build_graph(catalogue: Catalogue) -> nx.MultiDiGraph:
    """Nodes are record ids; one edge per declared relation (conflicts also get their mirror edge)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for policy in catalogue.policies:
        graph.add_node(policy.id, title=policy.title, section=policy.section, severity=policy.severity, kind=policy.check.kind)
    for policy in catalogue.policies:
        for relation in policy.relations:
            if relation.target not in graph:
                continue
            graph.add_edge(policy.id, relation.target, key=relation.type, type=relation.type, note=relation.note, declared=True)
            if relation.type == "conflicts" and not graph.has_edge(relation.target, policy.id, key="conflicts"):
                graph.add_edge(relation.target, policy.id, key="conflicts", type="conflicts", note=relation.note, declared=False)
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


def neighbourhood(graph: nx.MultiDiGraph, node: str, radius: int = 1) -> nx.MultiDiGraph:
    import networkx as nx

    undirected = graph.to_undirected(as_view=True)
    nodes = nx.ego_graph(undirected, node, radius=radius).nodes
    return graph.subgraph(nodes).copy()
