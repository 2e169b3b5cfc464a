"""Plain, immutable facts of the project model; `to_json` is the documented `fastpolicy context` contract."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

ROLES = ("app", "settings", "tests", "migrations", "generated", "scripts", "infrastructure", "vendored", "docs")
DEPLOYMENTS = ("kubernetes", "vm", "container", "unknown")
# files the model reads beside those the rules read (documented in site/reference/project-model.md)
MODEL_GLOBS = ("*.py", "*.pyi", "*.yaml", "*.yml", "Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile",
               "pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", ".pytest.ini", "tox.ini", "Pipfile", "Pipfile.lock", "uv.lock", "poetry.lock", "pdm.lock",
               "requirements*.txt", "requirements*.in", "*requirements*.txt", ".env", ".env.*", "*.env", "env.example", "env.sample",
               "Procfile", "*.service", "supervisord*.conf", "*.supervisor.conf", "*.sh", "entrypoint*", "start*", "docker-entrypoint*")


def normalize(name: str) -> str:
    """A distribution name in PEP 503 form: `SQLAlchemy`, `sqlalchemy_utils` -> `sqlalchemy`, `sqlalchemy-utils`."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class FileRole:
    path: str
    role: str
    reason: str


@dataclass(frozen=True)
class Dependency:
    name: str  # normalized (PEP 503)
    specifier: str  # as declared, PEP 440 ("" = any)
    locked: str  # exact version from a lock file, "" when none
    source: Location
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyRef:
    """A dependency as written (`Depends(get_current_user)`) and what it reaches transitively."""

    name: str
    reaches: tuple[str, ...] = ()  # names of sub-dependencies, transitively, where resolvable

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.reaches)


@dataclass(frozen=True)
class Route:
    location: Location  # the decorator (or add_api_route call) line
    end_line: int  # last line of the handler (or of the add_api_route call)
    handler: str
    methods: tuple[str, ...]
    path: str  # as written on the decorator
    effective_paths: tuple[str, ...]  # mount + include prefixes + router prefix + path, one per way the route is reached
    dependencies: tuple[DependencyRef, ...]  # effective: app, include_router, router, class, decorator and parameters
    response_model: str
    router: str  # module:variable of the router or app that declares it
    apps: tuple[str, ...]  # apps (module:variable) that serve the route; empty when no app includes it
    params: tuple[str, ...] = ()  # parameter annotations and defaults as source text (e.g. "OAuth2PasswordRequestForm")
    options: tuple[tuple[str, str], ...] = ()  # decorator keywords tags/responses/dependencies/response_class, other decorators, returned calls ("returns"), as source text

    def dependency_names(self) -> tuple[str, ...]:
        return tuple(sorted({n for d in self.dependencies for n in d.names()}))


@dataclass(frozen=True)
class App:
    id: str  # module:variable
    location: Location
    served: bool  # named by a server launch, or the only app
    mounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Launch:
    server: str  # uvicorn | gunicorn | fastapi | hypercorn
    target: str  # the app target as given ("app.main:app"), "" when unknown
    options: tuple[tuple[str, str], ...]  # normalized option name -> value as written ("" for a bare flag)
    source: Location
    kind: str  # dockerfile | compose | kubernetes | procfile | gunicorn-config | systemd | supervisord | python | shell
    command: str  # the command as written, whitespace-normalized

    def option(self, name: str) -> str | None:
        for key, value in self.options:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any  # a Python literal where the value is one, else None
    text: str  # the value as written
    owner: str  # settings class, module, or env file
    kind: str  # settings-default | constant | env | manifest-env | manifest (pod-spec values such as terminationGracePeriodSeconds) | probe (a health probe's URL path: livenessProbe, readinessProbe, startupProbe, healthcheck)
    location: Location


@dataclass(frozen=True)
class Deployment:
    kind: str
    evidence: tuple[Location, ...]
    declared: bool = False  # given by the user (--deployment) rather than detected


@dataclass(frozen=True)
class ClassFact:
    location: Location  # the `class` line
    end_line: int
    name: str
    ancestry: tuple[str, ...]  # base class names, transitively through project classes; decorators as "@name"


@dataclass(frozen=True)
class PytestConfig:
    folder: str  # the folder the file sits in; it configures the tests below it
    path: str
    options: tuple[tuple[str, str], ...]  # ini options (`asyncio_mode`, from addopts too); `conftest_marks` for a conftest hook
    conftest: bool = False  # a conftest.py whose collection hook marks every test (applies with any configuration file)


