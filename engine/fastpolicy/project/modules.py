"""The project's own Python modules: dotted names, imports, and resolving a name to where it is defined, across files."""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import PurePosixPath

MAX_HOPS = 8


# identifiers of the calls the model reads anywhere in a module (routes.py, launches.py): a module whose (ASCII) text holds
# none of them has no such call, so finding its classes and functions needs no walk of its expressions
CALL_WORDS = re.compile(r"\b(include_router|mount|add_api_route|uvicorn|hypercorn|granian)\b")
_READ = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Call)
_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def may_call(text: str) -> bool:
    """Whether a module's source may hold a call the model reads (Python reads identifiers in NFKC form: so is a non-ASCII text)."""
    return CALL_WORDS.search(text if text.isascii() else unicodedata.normalize("NFKC", text)) is not None


@dataclass
class Module:
    name: str  # dotted, from the path
    path: str
    tree: ast.Module
    is_package: bool
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, attribute or "")
    defs: dict[str, ast.AST] = field(default_factory=dict)  # top-level name -> its def/class/assigned value
    star_imports: list[str] = field(default_factory=list)  # modules re-exported with `from x import *`
    calls: bool = True  # whether the module may hold a call the model reads (`may_call`)
    _nodes: list[ast.AST] | None = field(default=None, repr=False, compare=False)

    def nodes(self) -> list[ast.AST]:
        """The functions, classes and (when `calls`) calls of the tree in `ast.walk` order, computed once and shared by
        every fact that walks the module (classes, routes, launches)."""
        if self._nodes is None:
            self._nodes = [n for n in walk(self.tree) if isinstance(n, _READ)] if self.calls else statements(self.tree, _READ)
        return self._nodes

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def walk(tree: ast.AST) -> list[ast.AST]:
    """The nodes `ast.walk` yields, in the same (breadth-first) order, as a list; about twice as fast."""
    out = [tree]
    i = 0
    AST = ast.AST
    while i < len(out):
        node = out[i]
        i += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, AST):
                out.append(value)
            elif isinstance(value, list):
                out.extend(item for item in value if isinstance(item, AST))
    return out


def statements(tree: ast.AST, kinds: tuple[type, ...]) -> list[ast.AST]:
    """The statements of `kinds` that `ast.walk` yields, in its order, without visiting expressions: statements nest only
    in statements, handlers and match cases, so their breadth-first order is the same with every expression left out."""
    out = [tree]
    i = 0
    holds = _HOLDS_STATEMENTS
    while i < len(out):
        node = out[i]
        i += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], holds):
                out.extend(value)
    return [n for n in out if isinstance(n, kinds)]


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
        for m in modules:
            _collect(m)

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
            if expr.id in module.defs:
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


def _collect(module: Module) -> None:
    for node in module.tree.body:
        for stmt in _flatten(node):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        module.imports[alias.asname] = (alias.name, "")
                    else:
                        module.imports[alias.name.split(".")[0]] = (alias.name.split(".")[0], "")
            elif isinstance(stmt, ast.ImportFrom):
                source = absolute(module, stmt)
                for alias in stmt.names:
                    if alias.name != "*":
                        module.imports[alias.asname or alias.name] = (source, alias.name)
                    else:
                        module.star_imports.append(source)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                module.defs[stmt.name] = stmt
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        module.defs[target.id] = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                module.defs[stmt.target.id] = stmt.value


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


_PEP758 = re.compile(r"^(\s*except\*?\s+)([^():\n]+,[^():\n]+):", re.M)
_PEP695_HEAD = re.compile(r"^(\s*(?:async\s+)?(?:def|class)\s+\w+)\[", re.M)
_PEP695_ALIAS = re.compile(r"^(\s*)type\s+\w+(\[[^=]*\])?\s*=", re.M)


def _strip_type_params(text: str) -> str:
    """Drop PEP 695 type-parameter lists (`def f[T](...)`, `class C[S: User]`) and turn `type X = ...` into an assignment."""
    out, pos = [], 0
    for match in _PEP695_HEAD.finditer(text):
        start = match.end() - 1
        depth, end = 0, start
        while end < len(text):
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        out += [text[pos:start]]
        pos = end + 1
    out.append(text[pos:])
    return _PEP695_ALIAS.sub(lambda m: f"{m.group(1)}_type_alias =", "".join(out))


def parse_python(text: str, path: str) -> ast.Module:
    """`ast.parse`, also for syntax newer than this interpreter that the model can read without it:
    PEP 695 type parameters (3.12) and PEP 758 unparenthesized `except A, B:` (3.14)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text, filename=path)
        except SyntaxError:
            compatible = _PEP758.sub(r"\1(\2):", _strip_type_params(text))
            if compatible == text:
                raise
            return ast.parse(compatible, filename=path)
