"""Building and serving outside `mkdocs build`: the shipped mkdocs.yml and site sources, strict build, live serve.

The same code runs from a source checkout and from an installed wheel: the configuration, the hand-written pages and
the hook are found through fastpolicy.resources and this package, never relative to the working directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..errors import ToolError
from ..resources import mkdocs_config_path, site_sources_dir
from .assemble import CONFIG_KEY, SiteOptions

HOOK = Path(__file__).resolve().parent / "mkdocs_hook.py"


def _located() -> dict[str, Any]:
    """Absolute places for what mkdocs.yml names relative to itself: the pages, and the hook of this very installation."""
    return {"docs_dir": str(site_sources_dir()), "hooks": [str(HOOK)]}


def _load_config(options: SiteOptions, **overrides: Any) -> Any:
    from mkdocs.config import load_config

    config = load_config(config_file=str(mkdocs_config_path()), **_located(), **overrides)
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
    serve(
        config_file=str(mkdocs_config_path()), dev_addr=address, extra=dict(extra_config), watch=[str(p) for p in options.policies], **_located()
    )


def watch_paths(options: SiteOptions) -> list[Path]:
    from ..resources import policies_dir, schemas_dir

    return ([policies_dir(), schemas_dir()] if options.builtin else [schemas_dir()]) + list(options.policies)
