"""semgrep results -> findings: pattern matches, project checks (a FastAPI app where a pattern matched nowhere), rule errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from ..config import DEFAULT_DOCS_URL
from ..errors import PolicyError, Problem
from ..models import Finding, Policy
from ..project import ProjectModel
from .compiler import APP_RULE_ID, APPLIES_SUFFIX
from .decide import MODEL_KINDS, model_results, refine
from .fingerprint import fingerprint_at
from .semgrep import RawResult, SemgrepRun
from .source import source_line


def rule_url(policy: Policy, base: str) -> str:
    return f"{base.rstrip('/')}/rules/{policy.id}/"


@dataclass(frozen=True)
class DocsLinks:
    """Where findings link: built-in records to `docs_url`; an organization's records to its own built site, never to a
    public page that does not exist (`org_docs_url`, else `docs_url` when that is not the public site, else no link)."""

    docs_url: str = DEFAULT_DOCS_URL
    org_docs_url: str = ""

    def url(self, policy: Policy) -> str:
        if policy.origin == "builtin":
            return rule_url(policy, self.docs_url or DEFAULT_DOCS_URL)
        base = self.org_docs_url or ("" if self.docs_url.rstrip("/") == DEFAULT_DOCS_URL.rstrip("/") else self.docs_url)
        return rule_url(policy, base) if base else ""


def _links(docs: DocsLinks | str) -> DocsLinks:
    return docs if isinstance(docs, DocsLinks) else DocsLinks(docs)


def _is_test_path(path: str) -> bool:
    parts = PurePath(path).parts
    name = parts[-1] if parts else ""
    return any(p in ("tests", "test") for p in parts[:-1]) or name.startswith("test_") or name == "conftest.py"


def utf16_column(text: str, byte_column: int) -> int:
    """semgrep's 1-based byte column on `text` -> the 1-based column in UTF-16 code units."""
    prefix = text.encode("utf-8")[: max(byte_column - 1, 0)].decode("utf-8", errors="ignore")
    return len(prefix.encode("utf-16-le")) // 2 + 1


def make_finding(policy: Policy, raw: RawResult, message: str, docs_url: DocsLinks | str) -> Finding:
    text, end_text = source_line(raw.path, raw.line), source_line(raw.path, raw.end_line)
    end_column = utf16_column(end_text, raw.end_column) if raw.end_column else len(end_text.encode("utf-16-le")) // 2 + 1
    return Finding(
        rule_id=policy.id,
        name=policy.name,
        title=policy.title,
        severity=policy.severity,
        seed=policy.seed,
        path=raw.path,
        line=raw.line,
        end_line=raw.end_line,
        column=utf16_column(text, raw.column),
        message=message,
        code=text.strip(),
        url=_links(docs_url).url(policy),
        end_column=max(end_column, 1),
        fingerprint=fingerprint_at(policy.id, raw.path, raw.line),
    )


def raise_rule_errors(run: SemgrepRun, by_id: Mapping[str, Policy]) -> None:
    """A rule semgrep rejected is a policy error (exit 2), whatever else the run reported."""
    if not run.rule_errors:
        return
    problems = []
    for rule_id, message in run.rule_errors:
        policy = by_id.get(rule_id)
        first = message.splitlines()[0] if message else "rejected by semgrep"
        detail = " ".join(line.strip() for line in message.splitlines()[1:] if line.strip())[:300]
        text = f"check.rule: semgrep rejects this rule: {first}" + (f" ({detail})" if detail else "")
        if policy:
            problems.append(Problem(policy.path, policy.line_of("check", "rule"), text))
        else:
            problems.append(Problem("<compiled rules>", 0, text))
    raise PolicyError("semgrep rejected the compiled rules", problems)


def findings_from_run(
    policies: Sequence[Policy], run: SemgrepRun, docs_url: DocsLinks | str, model_of: Callable[[str], ProjectModel], project_of: Callable[[str], str] = lambda _path: ""
) -> list[Finding]:
    """Pattern matches the project model keeps, project checks where their pattern matched nowhere, and model-decided checks."""
    by_id = {p.id: p for p in policies}
    findings: list[Finding] = []
    apps: dict[str, list[RawResult]] = {}
    present: set[tuple[str, str]] = set()
    once: set[tuple[str, str, int]] = set()  # (record, file, class line) of records reported once per file or class
    applies: set[tuple[str, str]] = set()  # (record, project) whose applies_if matched somewhere
    for raw in sorted(run.results, key=lambda r: (r.path, r.line, r.column, r.rule_id)):
        if raw.rule_id == APP_RULE_ID:
            apps.setdefault(project_of(raw.path), []).append(raw)
            continue
        if raw.rule_id.endswith(APPLIES_SUFFIX):
            applies.add((raw.rule_id.removesuffix(APPLIES_SUFFIX), project_of(raw.path)))
            continue
        policy = by_id.get(raw.rule_id)
        if policy is None:
            continue
        if policy.check.kind == "project":
            present.add((policy.id, project_of(raw.path)))
            continue
        model = model_of(raw.path)
        kept = refine(policy, raw, model)
        if kept is not None and policy.check.once_per in ("file", "class"):
            key = once_key(policy.check.once_per, kept, model)
            if key in once:
                continue
            once.add(key)
        if kept is not None:
            findings.append(make_finding(policy, kept, kept.message or policy.check.message, docs_url))
    for project, constructions in sorted(apps.items()):
        model = model_of(constructions[0].path)
        anchor = _anchor(constructions, model)
        probes = {s.name for s in model.settings if s.kind == "probe"}
        for policy in policies:
            if policy.check.kind == "project" and policy.check.applies_if and (policy.id, project) not in applies:
                continue
            if policy.check.kind == "project" and policy.check.satisfied_by_probe and probes & set(policy.check.satisfied_by_probe):
                continue  # a deployed probe points at the endpoint: the platform would restart a pod whose probe path is missing
            if policy.check.kind == "project" and (policy.id, project) not in present:
                at = RawResult(policy.id, anchor.path, anchor.line, anchor.line, anchor.column, policy.check.message)
                findings.append(make_finding(policy, at, policy.check.message, docs_url))
    return findings


def once_key(once_per: str, raw: RawResult, model: ProjectModel) -> tuple[str, str, int]:
    """The unit a once-per record reports once: the file, or the innermost class around the match (a match outside any class
    is its own unit)."""
    if once_per == "file":
        return raw.rule_id, raw.path, 0
    owner = model.class_at(raw.path, raw.line)
    return raw.rule_id, raw.path, owner.location.line if owner is not None else -raw.line


def model_findings(policies: Sequence[Policy], models: Sequence[ProjectModel], docs_url: DocsLinks | str) -> list[Finding]:
    return [make_finding(policy, raw, raw.message, docs_url) for model in models for policy in policies
            if policy.check.kind in MODEL_KINDS for raw in model_results(policy, model)]


def _anchor(constructions: Sequence[RawResult], model: ProjectModel) -> RawResult:
    """The FastAPI(...) a project finding sits at: a served application (the launch model knows which), app code before tests."""
    served = {(a.location.path, a.location.line) for a in model.apps if a.served}
    ranked = sorted(constructions, key=lambda r: ((r.path, r.line) not in served, model.role_of(r.path) != "app", _is_test_path(r.path), r.path, r.line))
    return ranked[0]
