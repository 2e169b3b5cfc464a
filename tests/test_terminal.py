"""The everyday interface: wrapping at the terminal width, locations, enums, sentences, help order, progress, NO_COLOR."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from rich.console import Console

from conftest import ROOT, run_cli
from fastpolicy.models import Finding, ScanError, ScanResult

LONG = ("This message is deliberately long so that it has to wrap several times at eighty columns, and every continuation "
        "line must keep the hanging indent instead of starting again at column zero, as it did before.")


def _finding(path: str = "src/app/a_rather/long/path/to/a/module/with/routes.py", line: int = 123) -> Finding:
    return Finding("SEC-010", "cors-wildcard-origin", "CORS allows every origin, a title long enough to wrap past the edge", "high", ("S2.10",),
                   path, line, line, 17, LONG, "app.add_middleware(CORSMiddleware, allow_origins=['*'], allow_credentials=True, allow_methods=['*'])",
                   "https://fastpolicy.dev/rules/SEC-010/")


def _render(rendered: object, width: int = 80) -> list[str]:
    """What a Rendered prints on an 80-column terminal (the CLI's console settings)."""
    buffer = io.StringIO()
    rendered.emit(Console(file=buffer, width=width, no_color=True, highlight=False, soft_wrap=True))  # type: ignore[attr-defined]
    return buffer.getvalue().splitlines()


def test_scan_text_wraps_with_a_hanging_indent_at_80_columns() -> None:
    from fastpolicy.report.text import text_report

    result = ScanResult((_finding(),), (ScanError("timeout", "error", LONG, "src/big.py", 3),), files_scanned=1, rules_run=1)
    lines = _render(text_report(result))
    assert lines and all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert lines[0].startswith("src/app/a_rather/long/path/to/a/module/with/routes.py:123:17  HIGH  SEC-010")
    body = [line for line in lines[1:] if line.strip() and not line.startswith(("1 finding", "The scan", "Not checked"))]
    assert all(line.startswith("  ") for line in body), body  # nothing falls back to column 0
    assert any("fastpolicy explain SEC-010" in line for line in lines)
    assert "1 finding (1 high) in 1 file scanned, 1 rule." in " ".join(line.strip() for line in lines)


def test_show_wraps_at_80_columns_and_never_cuts_a_url() -> None:
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.report.browse import RecordView, show_report

    catalogue = load_catalogue()
    policy = catalogue.get("sec-010")
    assert policy is not None and catalogue.get("CORS-WILDCARD-ORIGIN") is policy
    lines = _render(show_report(RecordView(policy, catalogue)))
    text = "\n".join(lines)
    for _title, url in policy.references:
        assert url in text  # whole, on one line: still clickable
    prose = [line for line in lines if not line.strip().startswith("http")]
    assert all(len(line) <= 80 for line in prose), [line for line in prose if len(line) > 80]


def test_explain_and_show_accept_names_in_any_case() -> None:
    explained = run_cli("explain", "cors-WILDCARD-origin")
    assert explained.returncode == 0 and "SEC-010" in explained.stdout
    missing = run_cli("show", "NOPE-999")
    assert missing.returncode == 2 and "There is no record named 'NOPE-999'" in missing.stderr


def test_scan_without_a_path_scans_the_current_folder_and_enums_ignore_case(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "cors", tmp_path / "p")
    result = run_cli("scan", "--select", "SEC-010", "--severity", "HIGH", "--format", "Text", cwd=tmp_path / "p")
    assert result.returncode == 1, result.stderr
    assert re.search(r"^app/main\.py:\d+:\d+  (HIGH|CRITICAL)  SEC-010", result.stdout, re.M), result.stdout


def test_usage_errors_are_sentences_naming_the_choices() -> None:
    result = run_cli("scan", ".", "--format", "yaml")
    assert result.returncode == 2
    assert "--format/-f must be text, json, sarif, github, junit or gitlab, not 'yaml'" in result.stderr
    assert "Value error" not in result.stderr and "╭" not in result.stderr
    result = run_cli("scan", ".", "--deployment", "lambda")
    assert "--deployment must be kubernetes or vm, not 'lambda'" in result.stderr


def test_help_lists_the_enums_and_orders_commands_for_users() -> None:
    top = run_cli("--help").stdout
    order = [top.index(f" {name} ") for name in ("scan", "explain", "show", "list", "validate", "test", "new", "docs")]
    assert order == sorted(order), top
    scan_help = run_cli("scan", "--help").stdout
    assert "critical|high|medium|low|info" in scan_help and "kubernetes|vm" in scan_help and "github" in scan_help


def test_progress_only_on_a_terminal_and_never_when_quiet() -> None:
    from fastpolicy.report.progress import progress_reporter

    with progress_reporter(Console(file=io.StringIO()), enabled=True) as report:
        assert report is None  # not a terminal: CI logs stay clean
    with progress_reporter(Console(file=io.StringIO(), force_terminal=True), enabled=False) as report:
        assert report is None  # --quiet
    stream = io.StringIO()
    with progress_reporter(Console(file=stream, force_terminal=True, width=80), enabled=True, delay=0) as report:
        assert report is not None
        report("checking 3 files with 2 semgrep rules")
        import time

        time.sleep(0.3)
    assert "checking 3 files" in stream.getvalue()


def test_no_color_leaves_no_colour_codes_even_when_colour_is_forced(tmp_path: Path) -> None:
    result = run_cli("scan", "tests/fixtures/projects/cors", "--select", "SEC-010", env={"NO_COLOR": "1", "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"})
    assert result.returncode == 1
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;|4[0-7])[0-9;]*m", result.stdout + result.stderr)
    coloured = run_cli("scan", "tests/fixtures/projects/cors", "--select", "SEC-010", env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout  # the check above would notice colour
