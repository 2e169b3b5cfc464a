"""Compose the route graph from what each module declares: apps and routers, their include_router/mount edges, and
each route's own facts; adds the effective paths, dependencies and apps a route gets from the routers above it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .facts import App, DependencyRef, Location, Route


@dataclass(frozen=True)
class Router:
    """An app or router object one module defines (`app = FastAPI(...)`, `router = APIRouter(prefix=...)`)."""

    key: str  # module:variable
    location: Location
    is_app: bool
    prefix: str = ""
    dependencies: tuple[DependencyRef, ...] = ()
    response_class: str = ""  # default_response_class= as written


@dataclass(frozen=True)
class Edge:
    """`parent.include_router(child, prefix=..., dependencies=[...])` or `parent.mount(path, child)`, where it is called."""

    kind: str  # include | mount
    parent: str
    child: str
    prefix: str
    dependencies: tuple[DependencyRef, ...]
    location: Location


@dataclass
class _Owner:
    """An app or router object: what it adds to every route below it."""

    key: str
    location: Location
    is_app: bool
    prefix: str = ""
    dependencies: tuple[DependencyRef, ...] = ()
    parents: list[tuple[str, str, tuple[DependencyRef, ...]]] = field(default_factory=list)  # (parent key, include prefix, include deps)
    response_class: str = ""


class Composition:
    """The routers of every module (in module order), then their edges in the order the modules call them: an include
    makes an unknown child a router, a mount only attaches a child already known."""

    def __init__(self, routers: Iterable[Router], edges: Iterable[Edge]) -> None:
        self.owners: dict[str, _Owner] = {}
        for r in routers:
            self.owners[r.key] = _Owner(r.key, r.location, r.is_app, r.prefix, r.dependencies, [], r.response_class)
        for edge in edges:
            if edge.kind == "include":
                owner = self.owners.get(edge.child)
                if owner is None:
                    owner = self.owners[edge.child] = _Owner(edge.child, edge.location, False)
                owner.parents.append((edge.parent, edge.prefix, edge.dependencies))
            elif edge.child in self.owners:
                self.owners[edge.child].parents.append((edge.parent, edge.prefix, ()))

    def chains(self, key: str, seen: frozenset[str] = frozenset()) -> list[tuple[str, tuple[DependencyRef, ...], str]]:
        """Every way to reach `key` from an app: (path prefix, dependencies added on the way, app key)."""
        owner = self.owners.get(key)
        if owner is None:
            return [("", (), "")]
        if key in seen:
            return []
        if owner.is_app and not owner.parents:
            return [("", owner.dependencies, key)]
        result = []
        for parent, prefix, deps in owner.parents:
            for base, base_deps, app in self.chains(parent, seen | {key}):
                result.append((base + prefix + owner.prefix, base_deps + deps + owner.dependencies, app))
        if not owner.parents:
            result.append((owner.prefix, owner.dependencies, ""))
        return result

    def default_response_classes(self, key: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """The default_response_class= of the router and of every router and app above it, as written."""
        owner = self.owners.get(key)
        if owner is None or key in seen:
            return ()
        found = [owner.response_class] if owner.response_class else []
        for parent, _, _ in owner.parents:
            found += self.default_response_classes(parent, seen | {key})
        return tuple(dict.fromkeys(found))

    def routes(self, declared: Sequence[Route]) -> list[Route]:
        """Each route as its module declares it (own dependencies and options only, no effective paths or apps), composed."""
        routes = []
        for route in declared:
            chains = self.chains(route.router) or [("", (), "")]
            routes.append(dataclasses.replace(
                route,
                effective_paths=tuple(sorted({base + route.path for base, _, _ in chains})),
                dependencies=tuple(dict.fromkeys([*(d for _, cdeps, _ in chains for d in cdeps), *route.dependencies])),
                apps=tuple(sorted({app for _, _, app in chains if app})),
                options=route.options + tuple(("default_response_class", name) for name in self.default_response_classes(route.router))))
        return sorted(routes, key=lambda r: (r.location.path, r.location.line, r.methods))

    def apps(self, served: set[str]) -> list[App]:
        apps = [o for o in self.owners.values() if o.is_app]
        only = len(apps) == 1
        return sorted((App(o.key, o.location, only or o.key in served or o.key.split(":")[1] in served,
                           tuple(sorted(p for _, p, _ in o.parents))) for o in apps), key=lambda a: a.id)
