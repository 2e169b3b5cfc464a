"""Page addresses: where each generated page lives and the relative links between pages."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass


@dataclass(frozen=True)
class Pages:
    """Where each generated page lives (source path) and how pages link to each other."""

    directory_urls: bool = True

    @staticmethod
    def rule(policy_id: str) -> str:
        return f"rules/{policy_id}.md"

    @staticmethod
    def section(key: str) -> str:
        return f"sections/{key}.md"

    ALL_RULES = "rules/index.md"
    GRAPH = "graph.md"
    COVERAGE = "coverage.md"
    SCHEMA = "reference/schema.md"
    CONFIG = "reference/configuration.md"
    CLI = "reference/cli.md"

    def url(self, src: str) -> str:
        """The page's URL path relative to the site root (no leading slash)."""
        stem = src[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/" if self.directory_urls else stem + ".html"

    def href(self, from_src: str, to_src: str, anchor: str = "") -> str:
        """A relative link from one page to another, as the browser resolves it."""
        here = self.url(from_src)
        base = here if here.endswith("/") or not here else posixpath.dirname(here)
        target = self.url(to_src)
        rel = posixpath.relpath(target or ".", base.rstrip("/") or ".")
        if target.endswith("/") or not target:
            rel = rel + "/" if rel != "." else "./"
        return rel + (f"#{anchor}" if anchor else "")
