"""The relation graph as plain data (record nodes, typed edges) and a record's neighbourhood: what `fastpolicy graph`
exports, without importing networkx (graph.py builds the networkx graph from the same edges for the integrity
checks and the site)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .catalogue import Catalogue


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    type: str
    note: str
    declared: bool  # False for the mirror of a conflict declared on one side only


@dataclass(frozen=True)
class Relations:
    nodes: Mapping[str, Mapping[str, str]]  # record id -> title, section, severity, kind
    edges: tuple[Edge, ...]

    def declared(self) -> list[tuple[str, str, str, str]]:
        """(source, target, type, note) of every declared edge, sorted."""
        return sorted((e.source, e.target, e.type, e.note) for e in self.edges if e.declared)


def relation_edges(catalogue: Catalogue) -> list[Edge]:
    """One edge per declared relation to a known record, keyed by (source, target, type) as the graph keeps them:
    a conflict gets its mirror unless the other side declares it too (then the declared edge replaces the mirror)."""
    ids = {p.id for p in catalogue.policies}
    edges: dict[tuple[str, str, str], Edge] = {}
    for policy in catalogue.policies:
        for relation in policy.relations:
            if relation.target not in ids:
                continue
            edges[(policy.id, relation.target, relation.type)] = Edge(policy.id, relation.target, relation.type, relation.note, True)
            mirror = (relation.target, policy.id, "conflicts")
            if relation.type == "conflicts" and mirror not in edges:
                edges[mirror] = Edge(relation.target, policy.id, "conflicts", relation.note, False)
    return list(edges.values())


def relations(catalogue: Catalogue) -> Relations:
    nodes = {p.id: {"title": p.title, "section": p.section, "severity": p.severity, "kind": p.check.kind} for p in catalogue.policies}
    return Relations(nodes, tuple(relation_edges(catalogue)))


def neighbourhood(graph: Relations, node: str, radius: int = 1) -> Relations:
    """The records at most `radius` relations away from `node` in either direction, and every edge among them."""
    near: dict[str, set[str]] = {}
    for e in graph.edges:
        near.setdefault(e.source, set()).add(e.target)
        near.setdefault(e.target, set()).add(e.source)
    kept, frontier = {node}, {node}
    for _ in range(max(radius, 0)):
        frontier = {n for f in frontier for n in near.get(f, ())} - kept
        kept |= frontier
    return Relations({n: a for n, a in graph.nodes.items() if n in kept},
                     tuple(e for e in graph.edges if e.source in kept and e.target in kept))
