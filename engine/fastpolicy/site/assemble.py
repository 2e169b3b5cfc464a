"""Site assembly: which records, every generated page, placeholders in hand-written pages, the navigation."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..catalogue.loader import load_catalogue
from ..errors import PolicyError
from .graph_page import graph_page
from .home import counts_html, sample_finding
from .index_pages import all_rules_page, coverage_page, section_page
from .reference import cli_page, config_page, schema_page
from .rule_page import rule_page
from .text import Prose, plain_title
from .urls import Pages

PLACEHOLDER_COUNTS = "<!-- fastpolicy:counts -->"
PLACEHOLDER_FINDING = "<!-- fastpolicy:finding -->"
CONFIG_KEY = "fastpolicy"  # mkdocs.yml extra.fastpolicy: {policies, builtin}


@dataclass(frozen=True)
class SiteOptions:
    """Which records the site shows: the built-in catalogue and/or organization folders."""

    policies: tuple[Path, ...] = ()
    builtin: bool = True

    @classmethod
    def from_config(cls, extra: Mapping[str, Any]) -> SiteOptions:
        raw = dict(extra.get(CONFIG_KEY) or {})
        folders = raw.get("policies") or ()
        if isinstance(folders, str):
            folders = [f for f in folders.split(os.pathsep) if f.strip()]
        builtin = raw.get("builtin", True)
        if isinstance(builtin, str):
            builtin = builtin.strip().lower() not in ("0", "false", "no", "off", "")
        return cls(tuple(Path(f) for f in folders), bool(builtin))

    def load(self) -> Catalogue:
        return load_catalogue(list(self.policies), include_builtin=self.builtin)


def generate_pages(catalogue: Catalogue, *, directory_urls: bool = True, cli: Any = None) -> dict[str, str]:
    """Every generated page: source path -> Markdown. `cli` (the click command of the CLI) adds the command-line reference;
    the mkdocs hook passes it, so the site never imports the CLI that builds it."""
    pages = Pages(directory_urls)
    prose = Prose()
    out: dict[str, str] = {Pages.ALL_RULES: all_rules_page(catalogue, pages)}
    for policy in catalogue.policies:
        out[Pages.rule(policy.id)] = rule_page(policy, catalogue, prose, pages)
    for key in catalogue.sections:
        out[Pages.section(key)] = section_page(key, catalogue, prose, pages)
    out[Pages.GRAPH] = graph_page(catalogue, prose, pages)
    out[Pages.COVERAGE] = coverage_page(catalogue, prose, pages)
    out[Pages.SCHEMA] = schema_page(pages)
    out[Pages.CONFIG] = config_page(pages)
    if cli is not None:
        out[Pages.CLI] = cli_page(cli)
    return out


def fill_placeholders(
    markdown_text: str, catalogue: Catalogue, *, docs_url: str, directory_urls: bool = True, here: str = "index.md"
) -> str:
    """Hand-written pages may ask for live data: the counts and a sample finding."""
    pages = Pages(directory_urls)
    fill = {
        PLACEHOLDER_COUNTS: lambda: counts_html(catalogue, pages, here),
        PLACEHOLDER_FINDING: lambda: sample_finding(catalogue, docs_url),
    }
    for placeholder, make in fill.items():
        alone = re.compile(rf"^{re.escape(placeholder)}[ \t]*$", re.MULTILINE)  # only on a line of its own
        if alone.search(markdown_text):
            html = make()
            markdown_text = alone.sub(lambda _, html=html: html, markdown_text)  # a function: the HTML is no regex template
    return markdown_text


def site_nav(catalogue: Catalogue, hand_written: Sequence[str]) -> list[Any]:
    """The navigation: rule pages are reached from the tables, the graph and search, not listed one by one."""
    used = [k for k in catalogue.sections if any(p.section == k for p in catalogue.policies)]
    reference = [{"Record schema": Pages.SCHEMA}, {"Configuration": Pages.CONFIG}, {"Command line": Pages.CLI}]
    reference += [path for path in sorted(hand_written) if path.startswith("reference/")]
    guides = [p for p in sorted(hand_written) if p.endswith(".md") and p != "index.md" and not p.startswith("reference/")]
    nav: list[Any] = [
        {"Home": "index.md"},
        *guides,  # what a user reads right after the home page: CI and editors, adopting
        {"Rules": [{"All rules": Pages.ALL_RULES}, *({plain_title(catalogue.sections[k].title): Pages.section(k)} for k in used)]},
    ]
    return nav + [{"Graph": Pages.GRAPH}, {"Coverage": Pages.COVERAGE}, {"Reference": reference}]


def policy_problem_text(exc: PolicyError) -> str:
    return "\n".join([f"fastpolicy: the catalogue is invalid, the site is not built: {exc.message}", *(f"  {p}" for p in exc.problems)])
