"""Every reporter, by command and format. Each takes one result object and returns a `Rendered`; output is sorted and stable.

Reporters are named as `module:function` and imported on first use, so a command loads only its own reporter
(the graph reporters pull in networkx, which `list` and `show` never need).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from .rendered import Rendered

Reporter = Callable[[Any], Rendered]

REPORTERS: dict[str, dict[str, str]] = {
    "scan": {
        "text": "text:text_report", "json": "json:json_report", "sarif": "sarif:sarif_report",
        "github": "github:github_report", "junit": "junit:junit_report", "gitlab": "gitlab:gitlab_report",
    },
    "list": {"table": "browse:list_table_report", "json": "browse:list_json_report"},
    "show": {"panel": "browse:show_report"},
    "coverage": {"table": "browse:coverage_table_report", "json": "browse:coverage_json_report"},
    "graph": {"mermaid": "graph:mermaid_report", "dot": "graph:dot_report", "json": "graph:json_report"},
    "test": {"text": "examples:examples_report"},
    "context": {"text": "context:context_text_report", "json": "context:context_json_report"},
}


def formats(command: str) -> tuple[str, ...]:
    return tuple(REPORTERS[command])


def reporter(command: str, format: str) -> Reporter:
    module, _, function = REPORTERS[command][format].partition(":")
    found: Reporter = getattr(import_module(f"{__package__}.{module}"), function)
    return found
