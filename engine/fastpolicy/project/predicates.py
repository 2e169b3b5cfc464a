"""What a record may ask of the project model: roles, package versions, route, launch and setting predicates (all declarative YAML)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from .dependencies import may_satisfy
from .facts import ClassFact, Launch, ProjectModel, Route, Setting

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
        names = [str(cond["name"]), *(str(n) for n in cond.get("or", ()))]
        deps = [model.dependency(n) for n in names]
        if all(d is None for d in deps) and model.dependencies and cond.get("when_undeclared", "apply") == "skip":
            return False, f"{' or '.join(names)} not declared"
        verdicts = [may_satisfy(d, str(cond["version"])) for d in deps if d is not None]
        if any(verdicts):
            continue
        if not verdicts or None in verdicts:
            if cond.get("when_unknown", "apply") == "skip":
                return False, f"{cond['name']} version unknown"
            continue
        dep = next(d for d in deps if d is not None)
        where = f"{dep.locked} locked" if dep.locked else f"{dep.specifier}"
        return False, f"{dep.name} {where} does not satisfy {cond['version']} ({dep.source})"
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
    if "response_not_matches" in spec and _search(spec["response_not_matches"], [route.response_model, *(v for k, v in route.options if k in ("response_class", "returns"))]):
        return False
    if "response_class_not_matches" in spec:  # the decorator's own response_class wins over the inherited defaults
        own = [v for k, v in route.options if k == "response_class"]
        if _search(spec["response_class_not_matches"], own or [v for k, v in route.options if k == "default_response_class"]):
            return False
    if "methods_not_all" in spec and route.methods and set(m.upper() for m in spec["methods_not_all"]) <= set(route.methods):
        return False
    if spec.get("served_only") and not route.apps:
        return False
    if "not_decorated" in spec and _search(spec["not_decorated"], [v for k, v in route.options if k == "decorator"]):
        return False
    if "any_of" in spec and not any(route_matches(route, sub) for sub in spec["any_of"]):
        return False
    return True


def class_matches(fact: ClassFact | None, spec: Mapping[str, Any]) -> bool:
    """`bases_match`: some ancestor (a base name, transitively through the project's classes; decorators as "@name") matches;
    `bases_not_match`: none does. A line outside every class never matches."""
    if fact is None:
        return False
    if "bases_match" in spec and not _search(spec["bases_match"], fact.ancestry):
        return False
    if "bases_not_match" in spec and _search(spec["bases_not_match"], fact.ancestry):
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
    tops = [i for i in range(len(folders)) if str(PurePosixPath(*folders[:i + 1], "__init__.py")) in known]  # absolute paths too
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


def launch_option(launch: Launch, name: str, model: ProjectModel | None = None) -> str | None:
    """An option of a launch; a Gunicorn command line also takes what the project's gunicorn.conf.py sets (Gunicorn reads
    ./gunicorn.conf.py by default, or the file `-c` names)."""
    value = launch.option(name)
    if value is not None or model is None or launch.server != "gunicorn" or launch.kind == "gunicorn-config":
        return value
    named = (launch.option("config") or "").removeprefix("python:").lstrip("./")
    configs = [x for x in model.launches if x.kind == "gunicorn-config"]
    chosen = [x for x in configs if named and x.source.path.endswith(named)] or configs
    return next((v for v in (x.option(name) for x in chosen) if v is not None), None)


def _reference(spec: Mapping[str, Any], model: ProjectModel | None) -> float | None:
    """The number an above/below/equals test compares with: the tightest value of the `value_setting` setting when the model
    has one (e.g. a pod's terminationGracePeriodSeconds), else `value`."""
    name = spec.get("value_setting")
    if name and model is not None:
        numbers = [float(s.value) for s in model.setting(str(name)) if isinstance(s.value, (int, float)) and not isinstance(s.value, bool)]
        if numbers:
            return min(numbers) if spec.get("is") == "above" else max(numbers)
    if "value" not in spec:
        return None
    return _number(str(spec["value"]))


def option_matches(launch: Launch, spec: Mapping[str, Any], model: ProjectModel | None = None, own: bool = False) -> bool:
    """Every key given must hold (launchPredicate in the record schema); `own_options` reads the launch's own options only."""
    own = own or bool(spec.get("own_options"))
    options_from = None if own else model
    if "servers" in spec and launch.server not in spec["servers"]:
        return False
    if "sources" in spec and launch.kind not in spec["sources"]:
        return False
    if "path_not_matches" in spec and re.search(spec["path_not_matches"], launch.source.path):
        return False
    if "worker_class_matches" in spec and not re.search(spec["worker_class_matches"], launch_option(launch, "worker_class", options_from) or ""):
        return False
    if "any" in spec and not any(option_matches(launch, s, model, own) for s in spec["any"]):
        return False
    if "none" in spec and any(option_matches(launch, s, model, own) for s in spec["none"]):
        return False
    name = spec.get("option")
    if name is None:
        return True
    value = launch_option(launch, name, options_from)
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
    reference = _reference(spec, model)
    if number is None or reference is None:
        return False
    return number > reference if test == "above" else number < reference if test == "below" else number == reference


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
    if "value_matches" in spec and not re.search(spec["value_matches"], as_text(setting.value) if setting.value is not None else setting.text):
        return False
    if "seconds_above" in spec:
        duration = seconds(setting)
        if duration is None or duration <= float(spec["seconds_above"]):
            return False
    return True


def as_text(value: Any) -> str:
    """A value as the text predicates match on: lists joined by spaces."""
    if isinstance(value, (list, tuple, set)):
        return " ".join(as_text(v) for v in value)
    return str(value)
