"""Resolve the string a path or prefix expression evaluates to (constants, f-strings, concatenation, settings defaults)."""

from __future__ import annotations

import ast

from .modules import Module, ModuleIndex, Reads

MAX_DEPTH = 6


class StringResolver:
    """The string a path or prefix expression evaluates to, through constants and settings defaults; `<expr>` when unknown."""

    def __init__(self, index: ModuleIndex, settings_by_name: dict[str, list[object]], reads: Reads | None = None) -> None:
        self.index = index
        self.settings = settings_by_name
        self.reads = reads  # notes which settings names a module's strings were resolved with, and what they held

    def value(self, module: Module, node: ast.AST | None, depth: int = 0) -> str:
        if node is None:
            return ""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if depth < MAX_DEPTH:
            if isinstance(node, ast.JoinedStr):
                return "".join(self.value(module, v.value if isinstance(v, ast.FormattedValue) else v, depth + 1) for v in node.values)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                return self.value(module, node.left, depth + 1) + self.value(module, node.right, depth + 1)
            if isinstance(node, (ast.Name, ast.Attribute)):
                target = self.index.resolve(module, node)
                if isinstance(target, tuple):
                    value = target[0].defs.get(target[1])
                    if isinstance(value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                        return self.value(target[0], value, depth + 1)
                if isinstance(node, ast.Attribute):
                    values = {v for v in self.settings.get(node.attr, []) if isinstance(v, str)}
                    if self.reads is not None and self.reads.paths is not None:
                        self.reads.settings[node.attr] = sorted(values)
                    if len(values) == 1:
                        return values.pop()
        return f"<{ast.unparse(node)}>"
