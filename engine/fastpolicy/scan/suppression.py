"""`# fastpolicy: ignore[ID]` comments, and the severity threshold. Findings are filtered here, never in reporters.

The syntax (site/adopting.md "Suppressions"):

    # fastpolicy: ignore[SEC-010, cors-wildcard-origin] until=2027-01-31: public API, reviewed 2026-10

- only real comments count (scan/comments.py): the text inside a string literal never suppresses;
- ids, names and aliases, in any case; several separated by commas;
- the comment sits on any line of the flagged statement (a multi-line call, a decorated `def` header)
  or alone on the line above its first line;
- after the bracket: an optional `until=YYYY-MM-DD` (the last day it suppresses), then an optional `: reason`.

Suppressions that cannot do what they say are findings of their own (FPY-100..103, META_RULES), as ruff's RUF100:
an id that names no record, a suppression no finding used (only for rules that ran), an expired one (which no longer
suppresses), and a `fastpolicy:` comment that does not parse.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import Finding, RuleInfo, severity_rank
from .comments import Comment, clear_comment_cache, comments, statement_lines
from .fingerprint import clear_scope_cache, fingerprint_at
from .source import clear_source_cache as _clear_text
from .source import source_line, source_text

UNKNOWN, UNUSED, EXPIRED, MALFORMED = "FPY-100", "FPY-101", "FPY-102", "FPY-103"
SUPPRESSIONS_URL = "adopting/#suppressions"
SYNTAX = "# fastpolicy: ignore[ID, ...] until=YYYY-MM-DD: reason"

_DIRECTIVE = re.compile(r"^fastpolicy\s*:|\bfastpolicy\s*:\s*ignore\b", re.IGNORECASE)
_IGNORE = re.compile(r"\bfastpolicy\s*:\s*ignore\s*\[([^\]]*)\](.*)$", re.IGNORECASE)
_UNTIL = re.compile(r"^until\s*=\s*(\S*?)(?=:|\s|$)(.*)$", re.IGNORECASE)
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class MetaRule:
    id: str
    name: str
    title: str
    severity: str
    statement: str
    fix: str


META_RULES: dict[str, MetaRule] = {m.id: m for m in (
    MetaRule(UNKNOWN, "unknown-suppression-id", "Suppression names no record", "medium",
             "A `# fastpolicy: ignore[...]` comment names an id or name that no record has, so it suppresses nothing.",
             "Correct the id or name (`fastpolicy list` shows them), or remove it from the comment."),
    MetaRule(UNUSED, "unused-suppression", "Suppression suppresses nothing", "low",
             "A `# fastpolicy: ignore[ID]` comment names a rule that ran and found nothing on this statement.",
             "Remove the id from the comment (or the whole comment): a stale suppression would hide a future finding."),
    MetaRule(EXPIRED, "expired-suppression", "Suppression has expired", "medium",
             "A suppression's `until=` date has passed: it no longer suppresses, and its findings are reported again.",
             "Fix the findings, or renew the date with a reason a reviewer accepts."),
    MetaRule(MALFORMED, "malformed-suppression", "Suppression comment does not parse", "medium",
             f"A `fastpolicy:` comment is not of the form `{SYNTAX}`, so it suppresses nothing.",
             f"Write it as `{SYNTAX}` (the date and the reason are optional)."),
)}


def meta_rule(token: str) -> MetaRule | None:
    """The suppression check `token` names (id or name, any case), else None."""
    wanted = token.casefold()
    return next((m for m in META_RULES.values() if wanted in (m.id.casefold(), m.name.casefold())), None)


def meta_rule_info(rule: MetaRule, docs_url: str) -> RuleInfo:
    return RuleInfo(id=rule.id, name=rule.name, title=rule.title, severity=rule.severity, level="MUST NOT", statement=rule.statement,
                    rationale="A suppression that cannot do what it says hides findings by accident, or stays after the finding is gone.",
                    fix=rule.fix, url=meta_url(docs_url), section="suppressions")


def meta_url(docs_url: str) -> str:
    return f"{docs_url.rstrip('/')}/{SUPPRESSIONS_URL}" if docs_url else ""


@dataclass(frozen=True)
class Suppression:
    path: str
    line: int
    column: int
    alone: bool  # alone on its line: it also covers the statement below
    tokens: tuple[str, ...] = ()
    until: datetime.date | None = None
    reason: str = ""
    problem: str = ""  # why it does not parse ('' = well formed)


def parse(path: str, comment: Comment) -> Suppression | None:
    """The suppression a comment states; None when it is no `fastpolicy:` comment."""
    if not _DIRECTIVE.search(comment.text):
        return None
    where = dict(path=path, line=comment.line, column=comment.column, alone=comment.alone)
    match = _IGNORE.search(comment.text)
    if match is None:
        return Suppression(**where, problem="expected `fastpolicy: ignore[ID, ...]`")  # type: ignore[arg-type]
    tokens = tuple(t.strip() for t in match.group(1).split(",") if t.strip())
    bad = [t for t in tokens if not _TOKEN.match(t)]
    if not tokens or bad:
        problem = "no id between the brackets" if not tokens else f"'{bad[0]}' is not an id or name"
        return Suppression(**where, problem=problem)  # type: ignore[arg-type]
    rest, until = match.group(2).strip(), None
    dated = _UNTIL.match(rest)
    if dated:
        try:
            until = datetime.date.fromisoformat(dated.group(1))
        except ValueError:
            return Suppression(**where, tokens=tokens, problem=f"until={dated.group(1)} is not a date (write until=YYYY-MM-DD)")  # type: ignore[arg-type]
        rest = dated.group(2).strip()
    elif rest.lower().startswith("until"):
        return Suppression(**where, tokens=tokens, problem="write the expiry as until=YYYY-MM-DD")  # type: ignore[arg-type]
    reason = rest[1:].strip() if rest.startswith(":") else rest
    return Suppression(**where, tokens=tokens, until=until, reason=reason)  # type: ignore[arg-type]


@lru_cache(maxsize=256)
def suppressions(path: str) -> tuple[Suppression, ...]:
    """Every `fastpolicy:` comment of the file, in order (a file that never says "fastpolicy" is not tokenized)."""
    if "fastpolicy" not in source_text(path).lower():
        return ()
    return tuple(s for s in (parse(path, c) for c in comments(path) if "fastpolicy" in c.text.lower()) if s is not None)


def clear_source_cache() -> None:
    """Forget every file read: call once per scan."""
    _clear_text()
    clear_comment_cache()
    clear_scope_cache()
    suppressions.cache_clear()


def covering(finding: Finding) -> list[Suppression]:
    """The suppressions on the finding's statement, or alone on the line above its first line."""
    first, last = statement_lines(finding.path, finding.line, finding.end_line)
    return [s for s in suppressions(finding.path) if first <= s.line <= last or (s.alone and s.line == first - 1)]


