"""Reporters format one ScanResult; none re-runs or re-filters anything. Output is sorted and stable."""

from __future__ import annotations

from collections.abc import Callable

from ..models import ScanResult
from .json import render_json
from .sarif import render_sarif
from .text import render_text

REPORTERS: dict[str, Callable[[ScanResult], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
}
