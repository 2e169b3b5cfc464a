"""Read semgrep's JSON report into results and typed scan errors, defensively: anything unexpected is a ToolError."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ToolError
from ..models import ScanError

RULE_ERROR_TYPES = ("Rule parse error", "InvalidRuleSchemaError", "UnknownLanguageError", "Invalid rule schema", "Missing plugin",
                    "Pattern parse error", "PatternParseError")
PARSE_TYPES = ("PartialParsing", "Syntax error", "Lexical error", "Other syntax error", "Parse error")
# warn/info kinds known not to reduce what was checked: the only ones shown as mere warnings. Every other kind
# (Fixpoint timeout, Too many matches, Stack overflow, any kind a newer semgrep adds) means a rule or a file
# was not fully checked, so the scan is incomplete.
HARMLESS_WARNING_TYPES = frozenset({
    "Semgrep match found", "SemgrepMatchFound",  # only says findings exist (emitted with --error)
    "DependencyResolutionError",  # lockfile resolution for supply-chain rules, which fastpolicy never compiles
})
MAX_QUOTED = 2000  # characters of semgrep's own output an error message may quote
METAVAR_MARK = "\u241e"  # the compiler appends `<mark>NAME=$NAME` to a message when the model needs that binding
UNREADABLE = "semgrep returned a result fastpolicy cannot read"


@dataclass(frozen=True)
class RawResult:
    rule_id: str
    path: str
    line: int
    end_line: int
    column: int
    message: str
    metavars: tuple[tuple[str, str], ...] = ()  # bound metavariables ($NAME -> source text) for model filters
    end_column: int = 0  # semgrep's exclusive end column in bytes on end_line; 0 = unknown (the end of the line)


@dataclass(frozen=True)
class SemgrepRun:
    results: tuple[RawResult, ...]
    errors: tuple[ScanError, ...]
    rule_errors: tuple[tuple[str, str], ...]  # (rule id or "", message): problems in the compiled rules
    scanned: tuple[str, ...]


def merge_runs(runs: list[SemgrepRun]) -> SemgrepRun:
    """Several batches of one compiled config, read as one run."""
    return SemgrepRun(
        tuple(r for run in runs for r in run.results),
        tuple(e for run in runs for e in run.errors),
        tuple(dict.fromkeys(e for run in runs for e in run.rule_errors)),
        tuple(sorted({p for run in runs for p in run.scanned})),
    )


def quote(text: str, limit: int = MAX_QUOTED) -> str:
    """At most `limit` characters of a tool's output, so an error message never copies megabytes."""
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters not shown)"