@dataclass
class Outcome:
    kept: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    notices: list[Finding] = field(default_factory=list)  # FPY-10x findings


def apply_suppressions(
    findings: Iterable[Finding], *, resolve: Callable[[str], str | None], ran: Iterable[str], files: Iterable[str],
    today: datetime.date, enabled: Iterable[str] = tuple(META_RULES), docs_url: str = "",
) -> Outcome:
    """Drop the findings a live suppression names; report unknown ids, unused, expired and malformed suppressions in `files`.

    `resolve` maps a token to the record id it names (None: no record); `ran` are the ids that ran in this scan.
    """
    ran, enabled = set(ran), set(enabled)
    outcome = Outcome()
    used: set[tuple[Suppression, str]] = set()
    for finding in sorted(set(findings), key=Finding.sort_key):
        live = False
        for s in covering(finding):
            if s.problem or (s.until is not None and s.until < today):
                continue
            for token in s.tokens:
                if resolve(token) == finding.rule_id:
                    used.add((s, token))
                    live = True
        if live:
            outcome.suppressed += 1
        else:
            outcome.kept.append(finding)
    for path in sorted(set(files)):
        for s in suppressions(path):
            outcome.notices += _notices(s, resolve, ran, used, today, meta_url(docs_url))
    outcome.notices = [n for n in outcome.notices if n.rule_id in enabled]
    return outcome


def _notices(s: Suppression, resolve: Callable[[str], str | None], ran: set[str], used: set[tuple[Suppression, str]],
             today: datetime.date, url: str) -> list[Finding]:
    if s.problem:
        return [notice(MALFORMED, s, f"malformed suppression: {s.problem}; it suppresses nothing. Write `{SYNTAX}`.", url)]
    found: list[Finding] = []
    expired = s.until is not None and s.until < today
    if expired:
        found.append(notice(EXPIRED, s, f"this suppression of {', '.join(s.tokens)} expired on {s.until.isoformat()}: it no longer suppresses, "  # type: ignore[union-attr]
                                       "so its findings are reported again. Fix them, or renew the date with a reason.", url))
    for token in dict.fromkeys(s.tokens):
        rule_id = resolve(token)
        if rule_id is None and meta_rule(token) is None:
            found.append(notice(UNKNOWN, s, f"ignore[{token}] names no record, so it suppresses nothing; `fastpolicy list` shows the ids and names.", url))
        elif rule_id in ran and not expired and (s, token) not in used:
            found.append(notice(UNUSED, s, f"unused suppression: {rule_id} found nothing on this statement; remove '{token}' from the comment.", url))
    return found


def notice(rule_id: str, s: Suppression, message: str, url: str = "") -> Finding:
    rule = META_RULES[rule_id]
    text = source_line(s.path, s.line)
    column = len(text[: s.column - 1].encode("utf-16-le")) // 2 + 1
    return Finding(
        rule_id=rule.id, name=rule.name, title=rule.title, severity=rule.severity, seed=(), path=s.path, line=s.line, end_line=s.line,
        column=column, message=message, code=text.strip(), url=url, end_column=len(text.encode("utf-16-le")) // 2 + 1,
        fingerprint=fingerprint_at(rule.id, s.path, s.line),
    )


def filter_findings(findings: Iterable[Finding], threshold: str) -> tuple[list[Finding], int]:
    """The findings at or above the severity threshold, and how many were below it."""
    kept: list[Finding] = []
    below = 0
    limit = severity_rank(threshold)
    for finding in sorted(set(findings), key=Finding.sort_key):
        if severity_rank(finding.severity) > limit:
            below += 1
        else:
            kept.append(finding)
    return kept, below
