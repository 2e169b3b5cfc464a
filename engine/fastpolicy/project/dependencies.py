"""Declared dependencies and their versions: pyproject (PEP 621, PEP 735 groups, Poetry), requirements files, setup.cfg/setup.py, lock files."""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .facts import Dependency, Location, ModelProblem, normalize
from .trees import parse_python

_REQUIREMENTS = re.compile(r"^requirements([-_.][\w.-]*)?\.(txt|in)$|^.*requirements.*\.txt$")
LOCK_FILES = ("uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock")
MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile")


def is_dependency_file(name: str) -> bool:
    return name in LOCK_FILES or name in MANIFESTS or bool(_REQUIREMENTS.match(name))


def poetry_to_pep440(spec: str) -> str:
    """Poetry's caret/tilde/wildcard constraints as a PEP 440 specifier."""
    parts = []
    for item in (s.strip() for s in spec.split(",")):
        if not item or item == "*":
            continue
        if item.startswith("^"):
            base = item[1:]
            nums = [int(n) for n in re.findall(r"\d+", base)[:3]] + [0, 0, 0]
            first = next((i for i, n in enumerate(nums[:3]) if n), 2)
            upper = nums[: first + 1]
            upper[first] += 1
            parts += [f">={base}", "<" + ".".join(map(str, upper))]
        elif item.startswith("~") and not item.startswith("~="):
            base = item[1:]
            nums = [int(n) for n in re.findall(r"\d+", base)[:3]]
            upper = nums[:2] if len(nums) >= 2 else nums[:1]
            upper[-1] += 1
            parts += [f">={base}", "<" + ".".join(map(str, upper))]
        elif item.endswith(".*") and item[0] not in "<>=!~":
            parts.append(f"=={item}")
        elif item[0].isdigit():
            parts.append(f"=={item}")
        else:
            parts.append(item)
    return ",".join(parts)


def _req(text: str, source: Location, out: list[Dependency]) -> None:
    text = text.split("#", 1)[0].strip()
    if not text or text.startswith(("-", "git+", "http:", "https:", "file:")):
        return
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return
    out.append(Dependency(normalize(req.name), str(req.specifier), "", source, tuple(sorted(req.extras))))


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1


def _pyproject(path: str, text: str, out: list[Dependency]) -> None:
    data = tomllib.loads(text)
    project = data.get("project", {})
    groups: list[Iterable[object]] = [project.get("dependencies", [])]
    groups += list(project.get("optional-dependencies", {}).values())
    groups += list(data.get("dependency-groups", {}).values())
    groups.append(data.get("tool", {}).get("uv", {}).get("dev-dependencies", []))
    for group in groups:
        for item in group if isinstance(group, list) else []:
            if isinstance(item, str):
                _req(item, Location(path, _line_of(text, item)), out)
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in poetry.get("group", {}).values() if isinstance(g, dict)]
    for table in tables:
        for name, value in table.items() if isinstance(table, dict) else []:
            if name.lower() == "python":
                continue
            extras: tuple[str, ...] = ()
            if isinstance(value, dict):
                extras = tuple(sorted(str(e) for e in value.get("extras", [])))
                value = value.get("version", "")
            spec = poetry_to_pep440(str(value)) if isinstance(value, str) else ""
            line = _line_of(text, f"{name} =") if f"{name} =" in text else _line_of(text, name)
            out.append(Dependency(normalize(name), _valid_spec(spec), "", Location(path, line), extras))


def _valid_spec(spec: str) -> str:
    try:
        return str(SpecifierSet(spec))
    except InvalidSpecifier:
        return ""


def _setup_cfg(path: str, text: str, out: list[Dependency]) -> None:
    parser = configparser.ConfigParser()
    parser.read_string(text)
    if parser.has_option("options", "install_requires"):
        for item in parser.get("options", "install_requires").splitlines():
            _req(item, Location(path, _line_of(text, item.strip() or "install_requires")), out)


def _setup_py(path: str, text: str, out: list[Dependency]) -> None:
    for node in ast.walk(parse_python(text, path)):
        if isinstance(node, ast.keyword) and node.arg in ("install_requires", "requires") and isinstance(node.value, (ast.List, ast.Tuple)):
            for elt in node.value.elts:
                if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                    _req(elt.value, Location(path, elt.lineno), out)


