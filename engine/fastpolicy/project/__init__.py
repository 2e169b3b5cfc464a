"""The project model: what a whole FastAPI project says about itself (roles, versions, routes, launches, settings, deployment)."""

from .builder import build_model
from .facts import ProjectModel

__all__ = ["ProjectModel", "build_model"]
