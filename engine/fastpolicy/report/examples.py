"""The `fastpolicy test` report: one line per failing example, notes for todoruleid lines now flagged, a total."""

from __future__ import annotations

from ..scan.examples import ExampleReport
from .rendered import Rendered


def example_lines(report: ExampleReport) -> list[str]:
    lines: list[str] = []
    for o in report.failures:
        what = f"examples[{o.index}] ({o.kind}{': ' + o.title if o.title else ''})"
        if o.parse_error:
            lines.append(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: does not parse: {o.parse_error}")
        if o.missing:
            lines.append(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: expected a finding on example line(s) {', '.join(map(str, o.missing))}, got none")
        if o.unexpected:
            lines.append(f"{o.policy_path}:{o.line}: {o.policy_id} {what}: unexpected finding on example line(s) {', '.join(map(str, o.unexpected))}")
    for o in report.outcomes:
        if o.todo_hits:
            lines.append(f"{o.policy_path}:{o.line}: note: {o.policy_id} examples[{o.index}]: todoruleid line(s) {', '.join(map(str, o.todo_hits))} are now flagged; make them ruleid")
    failed = len(report.failures)
    lines.append(f"{len(report.outcomes) - failed}/{len(report.outcomes)} examples passed across {report.records} records.")
    return lines


def examples_report(report: ExampleReport) -> Rendered:
    return Rendered("".join(line + "\n" for line in example_lines(report)))
