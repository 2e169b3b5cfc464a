"""Project configuration ([tool.fastpolicy] / fastpolicy.toml), exit-code control and unparsable files, through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import run_cli

CORS = 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
# valid Python 3.8+ that semgrep's Python parser refuses (the `=` fill character of a format spec)
SEMGREP_UNPARSABLE = CORS + 'print(f"{app:=^10}")\n'
PY = f"{sys.version_info.major}.{sys.version_info.minor}"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def scan(*args: str, cwd: Path) -> tuple[int, dict, str]:
    result = run_cli("scan", "--format", "json", "-q", *args, cwd=cwd)
    return result.returncode, (json.loads(result.stdout) if result.stdout.strip() else {}), result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configured project: SEC-010 in four places, one file semgrep cannot parse."""
    return write(tmp_path_factory.mktemp("configured"), {
        "pyproject.toml": (
            '[project]\nname = "demo"\n\n[tool.fastpolicy]\nselect = ["SEC-010"]\nseverity = "info"\nextend-exclude = ["generated/"]\n'
            'per-file-ignores = {"scripts/**" = ["cors-wildcard-origin"]}\nunparsable = ["app/new_syntax.py", "gone/**"]\n'
        ),
        "app/main.py": CORS, "scripts/tool.py": CORS, "generated/client.py": CORS, "app/new_syntax.py": SEMGREP_UNPARSABLE,
        "sub/pyproject.toml": '[project]\nname = "sub"\n',  # a pyproject without [tool.fastpolicy] does not count
        "sub/app.py": CORS,
    })


@pytest.fixture(scope="module")
def configured_scan(project: Path) -> tuple[int, dict, str]:
    return scan("--cache-dir", str(project / ".cache"), ".", cwd=project)


def test_the_configuration_selects_excludes_ignores_per_file_and_acknowledges(configured_scan: tuple[int, dict, str]) -> None:
    code, data, stderr = configured_scan
    assert code == 1, stderr
    paths = sorted(f["path"] for f in data["findings"])
    assert paths == ["app/main.py", "app/new_syntax.py", "sub/app.py"]  # generated/ excluded, scripts/ per-file-ignored
    assert {f["rule_id"] for f in data["findings"]} == {"SEC-010"}
    assert data["summary"]["per_file_ignored"] == 1
    [acknowledged] = data["acknowledged"]
    assert acknowledged["path"] == "app/new_syntax.py" and acknowledged["level"] == "acknowledged"
    assert f"valid Python {PY} syntax that the semgrep parser does not support yet" in acknowledged["message"]
    assert data["summary"]["complete"] is True and data["summary"]["acknowledged"] == 1
    [warning] = data["errors"]  # the stale glob
    assert warning["level"] == "warning" and "'gone/**' matches no unparsable file" in warning["message"]


def test_the_text_summary_lists_acknowledged_files(project: Path, configured_scan: tuple[int, dict, str]) -> None:
    result = run_cli("scan", "-q", "--cache-dir", str(project / ".cache"), ".", cwd=project)
    assert result.returncode == 1
    assert "Acknowledged unparsable (1;" in result.stdout and "app/new_syntax.py" in result.stdout
    assert "1 ignored by per-file-ignores" in result.stdout


def test_the_nearest_configuration_applies_from_any_working_directory(project: Path, configured_scan: tuple[int, dict, str]) -> None:
    code, data, _ = scan("--cache-dir", str(project / ".cache"), str(project / "app"), cwd=project.parent)
    assert code == 1
    assert all(f["rule_id"] == "SEC-010" for f in data["findings"])
    assert data["acknowledged"] and data["summary"]["per_file_ignored"] == 0


def test_without_the_acknowledgement_the_scan_is_incomplete_and_says_why(project: Path, configured_scan: tuple[int, dict, str]) -> None:
    code, data, _ = scan("--isolated", "--select", "SEC-010", "--cache-dir", str(project / ".cache"), "app", cwd=project)
    assert code == 3
    [error] = [e for e in data["errors"] if e["path"] == "app/new_syntax.py"]
    assert error["level"] == "error" and f"valid Python {PY} syntax that the semgrep parser does not support yet" in error["message"]
    assert data["acknowledged"] == []


def test_command_line_flags_override_the_file(project: Path, configured_scan: tuple[int, dict, str]) -> None:
    code, data, _ = scan("--severity", "critical", "--exclude", "sub", "--cache-dir", str(project / ".cache"), ".", cwd=project)
    assert code == 0  # SEC-010 is high: below the command line's threshold
    assert data["summary"]["below_threshold"] == 2  # app/main.py and app/new_syntax.py; sub/ excluded by --exclude


@pytest.mark.parametrize(("args", "expected"), [(("--exit-zero",), 0), (("--fail-on", "CRITICAL"), 0), (("--fail-on", "high"), 1)])
def test_exit_code_control(project: Path, configured_scan: tuple[int, dict, str], args: tuple[str, ...], expected: int) -> None:
    code, data, _ = scan(*args, "--cache-dir", str(project / ".cache"), "app/main.py", cwd=project)
    assert code == expected
    assert len(data["findings"]) == 1  # shown whatever fails


