"""The project model decides: which records apply (deployment, package versions), which files they read (roles),
route and settings filters on pattern matches, and the findings of route, launch and setting checks."""

from __future__ import annotations

import re

from ..models import Policy
from ..project import ProjectModel
from ..project.predicates import (
    as_text,
    class_matches,
    default_roles,
    leaves_feature,
    option_matches,
    packages_hold,
    repeated_on_router,
    route_matches,
    setting_matches,
)
from .semgrep import RawResult

MODEL_KINDS = ("route", "launch", "setting")
_NOT_DEPLOYED = ("tests", "docs", "vendored", "generated")  # launches written there do not start the deployed service


def not_applicable(policy: Policy, model: ProjectModel) -> str:
    """Why the record does not apply to this project ("" when it does)."""
    if policy.deployment and policy.deployment != model.deployment.kind:
        return f"deployment is {model.deployment.kind}, not {policy.deployment}"
    held, reason = packages_hold(model, policy.applies_packages)
    return "" if held else reason


def roles_of(policy: Policy) -> tuple[str, ...]:
    return policy.applies_roles or default_roles(policy.check.languages or ("python",), [str(g) for g in policy.check.paths.get("include", [])])


def refine(policy: Policy, raw: RawResult, model: ProjectModel) -> RawResult | None:
    """A pattern match the model keeps (possibly moved to its route's decorator line), or None."""
    if model.role_of(raw.path) not in roles_of(policy):
        return None
    check = policy.check
    if check.resolve and dict(raw.metavars).get(str(check.resolve["metavariable"])) != str(check.resolve["metavariable"]):
        # (a pattern branch that does not bind the metavariable leaves its name in the message: such a match is kept as is)
        name = dict(raw.metavars).get(str(check.resolve["metavariable"]), "")
        attr = re.split(r"[.\[]", name.strip())[-1] if name else ""
        values = [s for s in model.setting(attr)] if attr else []
        pattern = str(check.resolve["value_matches"])
        if not any(re.search(pattern, as_text(s.value if s.value is not None else s.text)) for s in values):
            return None
    if check.unless_pytest:
        options = model.pytest_options(raw.path)
        if any(re.search(pattern, options.get(name, "")) for name, pattern in check.unless_pytest.items() if name in options):
            return None
    if check.within_class and not class_matches(model.class_at(raw.path, raw.line), check.within_class):
        return None
    if check.crosses_feature:
        dots = dict(raw.metavars).get(str(check.crosses_feature["metavariable"]), "").strip()
        if not dots or not leaves_feature(raw.path, len(dots) - len(dots.lstrip(".")), model.files(), model.root.split(",")):
            return None
    if check.route:
        routes = [r for r in model.routes_at(raw.path, raw.line)]
        if not routes or not any(route_matches(r, check.route) for r in routes):
            return None
        first = min(r.location.line for r in routes)
        return RawResult(raw.rule_id, raw.path, first, first, 1, raw.message, raw.metavars)
    return raw


def model_results(policy: Policy, model: ProjectModel) -> list[RawResult]:
    """Findings of the checks decided on the model alone."""
    check = policy.check
    roles = roles_of(policy)
    found: list[RawResult] = []
    if check.kind == "route":
        seen: set[str] = set()
        repeated = repeated_on_router(model.routes, check.route["repeats_on_router"]) if "repeats_on_router" in check.route else None
        for route in model.routes:
            if repeated is not None and route.router not in repeated:
                continue
            if roles and model.role_of(route.location.path) not in roles:
                continue
            if not route_matches(route, check.route):
                continue
            if check.once_per in ("router", "app"):
                key = route.router if check.once_per == "router" else ",".join(route.apps) or route.router
                if key in seen:
                    continue
                seen.add(key)
            line = route.location.line
            found.append(RawResult(policy.id, route.location.path, line, line, 1, check.message))
    elif check.kind == "launch":
        for launch in model.launches:
            if model.role_of(launch.source.path) in _NOT_DEPLOYED:
                continue
            if option_matches(launch, check.launch, model):
                line = launch.source.line
                found.append(RawResult(policy.id, launch.source.path, line, line, 1, check.message))
    elif check.kind == "setting":
        for setting in model.settings:
            if setting.kind in ("settings-default", "constant") and model.role_of(setting.location.path) not in roles:
                continue
            if setting_matches(setting, check.setting):
                line = setting.location.line
                found.append(RawResult(policy.id, setting.location.path, line, line, 1, check.message))
    return found
