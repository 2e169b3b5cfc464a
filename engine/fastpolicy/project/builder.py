"""Build the project model once per scan, from the files of the scanned roots (Python via `ast`, the rest via their own parsers)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from .classes import collect_classes
from .dependencies import is_dependency_file, read_dependencies
from .deployment import K8S_KINDS, detect
from .facts import FileRole, Launch, Location, ModelProblem, ProjectModel, Setting
from .launches import _DOCKERFILE, gunicorn_config, healthchecks, is_launch_file, python_runs, yaml_documents
from .launches import read as read_launches
from .modules import Module, ModuleIndex, may_call, module_name, parse_python
from .probes import dockerfile_probes
from .pytest_config import read_pytest_configs
from .roles import classify
from .routes import RouteGraph
from .settings import ENV_FILE, env_settings, python_settings
from .strings import StringResolver

# files the model reads beside those the rules read (documented in site/reference/project-model.md)
MODEL_GLOBS = ("*.py", "*.pyi", "*.yaml", "*.yml", "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
               "pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", ".pytest.ini", "tox.ini", "Pipfile", "Pipfile.lock", "uv.lock", "poetry.lock", "pdm.lock",
               "requirements*.txt", "requirements*.in", "*requirements*.txt", ".env", ".env.*", "*.env", "env.example", "env.sample",
               "Procfile", "*.service", "supervisord*.conf", "*.supervisor.conf", "*.sh", "entrypoint*", "start*", "docker-entrypoint*")
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
    problems: list[ModelProblem] = []
    roles: list[FileRole] = []
    modules: list[Module] = []
    texts: dict[str, str] = {}
    for path in sorted(set(files)):
        text = _read(base / path)
        if text is None:
            problems.append(ModelProblem(Location(path, 0), "could not read the file for the project model"))
            continue
        texts[path] = text
        rel = _relative(path, roots)
        role = (role_of(path) if role_of else None) or classify(rel, text[:4096], role_overrides)
        roles.append(FileRole(path, role.role, role.reason))
        if path.endswith((".py", ".pyi")) and role.role not in ("generated", "vendored") and len(text) <= MAX_PY_BYTES:
            try:
                tree = parse_python(text, path)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                line = getattr(exc, "lineno", 0) or 0
                newer = f" (if this is valid newer Python, run fastpolicy on a newer Python than {sys.version_info.major}.{sys.version_info.minor})"
                problems.append(ModelProblem(Location(path, line), f"Python's parser cannot read this file for the project model: {getattr(exc, 'msg', exc)}{newer}"))
                continue
            name, is_package = module_name(rel)
            modules.append(Module(name, path, tree, is_package, calls=may_call(text)))
    role_of = {r.path: r.role for r in roles}
    index = ModuleIndex(modules)
    settings: list[Setting] = python_settings(index)
    launches: list[Launch] = []
    k8s: list[Location] = []
    for path, text in texts.items():
        name = PurePosixPath(path).name
        if ENV_FILE.match(name):
            settings += env_settings(base, path)
        elif name.endswith((".yaml", ".yml")):
            found, env, kinds = _yaml(path, text, problems)
            launches += found
            settings += env
            k8s += kinds
        elif not name.endswith((".py", ".pyi")) and not is_dependency_file(name) and is_launch_file(name):
            found, more = read_launches(base, path, text)
            launches += found
            problems += more
            if _DOCKERFILE.match(name):
                try:
                    settings += dockerfile_probes(path, healthchecks(path, text))
                except (ValueError, KeyError, TypeError):
                    pass  # read_launches has reported an unreadable Dockerfile already
    for module in modules:
        if PurePosixPath(module.path).name.startswith("gunicorn") or role_of.get(module.path) == "infrastructure":
            launches += gunicorn_config(module)
        elif role_of.get(module.path) not in _NO_ROUTES:
            launches += python_runs(module)
    dependencies, dep_problems = read_dependencies(base, [p for p in texts if is_dependency_file(PurePosixPath(p).name)])
    problems += dep_problems
    by_name: dict[str, list[object]] = {}
    for s in settings:
        by_name.setdefault(s.name, []).append(s.value)
    route_index = ModuleIndex([m for m in modules if role_of.get(m.path) not in _NO_ROUTES])
    graph = RouteGraph(route_index, StringResolver(route_index, by_name))
    graph.collect()
    model = ProjectModel(
        root=",".join(roots), roles=tuple(roles), dependencies=dependencies, apps=tuple(graph.apps(_app_keys(launches))),
        routes=tuple(graph.routes()), launches=tuple(sorted(launches, key=lambda x: (x.source.path, x.source.line, x.server))),
        settings=tuple(sorted(settings, key=lambda s: (s.location.path, s.location.line, s.name))),
        deployment=detect(k8s, launches, list(texts), deployment),
        problems=tuple(sorted(problems, key=lambda p: (p.location.path, p.location.line))),
        classes=tuple(collect_classes(index)), pytest=tuple(read_pytest_configs(texts)), _role_index=role_of)
    return model


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


_YAML_BUDGET = 200_000  # nodes per file, aliases counted each time they are expanded


def _plain(node: object, budget: list[int], depth: int = 0) -> object:
    """A composed YAML node as plain data, every scalar a string: no tag is constructed, so no tag can fail or run code."""
    import yaml

    budget[0] -= 1
    if budget[0] < 0 or depth > 100:
        raise ValueError("the document is too large or too deeply nested to read")
    if isinstance(node, yaml.MappingNode):
        return {str(_plain(k, budget, depth + 1)): _plain(v, budget, depth + 1) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, budget, depth + 1) for v in node.value]
    return str(getattr(node, "value", ""))


_ACTION = re.compile(r"(?:\{\{-?.*?-?\}\})+")


def untemplate(text: str) -> str:
    """A Helm template as YAML: lines holding only template actions become blank (line numbers stay), other actions a placeholder.
    Conditional text stays in, so a flag inside `{{ if }}` counts as given, its value as `helm-value` (not a number)."""
    return "\n".join("" if not _ACTION.sub("", line).strip() and "{{" in line else _ACTION.sub("helm-value", line) for line in text.splitlines())


def _yaml(path: str, text: str, problems: list[ModelProblem]) -> tuple[list[Launch], list[Setting], list[Location]]:
    import yaml

    if "{{" in text:  # a Helm/Jinja template is not YAML until rendered: read it with every action replaced by a placeholder
        evidence = [Location(path, 1)] if "kind:" in text and "containers" in text else []
        try:
            docs = [_plain(node, [_YAML_BUDGET]) for node in yaml.compose_all(untemplate(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]
        except (yaml.YAMLError, RecursionError, ValueError, TypeError):
            return [], [], evidence
        launches, _ = yaml_documents(path, text, docs)
        return launches, [], evidence
    try:
        budget = [_YAML_BUDGET]
        docs = [_plain(node, budget) for node in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(ModelProblem(Location(path, (mark.line + 1) if mark else 0), f"could not read YAML for the project model: {getattr(exc, 'problem', exc)}"))
        return [], [], []
    except (RecursionError, ValueError, TypeError) as exc:
        problems.append(ModelProblem(Location(path, 0), f"could not read YAML for the project model: {exc}"))
        return [], [], []
    kinds = [Location(path, 1) for d in docs if isinstance(d, dict) and d.get("kind") in K8S_KINDS and "apiVersion" in d]
    launches, env = yaml_documents(path, text, docs)
    return launches, env, kinds