@pytest.mark.parametrize(("severities", "fail_on", "exit_zero", "complete", "expected"), [
    ((), None, False, True, 0), (("low",), None, False, True, 1), (("low",), "medium", False, True, 0), (("medium", "low"), "medium", False, True, 1),
    (("critical",), "critical", False, True, 1), (("critical",), None, True, True, 0), (("critical",), None, True, False, 3), ((), "info", False, False, 3),
])
def test_the_exit_code_decision(severities: tuple[str, ...], fail_on: str | None, exit_zero: bool, complete: bool, expected: int) -> None:
    from fastpolicy.cli.options import exit_code
    from fastpolicy.models import Finding, ScanError, ScanResult

    findings = tuple(Finding("SEC-010", "n", "t", s, (), "a.py", i + 1, i + 1, 1, "m", "c", "") for i, s in enumerate(severities))
    errors = () if complete else (ScanError("unparsed", "error", "x", "a.py"),)
    assert exit_code(ScanResult(findings, errors, 1, 1), fail_on=fail_on, exit_zero=exit_zero) == expected


def test_fail_on_from_the_file_and_exit_zero_never_hides_an_incomplete_scan(project: Path, configured_scan: tuple[int, dict, str], tmp_path: Path) -> None:
    config = write(tmp_path, {"ci.toml": 'select = ["SEC-010"]\nfail-on = "critical"\n'}) / "ci.toml"
    code, data, _ = scan("--config", str(config), "--cache-dir", str(project / ".cache"), "app", cwd=project)
    assert code == 3 and data["findings"]  # the unparsable file is not acknowledged by this file: incomplete wins
    code, _, _ = scan("--config", str(config), "--cache-dir", str(project / ".cache"), "app/main.py", cwd=project)
    assert code == 0  # high < critical
    code, _, _ = scan("--config", str(config), "--exit-zero", "--cache-dir", str(project / ".cache"), "app", cwd=project)
    assert code == 3


def test_fastpolicy_toml_wins_in_its_folder_and_isolated_ignores_it(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.fastpolicy]\nselect = ["SEC-010"]\n', "fastpolicy.toml": 'ignore = ["no-such-record"]\n', "app.py": CORS})
    result = run_cli("scan", "-q", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "fastpolicy.toml:1: ignore: no record or section named 'no-such-record'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("scan", "-q", "--isolated", "--select", "SEC-010", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ('[tool.fastpolicy]\nselect = ["SEC-010"]\nignores = ["SEC-011"]\n', "pyproject.toml:3: tool.fastpolicy: unknown key 'ignores'"),
    ('[tool.fastpolicy]\nignore = "SEC-010"\n', "pyproject.toml:2: tool.fastpolicy.ignore: expected array, found a string"),
    ('[tool.fastpolicy]\njobs = 0\n', "pyproject.toml:2: tool.fastpolicy.jobs:"),
    ('[tool.fastpolicy]\nfail-on = "severe"\n', "pyproject.toml:2: tool.fastpolicy.fail-on: 'severe' is not one of"),
    ('[tool.fastpolicy]\nroles = {made-up = ["x/**"]}\n', "pyproject.toml:2: tool.fastpolicy.roles: unknown key 'made-up'"),
    ('[tool.fastpolicy]\n\n[tool.fastpolicy.per-file-ignores]\n"scripts/**" = ["SEC-999"]\n',
     "pyproject.toml:4: tool.fastpolicy.per-file-ignores.scripts/**: no record or section named 'SEC-999'"),
    ('[tool.fastpolicy]\nselect = [\n', "pyproject.toml: invalid TOML"),
])
def test_an_invalid_configuration_is_a_located_error(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, {"pyproject.toml": text, "app.py": CORS})
    result = run_cli("scan", "-q", "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_config_and_isolated_are_exclusive_and_a_missing_config_file_is_named(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": CORS})
    result = run_cli("scan", "--config", "nope.toml", ".", cwd=tmp_path)
    assert result.returncode == 2 and "--config: nope.toml: no such file" in result.stderr
    result = run_cli("scan", "--config", "nope.toml", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 2 and "cannot be used together" in result.stderr


def test_roles_and_exclude_reach_the_project_model(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.fastpolicy]\nroles = {generated = ["app/proto/**"]}\nexclude = ["legacy"]\n',
                     "app/proto/api.py": "x = 1\n", "app/main.py": CORS, "legacy/old.py": CORS})
    result = run_cli("context", "-f", "json", str(tmp_path / "app"), str(tmp_path / "legacy"), cwd=tmp_path.parent)
    assert result.returncode == 0, result.stderr
    roles = {Path(f["path"]).relative_to(tmp_path).as_posix(): (f["role"], f["reason"]) for f in json.loads(result.stdout)["files"]}
    assert roles["app/proto/api.py"] == ("generated", "configured: app/proto/**")
    assert roles["app/main.py"][0] == "app"
    assert not any(p.startswith("legacy/") for p in roles)


def test_list_reads_the_policies_of_the_configuration(tmp_path: Path) -> None:
    write(tmp_path, {"fastpolicy.toml": 'policies = ["our-rules"]\n', "our-rules/overrides.yaml": "SEC-010:\n  severity: low\n"})
    result = run_cli("list", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [record] = [r for r in json.loads(result.stdout) if r["id"] == "SEC-010"]
    assert record["severity"] == "low"
