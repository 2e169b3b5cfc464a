"""Suppressions that cannot happen by accident: real comments only, ids or names, the whole statement, reasons,
expiry dates, and unknown / unused / expired / malformed suppressions reported as findings (FPY-100..103)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from conftest import run_cli
from fastpolicy.scan.comments import hash_comments, python_comments, statement_lines
from fastpolicy.scan.source import clear_source_cache
from fastpolicy.scan.suppression import parse

CORS = 'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)'
MAIN = f'''from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
note = "# fastpolicy: ignore[SEC-010]"; {CORS}
{CORS}  # FastPolicy: ignore[cors-wildcard-origin]: the public status page, reviewed 2026-10
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"], allow_credentials=True,  # fastpolicy: ignore[sec-010]
)
# fastpolicy: ignore[SEC-010] until=2999-12-31: public API, reviewed 2026-10
app.add_middleware(CORSMiddleware,
                   allow_origins=["*"], allow_credentials=True)
# fastpolicy: ignore[SEC-010] until=2020-01-31: was temporary
{CORS}
ready = True  # fastpolicy: ignore[SEC-010, NO-SUCH-RULE]
other = 2  # fastpolicy: ignore[OPS-105]
broken = 3  # fastpolicy: ignore SEC-010
late = 4  # fastpolicy: ignore[SEC-010] until=2027-02-30
# a comment between
{CORS}
'''
DOCKERFILE = '''# fastpolicy: ignore[OPS-105]: the image of the internal tools, reviewed 2026-10
FROM python:3.12
USER 1000
'''
DOCKERFILE_PROD = '''FROM python:3.12
LABEL note="# fastpolicy: ignore[OPS-105]"
USER 1000
'''


def _line(text: str, needle: str, nth: int = 1) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[nth - 1]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("suppress")
    (root / "app").mkdir()
    (root / "app" / "main.py").write_text(MAIN)
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "Dockerfile.prod").write_text(DOCKERFILE_PROD)
    return root


@pytest.fixture(scope="module")
def scanned(project: Path) -> dict:
    result = run_cli("scan", "--format", "json", "--no-cache", "--select", "SEC-010", "--select", "OPS-105", str(project))
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def _found(data: dict) -> set[tuple[str, str, int]]:
    return {(Path(f["path"]).name, f["rule_id"], f["line"]) for f in data["findings"]}


def test_only_real_comments_naming_the_rule_suppress(scanned: dict) -> None:
    found = _found(scanned)
    reported = {line for name, rule, line in found if rule == "SEC-010"}
    # the text in a string, the expired suppression, and a comment two lines up do not suppress
    assert reported == {_line(MAIN, "note = "), _line(MAIN, CORS, 3), _line(MAIN, CORS, 4)}
    # by name in another case, on a later line of a multi-line call, alone above with a reason and a future date
    assert scanned["summary"]["suppressed"] == 4
    assert ("Dockerfile.prod", "OPS-105", 1) in found
    assert ("Dockerfile", "OPS-105", 2) not in found  # a Dockerfile comment alone on the line above


def test_unknown_unused_expired_and_malformed_suppressions_are_findings(scanned: dict) -> None:
    meta = {(rule, line) for _name, rule, line in _found(scanned) if rule.startswith("FPY")}
    assert meta == {
        ("FPY-102", _line(MAIN, "until=2020-01-31")),
        ("FPY-100", _line(MAIN, "NO-SUCH-RULE")),
        ("FPY-101", _line(MAIN, "NO-SUCH-RULE")),  # SEC-010 ran and found nothing on `ready = True`
        ("FPY-101", _line(MAIN, "ignore[OPS-105]")),
        ("FPY-103", _line(MAIN, "ignore SEC-010")),
        ("FPY-103", _line(MAIN, "2027-02-30")),
    }
    by_rule = {f["rule_id"]: f for f in scanned["findings"]}
    assert "expired on 2020-01-31" in by_rule["FPY-102"]["message"]
    assert "NO-SUCH-RULE" in by_rule["FPY-100"]["message"]
    assert by_rule["FPY-101"]["severity"] == "low" and by_rule["FPY-101"]["url"].endswith("/adopting/#suppressions")


def test_unused_is_only_reported_for_rules_that_ran_and_fpy_checks_can_be_ignored(project: Path) -> None:
    cache = str(project.parent / f"{project.name}-cache")  # the second scan reuses the first one's semgrep results
    result = run_cli("scan", "--format", "json", "--cache-dir", cache, "--select", "SEC-010", "--ignore", "FPY-103", "--ignore", "unknown-suppression-id",
                     str(project / "app"))
    data = json.loads(result.stdout)
    meta = {(f["rule_id"], f["line"]) for f in data["findings"] if f["rule_id"].startswith("FPY")}
    assert ("FPY-101", _line(MAIN, "ignore[OPS-105]")) not in meta  # OPS-105 was not selected
    assert {rule for rule, _ in meta} == {"FPY-101", "FPY-102"}
    rules = run_cli("scan", "--format", "sarif", "--cache-dir", cache, "--select", "SEC-010", str(project / "app"))
    sarif = json.loads(rules.stdout)["runs"][0]
    described = {r["id"] for r in sarif["tool"]["driver"]["rules"]}
    assert {"FPY-100", "FPY-101", "FPY-102", "FPY-103", "SEC-010"} <= described
    assert any(r["ruleId"] == "FPY-101" for r in sarif["results"])


def test_selecting_only_suppression_checks_is_a_usage_error(project: Path) -> None:
    result = run_cli("scan", "--select", "FPY-101", str(project))
    assert result.returncode == 2 and "select at least one record" in result.stderr


def test_explain_knows_the_suppression_checks() -> None:
    result = run_cli("explain", "fpy-102")
    assert result.returncode == 0 and "expired" in result.stdout and "until=YYYY-MM-DD" in result.stdout


@pytest.mark.parametrize(("text", "tokens", "until", "reason", "problem"), [
    ("fastpolicy: ignore[SEC-010]", ("SEC-010",), None, "", ""),
    ("fastpolicy: ignore[sec-010, cors-wildcard-origin]: public API", ("sec-010", "cors-wildcard-origin"), None, "public API", ""),
    ("fastpolicy: ignore[SEC-010] until=2027-01-31: reviewed", ("SEC-010",), datetime.date(2027, 1, 31), "reviewed", ""),
    ("fastpolicy:ignore[SEC-010]until=2027-01-31", ("SEC-010",), datetime.date(2027, 1, 31), "", ""),
    ("noqa  fastpolicy: ignore[SEC-010] old style reason", ("SEC-010",), None, "old style reason", ""),
    ("fastpolicy: ignore[]", (), None, "", "no id between the brackets"),
    ("fastpolicy: ignore[SEC 010]", (), None, "", "is not an id or name"),
    ("fastpolicy: ignroe[SEC-010]", (), None, "", "expected"),
    ("fastpolicy: ignore[SEC-010] until=31.01.2027", ("SEC-010",), None, "", "not a date"),
    ("fastpolicy: ignore[SEC-010] until 2027-01-31", ("SEC-010",), None, "", "until=YYYY-MM-DD"),
])
def test_parse(text: str, tokens: tuple[str, ...], until: datetime.date | None, reason: str, problem: str) -> None:
    from fastpolicy.scan.comments import Comment

    parsed = parse("m.py", Comment(1, 1, text, True))
    assert parsed is not None
    assert (parsed.tokens, parsed.until, parsed.reason) == (tokens, until, reason) or problem
    assert (problem in parsed.problem) if problem else parsed.problem == ""


def test_comments_that_are_not_fastpolicy_ones_are_no_suppressions() -> None:
    from fastpolicy.scan.comments import Comment

    assert parse("m.py", Comment(1, 1, "see the fastpolicy docs", True)) is None


def test_comment_readers_skip_strings() -> None:
    python = python_comments('x = "# no"  # yes\ny = """\n# no\n"""\n# alone\n')
    assert [(c.line, c.text, c.alone) for c in python] == [(1, "yes", False), (5, "alone", True)]
    yaml = hash_comments("a: '# no'  # yes\nb: \"x # no\"\nc: x#no\n  # alone\n")
    assert [(c.line, c.text, c.alone) for c in yaml] == [(1, "yes", False), (4, "alone", True)]


def test_statements_span_multi_line_calls_and_decorated_headers(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("@app.get(\n    '/x',\n)\nasync def f(\n    a,\n):\n    call(\n        1,\n    )\n    return a\n")
    clear_source_cache()
    from fastpolicy.scan.comments import clear_comment_cache

    clear_comment_cache()
    assert statement_lines(str(path), 2, 2) == (1, 6)  # decorators and the def header, not the body
    assert statement_lines(str(path), 8, 8) == (7, 9)
    assert statement_lines(str(path), 10, 10) == (10, 10)
    docker = tmp_path / "Dockerfile"
    docker.write_text("RUN a \\\n    b \\\n    c\nUSER x\n")
    assert statement_lines(str(docker), 2, 2) == (1, 3)
