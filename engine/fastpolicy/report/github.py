"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding and per scan error.

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`, CR and LF;
in property values also `:` and `,`.
"""

from __future__ import annotations

from ..models import ScanResult
from .location import project_path
from .rendered import Rendered

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value not in ("", 0, None))
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def render_github(result: ScanResult) -> str:
    lines = []
    for f in result.findings:
        props = {"file": project_path(f.path, result.root), "line": f.line, "col": f.column, "endLine": f.end_line if f.end_line != f.line else 0,
                 "title": f"{f.rule_id} {f.title}"}
        if f.end_line == f.line and f.end_column > f.column:
            props["endColumn"] = f.end_column
        lines.append(command(_LEVEL[f.severity], f"{f.message}\nfastpolicy explain {f.rule_id}" + (f" · {f.url}" if f.url else ""), **props))
    for e in result.errors:
        lines.append(command("error" if e.level == "error" else "warning", f"{e.kind}: {e.message}",
                             file=project_path(e.path, result.root) if e.path else "", line=e.line, title="fastpolicy could not check this"))
    total = len(result.findings)
    lines.append(f"fastpolicy: {total} finding{'s' if total != 1 else ''} in {result.files_scanned} file{'s' if result.files_scanned != 1 else ''}, "
                 f"{result.rules_run} rule{'s' if result.rules_run != 1 else ''}"
                 + (f"; {result.baselined} in the baseline, {sum(e.count for e in result.fixed)} fixed since" if result.baseline else "")
                 + ("" if result.complete else "; the scan is INCOMPLETE"))
    return "\n".join(lines) + "\n"


def github_report(result: ScanResult) -> Rendered:
    return Rendered(render_github(result))
