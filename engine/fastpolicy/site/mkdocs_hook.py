"""MkDocs hook: generate the catalogue pages from the records at build time (the pages come from fastpolicy.site); an entry point like the CLI, which it documents."""

from __future__ import annotations

from typing import Any

import typer
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from fastpolicy.cli import app
from fastpolicy.config import DEFAULT_DOCS_URL
from fastpolicy.errors import PolicyError
from fastpolicy.site.assemble import SiteOptions, fill_placeholders, generate_pages, policy_problem_text, site_nav
from fastpolicy.site.build import watch_paths


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated page; fill the live parts of hand-written pages; set the navigation."""
    options = SiteOptions.from_config(config.extra)
    try:
        catalogue = options.load()
    except PolicyError as exc:  # refuse to build a partial site
        raise PluginError(policy_problem_text(exc)) from exc
    directory_urls = bool(config.use_directory_urls)
    generated = generate_pages(catalogue, directory_urls=directory_urls, cli=typer.main.get_command(app))
    clashes = sorted(path for path in generated if files.get_file_from_path(path))
    if clashes:
        raise PluginError(f"fastpolicy: these pages are generated and must not exist in {config.docs_dir}: {', '.join(clashes)}")
    docs_url = config.site_url or DEFAULT_DOCS_URL
    hand_written = []
    for file in list(files.documentation_pages()):
        hand_written.append(file.src_uri)
        text = file.content_string
        filled = fill_placeholders(text, catalogue, docs_url=docs_url, directory_urls=directory_urls, here=file.src_uri)
        if filled != text:
            files.remove(file)
            files.append(File.generated(config, file.src_uri, content=filled))
    for path, content in generated.items():
        files.append(File.generated(config, path, content=content))
    for path, content in published_schemas().items():  # stable URLs editors point `$schema` at
        files.append(File.generated(config, path, content=content))
    if not config.nav:
        config.nav = site_nav(catalogue, hand_written)
    return files


SCHEMA_URL_PATHS = {"schemas/policy.schema.json": "policy.schema.json", "schemas/config.schema.json": "config.schema.json",
                    "schemas/overrides.schema.json": "overrides.schema.json"}


def published_schemas() -> dict[str, str]:
    """The JSON Schemas the site serves, byte for byte as the engine validates with."""
    from fastpolicy.resources import schemas_dir

    return {url: (schemas_dir() / name).read_text(encoding="utf-8") for url, name in SCHEMA_URL_PATHS.items()}


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """`mkdocs serve` rebuilds when a record changes."""
    for path in watch_paths(SiteOptions.from_config(config.extra)):
        server.watch(str(path))
    return server
