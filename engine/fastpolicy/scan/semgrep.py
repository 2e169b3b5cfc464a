"""Run semgrep once, offline, and turn its JSON into results and typed scan errors — never trust its exit code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ToolError
from ..models import ScanError

ENV_EXECUTABLE = "FASTPOLICY_SEMGREP"
ENV_TIMEOUT = "FASTPOLICY_TIMEOUT"
DEFAULT_JOBS = 1  # measured on 2 shared cores: see bench/README.md ("jobs")
DEFAULT_TIMEOUT_THRESHOLD = 3  # rule timeouts after which semgrep stops checking a file (0 would mean never)
# semgrep reads these from the environment; none may steer a fastpolicy run
_SCRUBBED_ENV = ("SEMGREP_RULES", "SEMGREP_BASELINE_COMMIT", "SEMGREP_APP_TOKEN", "SEMGREP_URL", "SEMGREP_SEND_METRICS", "SEMGREP_SETTINGS_FILE", "SEMGREP_LOG_FILE")
RULE_ERROR_TYPES = ("Rule parse error", "InvalidRuleSchemaError", "UnknownLanguageError", "Invalid rule schema", "Missing plugin")


@dataclass(frozen=True)
class RawResult:
    rule_id: str
    path: str
    line: int
    end_line: int
    column: int
    message: str
    metavars: tuple[tuple[str, str], ...] = ()  # bound metavariables ($NAME -> source text) for model filters


@dataclass(frozen=True)
class SemgrepRun:
    results: tuple[RawResult, ...]
    errors: tuple[ScanError, ...]
    rule_errors: tuple[tuple[str, str], ...]  # (rule id or "", message): problems in the compiled rules
    scanned: tuple[str, ...]


METAVAR_MARK = "\u241e"  # the compiler appends `<mark>NAME=$NAME` to a message when the model needs that binding


def _message_and_metavars(message: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    text, *bound = message.split(METAVAR_MARK)
    pairs = tuple(sorted(("$" + name, value) for name, _, value in (b.partition("=") for b in bound)))
    return text, pairs


def find_executable() -> str:
    """FASTPOLICY_SEMGREP, else the semgrep installed beside fastpolicy, else semgrep on PATH."""
    named = os.environ.get(ENV_EXECUTABLE)
    if named:
        found = shutil.which(named)
        if not found:
            raise ToolError(f"{ENV_EXECUTABLE}={named!r} is not an executable program. Point it at a semgrep (or opengrep) binary, or unset it to use the semgrep installed with fastpolicy.")
        return found
    beside = Path(sys.executable).parent / "semgrep"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("semgrep")
    if not found:
        raise ToolError("semgrep was not found. Install it beside fastpolicy (pip install semgrep) or set FASTPOLICY_SEMGREP to a semgrep binary.")
    return found


def _environment(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    env["XDG_CONFIG_HOME"] = home  # semgrep writes settings/logs there; an unwritable HOME crashes it
    env["SEMGREP_SETTINGS_FILE"] = str(Path(home) / "settings.yml")
    env["SEMGREP_LOG_FILE"] = str(Path(home) / "semgrep.log")
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def _text(error: Mapping[str, Any]) -> str:
    for key in ("message", "long_msg", "short_msg"):
        value = error.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
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
    for span in spans:
        start = span.get("start") if isinstance(span, dict) else None
        if isinstance(start, dict) and isinstance(start.get("line"), int):
            return int(start["line"])
    return 0


def _classify(error: Mapping[str, Any], config_path: str) -> tuple[ScanError | None, tuple[str, str] | None]:
    kind = _error_type(error)
    level = str(error.get("level", "error"))
    message = _text(error)
    rule_id = str(error.get("rule_id", "") or "")
    path = str(error.get("path", "") or "")
    if path == config_path or (path and Path(path).name.startswith("tmp") and path.endswith(".json")):
        path = ""
    if kind in RULE_ERROR_TYPES or (not path and rule_id and level == "error"):
        return None, (rule_id, message)
    line = _error_line(error)
    if kind == "Timeout":
        return ScanError("timeout", "error", f"rule timed out on this file, its findings here are missing: {message.splitlines()[0]}", path, 0, rule_id), None
    if kind == "Out of memory":
        return ScanError("out-of-memory", "error", "semgrep ran out of memory on this file; its findings are missing", path, 0, rule_id), None
    if kind in ("PartialParsing", "Syntax error", "Lexical error", "Other syntax error", "Parse error"):
        whole = kind == "Lexical error" or line <= 1
        if whole:
            return ScanError("unparsed", "error", f"file could not be parsed, it was not checked: {message.splitlines()[0]}", path, line, ""), None
        # fail closed: the unparsed lines may hold exactly the violation (a partial parse is still incomplete)
        return ScanError("partial-parse", "error", f"part of the file could not be parsed, those lines were not checked: {message.splitlines()[0]}", path, line, ""), None
    if level in ("warn", "warning", "info"):
        return ScanError("semgrep-warning", "warning", message.splitlines()[0], path, line, rule_id), None
    return ScanError("fatal", "error", message, path, line, rule_id), None


def run_semgrep(config: Mapping[str, Any], targets: Sequence[str], *, cwd: Path | None = None, jobs: int = DEFAULT_JOBS,
                timeout_threshold: int = DEFAULT_TIMEOUT_THRESHOLD) -> SemgrepRun:
    """One semgrep process over `targets` (explicit files) with the compiled `config`.

    After `timeout_threshold` rule timeouts on one file semgrep skips the rest of that file's rules; the scanner
    reports such a file as not checked (`not_checked_after_timeouts`)."""
    executable = find_executable()
    timeout = float(os.environ.get(ENV_TIMEOUT, "900"))
    with tempfile.TemporaryDirectory(prefix="fastpolicy-") as tmp:
        config_path = str(Path(tmp) / "rules.json")
        # JSON, not YAML: semgrep crashes on YAML floats and rejects YAML nulls
        Path(config_path).write_text(json.dumps(config, sort_keys=True), encoding="utf-8")
        home = Path(tmp) / "home"
        home.mkdir()
        command = [
            executable, "scan", "--metrics=off", "--disable-version-check", "--json",
            "--no-rewrite-rule-ids", "--disable-nosem", "--timeout", "30", "--timeout-threshold", str(timeout_threshold),
            "--max-target-bytes", "0", "-j", str(jobs), "--config", config_path, "--", *targets,
        ]
        try:
            proc = subprocess.run(command, cwd=cwd, env=_environment(str(home)), capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError as exc:
            raise ToolError(f"cannot run semgrep at {executable}: {exc}") from exc
        except PermissionError as exc:
            raise ToolError(f"cannot run semgrep at {executable}: {exc}") from exc
        except OSError as exc:
            raise ToolError(f"cannot run semgrep at {executable}: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ToolError(f"semgrep did not finish within {timeout:.0f} s ({ENV_TIMEOUT} sets the limit); the scan is incomplete") from exc
    return parse_output(proc.stdout, proc.stderr, proc.returncode, config_path)


def parse_output(stdout: str, stderr: str, returncode: int, config_path: str = "") -> SemgrepRun:
    try:
        data = json.loads(stdout)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(k in data for k in ("results", "errors", "paths")):
        tail = (stderr or stdout or "").strip().splitlines()[-5:]
        detail = "\n  ".join(tail) if tail else "(no output)"
        raise ToolError(f"semgrep failed (exit code {returncode}) without a usable JSON report; nothing was checked.\n  {detail}")
    errors: list[ScanError] = []
    rule_errors: list[tuple[str, str]] = []
    for raw in data.get("errors") or []:
        if not isinstance(raw, dict):
            errors.append(ScanError("fatal", "error", f"unreadable semgrep error entry: {raw!r}"))
            continue
        scan_error, rule_error = _classify(raw, config_path)
        if scan_error:
            errors.append(scan_error)
        if rule_error:
            rule_errors.append(rule_error)
    results = []
    for item in data.get("results") or []:
        try:
            results.append(
                RawResult(
                    rule_id=str(item["check_id"]),
                    path=str(item["path"]),
                    line=int(item["start"]["line"]),
                    end_line=int(item["end"]["line"]),
                    column=int(item["start"]["col"]),
                    message=_message_and_metavars(str(item.get("extra", {}).get("message", "")))[0],
                    metavars=_message_and_metavars(str(item.get("extra", {}).get("message", "")))[1],
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ToolError(f"semgrep returned a result fastpolicy cannot read ({exc}); the scan cannot be trusted") from exc
    scanned = tuple(sorted(str(p) for p in (data.get("paths") or {}).get("scanned", []) or []))
    return SemgrepRun(tuple(results), tuple(errors), tuple(rule_errors), scanned)
