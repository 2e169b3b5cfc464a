"""Health probes declared outside Python: Kubernetes liveness/readiness/startup probes, compose healthchecks, Dockerfile HEALTHCHECK."""

from __future__ import annotations

import re
from typing import Any

from .facts import Location, Setting

PROBE_KINDS = ("livenessProbe", "readinessProbe", "startupProbe")
# the path of an HTTP URL in a probe command: curl/wget/httpie/python urllib alike
_URL_PATH = re.compile(r"https?://[^/\s'\"]+(/[^\s'\"|;&)\\]*)")


def _line(lines: list[str], needle: str, after: int = 0) -> int:
    for i, text in enumerate(lines[after:], start=after + 1):
        if needle in text:
            return i
    return 1


def _words(value: Any) -> str:
    return " ".join(map(str, value)) if isinstance(value, list) else str(value or "")


def url_paths(command: str) -> list[str]:
    return [m.group(1) for m in _URL_PATH.finditer(command)]


def dockerfile_probes(rel: str, healthchecks: list[tuple[str, int]]) -> list[Setting]:
    """`HEALTHCHECK CMD curl -f http://localhost:8000/api/status || exit 1` -> a `healthcheck` probe setting /api/status."""
    return [Setting("healthcheck", path, command, "dockerfile", "probe", Location(rel, line)) for command, line in healthchecks for path in url_paths(command)]


def yaml_probes(rel: str, text: str, doc: Any, depth: int = 0) -> list[Setting]:
    """Kubernetes `<kind>Probe.httpGet.path` (or an exec probe's URL) and compose `healthcheck.test` URLs, as `probe` settings."""
    lines = text.splitlines()
    found: list[Setting] = []

    def walk(node: Any, level: int) -> None:
        if level > 14:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                if key in PROBE_KINDS and isinstance(value, dict):
                    http = value.get("httpGet")
                    paths = [str(http.get("path"))] if isinstance(http, dict) and http.get("path") else []
                    paths += url_paths(_words((value.get("exec") or {}).get("command"))) if isinstance(value.get("exec"), dict) else []
                    at = _line(lines, f"{key}:")
                    found.extend(Setting(key, p, p, "kubernetes", "probe", Location(rel, at)) for p in paths)
                elif key == "healthcheck" and isinstance(value, dict):
                    at = _line(lines, "healthcheck:")
                    found.extend(Setting("healthcheck", p, _words(value.get("test")), "compose", "probe", Location(rel, at))
                                 for p in url_paths(_words(value.get("test"))))
                else:
                    walk(value, level + 1)
        elif isinstance(node, list):
            for item in node:
                walk(item, level + 1)

    walk(doc, depth)
    return found
