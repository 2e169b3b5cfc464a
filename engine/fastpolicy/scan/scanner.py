"""Orchestrate one scan: select records, collect targets, compile once, run semgrep once, findings, suppression."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalogue.catalogue import Catalogue
from ..catalogue.overrides import outside_narrowed_paths
from ..catalogue.resolve import is_named
from ..config import DEFAULT_DOCS_URL, docs_url_from_env
from ..errors import ScanFailed, UnknownName, UsageError
from ..gcpause import paused
from ..models import SEVERITIES, Finding, Policy, RuleInfo, ScanError, ScanResult
from ..pathmatch import Patterns
from ..project import MODEL_GLOBS, ProjectModel
from ..project.facts import FileRole
from ..project.isolated import build_isolated
from ..project.stored import decode_text as decode_model
from .baseline import compare, load, write
from .cache import ModelCache, ResultCache, config_key, merge, model_key, semgrep_identity
from .compiler import compile_config
from .decide import not_applicable
from .diff import changed_files, in_diff
from .findings import DocsLinks, findings_from_run, model_findings, raise_rule_errors
from .semgrep import DEFAULT_JOBS, DEFAULT_TIMEOUT_THRESHOLD, SemgrepRun, find_executable, run_semgrep
from .suppression import META_RULES, apply_suppressions, clear_source_cache, filter_findings, meta_rule, meta_rule_info
from .targets import MAX_FILE_BYTES, collect, name_globs, resolve_root, wanted
from .unparsable import acknowledge, explain


@dataclass(frozen=True)
class ScanOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: str = "info"
    deployment: str = ""
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = MAX_FILE_BYTES
    docs_url: str = field(default_factory=docs_url_from_env)
    cache_dir: Path | None = None  # None: no result cache
    org_docs_url: str = ""  # the organization's built site; '' = its records link to docs_url only when that is not the public site
    jobs: int = DEFAULT_JOBS
    timeout_threshold: int = DEFAULT_TIMEOUT_THRESHOLD  # rule timeouts after which a file is skipped and reported not checked
    baseline: Path | None = None  # report only findings not in this baseline file (scan/baseline.py)
    write_baseline: Path | None = None  # write today's findings here, then compare with them
    diff: str = ""  # a git ref: check only the files changed since it (scan/diff.py)
    today: datetime.date | None = None  # when suppressions' `until=` dates are compared (None: today)
    # from the project configuration (configuration/): globs are relative to `base`, its folder ('' = each scanned root)
    base: str = ""
    config_path: str = ""  # the configuration file, as shown (named by its warnings)
    gitignore: bool = True
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # glob -> record ids
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # role -> globs
    unparsable: tuple[str, ...] = ()


def select_policies(catalogue: Catalogue, select: Sequence[str], ignore: Sequence[str]) -> list[Policy]:
    """Records chosen by id, name, alias or section key; a token that names nothing is an UnknownName."""
    for token in (*select, *ignore):
        if not any(is_named(p, token, sections=True) for p in catalogue.policies):
            raise UnknownName(f"no record or section named '{token}'")
    chosen = [p for p in catalogue.policies if not select or any(is_named(p, t, sections=True) for t in select)]
    return [p for p in chosen if not any(is_named(p, t, sections=True) for t in ignore)]


def scan(catalogue: Catalogue, roots: Sequence[str], options: ScanOptions, progress: Callable[[str], None] | None = None) -> ScanResult:
    """One scan; `progress` (optional) hears each stage, for a progress indicator. The cyclic collector is paused
    throughout (`gcpause`): its cost grows faster than the project, and a scan's objects are freed by reference counts."""
    with paused():
        return _scan(catalogue, roots, options, progress)


