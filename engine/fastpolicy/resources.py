"""Where the built-in policies, schemas and site sources live: inside the wheel, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

from .errors import InstallationError

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str, *, folder: bool = True) -> Path:
    """`data/<name>` in the wheel (pyproject's force-include), else `<name>` at the root of the source checkout."""
    exists = Path.is_dir if folder else Path.is_file
    bundled = _PACKAGE / "data" / name
    if exists(bundled):
        return bundled
    checkout = _PACKAGE.parent.parent / name  # engine/fastpolicy -> repository root
    if exists(checkout):
        return checkout
    what = f"{name}/ folder" if folder else name
    raise InstallationError(f"fastpolicy's {what} is missing from the installation ({bundled})")


def policies_dir() -> Path:
    return _locate("policies")


def schemas_dir() -> Path:
    return _locate("schemas")


def policy_schema_path() -> Path:
    return schemas_dir() / "policy.schema.json"


def site_sources_dir() -> Path:
    """The hand-written site pages and assets (mkdocs' docs_dir); the rule pages are generated from the records."""
    return _locate("site")


def mkdocs_config_path() -> Path:
    """The site's mkdocs.yml."""
    return _locate("mkdocs.yml", folder=False)
def config_schema_path() -> Path:
    return schemas_dir() / "config.schema.json"


def overrides_schema_path() -> Path:
    return schemas_dir() / "overrides.schema.json"
