"""Run semgrep offline in its own process group and turn its JSON into results and typed scan errors — never trust its exit code.

semgrep 1.185 has no option that reads targets from a file (`semgrep scan --help`: no --target-list), and
scanning folders would hand file selection back to semgrep (its ignore list skips tests/). So the explicit
file list is split into as few command lines as fit the OS limit; one compiled config serves every batch.
"""

from __future__ import annotations

import gc
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import Terminated, ToolError, UsageError
from .semgrep_output import METAVAR_MARK, RULE_ERROR_TYPES, RawResult, SemgrepRun, merge_runs, parse_output, quote

__all__ = ["METAVAR_MARK", "RULE_ERROR_TYPES", "RawResult", "SemgrepRun", "find_executable", "parse_output", "quote", "run_semgrep"]

ENV_EXECUTABLE = "FASTPOLICY_SEMGREP"
ENV_TIMEOUT = "FASTPOLICY_TIMEOUT"
DEFAULT_TIMEOUT = 900.0
# and per target file, when FASTPOLICY_TIMEOUT is unset: a fixed bound made every large project fail (50,000 files need
# well over 15 min on 2 shared cores, bench/README.md "Growth"); 0.2 s is ~6x the slowest per-file wall time measured there
DEFAULT_TIMEOUT_PER_FILE = 0.2
GRACE_SECONDS = 3.0  # after forwarding a signal, how long semgrep may take to stop before the group is killed
DEFAULT_JOBS = 1  # measured on 2 shared cores: see bench/README.md ("jobs")
DEFAULT_TIMEOUT_THRESHOLD = 3  # rule timeouts after which semgrep stops checking a file (0 would mean never)
# semgrep reads these from the environment; none may steer a fastpolicy run
_SCRUBBED_ENV = ("SEMGREP_RULES", "SEMGREP_BASELINE_COMMIT", "SEMGREP_APP_TOKEN", "SEMGREP_URL", "SEMGREP_SEND_METRICS", "SEMGREP_SETTINGS_FILE", "SEMGREP_LOG_FILE")


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


def run_timeout(targets: int = 0) -> float:
    """FASTPOLICY_TIMEOUT in seconds: a positive finite number; anything else is a usage error (exit 2). Unset: 900 s
    plus 0.2 s per target file, so the default bound grows with the project the way semgrep's time does."""
    raw = os.environ.get(ENV_TIMEOUT)
    if raw is None:
        return DEFAULT_TIMEOUT + DEFAULT_TIMEOUT_PER_FILE * targets
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{ENV_TIMEOUT}={quote(raw, 80)!r} is not a valid limit: it accepts a positive finite number of seconds (e.g. 900; unset, the bound is 900 plus 0.2 per file checked)")
    return value


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    env["XDG_CONFIG_HOME"] = str(home)  # semgrep writes settings/logs there; an unwritable HOME crashes it
    env["SEMGREP_SETTINGS_FILE"] = str(home / "settings.yml")
    env["SEMGREP_LOG_FILE"] = str(home / "semgrep.log")
    env["TMPDIR"] = str(home / "tmp")  # semgrep's own temp files live in our folder and go with it
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def batches(targets: Sequence[str], fixed: int, budget: int | None = None) -> list[list[str]]:
    """Split targets into command lines that stay under the OS argument limit (argv + environment)."""
    if budget is None:
        try:
            arg_max = int(os.sysconf("SC_ARG_MAX"))
        except (ValueError, OSError, AttributeError):
            arg_max = 131072
        budget = max(32768, min(arg_max, 2 << 20) // 2 - fixed)
    out: list[list[str]] = [[]]
    used = 0
    for target in targets:
        cost = len(os.fsencode(target)) + 1 + 8  # the string, its NUL, its pointer
        if out[-1] and used + cost > budget:
            out.append([])
            used = 0
        out[-1].append(target)
        used += cost
    return out if out[-1] else []


def command_batches(command: Sequence[str], targets: Sequence[str], env: Mapping[str, str]) -> list[list[str]]:
    """`command` followed by each batch of `targets` that fits the OS limit beside it and `env` (one empty batch for no
    targets): the command lines of one semgrep pass."""
    fixed = sum(len(os.fsencode(a)) + 9 for a in command) + sum(len(k) + len(v) + 10 for k, v in env.items())
    return [[*command, *batch] for batch in batches(targets, fixed) or [[]]]


def _stop_group(proc: subprocess.Popen[str], first: int) -> None:
    """Forward `first` to semgrep's whole process group, then kill what is left after a grace period."""
    try:
        os.killpg(proc.pid, first)
    except (ProcessLookupError, PermissionError):
        pass
    deadline = time.monotonic() + GRACE_SECONDS
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    _kill_group(proc)


def _kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # also reaches semgrep-core children the front-end left behind
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _run_once(command: list[str], cwd: Path | None, env: dict[str, str], timeout: float) -> tuple[str, str, int]:
    try:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", start_new_session=True)
    except OSError as exc:
        raise ToolError(f"cannot run semgrep at {command[0]}: {exc}") from exc
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise ToolError(f"semgrep did not finish within the time limit ({ENV_TIMEOUT} sets it, in seconds); the scan is incomplete") from exc
    except KeyboardInterrupt:
        _stop_group(proc, signal.SIGINT)
        raise
    except Terminated:
        _stop_group(proc, signal.SIGTERM)
        raise
    except BaseException:
        _kill_group(proc)
        raise
    _kill_group(proc)  # nothing of the run may outlive it
    return stdout, stderr, proc.returncode


def release_memory() -> None:
    """Give back to the system what this process has freed, before semgrep starts: the scan holds its memory while semgrep
    runs, and CPython and glibc keep freed memory (the model's transfer from its child, the catalogue's loading) for
    reuse. A full collection, then glibc's `malloc_trim` where the C library has one (elsewhere: the collection only)."""
    gc.collect()
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):
        return
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    trim(0)