def _scan(catalogue: Catalogue, roots: Sequence[str], options: ScanOptions, progress: Callable[[str], None] | None) -> ScanResult:
    say = progress or (lambda _stage: None)
    if options.severity not in SEVERITIES:
        raise UsageError(f"--severity must be one of {', '.join(SEVERITIES)}")
    clear_source_cache()
    meta_ignored = {m.id for m in map(meta_rule, options.ignore) if m}
    select = [t for t in options.select if not meta_rule(t)]
    if options.select and not select:
        raise UnknownName("FPY ids are the checks of suppression comments, which run with any record: select at least one record")
    selected = [p for p in select_policies(catalogue, select, [t for t in options.ignore if not meta_rule(t)]) if p.check.automated and p.enabled]  # enabled: overrides.yaml
    meta = [m for m in META_RULES if m not in meta_ignored]
    baseline = load(options.baseline) if options.baseline and not options.write_baseline else None  # a bad file fails before the scan
    if not selected:
        raise UsageError("no automated record is selected: nothing to check")
    say(f"selecting files under {', '.join(roots)}")
    rule_globs = name_globs(p for p in selected if p.check.uses_semgrep)
    roots = [resolve_root(r) for r in roots]
    targets = collect(roots, tuple(sorted({*rule_globs, *MODEL_GLOBS})), exclude=options.exclude, max_bytes=options.max_file_bytes,
                      base=options.base, gitignore=options.gitignore)
    if not targets.files and targets.errors:  # e.g. the only file is too large: say so, never "nothing to check"
        return ScanResult(findings=(), errors=targets.errors, files_scanned=0, rules_run=len(selected), suppressed=0, below_threshold=0)
    if not targets.files:
        raise ScanFailed(f"no file to check under {', '.join(roots)}: fastpolicy reads Python, Dockerfiles, YAML manifests and config files")
    changed = changed_files(roots, options.diff) if options.diff else None  # before the model: a bad ref fails fast
    say(f"reading the project model of {len(targets.files)} files")
    cache_warnings: list[ScanError] = []
    model, parked = _model(targets.files, roots, options, cache_warnings)
    skipped = sorted(p.id for p in selected if not_applicable(p, model))
    policies = [p for p in selected if p.id not in skipped]
    checked = list(targets.files) if changed is None else [f for f in targets.files if in_diff(f, changed)]
    # a diff scan sees only the changed files: "the project has no X anywhere" cannot be decided from them
    diff_skipped = sorted(p.id for p in policies if p.check.kind == "project") if changed is not None else []
    policies = [p for p in policies if p.id not in diff_skipped]
    errors: list[ScanError] = [*(e for e in targets.errors if changed is None or not e.path or in_diff(e.path, changed)), *model_errors(model), *cache_warnings]
    semgrep_policies = [p for p in policies if p.check.uses_semgrep]
    semgrep_files = [f for f in checked if wanted(f, rule_globs)]
    links = DocsLinks(options.docs_url, options.org_docs_url)
    findings: list[Finding] = []
    scanned = 0
    if semgrep_policies and semgrep_files:
        say(f"checking {len(semgrep_files)} files with {len(semgrep_policies)} semgrep rules")
        config = compile_config(semgrep_policies)
        if parked:  # a model from the child process: only its text while semgrep runs (polar: 1 MB, not 8), decoded again after
            del model
        run = _run(config, semgrep_files, options, errors, scanned_folder(roots))
        model = decode_model(parked) if parked else model
        raise_rule_errors(run, {p.id: p for p in semgrep_policies})
        errors += run.errors
        errors += not_checked_after_timeouts(run, options.timeout_threshold)
        if not run.scanned:
            errors.append(ScanError("fatal", "error", "semgrep scanned no file: the result would look clean but nothing was checked"))
        scanned = len(run.scanned)
        findings = findings_from_run(semgrep_policies, run, links, lambda _path: model)
    # the model's own findings after semgrep: the files their fingerprints parse are not held while it runs (onyx-server: 19 MB of trees)
    findings = [*model_findings(policies, [model], links), *findings]
    unparsed = {e.path for e in errors if e.kind in ("unparsed", "partial-parse")}
    errors = [e for e in errors if not (e.kind == "model-unreadable" and e.path in unparsed)]  # one report per unreadable file
    errors, acknowledged = acknowledge(explain(errors), options.unparsable, options.base or project_root(roots), options.config_path or "configuration")
    findings, per_file_ignored = per_file_ignore(findings, options, roots)
    findings, _narrowed = outside_narrowed_paths(findings, policies, options.base or project_root(roots))
    if changed is not None:  # project-level findings too: reported when they anchor in a changed file
        findings = [f for f in findings if in_diff(f.path, changed)]
    root = project_root(roots)
    outcome = apply_suppressions(findings, resolve=_resolver(catalogue), ran={p.id for p in policies}, files=checked,
                                 today=options.today or datetime.date.today(), enabled=meta, docs_url=links.docs_url or DEFAULT_DOCS_URL)
    current = [*outcome.kept, *outcome.notices]
    if options.write_baseline:
        baseline = write(options.write_baseline, current, root)
    baselined, fixed = 0, ()
    if baseline is not None:
        compared = compare(current, baseline, root, ran=[*(p.id for p in policies), *meta], checked=checked)
        current, baselined, fixed = compared.new, compared.baselined, tuple(compared.fixed)
    kept, below = filter_findings(current, options.severity)
    return ScanResult(
        findings=tuple(sorted(set(kept), key=Finding.sort_key)),
        errors=tuple(sorted(set(errors), key=ScanError.sort_key)),
        files_scanned=scanned,
        rules_run=len(policies),
        suppressed=outcome.suppressed,
        below_threshold=below,
        skipped_rules=tuple(skipped),
        deployment=model.deployment.kind,
        deployment_evidence=tuple(str(e) for e in model.deployment.evidence),
        rules=(*(rule_info(p, links.url(p)) for p in policies), *(meta_rule_info(META_RULES[m], links.docs_url or DEFAULT_DOCS_URL) for m in meta)),
        root=root,
        baseline=str(options.write_baseline or options.baseline or ""),
        baselined=baselined,
        fixed=fixed,
        diff_ref=options.diff,
        diff_files=len(checked) if changed is not None else 0,
        diff_skipped_rules=tuple(diff_skipped),
        acknowledged=tuple(sorted(set(acknowledged), key=ScanError.sort_key)),
        per_file_ignored=per_file_ignored,
    )


