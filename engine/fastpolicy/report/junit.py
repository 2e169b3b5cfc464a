"""JUnit XML for CI test tabs: one test case per rule that ran (classname = section), one `<failure>` per finding,
and a `scan` test case whose `<error>`s list what could not be checked."""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from ..models import ScanResult
from .rendered import Rendered


def render_junit(result: ScanResult) -> str:
    by_rule = {k: list(g) for k, g in groupby(sorted(result.findings, key=lambda f: (f.rule_id, f.sort_key())), key=lambda f: f.rule_id)}
    known = {r.id: (r.section, r.title) for r in result.rules}
    for f in result.findings:
        known.setdefault(f.rule_id, ("", f.title))
    rules = sorted(known.items())
    errors = [e for e in result.errors if e.level == "error"]
    cases = []
    for rule_id, (section, title) in rules:
        found = by_rule.get(rule_id, [])
        body = "".join(
            f"\n      <failure type={quoteattr(f.severity)} message={quoteattr(f'{f.path}:{f.line}:{f.column} {f.message}')}>"
            f"{escape(f'{f.path}:{f.line}:{f.column} {f.severity.upper()} {f.rule_id} {f.title}')}\n{escape(f.code)}\n{escape(f.message)}\n"
            f"fastpolicy explain {escape(f.rule_id)}</failure>"
            for f in found
        )
        name = quoteattr(f"{rule_id} {title}")
        cases.append(f'    <testcase classname={quoteattr("fastpolicy." + (section or "rules"))} name={name}>{body}\n    </testcase>' if body
                     else f'    <testcase classname={quoteattr("fastpolicy." + (section or "rules"))} name={name}/>')
    if result.errors:
        body = "".join(f"\n      <error type={quoteattr(e.kind)} message={quoteattr(e.message)}>{escape(f'{e.path}:{e.line} {e.message}' if e.path else e.message)}</error>"
                       for e in errors)
        warnings = "".join(f"{e.path}:{e.line} {e.kind}: {e.message}\n" if e.path else f"{e.kind}: {e.message}\n" for e in result.errors if e.level != "error")
        out = f"\n      <system-out>{escape(warnings)}</system-out>" if warnings else ""
        cases.append(f'    <testcase classname="fastpolicy.scan" name="every file was checked">{body}{out}\n    </testcase>')
    failures = len(result.findings)
    head = (f'  <testsuite name="fastpolicy" tests="{len(cases)}" failures="{failures}" errors="{len(errors)}" skipped="0">')
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                      f'<testsuites name="fastpolicy" tests="{len(cases)}" failures="{failures}" errors="{len(errors)}">',
                      head, *cases, "  </testsuite>", "</testsuites>"]) + "\n"


def junit_report(result: ScanResult) -> Rendered:
    return Rendered(render_junit(result))
