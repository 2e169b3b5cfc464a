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


class Prose:
    """Render record Markdown to HTML that cannot carry markup of its own (raw HTML is shown as text)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", _NoRawHtml()], output_format="html")

    def block(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text.strip())

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