def run_semgrep(config: Mapping[str, Any], targets: Sequence[str], *, cwd: Path | None = None, jobs: int = DEFAULT_JOBS,
                timeout_threshold: int = DEFAULT_TIMEOUT_THRESHOLD, root: str | None = None) -> SemgrepRun:
    """One compiled config over `targets` (explicit files), in as few semgrep processes as the OS allows.

    With `root`, semgrep runs in that folder on paths relative to it, and the run's paths are given back as the
    caller wrote them: semgrep matches a rule's `paths` include/exclude globs against the target path relative to
    its working directory, and silently matches none of them for a target outside it (measured with 1.185: an
    excluded file is reported, an included one is never checked), so the verdict would depend on where the user
    stands. After `timeout_threshold` rule timeouts on one file semgrep skips the rest of that file's rules; the
    scanner reports such a file as not checked (`not_checked_after_timeouts`)."""
    if root is not None:
        relative = {t: os.path.relpath(os.path.abspath(t), root) for t in targets}
        if all(not r.startswith("..") for r in relative.values()):
            back = {r: t for t, r in relative.items()}
            run = run_semgrep(config, [relative[t] for t in targets], cwd=Path(root), jobs=jobs, timeout_threshold=timeout_threshold)
            return as_given(run, back)
    executable = find_executable()
    timeout = run_timeout(len(targets))
    deadline = time.monotonic() + timeout
    release_memory()
    with tempfile.TemporaryDirectory(prefix="fastpolicy-") as tmp:
        config_path = str(Path(tmp) / "rules.json")
        # JSON, not YAML: semgrep crashes on YAML floats and rejects YAML nulls
        Path(config_path).write_text(json.dumps(config, sort_keys=True), encoding="utf-8")
        home = Path(tmp) / "home"
        (home / "tmp").mkdir(parents=True)
        env = _environment(home)
        command = [
            executable, "scan", "--metrics=off", "--disable-version-check", "--json",
            "--no-rewrite-rule-ids", "--disable-nosem", "--timeout", "30", "--timeout-threshold", str(timeout_threshold),
            "--max-target-bytes", "0", "-j", str(jobs), "--config", config_path, "--",
        ]
        runs = []
        for batch in command_batches(command, targets, env):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ToolError(f"semgrep did not finish within the time limit ({ENV_TIMEOUT} sets it, in seconds); the scan is incomplete")
            stdout, stderr, code = _run_once(batch, cwd, env, remaining)
            runs.append(parse_output(stdout, stderr, code, config_path))
    return runs[0] if len(runs) == 1 else merge_runs(runs)


def as_given(run: SemgrepRun, back: Mapping[str, str]) -> SemgrepRun:
    """The run with every path semgrep reported relative to its working folder written as the caller gave it."""
    def path(p: str) -> str:
        return back.get(p, p) if p else p

    return SemgrepRun(
        results=tuple(replace(r, path=path(r.path)) for r in run.results),
        errors=tuple(replace(e, path=path(e.path)) for e in run.errors),
        rule_errors=run.rule_errors,
        scanned=tuple(sorted(path(p) for p in run.scanned)),
    )
