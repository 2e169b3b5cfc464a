"""Where the built-in policies and schemas live: inside the wheel, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

from .errors import InstallationError

_PACKAGE = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    bundled = _PACKAGE / "data" / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE.parent.parent / name  # engine/fastpolicy -> repository root
    if checkout.is_dir():
        return checkout
    raise InstallationError(f"fastpolicy's {name}/ folder is missing from the installation ({bundled})")


def policies_dir() -> Path:
    return _locate("policies")


def schemas_dir() -> Path:
    return _locate("schemas")


def policy_schema_path() -> Path:
    return schemas_dir() / "policy.schema.json"


def config_schema_path() -> Path:
    return schemas_dir() / "config.schema.json"


def overrides_schema_path() -> Path:
    return schemas_dir() / "overrides.schema.json"
