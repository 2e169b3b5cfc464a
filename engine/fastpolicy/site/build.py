"""Building and serving outside `mkdocs build`: the mkdocs.yml of the checkout, strict build, live serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..errors import ToolError, UsageError
from .assemble import CONFIG_KEY, SiteOptions


def mkdocs_config_path() -> Path:
    """The site's mkdocs.yml: in the source checkout (engine/fastpolicy/site -> repository root)."""
    path = Path(__file__).resolve().parents[3] / "mkdocs.yml"
    if not path.is_file():
        raise UsageError(f"the site configuration is missing from this installation ({path}); build from a source checkout")
    return path


def _load_config(options: SiteOptions, **overrides: Any) -> Any:
    from mkdocs.config import load_config

    config = load_config(config_file=str(mkdocs_config_path()), **overrides)
    config.extra[CONFIG_KEY] = {"policies": [str(p.resolve()) for p in options.policies], "builtin": options.builtin}
    return config


def build_site(options: SiteOptions, out: Path, *, site_url: str = "") -> Catalogue:
    """Validate the records (PolicyError lists every problem), then build the site into `out` strictly."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    catalogue = options.load()
    overrides: dict[str, Any] = {"site_dir": str(out.resolve()), "strict": True}
    if site_url:
        overrides["site_url"] = site_url
    config = _load_config(options, **overrides)
    try:
        build(config)
    except (Abort, MkDocsException) as exc:
        raise ToolError(f"the site build failed: {exc}") from exc
    return catalogue


def serve_site(options: SiteOptions, address: str) -> None:
    from mkdocs.commands.serve import serve

    options.load()
    extra_config = _load_config(options).extra
    serve(config_file=str(mkdocs_config_path()), dev_addr=address, extra=dict(extra_config), watch=[str(p) for p in options.policies])


def watch_paths(options: SiteOptions) -> list[Path]:
    from ..resources import policies_dir, schemas_dir

    return ([policies_dir(), schemas_dir()] if options.builtin else [schemas_dir()]) + list(options.policies)
