"""Plain immutable models: policy records, examples, relations, findings and scan results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low", "info")
LEVELS = ("MUST", "MUST NOT", "SHOULD", "SHOULD NOT")
CHECK_KINDS = ("pattern", "project", "manual")
RELATION_TYPES = ("requires", "related", "conflicts", "refines")


def severity_rank(severity: str) -> int:
    """0 for critical … 4 for info: lower is more severe."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Relation:
    type: str
    target: str
    note: str


@dataclass(frozen=True)
class Example:
    index: int
    kind: str  # bad | good
    language: str
    code: str
    title: str = ""
    filename: str = ""


@dataclass(frozen=True)
class Check:
    kind: str  # pattern | project | manual
    languages: tuple[str, ...] = ()
    paths: Mapping[str, Any] = field(default_factory=dict)
    anchor: tuple[str, ...] = ()  # regexes every file the rule can match contains: semgrep's prefilter skips the others
    message: str = ""
    rule: Mapping[str, Any] = field(default_factory=dict)
    fix: str = ""
    condition: str = ""
    reason: str = ""
    questions: tuple[str, ...] = ()
    route: Mapping[str, Any] = field(default_factory=dict)  # route predicate (route checks; filter on pattern checks)
    resolve: Mapping[str, Any] = field(default_factory=dict)  # settings/constant value filter on a pattern check
    within_class: Mapping[str, Any] = field(default_factory=dict)  # class-ancestry filter on a pattern check
    crosses_feature: Mapping[str, Any] = field(default_factory=dict)  # relative-import filter on a pattern check
    launch: Mapping[str, Any] = field(default_factory=dict)
    setting: Mapping[str, Any] = field(default_factory=dict)
    once_per: str = "route"
    unless_pytest: Mapping[str, str] = field(default_factory=dict)  # pytest-configuration filter on a pattern check
    applies_if: Mapping[str, Any] = field(default_factory=dict)  # project check: a semgrep rule that must match somewhere first
    satisfied_by_probe: tuple[str, ...] = ()  # project check: a declared health probe of these kinds satisfies it

    @property
    def automated(self) -> bool:
        return self.kind != "manual"

    @property
    def uses_semgrep(self) -> bool:
        """Pattern and project checks run in semgrep; route, launch and setting checks are decided on the project model."""
        return self.kind in ("pattern", "project")


@dataclass(frozen=True)
class Section:
    key: str
    prefix: str
    title: str
    description: str = ""
    seed_section: int | None = None


@dataclass(frozen=True)
class SeedRule:
    number: str  # S2.10
    section: int
    section_title: str
    topic: str
    opens: str


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    title: str
    section: str
    topic: str
    level: str
    severity: str
    seed: tuple[str, ...]
    statement: str
    rationale: str
    references: tuple[tuple[str, str], ...]
    relations: tuple[Relation, ...]
    check: Check
    examples: tuple[Example, ...]
    path: str
    origin: str  # "builtin" or the organization folder it came from
    owasp: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    deployment: str = ""
    applies_roles: tuple[str, ...] = ()  # empty: the default for the check's languages
    applies_packages: tuple[Mapping[str, str], ...] = ()
    seed_verdict: str = ""
    seed_note: str = ""
    limitations: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    # set by an organization's overrides.yaml (catalogue/overrides.py): never in the record's own file
    enabled: bool = True
    narrowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # paths include/exclude globs findings must fit
    overridden: tuple[str, ...] = ()  # what was changed and by whom, as sentences ("severity low (was high; overridden by ...)")

    def line_of(self, *keys: str | int) -> int:
        """Line of a nested key (e.g. 'examples', 0) in the record's file; 1 when unknown."""
        probe = tuple(keys)
        while probe:
            dotted = ".".join(str(k) for k in probe)
            if dotted in self.lines:
                return self.lines[dotted]
            probe = probe[:-1]
        return 1


@dataclass(frozen=True)
class Finding:
    """One finding; its fields are exactly those of the JSON output."""

    rule_id: str
    name: str
    title: str
    severity: str
    seed: tuple[str, ...]
    path: str
    line: int
    end_line: int
    column: int  # 1-based, in UTF-16 code units (what SARIF, LSP and editors count)
    message: str
    code: str
    url: str
    end_column: int = 0  # exclusive, in UTF-16 code units, on end_line
    fingerprint: str = ""  # content fingerprint (scan/fingerprint.py): stable when lines move

    def sort_key(self) -> tuple[str, int, int, str, int, int, str]:
        """A total order: two matches of one rule at one place that bind other names (onyx's redis_pool.py: SEC-015 on
        `local_token` and `remote_token` in one log call) differ only in their span and message, and without them the
        report's order followed set iteration, which changes from run to run with Python's string hashing."""
        return (self.path, self.line, self.column, self.rule_id, self.end_line, self.end_column, self.message)


@dataclass(frozen=True)
class ScanError:
    """Something that kept (part of) the scan from running: rendered, never hidden."""

    kind: str  # rule-error | fatal | unparsed | partial-parse | timeout | out-of-memory | too-large | symlink | not-checked | semgrep-warning
    level: str  # error (the scan is incomplete) | warning (findings still valid)
    message: str
    path: str = ""
    line: int = 0
    rule_id: str = ""

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.path, self.line, self.rule_id, self.kind, self.message)


@dataclass(frozen=True)
class RuleInfo:
    """What reporters say about a rule that ran (SARIF's rule panel, JUnit's test cases)."""

    id: str
    name: str
    title: str
    severity: str
    level: str
    statement: str
    rationale: str
    fix: str
    url: str
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    section: str = ""


@dataclass(frozen=True)
class BaselineEntry:
    """One fingerprint of a baseline file (scan/baseline.py): `count` findings of `rule_id` with this content in `path`."""

    rule_id: str
    path: str  # relative to the project root, forward slashes
    fingerprint: str
    count: int
    code: str = ""  # the offending line, for the reader of the file

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.path, self.rule_id, self.code, self.fingerprint)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    files_scanned: int
    rules_run: int
    suppressed: int = 0
    below_threshold: int = 0
    skipped_rules: tuple[str, ...] = ()
    deployment: str = ""  # where the project runs: detected from the repository or given by the user
    deployment_evidence: tuple[str, ...] = ()
    rules: tuple[RuleInfo, ...] = ()  # the rules that ran, by id
    root: str = ""  # absolute project root (SARIF's %SRCROOT%): the repository holding the scanned paths, else their folder
    baseline: str = ""  # the baseline file findings were compared with ('' = none)
    baselined: int = 0  # findings in the baseline, not reported
    fixed: tuple[BaselineEntry, ...] = ()  # baseline entries no longer found (count = how many disappeared)
    diff_ref: str = ""  # a diff scan: the git ref changes are counted from
    diff_files: int = 0  # the changed files a diff scan checked
    diff_skipped_rules: tuple[str, ...] = ()  # project-wide rules a diff scan cannot decide
    acknowledged: tuple[ScanError, ...] = ()  # unparsable files the configuration acknowledges: listed, not errors
    per_file_ignored: int = 0  # findings dropped by the configuration's per-file-ignores

    @property
    def complete(self) -> bool:
        return not any(e.level == "error" for e in self.errors)

    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            counts[f.severity] += 1
        return counts
