"""`fastpolicy docs build|serve`: the catalogue site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import EXIT_OK, UsageError
from .options import PoliciesOption, _out, app

docs_app = typer.Typer(help="Build or serve the catalogue site (every record gets a page).", no_args_is_help=True)
NoBuiltin = Annotated[bool, typer.Option("--no-builtin", help="Publish only the organization's records, not the built-in catalogue.")]


def _site():  # type: ignore[no-untyped-def]
    """The site builder needs MkDocs (the `docs` extra); say so instead of failing on an import."""
    try:
        from ..site import assemble, build
    except ImportError as exc:
        raise UsageError(f"building the site needs MkDocs: pip install 'fastpolicy[docs]' ({exc})") from exc
    return assemble, build


@docs_app.command("build")
def docs_build(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path("build/site"),
    policies: PoliciesOption = None,
    no_builtin: NoBuiltin = False,
    site_url: Annotated[str, typer.Option("--site-url", help="Where the site will be published; findings' links use it as --docs-url.")] = "",
) -> int:
    """Validate the records and build the site (strict: any warning fails the build)."""
    assemble, build = _site()
    catalogue = build.build_site(assemble.SiteOptions(tuple(policies or ()), not no_builtin), out, site_url=site_url)
    _out().print(f"Built the site for {len(catalogue.policies)} records into {out}/ (open {out}/index.html).", markup=False)
    return EXIT_OK


@docs_app.command("serve")
def docs_serve(
    policies: PoliciesOption = None,
    no_builtin: NoBuiltin = False,
    address: Annotated[str, typer.Option("--address", "-a", help="host:port to serve on.")] = "127.0.0.1:8000",
) -> int:
    """Serve the site locally, rebuilding it when a record changes."""
    assemble, build = _site()
    build.serve_site(assemble.SiteOptions(tuple(policies or ()), not no_builtin), address)
    return EXIT_OK


app.add_typer(docs_app, name="docs")
