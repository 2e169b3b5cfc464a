"""Values defined away from where they are used: BaseSettings field defaults, module constants, `.env` files."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

from .facts import Location, Setting
from .modules import Module, ModuleIndex

_CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
_SETTINGS_BASES = {"BaseSettings", "BaseConfig", "Settings"}
ENV_FILE = re.compile(r"^(\.env(\.[\w-]+)?|[\w-]+\.env|env\.(example|sample|template))$")


def literal(node: ast.AST | None) -> object:
    if node is None:
        return None
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _arith(node)


def _arith(node: ast.AST) -> object:
    """Constant arithmetic such as `60 * 24 * 8` (a common way to write a token lifetime)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add, ast.Sub)):
        left, right = literal(node.left), literal(node.right)
        if isinstance(left, (int, float)) and isinstance(right, (int, float)) and not isinstance(left, bool) and not isinstance(right, bool):
            result = left * right if isinstance(node.op, ast.Mult) else left + right if isinstance(node.op, ast.Add) else left - right
            return result if abs(result) < 10**15 else None
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if name in ("Field", "field") and node.args:
            return literal(node.args[0])
        for kw in node.keywords:
            if name in ("Field", "field") and kw.arg == "default":
                return literal(kw.value)
    return None


def _is_settings_class(index: ModuleIndex, module: Module, cls: ast.ClassDef, depth: int = 0) -> bool:
    if depth > 6:
        return False
    for base in cls.bases:
        name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
        if name == "BaseSettings":
            return True
        target = index.resolve(module, base)
        if isinstance(target, tuple) and isinstance(target[0].defs.get(target[1]), ast.ClassDef):
            owner, cname = target
            if _is_settings_class(index, owner, owner.defs[cname], depth + 1):  # type: ignore[arg-type]
                return True
        elif name in _SETTINGS_BASES and name != "Settings":
            return True
    return False


def python_settings(index: ModuleIndex) -> list[Setting]:
    return [s for module in sorted(index.modules.values(), key=lambda m: m.path) for s in module_settings(index, module)]


def module_settings(index: ModuleIndex, module: Module) -> list[Setting]:
    """The settings-class field defaults and module constants one module defines."""
    found: list[Setting] = []
    for node in module.tree.body:
        if isinstance(node, ast.ClassDef) and _is_settings_class(index, module, node):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                    found.append(_setting(stmt.target.id, stmt.value, node.name, "settings-default", module, stmt.lineno))
                elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    if stmt.targets[0].id not in ("model_config", "Config"):
                        found.append(_setting(stmt.targets[0].id, stmt.value, node.name, "settings-default", module, stmt.lineno))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is None:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and _CONSTANT.match(target.id):
                    found.append(_setting(target.id, node.value, module.name, "constant", module, node.lineno))
    return found


def _setting(name: str, value: ast.AST, owner: str, kind: str, module: Module, line: int) -> Setting:
    return Setting(name, literal(value), ast.unparse(value)[:200], owner, kind, Location(module.path, line))


def env_settings(root: Path, rel: str) -> list[Setting]:
    from dotenv import dotenv_values  # python-dotenv: the same .env grammar pydantic-settings reads

    text = (root / rel).read_text(encoding="utf-8", errors="replace")
    values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    lines = {m.group(1): n for n, line in enumerate(text.splitlines(), 1) if (m := re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", line))}
    return [Setting(k, v, v or "", rel, "env", Location(rel, lines.get(k, 1))) for k, v in values.items() if v is not None]
