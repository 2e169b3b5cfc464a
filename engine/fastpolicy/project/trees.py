"""Python syntax trees as the project model reads them: parsing (newer syntax too) and the walks every reader shares."""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings

# identifiers of the calls the model reads anywhere in a module (routes.py, launches.py): a module whose (ASCII) text holds
# none of them has no such call, so finding its classes and functions needs no walk of its expressions
CALL_WORDS = re.compile(r"\b(include_router|mount|add_api_route|uvicorn|hypercorn|granian)\b")
_READ = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Call)
_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def may_call(text: str) -> bool:
    """Whether a module's source may hold a call the model reads (Python reads identifiers in NFKC form: so is a non-ASCII text)."""
    return CALL_WORDS.search(text if text.isascii() else unicodedata.normalize("NFKC", text)) is not None


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