@dataclass(frozen=True)
class ModelProblem:
    location: Location
    message: str


@dataclass(frozen=True)
class ProjectModel:
    root: str
    roles: tuple[FileRole, ...]
    dependencies: tuple[Dependency, ...]
    apps: tuple[App, ...]
    routes: tuple[Route, ...]
    launches: tuple[Launch, ...]
    settings: tuple[Setting, ...]
    deployment: Deployment
    problems: tuple[ModelProblem, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    pytest: tuple[PytestConfig, ...] = ()
    _role_index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def role_of(self, path: str) -> str:
        return self._role_index.get(path, "app")

    def files(self) -> tuple[str, ...]:
        """Every file the model read (paths as findings carry them)."""
        return tuple(self._role_index)

    def dependency(self, name: str) -> Dependency | None:
        key = normalize(name)
        for dep in self.dependencies:
            if dep.name == key:
                return dep
        return None

    def routes_at(self, path: str, line: int) -> tuple[Route, ...]:
        """The routes whose decorators or handler span `line`."""
        return tuple(r for r in self.routes if r.location.path == path and r.location.line <= line <= max(r.end_line, r.location.line))

    def class_at(self, path: str, line: int) -> ClassFact | None:
        """The innermost class whose body spans `line`."""
        spans = [c for c in self.classes if c.location.path == path and c.location.line <= line <= c.end_line]
        return max(spans, key=lambda c: c.location.line) if spans else None

    def pytest_options(self, path: str) -> dict[str, str]:
        """The pytest ini options that apply to a test file: the nearest configuration file above it (pytest's inifile),
        plus `conftest_marks` from a conftest.py above it whose collection hook marks every test."""
        folders = [str(p) for p in PurePosixPath(path).parents]
        options: dict[str, str] = {}
        for folder in folders:
            config = next((c for c in self.pytest if c.folder == folder and not c.conftest), None)
            if config is not None:
                options = dict(config.options)
                break
        for config in self.pytest:
            if config.conftest and config.folder in folders:
                options.update(config.options)
        return options

    def setting(self, name: str) -> tuple[Setting, ...]:
        return tuple(s for s in self.settings if s.name == name)

    def to_json(self) -> dict[str, Any]:
        role_counts: dict[str, list[str]] = {}
        for item in self.roles:
            role_counts.setdefault(item.role, []).append(item.path)
        return {
            "version": 1,
            "root": self.root,
            "deployment": {"kind": self.deployment.kind, "declared": self.deployment.declared, "evidence": [str(e) for e in self.deployment.evidence]},
            "roles": {role: {"files": len(paths), "examples": sorted(paths)[:5]} for role, paths in sorted(role_counts.items())},
            "files": [{"path": r.path, "role": r.role, "reason": r.reason} for r in self.roles],
            "dependencies": [
                {"name": d.name, "specifier": d.specifier, "locked": d.locked, "extras": list(d.extras), "source": str(d.source)} for d in self.dependencies
            ],
            "apps": [{"id": a.id, "location": str(a.location), "served": a.served, "mounts": list(a.mounts)} for a in self.apps],
            "routes": [
                {
                    "location": str(r.location),
                    "end_line": r.end_line,
                    "handler": r.handler,
                    "methods": list(r.methods),
                    "path": r.path,
                    "effective_paths": list(r.effective_paths),
                    "dependencies": [{"name": d.name, "reaches": list(d.reaches)} for d in r.dependencies],
                    "response_model": r.response_model,
                    "router": r.router,
                    "apps": list(r.apps),
                }
                for r in self.routes
            ],
            "launches": [
                {"server": x.server, "target": x.target, "options": dict(x.options), "source": str(x.source), "kind": x.kind, "command": x.command}
                for x in self.launches
            ],
            "settings": [
                {"name": s.name, "value": s.value if _jsonable(s.value) else None, "text": s.text, "owner": s.owner, "kind": s.kind, "location": str(s.location)}
                for s in self.settings
            ],
            "problems": [{"location": str(p.location), "message": p.message} for p in self.problems],
        }


def _jsonable(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return not isinstance(value, float) or value == value  # NaN is not JSON
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False
