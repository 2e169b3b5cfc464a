"""CI formats (SARIF against the official schema, GitHub, JUnit, GitLab), --output, pre-commit and the action, `new`."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, run_cli

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FPY = ("FPY-100", "FPY-101", "FPY-102", "FPY-103")
CORS_LINE = 'tag = "😀é"; app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
CORS_APP = "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n" + CORS_LINE


def validate_sarif(text: str) -> dict:
    """Every SARIF fastpolicy writes must be valid SARIF 2.1.0 (the OASIS schema, vendored in tests/data)."""
    data = json.loads(text)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    return data


@pytest.fixture(scope="module")
def unicode_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose flagged line has non-ASCII text before the match, in a folder name that needs percent-encoding."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    app = root / "my app" / "main.py"
    app.parent.mkdir()
    app.write_text(CORS_APP, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sarif(unicode_project: Path) -> dict:
    result = run_cli("scan", "my app", "--select", "SEC-010", "--format", "sarif", cwd=unicode_project)
    assert result.returncode == 1, result.stderr
    return validate_sarif(result.stdout)


def test_sarif_describes_every_rule_for_code_scanning(sarif: dict) -> None:
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"SEC-010", *FPY}  # the suppression-comment checks run with every scan
    assert all(rules[f]["fullDescription"]["text"] and rules[f]["helpUri"] for f in FPY)
    rule = rules["SEC-010"]
    assert rule["id"] == "SEC-010" and rule["fullDescription"]["text"] and rule["help"]["markdown"] and rule["help"]["text"]
    assert rule["helpUri"].endswith("/rules/SEC-010/")
    assert rule["properties"]["security-severity"] == "8.0"
    assert {"security", "external/cwe/cwe-942", "external/owasp/API8:2023"} <= set(rule["properties"]["tags"])
    assert run["automationDetails"]["id"] == "fastpolicy/" and run["columnKind"] == "utf16CodeUnits"


def test_sarif_locations_are_relative_to_srcroot_encoded_and_in_utf16(sarif: dict, unicode_project: Path) -> None:
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == unicode_project.resolve().as_uri() + "/"
    [result] = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "my%20app/main.py", "uriBaseId": "%SRCROOT%"}
    region = location["region"]
    start = CORS_LINE.index("app.add_middleware")
    utf16 = len(CORS_LINE[:start].encode("utf-16-le")) // 2  # 😀 is 2 UTF-16 units (4 bytes), é is 1 (2 bytes)
    assert (region["startLine"], region["startColumn"]) == (5, utf16 + 1)
    assert region["endColumn"] == len(CORS_LINE.rstrip("\n").encode("utf-16-le")) // 2 + 1
    assert len(result["partialFingerprints"]["fastpolicy/v1"]) == 32


def test_the_fingerprint_ignores_line_numbers_but_not_code_or_scope(tmp_path: Path) -> None:
    from fastpolicy.scan.fingerprint import enclosing_scope, fingerprint, fingerprint_at
    from fastpolicy.scan.suppression import clear_source_cache

    body = "class Shop:\n    def checkout(self):\n        return eval(data)\n"
    first, moved = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text(body)
    moved.write_text("import os\n\n\n" + body.replace("return eval(data)", "return  eval(data)  "))  # moved and re-spaced
    clear_source_cache()
    assert enclosing_scope(body.splitlines(), 3) == "Shop.checkout"
    assert fingerprint_at("X-001", str(first), 3) == fingerprint_at("X-001", str(moved), 6)
    assert fingerprint("X-001", "eval(data)", "Shop.checkout") != fingerprint("X-001", "eval(data)", "Shop.refund")
    assert fingerprint("X-001", "eval(data)", "") != fingerprint("X-002", "eval(data)", "")


def test_utf16_columns_from_semgrep_byte_columns() -> None:
    from fastpolicy.scan.findings import utf16_column

    line = 's = "éé"; eval(a)'
    assert utf16_column(line, 13) == line.index("eval") + 1  # semgrep's documented byte column for this line
    assert utf16_column("😀x", 5) == 3


def test_github_annotations_escape_by_the_runner_rules(unicode_project: Path) -> None:
    from fastpolicy.report.github import command

    assert command("error", "50% done\nnext", file="a,b:c.py", line=3) == "::error file=a%2Cb%3Ac.py,line=3::50%25 done%0Anext"
    result = run_cli("scan", "my app", "--select", "SEC-010", "--format", "github", cwd=unicode_project)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=my app/main.py,line=5,col=") and "title=SEC-010 CORS allows every origin" in first


def test_junit_has_a_test_case_per_rule_and_a_failure_per_finding(unicode_project: Path) -> None:
    result = run_cli("scan", "my app", "--select", "SEC-010", "--select", "DB-001", "--format", "junit", cwd=unicode_project)
    suite = ET.fromstring(result.stdout).find("testsuite")
    assert suite is not None
    cases = {c.get("name", "").split()[0]: c for c in suite.findall("testcase")}
    assert set(cases) == {"SEC-010", "DB-001", *FPY}
    assert len(cases["SEC-010"].findall("failure")) == 1 and not cases["DB-001"].findall("failure")
    assert suite.get("failures") == "1"


def test_gitlab_code_quality_and_output_file(unicode_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "gl.json"
    result = run_cli("scan", "my app", "--select", "SEC-010", "-f", "GitLab", "--output", str(out), cwd=unicode_project)
    assert result.returncode == 1 and result.stdout == ""
    [issue] = json.loads(out.read_text(encoding="utf-8"))
    assert issue["check_name"] == "SEC-010" and issue["severity"] == "critical" and len(issue["fingerprint"]) == 64
    assert issue["location"] == {"path": "my app/main.py", "lines": {"begin": 5, "end": 5}}


def test_every_golden_sarif_is_valid_sarif() -> None:
    for path in sorted((ROOT / "tests" / "golden").glob("*.sarif")):
        validate_sarif(path.read_text(encoding="utf-8"))


def test_the_pre_commit_manifest_is_valid() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {h["id"]: h for h in hooks}
    assert by_id["fastpolicy"]["entry"].startswith("fastpolicy scan") and by_id["fastpolicy"]["language"] == "python"
    assert by_id["fastpolicy"]["pass_filenames"] is False  # the project model needs the whole project
    clientlib = pytest.importorskip("pre_commit.clientlib")
    clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # pre-commit's own schema check


def test_the_pre_commit_hook_entry_scans_the_whole_project(tmp_path: Path) -> None:
    """What pre-commit runs: the hook's entry, in the repository root, with no file names (pass_filenames: false)."""
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    program, *args = hooks["fastpolicy"]["entry"].split()
    assert program == "fastpolicy"
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "cors", project)
    result = run_cli(*args, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr  # the wildcard CORS fails the commit
    assert "SEC-010" in result.stdout and "app/main.py" in result.stdout


# slow: pre-commit builds a fresh virtualenv and pip-installs fastpolicy with semgrep (minutes); the manifest check,
# the entry test above and the wheel test (tests/test_packaging.py) cover its parts in the default run
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pre-commit") is None or not shutil.which("git"), reason="pre-commit is not installed")
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "cors", project)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    import os

    full = {**os.environ, **env}
    subprocess.run(["git", "init", "-q"], cwd=project, check=True, env=full)
    subprocess.run(["git", "add", "."], cwd=project, check=True, env=full)
    run = subprocess.run(["pre-commit", "try-repo", str(ROOT), "fastpolicy", "--all-files"], cwd=project, env=full,
                         capture_output=True, text=True, timeout=1800, check=False)
    assert run.returncode == 1, run.stdout + run.stderr  # the hook ran and found the wildcard CORS
    assert "SEC-010" in run.stdout