def _resolver(catalogue: Catalogue) -> Callable[[str], str | None]:
    """A suppression token -> the id of the record it names (id, name or alias, any case), None for none."""
    cache: dict[str, str | None] = {}

    def resolve(token: str) -> str | None:
        if token not in cache:
            found = catalogue.get(token)
            cache[token] = found.id if found else None
        return cache[token]

    return resolve


def _model(files: list[str], roots: list[str], options: ScanOptions, warnings: list[ScanError]) -> tuple[ProjectModel, str]:
    """The project model, and its stored JSON text when a child process built it ("" otherwise); with a cache folder, the
    one stored there when no file, option or engine code changed since."""
    if options.roles:  # configured roles are a lookup the child process and the model cache key don't carry: build here
        from ..project import build_model  # here: a scan whose model is built in a child process never loads the builder

        return build_model(files, roots=roots, deployment=options.deployment or None, role_of=configured_roles(options, roots)), ""
    if options.cache_dir is None:
        built = build_isolated(files, roots=roots, deployment=options.deployment or None, summaries=False)
        return built.model, built.text
    key = model_key(roots, options.deployment)
    cache = ModelCache(options.cache_dir, warnings)
    previous = cache.get(key)
    built = build_isolated(files, roots=roots, deployment=options.deployment or None, previous=previous)
    if previous is None or isinstance(built.summaries, str) or not built.summaries.same_as(previous):
        cache.put(key, built.summaries)
    return built.model, built.text


def configured_roles(options: ScanOptions, roots: Sequence[str]) -> Callable[[str], FileRole | None] | None:
    """The configuration's `roles` as a lookup for the project model (globs relative to the configuration's folder)."""
    if not options.roles:
        return None
    base = options.base or project_root(roots)
    matchers = [(role, glob, Patterns.of(base, (glob,), origin=f"{options.config_path}: roles.{role}")) for role, globs in options.roles for glob in globs]

    def role_of(path: str) -> FileRole | None:
        for role, glob, patterns in matchers:
            if patterns.matches(path):
                return FileRole(path, role, f"configured: {glob}")
        return None

    return role_of


