"""Small HTML pieces shared by the pages: badges, code fences, YAML blocks, rule links, standards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..catalogue.catalogue import Catalogue
from ..catalogue.languages import lexer
from ..catalogue.markers import MARKER, parse_markers
from ..models import Policy
from .text import _e
from .urls import Pages

OWASP_API_2023: dict[str, tuple[str, str]] = {
    "API1:2023": ("Broken Object Level Authorization", "0xa1-broken-object-level-authorization"),
    "API2:2023": ("Broken Authentication", "0xa2-broken-authentication"),
    "API3:2023": ("Broken Object Property Level Authorization", "0xa3-broken-object-property-level-authorization"),
    "API4:2023": ("Unrestricted Resource Consumption", "0xa4-unrestricted-resource-consumption"),
    "API5:2023": ("Broken Function Level Authorization", "0xa5-broken-function-level-authorization"),
    "API6:2023": ("Unrestricted Access to Sensitive Business Flows", "0xa6-unrestricted-access-to-sensitive-business-flows"),
    "API7:2023": ("Server Side Request Forgery", "0xa7-server-side-request-forgery"),
    "API8:2023": ("Security Misconfiguration", "0xa8-security-misconfiguration"),
    "API9:2023": ("Improper Inventory Management", "0xa9-improper-inventory-management"),
    "API10:2023": ("Unsafe Consumption of APIs", "0xaa-unsafe-consumption-of-apis"),
}
OWASP_BASE = "https://owasp.org/API-Security/editions/2023/en/"
CWE_BASE = "https://cwe.mitre.org/data/definitions/"
_RELATION_LABEL = {
    "requires": ("requires", "is required by"),
    "refines": ("refines", "is refined by"),
    "related": ("related to", "related to"),
    "conflicts": ("conflicts with", "conflicts with"),
}


def _badges(policy: Policy, catalogue: Catalogue, pages: Pages, here: str) -> str:
    section = catalogue.sections[policy.section]
    level = policy.level.lower().replace(" ", "-")
    parts = [
        f'<span class="fp-badge fp-level fp-level-{level}" title="Requirement level (RFC 2119)">{_e(policy.level)}</span>',
        f'<span class="fp-badge fp-sev fp-sev-{_e(policy.severity)}" title="Severity">{_e(policy.severity)}</span>',
        f'<a class="fp-badge fp-section" href="{_e(pages.href(here, Pages.section(policy.section)))}" title="Section">{_e(section.title)}</a>',
        f'<span class="fp-badge fp-kind fp-kind-{_e(policy.check.kind)}" title="How it is checked">{_e(policy.check.kind)} check</span>',
    ]
    if policy.deployment:
        parts.append(f'<span class="fp-badge fp-deploy" title="Runs only with scan --deployment">{_e(policy.deployment)} only</span>')
    meta = [f"name <code>{_e(policy.name)}</code>", f"topic {_e(policy.topic)}"]
    if policy.aliases:
        meta.append("formerly " + ", ".join(f"<code>{_e(a)}</code>" for a in policy.aliases))
    if policy.origin != "builtin":
        meta.append(f"from <code>{_e(policy.origin)}</code>")
    return f'<div class="fp-badges">{" ".join(parts)}</div>\n<p class="fp-meta">{" · ".join(meta)}</p>'


def _fence(code: str, language: str, hl_lines: Sequence[int] = ()) -> str:
    """A fenced code block that the code itself cannot close early."""
    longest = max((len(m) for m in re.findall(r"`+|~+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    options = f' hl_lines="{" ".join(str(n) for n in hl_lines)}"' if hl_lines else ""
    body = code if code.endswith("\n") else code + "\n"
    return f"{fence}{lexer(language)}{options}\n{body}{fence}"


class _LiteralDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line strings (semgrep patterns) as literal blocks, the way rule authors write them."""


def _str_presenter(dumper: Any, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str_presenter)


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=120)


def _div(html: str, cls: str) -> str:
    return f'<div class="{cls}">\n{html}\n</div>'


def _todo_lines(code: str, policy_id: str) -> list[int]:
    """Lines (numbered as shown on the page, markers stripped) that a todoruleid marker says should be flagged."""
    lines = code.splitlines()
    marker_only = [i + 1 for i, text in enumerate(lines) if MARKER.search(text) and text.lstrip().startswith("#")]
    shown = []
    for marker in parse_markers(code):
        if marker.kind == "todoruleid" and marker.rule_id == policy_id:
            shown.append(marker.target_line - sum(1 for n in marker_only if n < marker.target_line))
    return sorted(set(shown))


def _link_rule(pages: Pages, here: str, policy: Policy, with_title: bool = True) -> str:
    title = f" {_e(policy.title)}" if with_title else ""
    return f'<a href="{_e(pages.href(here, Pages.rule(policy.id)))}"><code>{_e(policy.id)}</code>{title}</a>'
