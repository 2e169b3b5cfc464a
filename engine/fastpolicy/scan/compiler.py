"""Compile policy records into ONE semgrep configuration (rule id = record id)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import PolicyError, Problem
from ..models import Policy
from .semgrep import METAVAR_MARK

APP_RULE_ID = "fastpolicy.fastapi-app"
APPLIES_SUFFIX = ".applies-if"  # `<ID>.applies-if`: the rule a project check's applies_if compiles to
_SEVERITY = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFO"}
_METAVAR = re.compile(r"\$[A-Z_][A-Z0-9_]*|\$\.\.\.[A-Z_][A-Z0-9_]*")

APP_RULE: dict[str, Any] = {
    "id": APP_RULE_ID,
    "languages": ["python"],
    "severity": "INFO",
    "message": "FastAPI application",
    "pattern-either": [
        {"pattern": "fastapi.FastAPI(...)"},
        {"pattern": "fastapi.applications.FastAPI(...)"},
    ],
}


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if key not in ("metavariable", "metavariable-regex", "metavariable-comparison", "focus-metavariable"):
                yield from _strings(value)
            elif key != "metavariable":
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _referenced(node: Any) -> Iterable[str]:
    """Metavariables that metavariable-* and focus-metavariable operators refer to."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("metavariable-regex", "metavariable-pattern", "metavariable-comparison") and isinstance(value, Mapping):
                if isinstance(value.get("metavariable"), str):
                    yield value["metavariable"]
            if key == "focus-metavariable":
                yield from ([value] if isinstance(value, str) else [v for v in value if isinstance(v, str)])
            yield from _referenced(value)
    elif isinstance(node, list):
        for item in node:
            yield from _referenced(item)


def _bound(rule: Mapping[str, Any]) -> set[str]:
    bound: set[str] = set()
    for text in _strings(rule):
        bound.update(_METAVAR.findall(text))
        bound.update(m.group(1) and "$" + m.group(1) for m in re.finditer(r"\(\?P<([A-Z_][A-Z0-9_]*)>", text))
    return bound


_POSITIVE = ("pattern", "patterns", "pattern-either", "pattern-regex")


def whole_file(anchor: str) -> str:
    """The anchor as a regex whose one match is the whole file when the file contains the anchor anywhere: a `pattern-regex`
    conjunct of that kind keeps every match of the rest of the rule (their ranges lie inside it) and gives semgrep's
    prefilter the anchor, so a file without it is skipped before it is parsed."""
    return _WHOLE_FILE_HEAD + anchor + _WHOLE_FILE_TAIL


_WHOLE_FILE_HEAD, _WHOLE_FILE_TAIL = "(?s)\\A(?=.*?(?:", ")).*"
_WHOLE_FILE = re.compile(re.escape(_WHOLE_FILE_HEAD) + "(?P<anchor>.*)" + re.escape(_WHOLE_FILE_TAIL), re.S)


def unwrap_anchor(regex: str) -> str:
    """The anchor a whole_file() regex was made of (any other regex as it is): what a reader wants to see."""
    found = _WHOLE_FILE.fullmatch(regex)
    return found.group("anchor") if found else regex


def anchored(rule: Mapping[str, Any], anchors: Iterable[str]) -> dict[str, Any]:
    """The rule's formula with one whole-file conjunct per anchor put first."""
    conjuncts: list[Any] = [{"pattern-regex": whole_file(a)} for a in anchors]
    if not conjuncts:
        return dict(rule)
    out = {k: v for k, v in rule.items() if k not in _POSITIVE}
    for key in _POSITIVE:
        if key in rule:
            conjuncts += list(rule[key]) if key == "patterns" else [{key: rule[key]}]
    out["patterns"] = conjuncts
    return out


def _anchor_problems(policy: Policy) -> list[Problem]:
    problems = []
    for anchor in policy.check.anchor:
        try:
            re.compile(anchor)
        except re.error as exc:
            problems.append(Problem(policy.path, policy.line_of("check", "anchor"), f"check.anchor: {anchor!r} is not a regex: {exc}"))
    return problems


def rule_problems(policy: Policy) -> list[Problem]:
    """What semgrep would silently accept but never match on: unbound metavariables; anchors that are not regexes."""
    problems = _anchor_problems(policy)
    bound = _bound(policy.check.rule)
    for name in sorted(set(_referenced(policy.check.rule))):
        if name not in bound:
            problems.append(Problem(policy.path, policy.line_of("check", "rule"), f"check.rule: {name} is used by a metavariable operator but no pattern binds it"))
    return problems


def compile_rule(policy: Policy) -> dict[str, Any]:
    check = policy.check
    rule: dict[str, Any] = {
        "id": policy.id,
        "languages": list(check.languages),
        "severity": _SEVERITY[policy.severity],
        "message": check.message,
        "metadata": {
            "fastpolicy": {"name": policy.name, "title": policy.title, "kind": check.kind, "seed": list(policy.seed), "section": policy.section},
            **({"cwe": list(policy.cwe)} if policy.cwe else {}),
            **({"owasp": list(policy.owasp)} if policy.owasp else {}),
        },
    }
    for wanted in (check.resolve, check.crosses_feature):  # semgrep's JSON carries no bindings: ask for the one the model needs
        if wanted:
            name = str(wanted["metavariable"])
            rule["message"] = f"{rule['message']}{METAVAR_MARK}{name[1:]}={name}"
    if check.paths:
        rule["paths"] = {k: list(v) for k, v in check.paths.items()}
    rule.update(anchored(check.rule, check.anchor))
    if check.fix:
        rule["fix"] = check.fix
    return rule


def compile_config(policies: Iterable[Policy]) -> dict[str, Any]:
    """The semgrep config for the automated records, plus the built-in FastAPI-app locator."""
    selected = [p for p in policies if p.check.uses_semgrep]
    problems = [problem for p in selected for problem in rule_problems(p)]
    if problems:
        raise PolicyError("invalid semgrep rule(s)", problems)
    rules = [compile_rule(p) for p in sorted(selected, key=lambda p: p.id)]
    rules += [{"id": p.id + APPLIES_SUFFIX, "languages": list(p.check.languages), "severity": "INFO", "message": f"{p.id} applies",
               **({"paths": {k: list(v) for k, v in p.check.paths.items()}} if p.check.paths else {}), **p.check.applies_if}
              for p in sorted(selected, key=lambda p: p.id) if p.check.kind == "project" and p.check.applies_if]
    if any(p.check.kind == "project" for p in selected):
        rules.append(dict(APP_RULE))
    return {"rules": rules}
