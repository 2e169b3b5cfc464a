"""semgrep's prefilter per rule: validate warns about Python rules semgrep must evaluate on every file."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, run_cli
from fastpolicy.scan.prefilter import Prefilter, prefilters_of_config

RECORD = """\
id: DEMO-001
name: {name}
title: Code calls a function with the same argument twice
section: demo
topic: Injection
level: MUST NOT
severity: low
seed: []
statement: Do not do it.
rationale: |
  It is a demo.
references:
  - title: CWE-95
    url: https://cwe.mitre.org/data/definitions/95.html
relations: []
check:
  kind: pattern
  languages: [python]
  message: same argument twice.
  rule:
{rule}
examples:
  - kind: bad
    language: python
    code: |
      # ruleid: DEMO-001
      {bad}
  - kind: good
    language: python
    code: |
      # ok: DEMO-001
      f(a, b)
"""


def _org(tmp_path: Path, name: str, rule: str, bad: str) -> Path:
    org = tmp_path / "policies"
    (org / "demo").mkdir(parents=True)
    shutil.copy(FIXTURES / "invalid" / "broken-pattern" / "policies" / "sections.yaml", org / "sections.yaml")
    (org / "demo" / f"DEMO-001-{name}.yaml").write_text(RECORD.format(name=name, rule=rule, bad=bad))
    return org


def test_validate_warns_about_a_rule_without_a_prefilter_literal(tmp_path: Path) -> None:
    org = _org(tmp_path, "same-argument", "    pattern: $F($X, $X)", "f(a, a)")
    result = run_cli("validate", "--policies", str(org), "--section", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "DEMO-001: no literal semgrep's prefilter can use" in warnings[0], result.stderr
    assert "DEMO-001-same-argument.yaml:" in warnings[0]


def test_validate_is_quiet_when_the_rule_names_a_literal(tmp_path: Path) -> None:
    org = _org(tmp_path, "same-argument", "    pattern: hmac.compare($X, $X)", "hmac.compare(a, a)")
    result = run_cli("validate", "--policies", str(org), "--section", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning:" not in result.stderr


def test_prefilter_formula_from_semgrep_core_in_words() -> None:
    rule = {"id": "R", "languages": ["python"], "severity": "INFO", "message": "m",
            "patterns": [{"pattern-either": [{"pattern": "include_router($R, prefix=$P)"}, {"pattern": "APIRouter(prefix=$P)"}]},
                         {"pattern-not": "$X(prefix='')"}]}
    bare = {"id": "B", "languages": ["python"], "severity": "INFO", "message": "m", "pattern": "$A = $B"}
    found = prefilters_of_config({"rules": [rule, bare]})
    assert found is not None
    assert found["R"].anchored and not found["B"].anchored
    assert set(found["R"].literals()) >= {"include_router", "APIRouter", "prefix"}
    assert "`include_router`" in found["R"].describe() and " or " in found["R"].describe()


def test_prefilter_words_for_regex_and_conjunction() -> None:
    pre = Prefilter("X", ["And", [["Pred", ["Idents", ["a", "b"]]], ["Pred", ["Regexp", "(get|post)"]]]])
    assert pre.describe() == "`a` and `b` and a match of `/(get|post)/`"
    assert pre.literals() == ("a", "b", "/(get|post)/")


def test_the_record_page_names_the_prefilter() -> None:
    from fastpolicy.catalogue.loader import load_catalogue
    from fastpolicy.site.rule_page import _prefilter_html

    catalogue = load_catalogue([])
    automated = next(p for p in catalogue.policies if p.check.automated and p.check.uses_semgrep and "python" in p.check.languages)
    html = _prefilter_html(automated, catalogue)
    assert "<strong>Prefilter:</strong>" in html or "No prefilter literal" in html
    manual = next(p for p in catalogue.policies if not p.check.automated)
    assert _prefilter_html(manual, catalogue) == ""


ANCHORED = """\
    pattern: $F($X, $X)
  anchor: 'same_arg_[a-z]+\\('"""


def _anchored_org(tmp_path: Path, anchor_line: str) -> Path:
    org = _org(tmp_path, "same-argument", "    pattern: $F($X, $X)", "same_arg_call(a, a)")
    record = next((org / "demo").glob("*.yaml"))
    text = record.read_text().replace("  message: same argument twice.\n", f"  message: same argument twice.\n{anchor_line}\n")
    record.write_text(text)
    return org


def test_an_anchor_gives_a_metavariable_rule_its_prefilter_and_keeps_its_matches(tmp_path: Path) -> None:
    """A rule made only of metavariables is evaluated on every file; its anchor lets semgrep skip files without the
    anchor, and in a file that has it the rule reports exactly what it reported before (same lines)."""
    org = _anchored_org(tmp_path, "  anchor: 'same_arg_\\w+\\('")
    validated = run_cli("validate", "--policies", str(org), "--section", "demo", cwd=tmp_path)
    assert validated.returncode == 0 and "warning:" not in validated.stderr, validated.stderr
    tested = run_cli("test", "--policies", str(org), "--section", "demo", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    app = tmp_path / "app"
    app.mkdir()
    (app / "with_anchor.py").write_text("x = 1\nsame_arg_call(a, a)\nother(b, b)\n")
    (app / "without_anchor.py").write_text("other(b, b)\n")
    scan = run_cli("scan", str(app), "--policies", str(org), "--select", "DEMO-001", "--format", "json", "--no-cache", cwd=tmp_path)
    assert scan.returncode == 1, scan.stderr
    import json

    found = sorted((Path(f["path"]).name, f["line"]) for f in json.loads(scan.stdout)["findings"])
    # both calls in the anchored file (the anchor narrows files, not matches); nothing in the file without it
    assert found == [("with_anchor.py", 2), ("with_anchor.py", 3)]


def test_an_anchor_that_is_not_a_regex_is_a_located_policy_error(tmp_path: Path) -> None:
    org = _anchored_org(tmp_path, "  anchor: 'same_arg_(['")
    result = run_cli("validate", "--policies", str(org), "--section", "demo", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "DEMO-001-same-argument.yaml" in result.stderr and "check.anchor" in result.stderr and "not a regex" in result.stderr
    assert "Traceback" not in result.stderr


def test_anchors_compile_to_whole_file_conjuncts_in_front_of_the_formula() -> None:
    from fastpolicy.scan.compiler import anchored, unwrap_anchor, whole_file

    either = anchored({"pattern-either": [{"pattern": "a($X)"}], "options": {"symbolic_propagation": True}}, ["a\\("])
    assert either == {"options": {"symbolic_propagation": True}, "patterns": [{"pattern-regex": whole_file("a\\(")}, {"pattern-either": [{"pattern": "a($X)"}]}]}
    both = anchored({"patterns": [{"pattern": "b($X)"}, {"pattern-not": "b(1)"}]}, ["b\\(", "import"])
    assert [next(iter(c)) for c in both["patterns"]] == ["pattern-regex", "pattern-regex", "pattern", "pattern-not"]
    assert anchored({"pattern": "c()"}, []) == {"pattern": "c()"}
    assert unwrap_anchor(whole_file("x|y")) == "x|y" and unwrap_anchor("(get|post)") == "(get|post)"
    import re

    assert re.fullmatch(whole_file("b\\("), "first line\nb(2)\nlast\n", re.S)
    assert not re.match(whole_file("b\\("), "no call here\n")
