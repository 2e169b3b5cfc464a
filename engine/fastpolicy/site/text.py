"""Safe text: Markdown/HTML escaping and the restricted Markdown renderer for record prose."""

from __future__ import annotations

import re
from html import escape
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


class _SafeLinks(Treeprocessor):
    """Keep only http(s), mailto and in-page links; images become their alt text (the site works offline)."""

    def run(self, root: Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    span = Element("span")
                    span.text = child.get("alt", "")
                    span.tail = child.tail
                    parent[list(parent).index(child)] = span
                elif child.tag == "a":
                    href = child.get("href", "")
                    if not re.match(r"^(https?:|mailto:|#)", href.strip(), re.IGNORECASE):
                        child.attrib.pop("href", None)


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "fastpolicy_safe_links", 0)


GUIDE = "the source guide"  # what the records call "the seed": the guide the catalogue started from, read by its rule numbers
GUIDE_TITLE = "FastAPI Production-Ready Coding Rules (mid-2025)"

# Record prose is written by authors, who say "the seed" (the `seed:` key); readers of the site get plain language.
# Only the phrases that name the guide change: "the seed('s)", "seed rule(s)", "seed S2.10"; a random or data seed
# ("random.seed", "seed data", "seeded") never matches.
_READER_WORDS = (
    (re.compile(r"\b([Tt]he\s+)seed's\b"), r"\1source guide's"),
    (re.compile(r"\b([Tt]he\s+)seed\b(?!\s+(?:data|value|of\s+random)\b)"), r"\1source guide"),
    (re.compile(r"\b([Ss])eed(\s+)rule(s?)\b"), lambda m: ("G" if m.group(1) == "S" else "g") + f"uide{m.group(2)}rule{m.group(3)}"),
    (re.compile(r"\b([Ss])eed(\s+)(S\d+\.\d+)"), lambda m: ("G" if m.group(1) == "S" else "g") + f"uide rule{m.group(2)}{m.group(3)}"),
)


def reader_words(text: str) -> str:
    """Record prose in the site's vocabulary: "the seed" becomes "the source guide", ids (S2.10) stay."""
    for pattern, replacement in _READER_WORDS:
        text = pattern.sub(replacement, text)
    return text


class Prose:
    """Render record Markdown to HTML that cannot carry markup of its own (raw HTML is shown as text)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", _NoRawHtml()], output_format="html")

    def block(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(reader_words(text.strip()))

    def inline(self, text: str) -> str:
        html = self.block(text)
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return html


def md_escape(text: str) -> str:
    """Plain text placed in Markdown (e.g. a heading): no Markdown syntax, no HTML."""
    text = re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>&])", r"\\\1", text.replace("\n", " "))
    return text.replace("\\<", "&lt;").replace("\\>", "&gt;").replace("\\&", "&amp;")


def plain_title(text: str) -> str:
    """A title for templates that print it unescaped (<title>, nav): nothing in it can form a tag or an attribute.

    An `&` that would start an entity is escaped, because Jinja's `striptags` (used for <title>) unescapes once.
    """
    text = re.sub(r"&(?=#?[A-Za-z0-9]+;)", "&amp;", text)
    return text.translate(str.maketrans({"<": "‹", ">": "›", '"': "”", "'": "’", "\n": " "}))


def _e(text: Any) -> str:
    return escape(str(text), quote=True)
