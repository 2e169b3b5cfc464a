"""Regression tests for issue 11 (hostile input, lost coverage, tracebacks, scale, cleanup): each reproduces one report."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FASTPOLICY, ROOT, run_cli

CORS = "tests/fixtures/projects/cors"
CLEAN = "tests/fixtures/projects/clean"
DEBUG_APP = "from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n"


def scan_json(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    result = run_cli("scan", "--format", "json", *args, env=env, cwd=cwd)
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


def fake_semgrep(tmp_path: Path, report: str, name: str = "semgrep") -> str:
    """A "semgrep" that prints `report` as its JSON, whatever it is asked."""
    (tmp_path / "report.json").write_text(report, encoding="utf-8")
    program = tmp_path / name
    program.write_text(f"#!/bin/sh\ncat '{tmp_path / 'report.json'}'\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return str(program)


# -- 1. an example's file name cannot leave the temp folder -------------------------------------------------

def test_example_file_name_outside_its_folder_is_refused_where_it_is_written(tmp_path: Path) -> None:
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.errors import PolicyError
    from fastpolicy.scan.examples import run_examples

    victim = tmp_path / "victim.py"
    victim.write_text("original\n")
    policy = next(p for p in load_catalogue([]).policies if p.check.uses_semgrep and p.examples)
    climbing = "../" * 40 + str(victim).lstrip("/")
    hostile = replace(policy, examples=(replace(policy.examples[0], filename=climbing),))
    with pytest.raises(PolicyError) as caught:
        run_examples([hostile])
    assert victim.read_text() == "original\n"
    [problem] = caught.value.problems
    assert problem.path == policy.path and problem.line > 1
    assert "must be a relative path inside the example folder" in problem.message


# -- 5. FASTPOLICY_TIMEOUT -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "abc", "nan", "inf", "1e999", "0", "-5"])
def test_bad_timeout_is_a_usage_error(value: str) -> None:
    result = run_cli("scan", "--select", "SEC-010", CLEAN, env={"FASTPOLICY_TIMEOUT": value})
    assert result.returncode == 2, result.stderr
    assert "FASTPOLICY_TIMEOUT" in result.stderr and "positive finite number of seconds" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_default_time_limit_grows_with_the_files_and_a_set_one_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastpolicy.scan.semgrep import run_timeout

    monkeypatch.delenv("FASTPOLICY_TIMEOUT", raising=False)
    assert run_timeout() == 900
    assert run_timeout(1_000) == 1_100
    assert run_timeout(50_000) == 10_900  # a fixed 900 s cut off every 50k-file scan on 2 cores (bench/README.md, Growth)
    monkeypatch.setenv("FASTPOLICY_TIMEOUT", "60")
    assert run_timeout(50_000) == 60  # a user's limit is the whole bound, whatever the size


def test_timeout_expiry_kills_semgrep_and_is_incomplete(tmp_path: Path) -> None:
    result = run_cli("scan", "--select", "SEC-010", CORS, env={"FASTPOLICY_TIMEOUT": "0.5", "TMPDIR": str(tmp_path)})
    assert result.returncode == 3, result.stderr
    assert "did not finish within the time limit" in result.stderr
    assert list(tmp_path.iterdir()) == []
    assert _processes_mentioning(str(tmp_path)) == []


# -- 6, 13. semgrep's JSON oddities and huge output -------------------------------------------------------

ODD_REPORTS = {
    "extra-not-a-mapping": {"results": [{"check_id": "SEC-010", "path": "a.py", "start": {"line": 1, "col": 1}, "end": {"line": 1, "col": 2}, "extra": "x"}], "errors": [], "paths": {"scanned": ["a.py"]}},
    "results-not-a-list": {"results": {"a": 1}, "errors": [], "paths": {"scanned": ["a.py"]}},
    "start-not-a-mapping": {"results": [{"check_id": "SEC-010", "path": "a.py", "start": 3, "end": {}, "extra": {}}], "errors": [], "paths": {"scanned": []}},
    "paths-not-a-mapping": {"results": [], "errors": [], "paths": ["a.py"]},
    "errors-not-a-list": {"results": [], "errors": "boom", "paths": {"scanned": ["a.py"]}},
}


@pytest.mark.parametrize("case", sorted(ODD_REPORTS))
def test_unreadable_semgrep_json_is_a_tool_error(case: str, tmp_path: Path) -> None:
    program = fake_semgrep(tmp_path, json.dumps(ODD_REPORTS[case]))
    result = run_cli("scan", "--select", "SEC-010", CLEAN, env={"FASTPOLICY_SEMGREP": program})
    assert result.returncode == 3, result.stderr
    assert "semgrep returned a result fastpolicy cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_error_messages_quote_a_bounded_part_of_semgrep_output() -> None:
    from fastpolicy.errors import ToolError
    from fastpolicy.scan.semgrep import parse_output

    with pytest.raises(ToolError) as caught:
        parse_output("x" * 5_000_000, "y" * 5_000_000, 2)
    assert len(caught.value.message) < 4000
    with pytest.raises(ToolError) as caught:
        parse_output("\n".join(["z" * 100_000] * 50), "", 2)
    assert len(caught.value.message) < 4000


# -- 7. the last line of defence --------------------------------------------------------------------------

def _run_in_process(monkeypatch: pytest.MonkeyPatch, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from fastpolicy import cli
    from fastpolicy.cli import boundary

    code = boundary.run(cli.app, argv)
    return code, capsys.readouterr().err


def test_an_unexpected_exception_exits_3_not_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import fastpolicy.scan.scanner as scanner

    def broken(*_args: object, **_kwargs: object) -> None:
        raise AttributeError("'str' object has no attribute 'get'")

    monkeypatch.setattr(scanner, "scan", broken)
    monkeypatch.delenv("FASTPOLICY_DEBUG", raising=False)
    code, err = _run_in_process(monkeypatch, ["scan", CLEAN], capsys)
    assert code == 3
    assert "internal error: AttributeError" in err and "Traceback" not in err
    code, err = _run_in_process(monkeypatch, ["--debug", "scan", CLEAN], capsys)
    assert code == 3 and "Traceback" in err
    monkeypatch.setenv("FASTPOLICY_DEBUG", "1")
    code, err = _run_in_process(monkeypatch, ["scan", CLEAN], capsys)
    assert code == 3 and "Traceback" in err


def test_exit_1_only_ever_means_findings() -> None:
    """Statically: EXIT_FINDINGS (or a literal 1) is returned only where findings or failed examples decide it."""
    import ast

    users = []
    for path in sorted((ROOT / "engine" / "fastpolicy" / "cli").glob("*.py")):
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "EXIT_FINDINGS":
                users.append(name)
            assert not (isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and node.value.value == 1), name
    assert sorted(users) == ["catalogue.py", "options.py"]  # exit_code() and `test` (failed examples)
    # dynamically, through the real entry point: a crash inside the library (here a RecursionError) exits 3, never 1
    source = ("import sys, fastpolicy.scan.scanner as s\n"
              "def deep(*a, **k): return deep()\n"
              "s.scan = deep\nfrom fastpolicy.cli import main\nmain()")
    result = subprocess.run([sys.executable, "-c", source, "scan", CLEAN], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "engine")}, check=False)
    assert result.returncode == 3, result.stderr
    assert "internal error: RecursionError" in result.stderr and "Traceback" not in result.stderr


# -- 8. symlinks ----------------------------------------------------------------------------------------

def test_symlinks_are_followed_inside_the_roots_and_reported_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text(DEBUG_APP)
    root = tmp_path / "project"
    (root / "real").mkdir(parents=True)
    (root / "real" / "main.py").write_text(DEBUG_APP)
    (root / "inside_link.py").symlink_to(root / "real" / "main.py")
    (root / "outside_link.py").symlink_to(outside / "app.py")
    (root / "dangling.py").symlink_to(tmp_path / "nothing.py")
    result, data = scan_json("--select", "ERR-102", "project", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert [f["path"] for f in data["findings"]] == ["project/real/main.py"]  # the inside link is the same file: once
    not_checked = {e["path"]: e["kind"] for e in data["errors"]}
    assert not_checked == {"project/outside_link.py": "symlink", "project/dangling.py": "symlink"}
    assert data["summary"]["complete"] is False


def test_a_symlinked_root_is_resolved(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(DEBUG_APP)
    (tmp_path / "link.py").symlink_to(tmp_path / "main.py")
    result, data = scan_json("--select", "ERR-102", "link.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [f["path"] for f in data["findings"]] == ["main.py"]


# -- 9. unknown semgrep warnings make the scan incomplete ---------------------------------------------------

@pytest.mark.parametrize("kind", ["Fixpoint timeout", "Too many matches", "Stack overflow", "A kind added in 2027"])
def test_unknown_or_lossy_semgrep_warnings_are_incomplete(kind: str, tmp_path: Path) -> None:
    report = {"results": [], "paths": {"scanned": [f"{CLEAN}/app/main.py"]},
              "errors": [{"code": 2, "level": "warn", "type": kind, "rule_id": "SEC-010", "path": f"{CLEAN}/app/main.py", "message": f"{kind} on this file"}]}
    program = fake_semgrep(tmp_path, json.dumps(report))
    result, data = scan_json("--select", "SEC-010", CLEAN, env={"FASTPOLICY_SEMGREP": program})
    assert result.returncode == 3, result.stderr
    [error] = data["errors"]
    assert error["level"] == "error" and error["kind"] == "not-checked" and kind in error["message"]


def test_only_allowlisted_warnings_stay_warnings() -> None:
    from fastpolicy.scan.semgrep import parse_output

    report = {"results": [], "paths": {"scanned": ["a.py"]}, "errors": [{"level": "warn", "type": "DependencyResolutionError", "message": "no lockfile"}]}
    [error] = parse_output(json.dumps(report), "", 0).errors
    assert (error.kind, error.level) == ("semgrep-warning", "warning")


# -- 10. a single too-large file ------------------------------------------------------------------------

def test_a_lone_too_large_file_is_reported_not_checked(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 900_000)
    result, data = scan_json("--select", "SEC-010", str(tmp_path))
    assert result.returncode == 3, result.stderr
    assert "no file to check" not in result.stderr
    [error] = data["errors"]
    assert error["kind"] == "too-large" and error["path"].endswith("big.py")


# -- 11. many files under a long folder name --------------------------------------------------------------

def test_the_target_list_is_split_to_fit_the_os_limit() -> None:
    from fastpolicy.scan.semgrep import batches

    targets = [f"{'d' * 200}/f{i}.py" for i in range(50_000)]
    parts = batches(targets, fixed=10_000, budget=1 << 20)
    assert [t for part in parts for t in part] == targets
    assert all(sum(len(t) + 9 for t in part) <= 1 << 20 for part in parts)


def test_a_target_list_over_the_os_limit_runs_in_batches_read_as_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The splitting and merging are ours: a stand-in semgrep logs each start and flags every target it was given."""
    from fastpolicy.scan.semgrep import run_semgrep

    log = tmp_path / "starts.jsonl"
    program = tmp_path / "semgrep"
    program.write_text(
        "#!/usr/bin/env python3\nimport json, sys\n"
        "targets = sys.argv[sys.argv.index('--') + 1:]\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sum(len(a) + 9 for a in sys.argv)) + '\\n')\n"
        "hit = lambda t: {'check_id': 'ERR-102', 'path': t, 'start': {'line': 1, 'col': 1}, 'end': {'line': 1, 'col': 2}, 'extra': {'message': 'm'}}\n"
        "print(json.dumps({'results': [hit(t) for t in targets], 'errors': [], 'paths': {'scanned': targets}}))\n",
        encoding="utf-8",
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("FASTPOLICY_SEMGREP", str(program))
    targets = sorted(f"{'d' * 200}/{'e' * 50}/m{i:05d}.py" for i in range(12_000))  # ~3.1 MB of names, as in the slow test below
    run = run_semgrep({"rules": []}, targets)
    starts = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(starts) >= 3, starts  # more than the OS takes on one command line: several processes
    assert all(size < 2 << 20 for size in starts), starts
    assert run.scanned == tuple(targets)
    assert sorted(r.path for r in run.results) == targets  # every batch's results, each once


# slow: a performance measurement (bench/ has the scale numbers); the batching it relies on is the test above
@pytest.mark.slow
def test_twelve_thousand_files_under_a_long_folder_are_scanned(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 200) / ("e" * 50)
    deep.mkdir(parents=True)
    for i in range(12_000):
        (deep / f"m{i:05d}.py").write_text(f"v{i} = {i}\n")
    (deep / "m99999.py").write_text(DEBUG_APP)
    started = time.monotonic()
    result, data = scan_json("--select", "ERR-102", str(tmp_path), env={"TMPDIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert data["summary"]["files_scanned"] == 12_001
    assert [f["path"].rsplit("/", 1)[1] for f in data["findings"]] == ["m99999.py"]
    assert time.monotonic() - started < 120


# -- 12. signals and cleanup ----------------------------------------------------------------------------

def _processes_mentioning(marker: str) -> list[str]:
    """Live processes (other than this test) whose environment or command line carries `marker`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            blob = (proc / "environ").read_bytes() + (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if marker.encode() in blob and state != "Z":
            found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120])
    return found


def _interrupt_mid_scan(sig: signal.Signals, private: Path, args: list[str], env: dict[str, str] | None = None) -> None:
    """Start a scan, wait for the engine ("semgrep-core") to run, send `sig`: no process and no temp folder may outlive it."""
    full_env = {**os.environ, "TMPDIR": str(private), "NO_COLOR": "1", **(env or {})}
    # as from a terminal: a test run started in the background (`make test &`, CI runners) inherits an ignored SIGINT,
    # which Python keeps, so Ctrl-C would never reach the scan and the test would wait on a scan that cannot stop
    proc = subprocess.Popen([*FASTPOLICY, "scan", *args], cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("semgrep-core" in p for p in _processes_mentioning(str(private))):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        assert any("semgrep-core" in p for p in _processes_mentioning(str(private))), "semgrep-core never started"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # a failed test leaves no scan running
            proc.kill()
            proc.wait()
    assert proc.returncode in (130, 143), err
    assert "Traceback" not in err
    time.sleep(0.5)
    assert _processes_mentioning(str(private)) == []
    assert list(private.iterdir()) == []


HANGING = str(ROOT / "tests" / "fixtures" / "fake-semgrep" / "hanging")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_scan_leaves_no_process_and_no_temp_folder(sig: signal.Signals, tmp_path: Path) -> None:
    """Signal forwarding and the process-group kill are ours: a stand-in semgrep whose engine child ignores the signal."""
    private = tmp_path / "tmp"
    private.mkdir()
    _interrupt_mid_scan(sig, private, ["--no-cache", "--select", "SEC-010", CORS], env={"FASTPOLICY_SEMGREP": HANGING})


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_scan_of_real_semgrep_leaves_no_process_and_no_temp_folder(sig: signal.Signals, tmp_path: Path) -> None:
    """The same with the real semgrep over every fixture app and every rule (slow: waits for semgrep-core to start)."""
    private = tmp_path / "tmp"
    private.mkdir()
    _interrupt_mid_scan(sig, private, ["--no-cache", "tests/fixtures/apps"])


# -- SARIF uris ---------------------------------------------------------------------------------------

def test_sarif_uris_are_percent_encoded_and_absolute_paths_have_a_base(tmp_path: Path) -> None:
    odd = tmp_path / "my app" / "café"
    odd.mkdir(parents=True)
    (odd / "main file.py").write_text(DEBUG_APP)
    for args, cwd in ((["my app"], tmp_path), ([str(tmp_path / "my app")], None)):  # relative and absolute roots map the same way
        run = json.loads(run_cli("scan", "--select", "ERR-102", "--format", "sarif", *args, cwd=cwd).stdout)["runs"][0]
        [location] = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
        assert location["uriBaseId"] == "%SRCROOT%" and location["uri"].endswith("caf%C3%A9/main%20file.py")
        assert not location["uri"].startswith("/") and " " not in location["uri"]
        base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        assert base.startswith("file:///") and base.endswith("/") and " " not in base


def test_a_problem_on_line_100_is_printed_as_path_line_not_an_emoji(capsys: pytest.CaptureFixture[str]) -> None:
    """Found by the fuzz run: rich turned `:100:` into an emoji, so `x.yaml:100: …` lost its location."""
    from fastpolicy.cli.boundary import render_error
    from fastpolicy.errors import PolicyError, Problem

    render_error(PolicyError("1 problem(s) in the policy records", [Problem("policies/x/X-001-a.yaml", 100, "examples[1]: :thumbs_up:")]))
    assert "policies/x/X-001-a.yaml:100: examples[1]: :thumbs_up:" in capsys.readouterr().err
