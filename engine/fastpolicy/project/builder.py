"""Build the project model once per scan, from the files of the scanned roots (Python via `ast`, the rest via their own parsers)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from .classes import module_classes
from .composition import Composition
from .dependencies import is_dependency_file, merge_dependencies, read_dependency_file
from .deployment import detect
from .facts import FileRole, Launch, Location, ModelProblem, ProjectModel, Setting
from .filefacts import other_facts
from .launches import gunicorn_config, python_runs
from .modules import Module, ModuleIndex, Reads, module_name
from .pytest_config import CONFIG_FILES, read_pytest_configs
from .roles import classify
from .routes import RouteGraph
from .settings import module_settings
from .strings import StringResolver
from .summaries import FileSummary, Hashes, ModuleFacts, RouteFacts, Summaries, interface_hash, layout_of
from .summaries import digest as text_hash
from .trees import may_call, parse_python

_NO_ROUTES = {"tests", "migrations", "generated", "vendored", "docs"}
MAX_PY_BYTES = 1_000_000


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def build_model(files: Sequence[str], *, roots: Sequence[str] = (".",), role_overrides: Mapping[str, Sequence[str]] | None = None,
                deployment: str | None = None, base: Path = Path("."), role_of: Callable[[str], FileRole | None] | None = None) -> ProjectModel:
    """`files` are paths as the scan shows them, relative to `base` (the working directory); `role_of` (the project
    configuration's `roles`) gives a file its role before the conventions are consulted."""
    return build(files, roots=roots, role_overrides=role_overrides, deployment=deployment, base=base, role_of=role_of)[0]


def build(files: Sequence[str], *, roots: Sequence[str] = (".",), role_overrides: Mapping[str, Sequence[str]] | None = None,
          deployment: str | None = None, base: Path = Path("."), role_of: Callable[[str], FileRole | None] | None = None,
          previous: Summaries | None = None) -> tuple[ProjectModel, Summaries]:
    """The model and what it keeps of each file; with the `previous` build's summaries (made with the same roots, options
    and engine), an unchanged file is not read again beyond its text and a module's cross-module facts are reused while
    every module they looked at is unchanged: the model is the same as a build without them."""
    if previous is not None:
        try:
            return _build(files, roots, role_overrides, deployment, base, role_of, previous)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass  # a stored module that no longer parses as it did: read every file again (a real error repeats below)
    return _build(files, roots, role_overrides, deployment, base, role_of, None)


def _build(files: Sequence[str], roots: Sequence[str], role_overrides: Mapping[str, Sequence[str]] | None, deployment: str | None,
           base: Path, role_of: Callable[[str], FileRole | None] | None, previous: Summaries | None) -> tuple[ProjectModel, Summaries]:
    problems: list[ModelProblem] = []
    summaries: dict[str, FileSummary] = {}
    parsed: dict[str, Module] = {}
    texts: dict[str, str] = {}
    for path in sorted(set(files)):
        text = _read(base / path)
        if text is None:
            problems.append(ModelProblem(Location(path, 0), "could not read the file for the project model"))
            continue
        texts[path] = text
        digest = text_hash(text)
        known = previous.files.get(path) if previous is not None else None
        summary = known if known is not None and known.hash == digest else _summarize(path, text, digest, roots, role_overrides, role_of, base, parsed)
        summaries[path] = summary
        if summary.unparsable is not None:
            problems.append(summary.unparsable)
    reads = Reads()
    modules = [parsed.get(path) or Module(s.module[0], path, None, s.module[1], calls=s.module[2], interface=s.interface,
                                          load=lambda path=path: parse_python(texts[path], path))  # type: ignore[misc]
               for path, s in summaries.items() if s.module is not None]
    for module in modules:
        module.reads = reads
    role_index = {path: s.role.role for path, s in summaries.items()}
    index = ModuleIndex(modules)
    route_index = ModuleIndex([m for m in modules if role_index.get(m.path) not in _NO_ROUTES])
    layout = layout_of([(m.path, m.name, m.is_package, index.modules.get(m.name) is m, route_index.modules.get(m.name) is m) for m in modules])
    hashes = ({path: s.hash for path, s in summaries.items()}, {path: s.interface_hash for path, s in summaries.items() if s.module is not None})
    old = previous or Summaries()
    module_facts: dict[str, ModuleFacts] = {}
    for module in index.modules.values():
        facts = old.module_facts(module.path, layout, hashes)
        if facts is None:
            reads.start()
            settings, classes = module_settings(index, module), module_classes(index, module)
            facts = ModuleFacts(*_reads(reads.stop()[:2]), tuple(settings), tuple(classes))
        module_facts[module.path] = facts
    settings: list[Setting] = [s for path in sorted(p for p in module_facts) for s in module_facts[path].settings]
    launches: list[Launch] = []
    k8s: list[Location] = []
    for s in summaries.values():
        launches += s.other[0]
        settings += s.other[1]
        k8s += s.other[2]
        problems += s.other[3]
    launches += [x for m in modules for x in summaries[m.path].launches]
    dep_files = [p for p in summaries if summaries[p].dependencies is not None]
    dependencies, dep_problems = merge_dependencies(dep_files, [summaries[p].dependencies for p in dep_files])  # type: ignore[misc]
    problems += dep_problems
    by_name: dict[str, list[object]] = {}
    for s in settings:
        by_name.setdefault(s.name, []).append(s.value)
    graph = RouteGraph(route_index, StringResolver(route_index, by_name, reads))
    route_facts: dict[str, RouteFacts] = {}
    for module in sorted(route_index.modules.values(), key=lambda m: m.path):
        found = old.route_facts(module.path, layout, hashes, by_name)
        if found is None:
            reads.start()
            routers = graph.routers(module)
            edges, declared = graph.declared(module)
            paths, interfaces, used = reads.stop()
            found = RouteFacts(*_reads((paths, interfaces)), tuple(sorted((k, tuple(v)) for k, v in used.items())),
                               tuple(routers), tuple(edges), tuple(declared))
        route_facts[module.path] = found
    composed = Composition([r for f in route_facts.values() for r in f.routers], [e for f in route_facts.values() for e in f.edges])
    classes = sorted((c for path in module_facts for c in module_facts[path].classes), key=lambda c: (c.location.path, c.location.line))
    model = ProjectModel(
        root=",".join(roots), roles=tuple(s.role for s in summaries.values()), dependencies=dependencies, apps=tuple(composed.apps(_app_keys(launches))),
        routes=tuple(composed.routes([r for f in route_facts.values() for r in f.routes])),
        launches=tuple(sorted(launches, key=lambda x: (x.source.path, x.source.line, x.server))),
        settings=tuple(sorted(settings, key=lambda s: (s.location.path, s.location.line, s.name))),
        deployment=detect(k8s, launches, list(texts), deployment),
        problems=tuple(sorted(problems, key=lambda p: (p.location.path, p.location.line))),
        classes=tuple(classes), pytest=tuple(read_pytest_configs({p: t for p, t in texts.items() if _pytest_file(p)})), _role_index=role_index)
    return model, Summaries(summaries, layout, module_facts, route_facts)


def _reads(read: tuple[set[str], set[str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a module's facts looked at: modules' content, and other modules' interfaces."""
    return tuple(sorted(read[0])), tuple(sorted(read[1]))


def _pytest_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return name in CONFIG_FILES or name == "conftest.py"


def _summarize(path: str, text: str, digest: str, roots: Sequence[str], role_overrides: Mapping[str, Sequence[str]] | None,
               role_of: Callable[[str], FileRole | None] | None, base: Path, parsed: dict[str, Module]) -> FileSummary:
    """What one file says on its own; a parsed module is left in `parsed` for the cross-module stages."""
    rel = _relative(path, roots)
    role = (role_of(path) if role_of else None) or classify(rel, text[:4096], role_overrides)
    name = PurePosixPath(path).name
    summary = FileSummary(digest, FileRole(path, role.role, role.reason), other_facts(base, path, text),
                          read_dependency_file(base, path) if is_dependency_file(name) else None)
    if not (path.endswith((".py", ".pyi")) and role.role not in ("generated", "vendored") and len(text) <= MAX_PY_BYTES):
        return summary
    try:
        tree = parse_python(text, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", 0) or 0
        newer = f" (if this is valid newer Python, run fastpolicy on a newer Python than {sys.version_info.major}.{sys.version_info.minor})"
        return dataclasses.replace(summary, unparsable=ModelProblem(
            Location(path, line), f"Python's parser cannot read this file for the project model: {getattr(exc, 'msg', exc)}{newer}"))
    module_id, is_package = module_name(rel)
    module = Module(module_id, path, tree, is_package, calls=may_call(text))
    parsed[path] = module
    launches = gunicorn_config(module) if name.startswith("gunicorn") or role.role == "infrastructure" else \
        python_runs(module) if role.role not in _NO_ROUTES else []
    interface = module.interface()
    return dataclasses.replace(summary, module=(module_id, is_package, module.calls), launches=tuple(launches), interface=interface,
                               interface_hash=interface_hash(interface))


def _app_keys(launches: Sequence[Launch]) -> set[str]:
    """`app.main:app` -> "app.main:app" (module:variable), the form app ids take."""
    keys = set()
    for launch in launches:
        target = launch.target.strip("'\"")
        if ":" in target:
            module, _, var = target.partition(":")
            keys.add(f"{module.replace('/', '.').removesuffix('.py')}:{var.split('(')[0]}")
    return keys


def _relative(path: str, roots: Sequence[str]) -> str:
    """The path inside the scanned root that holds it (roles and module names are judged from there)."""
    pure = PurePosixPath(path)
    for root in sorted(roots, key=len, reverse=True):
        base = PurePosixPath(root)
        if root in (".", "") or base == pure:
            continue
        try:
            return str(pure.relative_to(base))
        except ValueError:
            continue
    return str(pure)


