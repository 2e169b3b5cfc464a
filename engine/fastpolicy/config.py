"""Defaults read in one place."""

from __future__ import annotations

import os

DEFAULT_DOCS_URL = "https://fastpolicy.dev/"
ENV_DOCS_URL = "FASTPOLICY_DOCS_URL"
ENV_ORG_DOCS_URL = "FASTPOLICY_ORG_DOCS_URL"  # the organization's built site, for findings of its own records


def docs_url_from_env() -> str:
    """The catalogue site findings link to: FASTPOLICY_DOCS_URL, else the public site."""
    return os.environ.get(ENV_DOCS_URL, DEFAULT_DOCS_URL)
