"""What the project model keeps of each file between builds, so that after an edit only that file is read again.

A file's own facts (`FileSummary`) are a function of its path and text alone. A module's facts that resolve names
across modules (`ModuleFacts`: settings and classes; `RouteFacts`: routers, include/mount edges and routes) are a
function of the layout of the project's modules (which module names exist, `layout`) and of the text of every module
they looked at while being computed (`reads`, each with its text's hash), and for route facts of the settings values
the string resolver consulted. Reused only when all of those are unchanged; anything else is computed again.
"""

from __future__ import annotations

import gc
import hashlib
from dataclasses import dataclass, field
from typing import Any

from .composition import Edge, Router
from .dependencies import DependencyFile
from .facts import ClassFact, FileRole, Launch, ModelProblem, Route, Setting
from .filefacts import OtherFacts
from .modules import Interface
from .stored import FACT_TYPES, from_json, to_json

FORMAT = 1  # bump when a summary's shape changes
Hashes = tuple[dict[str, str], dict[str, str]]  # path -> text hash, path -> interface hash (modules only)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True)
class FileSummary:
    hash: str  # of the text as read
    role: FileRole
    other: OtherFacts  # other_facts(): launches, settings, Kubernetes evidence, problems
    dependencies: DependencyFile | None = None  # a manifest, requirements or lock file
    module: tuple[str, bool, bool] | None = None  # a parsed Python module: dotted name, is a package, may hold calls the model reads
    unparsable: ModelProblem | None = None  # Python's parser could not read it
    launches: tuple[Launch, ...] = ()  # a gunicorn.conf.py's settings, `uvicorn.run(...)` calls
    interface: Interface | None = None  # the module's imports, star imports and top-level names
    interface_hash: str = ""


@dataclass(frozen=True)
class ModuleFacts:
    reads: tuple[str, ...]  # every module whose content was looked at (valid while each has the text it had in this build)
    interfaces: tuple[str, ...]  # every module of which only the interface was (valid while each has the same interface)
    settings: tuple[Setting, ...]
    classes: tuple[ClassFact, ...]


@dataclass(frozen=True)
class RouteFacts:
    reads: tuple[str, ...]
    interfaces: tuple[str, ...]
    settings_used: tuple[tuple[str, tuple[str, ...]], ...]  # settings name -> the string values it held
    routers: tuple[Router, ...]
    edges: tuple[Edge, ...]
    routes: tuple[Route, ...]  # as declared: own dependencies and options, no effective paths or apps


@dataclass
class Summaries:
    files: dict[str, FileSummary] = field(default_factory=dict)
    layout: str = ""
    modules: dict[str, ModuleFacts] = field(default_factory=dict)
    routes: dict[str, RouteFacts] = field(default_factory=dict)

    def module_facts(self, path: str, layout: str, hashes: Hashes) -> ModuleFacts | None:
        found = self.modules.get(path) if layout == self.layout else None
        return found if found is not None and self._unchanged(found.reads, found.interfaces, hashes) else None

    def route_facts(self, path: str, layout: str, hashes: Hashes, by_name: dict[str, list[object]]) -> RouteFacts | None:
        found = self.routes.get(path) if layout == self.layout else None
        if found is None or not self._unchanged(found.reads, found.interfaces, hashes):
            return None
        for name, values in found.settings_used:
            if tuple(sorted({v for v in by_name.get(name, []) if isinstance(v, str)})) != values:
                return None
        return found

    def same_as(self, other: Summaries) -> bool:
        """Whether every entry is the one `other` holds (nothing was computed again: no need to store these)."""
        return self.layout == other.layout and all(
            mine.keys() == theirs.keys() and all(v is theirs[k] for k, v in mine.items())
            for mine, theirs in ((self.files, other.files), (self.modules, other.modules), (self.routes, other.routes)))  # type: ignore[attr-defined]

    def _unchanged(self, reads: tuple[str, ...], interfaces: tuple[str, ...], hashes: Hashes) -> bool:
        """Facts are stored with the build that computed them or found them valid, so the files they looked at had then
        the text (the interface) this build's summaries record for them."""
        files = self.files
        return all(path in files and files[path].hash == hashes[0].get(path) for path in reads) and \
            all(path in files and files[path].interface_hash == hashes[1].get(path) for path in interfaces)


_TYPES = {**FACT_TYPES, **{cls.__name__: cls for cls in (FileSummary, ModuleFacts, RouteFacts, Router, Edge)}}




def interface_hash(interface: Interface | None) -> str:
    if not (isinstance(interface, tuple) and len(interface) == 3 and all(isinstance(part, tuple) for part in interface)):
        raise ValueError("bad module interface")
    return hashlib.sha256(repr(interface).encode("utf-8", errors="surrogatepass")).hexdigest()


def layout_of(modules: list[tuple[str, str, bool, bool, bool]]) -> str:
    """(path, name, is a package, the module the index keeps under its name, in the route index), for every module."""
    return hashlib.sha256(repr(modules).encode("utf-8")).hexdigest()


def encode(summaries: Summaries) -> dict[str, Any]:
    """JSON-ready (TypeError when a value could not be rebuilt: the summaries are then not stored)."""
    return {"format": FORMAT, "layout": summaries.layout, "files": to_json(summaries.files, _TYPES),
            "modules": to_json(summaries.modules, _TYPES), "routes": to_json(summaries.routes, _TYPES)}


def decode(data: Any) -> Summaries:
    """ValueError for anything that is not exactly what `encode` writes."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("layout"), str):
        raise ValueError("not stored project-model summaries")
    paused = gc.isenabled()
    gc.disable()  # tens of thousands of small objects and none of them garbage: collecting while they are made costs half the time
    try:
        files, modules, routes = (from_json(data.get(name), _TYPES) for name in ("files", "modules", "routes"))
    finally:
        if paused:
            gc.enable()
    for table, kind in ((files, FileSummary), (modules, ModuleFacts), (routes, RouteFacts)):
        if not isinstance(table, dict) or not all(isinstance(k, str) and isinstance(v, kind) for k, v in table.items()):
            raise ValueError("bad table in stored project-model summaries")
    for facts in (*modules.values(), *routes.values()):
        if not all(isinstance(paths, tuple) and all(isinstance(p, str) for p in paths) for paths in (facts.reads, facts.interfaces)):
            raise ValueError("bad reads in stored project-model summaries")
    for facts in routes.values():
        if not (isinstance(facts.settings_used, tuple) and all(isinstance(u, tuple) and len(u) == 2 and isinstance(u[0], str) and isinstance(u[1], tuple)
                                                               for u in facts.settings_used)):
            raise ValueError("bad settings in stored project-model summaries")
    for summary in files.values():
        module = summary.module
        if not isinstance(summary.hash, str) or not isinstance(summary.interface_hash, str) or \
                not (module is None or (isinstance(module, tuple) and len(module) == 3 and isinstance(module[0], str))) or \
                (module is not None and interface_hash(summary.interface) != summary.interface_hash):
            raise ValueError("bad file in stored project-model summaries")
    return Summaries(files, data["layout"], modules, routes)
