"""What a record may ask of the project model: roles, package versions, route, launch and setting predicates (all declarative YAML)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .dependencies import may_satisfy
from .facts import Launch, Location, ProjectModel, Route, Setting

PYTHON_DEFAULT_ROLES = ("app", "settings")
TEST_ROLES = ("tests",)
OTHER_DEFAULT_ROLES = ("app", "settings", "tests", "scripts", "infrastructure")
_TEST_GLOB = re.compile(r"(^|/)(tests?/|test_|conftest)|_test\.py")


def default_roles(languages: Sequence[str], includes: Sequence[str] = ()) -> tuple[str, ...]:
    """Python rules read app code and settings modules; rules whose paths name test files read tests; others every non-generated file."""
    if includes and all(_TEST_GLOB.search(g) for g in includes):
        return TEST_ROLES
    return PYTHON_DEFAULT_ROLES if set(languages) <= {"python"} else OTHER_DEFAULT_ROLES


def packages_hold(model: ProjectModel, conditions: Iterable[Mapping[str, Any]]) -> tuple[bool, str]:
    """Whether every version condition holds; the reason names the deciding dependency."""
    for cond in conditions:
        dep = model.dependency(str(cond["name"]))
        verdict = may_satisfy(dep, str(cond["version"]))
        if verdict is None:
            if cond.get("when_unknown", "apply") == "skip":
                return False, f"{cond['name']} version unknown"
            continue
        if not verdict:
            where = f"{dep.locked} locked" if dep and dep.locked else f"{dep.specifier}" if dep else ""
            return False, f"{cond['name']} {where} does not satisfy {cond['version']} ({dep.source if dep else ''})"
    return True, ""


def _search(pattern: str | None, texts: Iterable[str]) -> bool:
    return pattern is not None and any(re.search(pattern, t) for t in texts)


def route_matches(route: Route, spec: Mapping[str, Any]) -> bool:
    """Every key given must hold (keys are documented in the record schema's routePredicate)."""
    paths = route.effective_paths or (route.path,)
    if "methods" in spec and not set(m.upper() for m in spec["methods"]) & set(route.methods or ("GET",)):
        return False
    if "path_matches" in spec and not _search(spec["path_matches"], paths):
        return False
    if "path_not_matches" in spec and all(re.search(spec["path_not_matches"], p) for p in paths):
        return False
    if spec.get("resolved_path_only") and all("<" in p for p in paths):
        return False
    names = route.dependency_names()
    if "has_dependency" in spec and not _search(spec["has_dependency"], names):
        return False
    if "lacks_dependency" in spec and _search(spec["lacks_dependency"], names):
        return False
    if "takes" in spec and not _search(spec["takes"], route.params):
        return False
    if "not_takes" in spec and _search(spec["not_takes"], route.params):
        return False
    if "handler_matches" in spec and not re.search(spec["handler_matches"], route.handler):
        return False
    if "response_model" in spec and (spec["response_model"] == "present") != bool(route.response_model):
        return False
    if spec.get("served_only") and not route.apps:
        return False
    if "not_decorated" in spec and _search(spec["not_decorated"], [v for k, v in route.options if k == "decorator"]):
        return False
    if "any_of" in spec and not any(route_matches(route, sub) for sub in spec["any_of"]):
        return False
    return True


def repeated_on_router(routes: Sequence[Route], names: Sequence[str]) -> set[str]:
    """Routers (module:variable) with two or more routes that all carry the same text for one of these decorator keywords."""
    by_router: dict[str, list[Route]] = {}
    for route in routes:
        by_router.setdefault(route.router, []).append(route)
    found = set()
    for router, members in by_router.items():
        if len(members) < 2:
            continue
        for name in names:
            values = {dict(r.options).get(name) for r in members}
            if len(values) == 1 and None not in values:
                found.add(router)
    return found


def leaves_feature(path: str, level: int, files: Iterable[str], roots: Sequence[str] = ()) -> bool:
    """Whether a relative import of `level` dots in `path` resolves to the top-level package or above, i.e. leaves the feature
    package (the first package below the top-level one). The top-level package is the outermost folder above the file that
    holds an __init__.py (sub-folders without one count as packages too); a file outside any package counts its folders from
    the scanned root."""
    known = set(files)
    folders = list(PurePosixPath(path).parent.parts)
    tops = [i for i in range(len(folders)) if "/".join([*folders[:i + 1], "__init__.py"]) in known]
    if tops:
        return level >= len(folders) - tops[0]
    for root in sorted((r.strip("/") for r in roots if r not in (".", "")), key=len, reverse=True):
        if "/".join(folders[:len(root.split("/"))]) == root:
            folders = folders[len(root.split("/")):]
            break
    return level >= len(folders)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def option_matches(launch: Launch, spec: Mapping[str, Any]) -> bool:
    if "servers" in spec and launch.server not in spec["servers"]:
        return False
    if "sources" in spec and launch.kind not in spec["sources"]:
        return False
    if "worker_class_matches" in spec and not re.search(spec["worker_class_matches"], launch.option("worker_class") or ""):
        return False
    name = spec.get("option")
    if name is None:
        return True
    value = launch.option(name)
    test = spec.get("is", "present")
    if test == "present":
        return value is not None
    if test == "absent":
        return value is None
    if value is None:
        return False
    if test == "matches":
        return re.search(str(spec["value"]), value) is not None
    number = _number(value)
    if test == "computed":
        return number is None
    if number is None:
        return False
    return number > float(spec["value"]) if test == "above" else number < float(spec["value"]) if test == "below" else number == float(spec["value"])


_UNIT_SECONDS = {"seconds": 1, "secs": 1, "sec": 1, "minutes": 60, "mins": 60, "min": 60, "hours": 3600, "hrs": 3600, "hour": 3600,
                 "days": 86400, "day": 86400, "weeks": 604800}


def seconds(setting: Setting) -> float | None:
    """A duration setting in seconds, from the unit its name ends with (`ACCESS_TOKEN_EXPIRE_MINUTES`)."""
    value = setting.value
    if isinstance(value, str):
        value = _number(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    unit = setting.name.lower().rsplit("_", 1)[-1]
    return float(value) * _UNIT_SECONDS.get(unit, 0) if unit in _UNIT_SECONDS else None


def setting_matches(setting: Setting, spec: Mapping[str, Any]) -> bool:
    if not re.search(spec["name"], setting.name):
        return False
    if "kinds" in spec and setting.kind not in spec["kinds"]:
        return False
    if "value_matches" in spec and not re.search(spec["value_matches"], _text(setting.value) if setting.value is not None else setting.text):
        return False
    if "seconds_above" in spec:
        duration = seconds(setting)
        if duration is None or duration <= float(spec["seconds_above"]):
            return False
    return True


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple, set)):
        return " ".join(_text(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ModelHit:
    """A model-decided finding: where it sits and what to say beyond the record's message."""

    location: Location
    detail: str
    end_line: int = 0