def test_the_action_is_a_composite_that_scans_and_uploads_sarif() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses) and any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scan = next(s for s in steps if s.get("id") == "scan")
    assert "--format sarif" in scan["run"] and "github.action_path" in next(s["run"] for s in steps if s.get("name") == "Install fastpolicy")
    referenced = {part.split("}}")[0].strip().removeprefix("inputs.") for part in yaml.safe_dump(action).split("${{")[1:] if "inputs." in part}
    assert {r.split()[0] for r in referenced if " " not in r.strip()} <= set(action["inputs"])


def test_new_scaffolds_a_record_that_validates_and_passes_its_examples(tmp_path: Path) -> None:
    org = tmp_path / "our-rules"
    made = run_cli("new", "ACME-001", "--policies", str(org), "--name", "no-eval-of-input", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    record = org / "acme" / "ACME-001-no-eval-of-input.yaml"
    assert record.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=https://fastpolicy.dev/schemas/policy.schema.json")
    validated = run_cli("validate", "--policies", str(org), cwd=tmp_path)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    tested = run_cli("test", "--policies", str(org), "--select", "ACME-001", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    again = run_cli("new", "ACME-001", "--policies", str(org), "--name", "no-eval-of-input", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_org_findings_link_to_the_org_site_or_nowhere(tmp_path: Path) -> None:
    org = tmp_path / "our-rules"
    assert run_cli("new", "ACME-002", "--policies", str(org), cwd=tmp_path).returncode == 0
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "h.py").write_text("def h(t):\n    return eval(t)\n")
    args = ("scan", "src", "--policies", str(org), "--select", "ACME-002", "--format", "json")
    plain = json.loads(run_cli(*args, cwd=tmp_path).stdout)
    assert [f["url"] for f in plain["findings"]] == [""]  # never a page missing from the public site
    linked = json.loads(run_cli(*args, "--org-docs-url", "https://rules.acme.test/", cwd=tmp_path).stdout)
    assert [f["url"] for f in linked["findings"]] == ["https://rules.acme.test/rules/ACME-002/"]


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_test_provides_chromium_on_a_fresh_debian_machine() -> None:
    """`make test` depends on `chromium`, which apt-get installs (as root) when the binary is missing, or names the one command."""
    dry = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60)
    assert "apt-get install -y -qq chromium" in dry.stdout and "sudo apt-get install -y chromium" in dry.stdout
    present = subprocess.run(["make", "-s", "chromium", f"CHROMIUM={shutil.which('sh')}"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert present.returncode == 0 and present.stdout == ""  # already there: nothing to do
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "sudo apt-get install -y chromium" in readme