def _message_and_metavars(message: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    text, *bound = message.split(METAVAR_MARK)
    pairs = tuple(sorted(("$" + name, value) for name, _, value in (b.partition("=") for b in bound)))
    return text, pairs


def _text(error: Mapping[str, Any]) -> str:
    for key in ("message", "long_msg", "short_msg"):
        value = error.get(key)
        if isinstance(value, str) and value.strip():
            return quote(value.strip())
    return "semgrep reported an error without a message"


def _error_type(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    if isinstance(kind, list):
        kind = kind[0] if kind else ""
    return str(kind)


def _error_line(error: Mapping[str, Any]) -> int:
    spans = error.get("spans") or []
    kind = error.get("type")
    if isinstance(kind, list) and len(kind) > 1 and kind[1]:
        spans = kind[1]
    for span in spans if isinstance(spans, list) else ():
        start = span.get("start") if isinstance(span, dict) else None
        if isinstance(start, dict) and isinstance(start.get("line"), int):
            return int(start["line"])
    return 0


def _classify(error: Mapping[str, Any], config_path: str) -> tuple[ScanError | None, tuple[str, str] | None]:
    kind = _error_type(error)
    level = str(error.get("level", "error"))
    message = _text(error)
    first = message.splitlines()[0] if message.splitlines() else message
    rule_id = str(error.get("rule_id", "") or "")
    path = str(error.get("path", "") or "")
    if path == config_path or (path and Path(path).name.startswith("tmp") and path.endswith(".json")):
        path = ""
    if kind in RULE_ERROR_TYPES or (not path and rule_id and level == "error"):
        return None, (rule_id, message)
    line = _error_line(error)
    if kind == "Timeout":
        return ScanError("timeout", "error", f"rule timed out on this file, its findings here are missing: {first}", path, 0, rule_id), None
    if kind == "Out of memory":
        return ScanError("out-of-memory", "error", "semgrep ran out of memory on this file; its findings are missing", path, 0, rule_id), None
    if kind in PARSE_TYPES:
        if kind == "Lexical error" or line <= 1:
            return ScanError("unparsed", "error", f"file could not be parsed, it was not checked: {first}", path, line, ""), None
        # fail closed: the unparsed lines may hold exactly the violation (a partial parse is still incomplete)
        return ScanError("partial-parse", "error", f"part of the file could not be parsed, those lines were not checked: {first}", path, line, ""), None
    if level in ("warn", "warning", "info") and kind in HARMLESS_WARNING_TYPES:
        return ScanError("semgrep-warning", "warning", first, path, line, rule_id), None
    if level in ("warn", "warning", "info"):
        what = f"rule {rule_id} " if rule_id else ""
        return ScanError("not-checked", "error", f"{what}not fully checked here (semgrep: {kind or 'unknown kind'}): {first}", path, line, rule_id), None
    return ScanError("fatal", "error", message, path, line, rule_id), None


def _result(item: Any) -> RawResult:
    extra = item.get("extra", {}) if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(extra, dict) or not isinstance(item.get("start"), dict) or not isinstance(item.get("end"), dict):
        raise TypeError("a result entry is not a mapping with start, end and extra")
    message = extra.get("message", "")
    if not isinstance(message, str):
        raise TypeError("extra.message is not text")
    text, metavars = _message_and_metavars(message)
    if isinstance(item["start"]["line"], bool) or isinstance(item["end"]["line"], bool):
        raise TypeError("a line is not a number")
    return RawResult(rule_id=str(item["check_id"]), path=str(item["path"]), line=int(item["start"]["line"]),
                     end_line=int(item["end"]["line"]), column=int(item["start"]["col"]), message=text, metavars=metavars,
                     end_column=int(item["end"].get("col", 0) or 0))


def parse_output(stdout: str, stderr: str, returncode: int, config_path: str = "") -> SemgrepRun:
    try:
        data = json.loads(stdout)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not all(k in data for k in ("results", "errors", "paths")):
        tail = quote((stderr or stdout or "").strip()[-20 * MAX_QUOTED:], MAX_QUOTED * 2).splitlines()[-5:]
        detail = "\n  ".join(quote(line, 400) for line in tail) if tail else "(no output)"
        raise ToolError(f"semgrep failed (exit code {returncode}) without a usable JSON report; nothing was checked.\n  {detail}")
    try:
        errors: list[ScanError] = []
        rule_errors: list[tuple[str, str]] = []
        for raw in _items(data.get("errors")):
            if not isinstance(raw, dict):
                errors.append(ScanError("fatal", "error", f"unreadable semgrep error entry: {quote(repr(raw), 400)}"))
                continue
            scan_error, rule_error = _classify(raw, config_path)
            if scan_error:
                errors.append(scan_error)
            if rule_error:
                rule_errors.append(rule_error)
        results = [_result(item) for item in _items(data.get("results"))]
        paths = data.get("paths") or {}
        if not isinstance(paths, dict):
            raise TypeError("paths is not a mapping")
        scanned = tuple(sorted(str(p) for p in _items(paths.get("scanned"))))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, IndexError) as exc:
        raise ToolError(f"{UNREADABLE} ({quote(str(exc), 400)}); the scan cannot be trusted") from exc
    return SemgrepRun(tuple(results), tuple(errors), tuple(rule_errors), scanned)


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value
