"""Classes of the project with their ancestry: every base class name, resolved through the project's own modules (across files)."""

from __future__ import annotations

import ast

from .facts import ClassFact, Location
from .modules import Module, ModuleIndex, call_name

MAX_DEPTH = 12


def _base_expr(base: ast.expr) -> ast.expr:
    """`Generic[T]`, `BaseModel[...]` -> the subscripted class."""
    return base.value if isinstance(base, ast.Subscript) else base


def _last_name(expr: ast.AST) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Call):
        return call_name(expr)
    return ""


def _ancestry(index: ModuleIndex, module: Module, node: ast.ClassDef, seen: set[int], depth: int = 0) -> list[str]:
    """The names of every base, transitively; a base defined in the project contributes its own bases, one outside it its name."""
    names: list[str] = []
    if depth > MAX_DEPTH or id(node) in seen:
        return names
    seen.add(id(node))
    for raw in node.bases:
        base = _base_expr(raw)
        name = _last_name(base)
        if name:
            names.append(name)
        if isinstance(base, ast.Name) and base.id in module.imports:  # `from pydantic import BaseModel as Schema`: its own name too
            imported = module.imports[base.id][1] or module.imports[base.id][0].rpartition(".")[2]
            names.append(imported)
        target = index.resolve(module, base) if isinstance(base, (ast.Name, ast.Attribute)) else None
        if isinstance(target, tuple):
            owner, defined = target
            found = owner.defs.get(defined)
            if isinstance(found, ast.ClassDef):
                names += _ancestry(index, owner, found, seen, depth + 1)
    for deco in node.decorator_list:  # @dataclass, @dataclasses.dataclass(frozen=True): a marker, not a base
        name = _last_name(deco)
        if name:
            names.append(f"@{name}")
    return names


def collect_classes(index: ModuleIndex) -> list[ClassFact]:
    return sorted((c for module in index.modules.values() for c in module_classes(index, module)), key=lambda c: (c.location.path, c.location.line))


def module_classes(index: ModuleIndex, module: Module) -> list[ClassFact]:
    """Every class of one module (nested ones too) with its ancestry, in `ast.walk` order."""
    facts: list[ClassFact] = []
    for node in module.nodes():
        if isinstance(node, ast.ClassDef):
            ancestry = tuple(dict.fromkeys(_ancestry(index, module, node, set())))
            facts.append(ClassFact(Location(module.path, node.lineno), getattr(node, "end_lineno", node.lineno) or node.lineno, node.name, ancestry))
    return facts
