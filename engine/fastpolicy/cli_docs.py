"""`fastpolicy docs`: build or serve the catalogue site, optionally with an organization's folder of records."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Annotated, Optional

import typer

docs_app = typer.Typer(help="Build or serve the catalogue site (every record gets a page).", no_args_is_help=True)

DocsPolicies = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--policies",
        "-p",
        help="An organization's folder of records to publish with the built-in catalogue (repeatable).",
        show_default=False,
    ),
]


def _site_module() -> ModuleType:
    """The site builder needs MkDocs (the `docs` extra); say so instead of failing on an import."""
    try:
        from . import docs
    except ImportError as exc:
        from .errors import UsageError

        raise UsageError(f"building the site needs MkDocs: pip install 'fastpolicy[docs]' ({exc})") from exc
    return docs


NoBuiltin = Annotated[bool, typer.Option("--no-builtin", help="Publish only the organization's records, not the built-in catalogue.")]


@docs_app.command("build")
def build(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path("build/site"),
    policies: DocsPolicies = None,
    no_builtin: NoBuiltin = False,
    site_url: Annotated[
        str, typer.Option("--site-url", help="Where the site will be published; findings' links use it as --docs-url.")
    ] = "",
) -> int:
    """Validate the records and build the site (strict: any warning fails the build)."""
    from rich.console import Console

    docs = _site_module()
    catalogue = docs.build_site(docs.SiteOptions(tuple(policies or ()), not no_builtin), out, site_url=site_url)
    Console(soft_wrap=True, highlight=False).print(
        f"Built the site for {len(catalogue.policies)} records into {out}/ (open {out}/index.html).", markup=False
    )
    return 0


@docs_app.command("serve")
def serve(
    policies: DocsPolicies = None,
    no_builtin: NoBuiltin = False,
    address: Annotated[str, typer.Option("--address", "-a", help="host:port to serve on.")] = "127.0.0.1:8000",
) -> int:
    """Serve the site locally, rebuilding it when a record changes."""
    docs = _site_module()
    docs.serve_site(docs.SiteOptions(tuple(policies or ()), not no_builtin), address)
    return 0
