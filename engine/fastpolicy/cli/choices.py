"""The command line's vocabulary: the choices options take (enums: listed by --help, any case), the order of --help,
and how a usage error reads."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

PoliciesOption = Annotated[
    Optional[list[Path]],
    typer.Option("--policies", "-p", help="An organization's folder of records, added to the built-in catalogue (repeatable).", show_default=False),
]

SectionOption = Annotated[
    Optional[list[str]],
    typer.Option("--section", help="Only records (and problems) of this section (repeatable).", show_default=False),
]

SelectOption = Annotated[
    Optional[list[str]],
    typer.Option("--select", "-s", help="Only these record ids, names or sections (repeatable).", show_default=False),
]

ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", help="Read the configuration from this file (a pyproject.toml with a tool.fastpolicy table, or a fastpolicy.toml) instead of the nearest one.", show_default=False),
]

IsolatedOption = Annotated[bool, typer.Option("--isolated", help="Ignore every configuration file.")]

ExcludeOption = Annotated[
    Optional[list[str]],
    typer.Option("--exclude", help="Gitignore-style pattern of files or folders to leave out, relative to the project root (repeatable; replaces the configuration's exclude).", show_default=False),
]

ExtendExcludeOption = Annotated[
    Optional[list[str]],
    typer.Option("--extend-exclude", help="Like --exclude, but added to the configuration's exclude (repeatable).", show_default=False),
]

RecordArgument = Annotated[str, typer.Argument(help="Record id, name or alias, in any case (SEC-010, cors-wildcard-origin).", show_default=False)]


class ScanFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"
    gitlab = "gitlab"


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


class Deployment(str, Enum):
    kubernetes = "kubernetes"
    vm = "vm"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    json = "json"


# --help lists commands in the order users need them: scanning, reading about rules, then writing them
HELP_ORDER = ("scan", "context", "explain", "show", "list", "coverage", "graph", "validate", "test", "new")
_PANEL = {"scan": "Check a project", "context": "Check a project", "validate": "Write your own rules", "test": "Write your own rules",
          "new": "Write your own rules"}


def order_help(app: typer.Typer) -> None:
    """Sort the registered commands into HELP_ORDER and give each its --help panel (the `docs` group goes with authoring)."""
    def name(command: typer.models.CommandInfo) -> str:
        return command.name or (command.callback.__name__ if command.callback else "")

    app.registered_commands.sort(key=lambda c: HELP_ORDER.index(name(c)) if name(c) in HELP_ORDER else len(HELP_ORDER))
    for command in app.registered_commands:
        command.rich_help_panel = _PANEL.get(name(command), "Read the rules")
    for group in app.registered_groups:
        group.rich_help_panel = "Write your own rules"


def render_usage_error(exc: Exception) -> None:
    """A usage error as one sentence and where to read the options, without a box."""
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    choice = re.search(r"'([^']*)' is not one of (.*?)\.?$", message)
    param = getattr(exc, "param", None)
    if choice and param is not None:  # typer: "Invalid value for '--format' / '-f': Value error, 'x' is not one of 'a', 'b'."
        options = [c.strip().strip("'") for c in choice.group(2).split(",")]
        listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
        message = f"{'/'.join(getattr(param, 'opts', []) or [param.name or 'the value'])} must be {listed}, not '{choice.group(1)}' (any case)"
    message = message[0].upper() + message[1:] if message else "Invalid usage"
    context = getattr(exc, "ctx", None)
    where = context.command_path if context is not None else "fastpolicy"
    console = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
    console.print(f"{where}: error: {message.rstrip('.')}.", markup=False, style="bold red")
    console.print(f"Run '{where} --help' for the options.", markup=False)