def per_file_ignore(findings: Sequence[Finding], options: ScanOptions, roots: Sequence[str]) -> tuple[list[Finding], int]:
    """Drop the findings the configuration's per-file-ignores name for their file; return (kept, how many dropped)."""
    if not options.per_file_ignores:
        return list(findings), 0
    base = options.base or project_root(roots)
    rules = [(Patterns.of(base, (glob,), origin=f"{options.config_path}: per-file-ignores"), set(ids)) for glob, ids in options.per_file_ignores]
    kept = [f for f in findings if not any(f.rule_id in ids and patterns.matches(f.path) for patterns, ids in rules)]
    return kept, len(findings) - len(kept)


def _run(config: dict[str, object], files: list[str], options: ScanOptions, errors: list[ScanError], root: str) -> SemgrepRun:
    """semgrep over the files whose cached results are missing or stale (none at all when nothing changed)."""
    def semgrep(targets: list[str]) -> SemgrepRun:
        return run_semgrep(config, targets, jobs=options.jobs, timeout_threshold=options.timeout_threshold, root=root)

    if options.cache_dir is None:
        return semgrep(files)
    cache = ResultCache.open(options.cache_dir, config_key(config, semgrep_identity(find_executable())))
    hits, misses = cache.lookup(files)
    run = semgrep(misses) if misses else None
    if run is not None and not run.scanned:
        errors.append(ScanError("fatal", "error", "semgrep scanned no file: the result would look clean but nothing was checked"))
    if run is None or not run.rule_errors:
        cache.store(run or SemgrepRun((), (), (), ()), run.scanned if run else (), hits)
    errors += cache.warnings
    return merge(hits, run)


def rule_info(policy: Policy, url: str) -> RuleInfo:
    return RuleInfo(
        id=policy.id, name=policy.name, title=policy.title, severity=policy.severity, level=policy.level,
        statement=policy.statement, rationale=policy.rationale, fix=policy.check.fix, url=url,
        cwe=policy.cwe, owasp=policy.owasp, section=policy.section,
    )


def scanned_folder(roots: Sequence[str]) -> str:
    """The common folder of the scanned paths: where semgrep runs, so a rule's `paths` globs read relative to what the user scanned."""
    folders = [p if p.is_dir() else p.parent for p in (Path(r).resolve() for r in roots or ["."])]
    return os.path.commonpath([str(f) for f in folders])


def project_root(roots: Sequence[str]) -> str:
    """The root SARIF paths are relative to: the repository (nearest folder with `.git`) holding the scanned paths, else their common folder."""
    common = Path(scanned_folder(roots))
    for candidate in (common, *common.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return str(common)


def not_checked_after_timeouts(run: SemgrepRun, threshold: int) -> list[ScanError]:
    """A file on which `threshold` rules timed out was skipped by semgrep for every other rule: it was not checked."""
    if threshold <= 0:
        return []
    timed_out: dict[str, set[str]] = {}
    for error in run.errors:
        if error.kind == "timeout" and error.path:
            timed_out.setdefault(error.path, set()).add(error.rule_id)
    return [
        ScanError("not-checked", "error", f"{len(rules)} rules timed out on this file, so semgrep skipped the rest: the file was not checked "
                  "(split the file, or raise --timeout-threshold)", path)
        for path, rules in sorted(timed_out.items()) if len(rules) >= threshold
    ]


def project_context(roots: Sequence[str], options: ScanOptions) -> ProjectModel:
    """The project model a scan of `roots` would decide with (what `fastpolicy context` shows)."""
    from ..project import build_model

    roots = [resolve_root(r) for r in roots]
    targets = collect(roots, MODEL_GLOBS, exclude=options.exclude, max_bytes=options.max_file_bytes, base=options.base, gitignore=options.gitignore)
    if not targets.files:
        raise ScanFailed(f"no file to read under {', '.join(roots)}")
    return build_model(targets.files, roots=roots, deployment=options.deployment or None, role_of=configured_roles(options, roots))


def model_errors(model: ProjectModel) -> list[ScanError]:
    """A file the model could not read is listed, never silently ignored: the verdicts that depend on it are not complete."""
    return [ScanError("model-unreadable", "error", p.message, p.location.path, p.location.line) for p in model.problems]