def _locked(name: str, text: str) -> dict[str, str]:
    if name in ("uv.lock", "poetry.lock", "pdm.lock"):
        data = tomllib.loads(text)
        return {normalize(p["name"]): str(p["version"]) for p in data.get("package", []) if isinstance(p, dict) and "name" in p and "version" in p}
    data = json.loads(text)
    found: dict[str, str] = {}
    for section in ("default", "develop"):
        for pkg, info in (data.get(section) or {}).items():
            if isinstance(info, dict) and str(info.get("version", "")).startswith("=="):
                found.setdefault(normalize(pkg), str(info["version"])[2:])
    return found


DependencyFile = tuple[tuple[Dependency, ...], tuple[tuple[str, str], ...], tuple[ModelProblem, ...]]  # declared, locked, problems


def read_dependencies(root: Path, files: Iterable[str]) -> tuple[tuple[Dependency, ...], tuple[ModelProblem, ...]]:
    """Every declared dependency, with the locked version where a lock file beside a manifest pins it."""
    chosen = [rel for rel in sorted(files) if is_dependency_file(Path(rel).name)]
    return merge_dependencies(chosen, [read_dependency_file(root, rel) for rel in chosen])


def read_dependency_file(root: Path, rel: str) -> DependencyFile:
    """What one manifest, requirements or lock file declares or pins (a file that cannot be read is a problem)."""
    name = Path(rel).name
    declared: list[Dependency] = []
    locks: list[tuple[str, str]] = []
    problems: list[ModelProblem] = []
    try:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        if name == "pyproject.toml":
            _pyproject(rel, text, declared)
        elif name == "setup.cfg":
            _setup_cfg(rel, text, declared)
        elif name == "setup.py":
            _setup_py(rel, text, declared)
        elif name in LOCK_FILES:
            locks = list(_locked(name, text).items())
        elif name != "Pipfile":
            for number, line in enumerate(text.splitlines(), 1):
                _req(line, Location(rel, number), declared)
    except (tomllib.TOMLDecodeError, configparser.Error, SyntaxError, ValueError, KeyError, TypeError) as exc:
        problems.append(ModelProblem(Location(rel, getattr(exc, "lineno", 0) or 0), f"could not read dependencies: {exc}"))
    return tuple(declared), tuple(locks), tuple(problems)


def merge_dependencies(files: Sequence[str], parts: Sequence[DependencyFile]) -> tuple[tuple[Dependency, ...], tuple[ModelProblem, ...]]:
    """The dependency files' declarations (in sorted file order) as one list: the first declaration with a specifier wins."""
    declared = [d for part in parts for d in part[0]]
    locks: dict[str, str] = {}
    for part in parts:
        for pkg, version in part[1]:
            locks.setdefault(pkg, version)
    problems = tuple(p for part in parts for p in part[2])
    merged: dict[str, Dependency] = {}
    for dep in declared:
        first = merged.get(dep.name)
        if first is None or (not first.specifier and dep.specifier):
            merged[dep.name] = Dependency(dep.name, dep.specifier, locks.get(dep.name, ""), dep.source, dep.extras or (first.extras if first else ()))
        elif dep.extras and not first.extras:
            merged[dep.name] = Dependency(first.name, first.specifier, first.locked, first.source, dep.extras)
    for pkg, version in locks.items():
        if pkg not in merged:
            merged[pkg] = Dependency(pkg, "", version, Location(next((f for f in sorted(files) if Path(f).name in LOCK_FILES), ""), 1))
    return tuple(sorted(merged.values(), key=lambda d: d.name)), problems


def may_satisfy(dep: Dependency | None, condition: str) -> bool | None:
    """Whether the project's version of a package can satisfy `condition` (a PEP 440 specifier); None when unknown."""
    if dep is None:
        return None
    wanted = SpecifierSet(condition)
    if dep.locked:
        try:
            return Version(dep.locked) in wanted
        except InvalidVersion:
            return None
    if not dep.specifier:
        return None
    declared = SpecifierSet(dep.specifier)
    probes = {Version(v) for v in ("0", "0.1", "1", "1.10", "2", "2.5", "3", "10", "100")}
    for spec in (*wanted, *declared):
        try:
            base = Version(spec.version.replace(".*", ""))
        except InvalidVersion:
            continue
        rel = base.release + (0, 0)
        probes.update({base, Version(f"{rel[0]}.{rel[1]}.{rel[2] + 1}" if len(base.release) > 2 else f"{rel[0]}.{rel[1]}.1"),
                       Version(f"{rel[0]}.{rel[1] + 1}"), Version(f"{rel[0] + 1}"), Version(f"{max(rel[0] - 1, 0)}.999")})
    return any(v in declared and v in wanted for v in probes)
