"""The project's own Python modules: dotted names, imports, and resolving a name to where it is defined, across files."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import PurePosixPath

from .trees import _READ, parse_python, statements, walk

__all__ = ["Module", "ModuleIndex", "Reads", "parse_python", "walk"]

MAX_HOPS = 8


Interface = tuple[tuple[tuple[str, tuple[str, str]], ...], tuple[str, ...], tuple[str, ...]]  # imports, star imports, top-level names


class Reads:
    """What one module's facts were computed from: the modules whose content (tree, definitions) was looked at, those of
    which only the interface (imports, top-level names) was, and the settings names the string resolver consulted with
    the values it found. Facts stay valid while all of these are unchanged."""

    def __init__(self) -> None:
        self.paths: set[str] | None = None
        self.interfaces: set[str] = set()
        self.settings: dict[str, list[str]] = {}

    def start(self) -> None:
        self.paths, self.interfaces, self.settings = set(), set(), {}

    def stop(self) -> tuple[set[str], set[str], dict[str, list[str]]]:
        found = self.paths or set(), self.interfaces - (self.paths or set()), self.settings
        self.paths, self.interfaces, self.settings = None, set(), {}
        return found


class Module:
    """One module. The tree may be given or parsed on first use (`load`), and its interface given without it; every look
    at its content or interface is noted in `reads` (when given), so that facts computed from it can be reused as long
    as what they looked at is unchanged."""

    def __init__(self, name: str, path: str, tree: ast.Module | None, is_package: bool, *, calls: bool = True,
                 load: Callable[[], ast.Module] | None = None, interface: Interface | None = None, reads: Reads | None = None) -> None:
        self.name = name  # dotted, from the path
        self.path = path
        self.is_package = is_package
        self.calls = calls  # whether the module may hold a call the model reads (`trees.may_call`)
        self.reads = reads
        self._tree = tree
        self._load = load
        self._nodes: list[ast.AST] | None = None
        self._defs: dict[str, ast.AST] | None = None  # top-level name -> its def/class/assigned value
        self._imports: dict[str, tuple[str, str]] = {}  # local -> (module, attribute or "")
        self._star: list[str] = []  # modules re-exported with `from x import *`
        self._names: dict[str, None] | None = None  # the top-level names, in definition order
        if interface is not None:
            self._imports, self._star, self._names = dict(interface[0]), list(interface[1]), dict.fromkeys(interface[2])

    def _content(self) -> None:
        reads = self.reads
        if reads is not None and reads.paths is not None:
            reads.paths.add(self.path)

    def _interface(self) -> None:
        reads = self.reads
        if reads is not None and reads.paths is not None:
            reads.interfaces.add(self.path)
        if self._names is None:
            self._collected()

    def _collected(self) -> dict[str, ast.AST]:
        if self._defs is None:
            self._defs, self._imports, self._star = {}, {}, []
            _collect(self, self._parsed())
            self._names = dict.fromkeys(self._defs)
        return self._defs

    def _parsed(self) -> ast.Module:
        if self._tree is None:
            assert self._load is not None, "a module without a tree has a loader"
            self._tree = self._load()
        return self._tree

    @property
    def tree(self) -> ast.Module:
        self._content()
        return self._parsed()

    @property
    def imports(self) -> dict[str, tuple[str, str]]:
        self._interface()
        return self._imports

    @property
    def star_imports(self) -> list[str]:
        self._interface()
        return self._star

    @property
    def names(self) -> dict[str, None]:
        """The top-level names (as `defs` has them) without reading their definitions."""
        self._interface()
        return self._names  # type: ignore[return-value]

    @property
    def defs(self) -> dict[str, ast.AST]:
        self._content()
        return self._collected()

    def interface(self) -> Interface:
        self._interface()
        return tuple(self._imports.items()), tuple(self._star), tuple(self._names or ())

    def nodes(self) -> list[ast.AST]:
        """The functions, classes and (when `calls`) calls of the tree in `ast.walk` order, computed once and shared by
        every fact that walks the module (classes, routes, launches)."""
        tree = self.tree
        if self._nodes is None:
            self._nodes = [n for n in walk(tree) if isinstance(n, _READ)] if self.calls else statements(tree, _READ)
        return self._nodes

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def module_name(path: str) -> tuple[str, bool]:
    parts = list(PurePosixPath(path).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(p.replace("-", "_") for p in parts), is_package


class ModuleIndex:
    """All parsed modules, with import resolution by dotted-name suffix (projects are scanned from any folder)."""

    def __init__(self, modules: list[Module]) -> None:
        self.modules = {m.name: m for m in modules}
        self._by_suffix: dict[str, list[str]] = {}
        for m in modules:
            parts = m.name.split(".")
            for i in range(len(parts)):
                self._by_suffix.setdefault(".".join(parts[i:]), []).append(m.name)

    def find(self, dotted: str, near: str = "") -> Module | None:
        if dotted in self.modules:
            return self.modules[dotted]
        candidates = self._by_suffix.get(dotted, [])
        if not candidates:
            return None
        return self.modules[max(sorted(candidates), key=lambda c: (_common(c, near), -len(c)))]

    def resolve(self, module: Module, expr: ast.AST, hops: int = 0) -> tuple[Module, str] | Module | None:
        """(module, name) where `expr` is defined, a Module when it names one, None when it leaves the project."""
        if hops > MAX_HOPS:
            return None
        if isinstance(expr, ast.Name):
            if expr.id in module.names:
                return (module, expr.id)
            if expr.id in module.imports:
                target, attr = module.imports[expr.id]
                if not attr:
                    return self.find(target, module.name)
                sub = self.find(f"{target}.{attr}", module.name)
                if sub is not None and sub.name.endswith(attr):
                    return sub
                owner = self.find(target, module.name)
                if owner is None:
                    return None
                return self.resolve(owner, ast.Name(id=attr), hops + 1)
            for source in module.star_imports:
                owner = self.find(source, module.name)
                if owner is not None and owner is not module:
                    found = self.resolve(owner, expr, hops + 1)
                    if found is not None:
                        return found
            return None
        if isinstance(expr, ast.Attribute):
            base = self.resolve(module, expr.value, hops + 1)
            if isinstance(base, Module):
                sub = self.find(f"{base.name}.{expr.attr}", base.name)
                if sub is not None and sub.name == f"{base.name}.{expr.attr}":
                    return sub
                return self.resolve(base, ast.Name(id=expr.attr), hops + 1)
        return None


def absolute(module: Module, node: ast.ImportFrom) -> str:
    """The absolute dotted name an import (relative or not) refers to."""
    if not node.level:
        return node.module or ""
    base = module.package.split(".") if module.package else []
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x != y:
            break
        n += 1
    return n


def _collect(module: Module, tree: ast.Module) -> None:
    imports, defs, star = module._imports, module._defs, module._star
    assert defs is not None
    for node in tree.body:
        for stmt in _flatten(node):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        imports[alias.asname] = (alias.name, "")
                    else:
                        imports[alias.name.split(".")[0]] = (alias.name.split(".")[0], "")
            elif isinstance(stmt, ast.ImportFrom):
                source = absolute(module, stmt)
                for alias in stmt.names:
                    if alias.name != "*":
                        imports[alias.asname or alias.name] = (source, alias.name)
                    else:
                        star.append(source)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defs[stmt.name] = stmt
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        defs[target.id] = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                defs[stmt.target.id] = stmt.value


def _flatten(node: ast.stmt) -> list[ast.stmt]:
    """Top-level statements, looking into `if`/`try` blocks (TYPE_CHECKING guards, optional imports)."""
    if isinstance(node, ast.If):
        return [s for child in (*node.body, *node.orelse) for s in _flatten(child)]
    if isinstance(node, ast.Try):
        return [s for child in (*node.body, *node.orelse, *node.finalbody, *(h for x in node.handlers for h in x.body)) for s in _flatten(child)]
    return [node]


def call_name(node: ast.AST) -> str:
    """The last name of a call's function: `fastapi.Depends(...)` -> "Depends"."""
    func = node.func if isinstance(node, ast.Call) else node
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Call):
        return call_name(func)
    if isinstance(func, ast.Subscript):
        return call_name(func.value)
    return ""


def keyword(call: ast.Call, name: str) -> ast.AST | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


