"""`fastpolicy test`: examples are tests: write every record's examples to a temp project and check them in ONE semgrep run."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..catalogue.languages import BY_NAME
from ..catalogue.markers import parse_markers
from ..errors import PolicyError, Problem
from ..models import Example, Policy
from ..project import build_model
from .compiler import compile_config
from .decide import not_applicable
from .findings import findings_from_run, model_findings, raise_rule_errors
from .semgrep import run_semgrep


def example_filename(example: Example) -> str:
    return example.filename or BY_NAME[example.language].filename


def _inside(folder: Path, name: str, policy: Policy, example: Example) -> Path:
    """The file an example is written to; a name that leaves its folder is refused (a pack is third-party input)."""
    target = folder / name
    resolved_folder = folder.resolve()
    resolved = target.resolve()
    if Path(name).is_absolute() or ".." in Path(name).parts or resolved == resolved_folder or not resolved.is_relative_to(resolved_folder):
        where = policy.line_of("examples", example.index, "filename")
        raise PolicyError("1 problem(s) in the policy records", [Problem(
            policy.path, where, f"examples[{example.index}].filename: must be a relative path inside the example folder (no '..', not absolute)")])
    return target


@dataclass(frozen=True)
class ExampleOutcome:
    policy_id: str
    policy_path: str
    line: int  # line of the example in the record file
    index: int
    kind: str
    title: str
    missing: tuple[int, ...]  # marked lines (example-relative) that were not flagged
    unexpected: tuple[int, ...]  # flagged lines that carry no ruleid marker
    todo_hits: tuple[int, ...]  # todoruleid lines that are now flagged: the marker can become ruleid
    parse_error: str = ""

    @property
    def passed(self) -> bool:
        return not (self.missing or self.unexpected or self.parse_error)


@dataclass(frozen=True)
class ExampleReport:
    outcomes: tuple[ExampleOutcome, ...]
    records: int

    @property
    def failures(self) -> tuple[ExampleOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)


def run_examples(policies: Sequence[Policy]) -> ExampleReport:
    tested = [p for p in policies if p.check.automated]
    with tempfile.TemporaryDirectory(prefix="fastpolicy-examples-") as tmp:
        root = Path(tmp)
        files: dict[str, tuple[Policy, Example]] = {}
        for policy in tested:
            for example in policy.examples:
                folder = root / policy.id / f"{example.index:02d}-{example.kind}"
                target = _inside(folder, example_filename(example), policy, example)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(example.code, encoding="utf-8")
                files[str(target.relative_to(root))] = (policy, example)
        if not files:
            return ExampleReport((), len(tested))
        project_of = lambda path: "/".join(Path(path).parts[:2])  # noqa: E731 - one example = one project
        projects: dict[str, list[str]] = {}
        for path in files:
            projects.setdefault(project_of(path), []).append(path)
        by_project = {name: [p for p in tested if p.id == name.split("/")[0]] for name in projects}
        # an example shows the deployment its record is about (a Dockerfile alone cannot show Kubernetes)
        models = {name: build_model(paths, roots=[name], base=root, deployment=next((p.deployment for p in by_project[name] if p.deployment), None))
                  for name, paths in sorted(projects.items())}
        findings = []
        for name, model in models.items():
            findings += model_findings([p for p in by_project[name] if not not_applicable(p, model)], [model], "")
        semgrep_tested = [p for p in tested if p.check.uses_semgrep]
        if semgrep_tested:
            run = run_semgrep(compile_config(semgrep_tested), sorted(f for f in files if files[f][0].check.uses_semgrep), cwd=root)
            raise_rule_errors(run, {p.id: p for p in semgrep_tested})
            findings += findings_from_run(semgrep_tested, run, "", lambda path: models[project_of(path)], project_of)
        else:
            run = None
    flagged: dict[str, set[int]] = {}
    for finding in findings:
        flagged.setdefault(f"{finding.rule_id}:{finding.path}", set()).add(finding.line)
    parse_errors = {e.path: e.message for e in (run.errors if run else ()) if e.path}
    for model in models.values():
        for problem in model.problems:
            parse_errors.setdefault(problem.location.path, problem.message)
    outcomes = []
    for path, (policy, example) in sorted(files.items()):
        markers = [m for m in parse_markers(example.code) if m.rule_id == policy.id]
        expected = {m.target_line for m in markers if m.kind == "ruleid"}
        todo = {m.target_line for m in markers if m.kind in ("todoruleid",)}
        tolerated = {m.target_line for m in markers if m.kind == "todook"}
        got = flagged.get(f"{policy.id}:{path}", set())
        outcomes.append(
            ExampleOutcome(
                policy_id=policy.id,
                policy_path=policy.path,
                line=policy.line_of("examples", example.index),
                index=example.index,
                kind=example.kind,
                title=example.title,
                missing=tuple(sorted(expected - got)),
                unexpected=tuple(sorted(got - expected - todo - tolerated)),
                todo_hits=tuple(sorted(got & todo)),
                parse_error=parse_errors.get(path, ""),
            )
        )
    return ExampleReport(tuple(outcomes), len(tested))
