"""The engine's shape: no import cycle between fastpolicy modules, imports point down the pipeline, no module over 300 lines."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "engine" / "fastpolicy"
MAX_LINES = 300
# lower layers never import higher ones; entry points (the CLI, the mkdocs hook that documents it) sit on top
LAYERS = {"": 0, "catalogue": 1, "configuration": 2, "scan": 2, "report": 3, "site": 4, "cli": 5, "site.mkdocs_hook": 6}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(["fastpolicy", *parts])] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            targets = [module, *(f"{module}.{a.name}" for a in node.names)]
        for target in targets:
            if target in known and target != name:
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _layer(module: str) -> int:
    inner = module.removeprefix("fastpolicy").lstrip(".")
    for key in sorted(LAYERS, key=len, reverse=True):
        if key and (inner == key or inner.startswith(key + ".")):
            return LAYERS[key]
    return LAYERS[""]


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_point_down_the_pipeline() -> None:
    upward = [f"{m} -> {t}" for m, targets in _graph().items() for t in sorted(targets)
              if m != "fastpolicy" and t != "fastpolicy" and _layer(t) > _layer(m)]
    assert not upward, "imports against the pipeline (catalogue <- scan <- report <- site <- cli): " + ", ".join(upward)


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    over = sorted((size, name) for name, size in sizes.items() if size > MAX_LINES)
    assert not over, f"modules over {MAX_LINES} lines: " + ", ".join(f"{name} ({size})" for size, name in over)


def test_the_language_table_matches_the_schema_enums() -> None:
    from fastpolicy.catalogue.languages import EXAMPLE_LANGUAGES, RULE_LANGUAGES

    schema = json.loads((ROOT / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    assert sorted(RULE_LANGUAGES) == sorted(schema["$defs"]["language"]["enum"])
    assert sorted(EXAMPLE_LANGUAGES) == sorted(schema["$defs"]["example"]["properties"]["language"]["enum"])


def test_the_cycle_check_sees_relative_imports() -> None:
    graph = _graph()
    assert "fastpolicy.catalogue.loader" in graph["fastpolicy.scan.scanner"] or "fastpolicy.catalogue.catalogue" in graph["fastpolicy.scan.scanner"]
    assert "fastpolicy.scan.examples" not in graph["fastpolicy.catalogue.loader"]
