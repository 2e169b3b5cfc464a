"""Project configuration: `[tool.fastpolicy]` in pyproject.toml or a fastpolicy.toml, found by walking up from the
scanned path (the nearest wins, as in ruff), validated against schemas/config.schema.json."""

from .discover import CONFIG_FILE, PYPROJECT, find_config
from .settings import ProjectConfig, load_config, project_config

__all__ = ["CONFIG_FILE", "PYPROJECT", "ProjectConfig", "find_config", "load_config", "project_config"]
