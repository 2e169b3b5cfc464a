"""`fastpolicy graph` exports plain relations (no networkx): the same nodes, edges and neighbourhoods as networkx gives."""

from __future__ import annotations

import networkx as nx
import pytest

from fastpolicy.catalogue.graph import build_graph
from fastpolicy.catalogue.loader import load_catalogue
from fastpolicy.catalogue.relations import neighbourhood, relations
from fastpolicy.models import Policy, Relation


def _as_networkx(graph: nx.MultiDiGraph) -> tuple[dict[str, dict[str, str]], set[tuple[str, str, str, str, bool]]]:
    return ({n: dict(graph.nodes[n]) for n in graph.nodes},
            {(u, v, d["type"], d["note"], d["declared"]) for u, v, d in graph.edges(data=True)})


def _as_plain(graph) -> tuple[dict[str, dict[str, str]], set[tuple[str, str, str, str, bool]]]:  # type: ignore[no-untyped-def]
    return ({n: dict(a) for n, a in graph.nodes.items()}, {(e.source, e.target, e.type, e.note, e.declared) for e in graph.edges})


@pytest.mark.parametrize("radius", [-1, 0, 1, 2, 3])
def test_every_neighbourhood_is_the_networkx_ego_graph(radius: int) -> None:
    catalogue = load_catalogue()
    whole, plain = build_graph(catalogue), relations(catalogue)
    assert _as_plain(plain) == _as_networkx(whole)
    undirected = whole.to_undirected(as_view=True)
    for policy in catalogue.policies:
        expected = whole.subgraph(nx.ego_graph(undirected, policy.id, radius=radius).nodes).copy()
        assert _as_plain(neighbourhood(plain, policy.id, radius)) == _as_networkx(expected), policy.id


def test_a_conflict_declared_on_both_sides_keeps_both_notes_and_one_side_gets_a_mirror() -> None:
    from dataclasses import replace

    from fastpolicy.catalogue.catalogue import Catalogue

    base = load_catalogue().policies[:3]
    a, b, c = (replace(p, relations=()) for p in base)
    a = replace(a, relations=(Relation("conflicts", b.id, "a says"), Relation("related", c.id, "see c")))
    b = replace(b, relations=(Relation("conflicts", a.id, "b says"),))
    c = replace(c, relations=(Relation("conflicts", a.id, "c says"), Relation("requires", "NOPE-404", "gone")))
    records: tuple[Policy, ...] = (a, b, c)
    catalogue = Catalogue(policies=records, sections={}, seed={})
    edges = {(e.source, e.target, e.type): (e.note, e.declared) for e in relations(catalogue).edges}
    assert edges == {(a.id, b.id, "conflicts"): ("a says", True), (b.id, a.id, "conflicts"): ("b says", True),
                     (a.id, c.id, "related"): ("see c", True), (c.id, a.id, "conflicts"): ("c says", True),
                     (a.id, c.id, "conflicts"): ("c says", False)}
    assert _as_plain(relations(catalogue)) == _as_networkx(build_graph(catalogue))
