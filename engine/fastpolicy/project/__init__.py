"""The project model: what a whole FastAPI project says about itself (roles, versions, routes, launches, settings, deployment)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .facts import MODEL_GLOBS, ProjectModel

if TYPE_CHECKING:
    from .builder import build_model

__all__ = ["MODEL_GLOBS", "ProjectModel", "build_model"]


def __getattr__(name: str) -> Any:
    """`build_model` on first use: a scan whose model comes from a child process (`isolated.py`) never loads the builder
    and its parsers (~5 MB it would hold while semgrep runs)."""
    if name == "build_model":
        from .builder import build_model

        return build_model
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
