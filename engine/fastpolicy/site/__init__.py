"""Stage 4: the catalogue site (MkDocs), split by page kind; `mkdocs_hook` is what mkdocs.yml loads."""
