"""`fastpolicy scan` end to end: the JSON contract, determinism, and every exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, SEMGREP, run_cli

CORS = "tests/fixtures/projects/cors"
CLEAN = "tests/fixtures/projects/clean"
FAKE = FIXTURES / "fake-semgrep"
FINDING_KEYS = {"rule_id", "name", "title", "severity", "seed", "path", "line", "end_line", "column", "message", "code", "url", "end_column", "fingerprint"}


def scan_json(*args: str, env: dict[str, str] | None = None):
    result = run_cli("scan", "--format", "json", *args, env=env)
    return result, (json.loads(result.stdout) if result.stdout.strip() else None)


@pytest.fixture(scope="module")
def cors_scan():
    """One JSON scan of the CORS project with SEC-010, shared by the contract and determinism tests."""
    return scan_json("--select", "SEC-010", CORS)


def test_findings_follow_the_json_contract(cors_scan) -> None:  # type: ignore[no-untyped-def]
    result, data = cors_scan
    assert result.returncode == 1, result.stderr
    assert set(data) == {"version", "findings", "errors", "acknowledged", "summary"}
    [finding] = data["findings"]
    assert set(finding) == FINDING_KEYS
    assert finding["rule_id"] == "SEC-010"
    assert finding["path"] == "tests/fixtures/projects/cors/app/main.py"
    assert (finding["line"], finding["end_line"], finding["column"]) == (5, 5, 1)
    assert finding["code"] == 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)'
    assert finding["seed"] == ["S2.10"]
    assert finding["url"].endswith("/rules/SEC-010/")
    assert data["errors"] == []
    summary = data["summary"]
    assert summary["files_scanned"] == 1
    assert summary["suppressed"] == 1  # the second, annotated line
    assert summary["by_severity"]["high"] == 1
    assert summary["complete"] is True


def test_same_input_gives_byte_identical_json(cors_scan) -> None:  # type: ignore[no-untyped-def]
    first, _ = cors_scan
    second = run_cli("scan", "--format", "json", "--no-cache", "--select", "SEC-010", CORS)  # a second semgrep run, not the cache
    assert first.stdout == second.stdout
    assert first.stdout


def test_text_output_shows_line_message_and_link() -> None:
    result = run_cli("scan", "--select", "SEC-010", CORS)
    assert result.returncode == 1
    out = result.stdout
    assert "tests/fixtures/projects/cors/app/main.py" in out
    assert "5:1" in out and "HIGH" in out and "SEC-010" in out
    assert 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)' in out
    assert "rules/SEC-010/" in out
    assert "1 finding (1 high) in 1 file scanned" in out
    assert "1 suppressed" in out


def test_clean_project_exits_0() -> None:
    result, data = scan_json("--select", "SEC-010", CLEAN)
    assert result.returncode == 0, result.stderr
    assert data["findings"] == [] and data["summary"]["files_scanned"] == 1


def test_severity_threshold_hides_lower_findings() -> None:
    result, data = scan_json("--select", "SEC-010", "--severity", "critical", CORS)
    assert result.returncode == 0
    assert data["summary"]["below_threshold"] == 1


def test_docs_url_is_configurable() -> None:
    _, data = scan_json("--select", "SEC-010", CORS, env={"FASTPOLICY_DOCS_URL": "https://rules.internal/fp"})
    assert data["findings"][0]["url"] == "https://rules.internal/fp/rules/SEC-010/"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--select", "NOPE-999", CLEAN], "no record or section named 'NOPE-999'"),
        (["--severity", "urgent", CLEAN], "--severity must be critical, high, medium, low or info, not 'urgent'"),
        (["--select", "SEC-010", "does/not/exist"], "does/not/exist: no such file or directory"),
        (["--deployment", "mars", CLEAN], "--deployment must be kubernetes or vm, not 'mars'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run_cli("scan", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_record_with_broken_pattern_exits_2() -> None:
    org = "tests/fixtures/invalid/broken-pattern/policies"
    result = run_cli("scan", "--policies", org, "--select", "DEMO-001", CLEAN)
    assert result.returncode == 2
    assert "DEMO-001-eval-call.yaml:20: check.rule: semgrep rejects this rule" in result.stderr


@pytest.mark.parametrize(
    "program, message",
    [
        ("/nonexistent/semgrep", "FASTPOLICY_SEMGREP='/nonexistent/semgrep' is not an executable program"),
        (str(FAKE / "garbage"), "semgrep failed (exit code 0) without a usable JSON report"),
        (str(FAKE / "error-entry"), "the engine was killed"),
    ],
    ids=["missing", "garbage", "error-entry"],
)
def test_broken_semgrep_exits_3(program: str, message: str) -> None:
    result, data = scan_json("--select", "SEC-010", CLEAN, env={"FASTPOLICY_SEMGREP": program})
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    if data is not None:  # a JSON report, if any, must say the scan is incomplete
        assert data["summary"]["complete"] is False


def test_unparsable_file_is_reported_not_clean() -> None:
    result, data = scan_json("--select", "SEC-010", "tests/fixtures/projects/unparsable")
    assert result.returncode == 3
    [error] = data["errors"]
    assert error["path"] == "tests/fixtures/projects/unparsable/generated.py"
    assert error["kind"] in ("unparsed", "partial-parse") and error["level"] == "error"
    text = run_cli("scan", "--select", "SEC-010", "tests/fixtures/projects/unparsable").stdout
    assert "INCOMPLETE" in text and "generated.py" in text


def test_nothing_to_scan_is_not_clean() -> None:
    result = run_cli("scan", "--select", "SEC-010", "tests/fixtures/projects/empty-of-python")
    assert result.returncode == 3
    assert "no file to check" in result.stderr


@pytest.mark.parametrize("command", [["scan", "--no-cache", "--select", "SEC-010", CORS], ["test", "--section", "security"]], ids=["scan", "test"])
def test_one_semgrep_process(command: list[str], tmp_path: Path) -> None:
    log = tmp_path / "starts.log"
    env = {"FASTPOLICY_SEMGREP": str(FAKE / "counting"), "REAL_SEMGREP": SEMGREP, "FASTPOLICY_COUNT_LOG": str(log)}
    result = run_cli(*command, env=env)
    assert result.returncode in (0, 1), result.stderr
    starts = log.read_text().splitlines()
    assert len(starts) == 1, starts
    assert "--metrics=off" in starts[0] and "--disable-version-check" in starts[0]


def test_a_rules_paths_do_not_depend_on_the_working_folder(tmp_path: Path) -> None:
    # semgrep matches a rule's paths include/exclude against the target relative to its working folder and matches
    # none of them for a target outside it: an excluded test settings file was reported from elsewhere
    project = tmp_path / "svc"
    (project / "app" / "settings").mkdir(parents=True)
    (project / "app" / "settings" / "test.py").write_text('SECRET_KEY = "only-for-the-test-suite"\n', encoding="utf-8")
    (project / "app" / "config.py").write_text('SECRET_KEY = "change-me-in-production"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    seen = []
    for cwd, target in ((project, "."), (tmp_path, "svc"), (elsewhere, str(project))):
        result = run_cli("scan", target, "--select", "SEC-101", "--format", "json", "--no-cache", cwd=cwd)
        assert result.returncode == 1, result.stderr
        seen.append(sorted(Path(f["path"]).relative_to(Path(target)).as_posix() if not Path(f["path"]).is_absolute()
                           else Path(f["path"]).relative_to(project).as_posix() for f in json.loads(result.stdout)["findings"]))
    assert seen == [["app/config.py"]] * 3
