"""The project configuration as settings: read, validated, paths made relative to the file's folder; and the one rule
for combining it with the command line (an option given there wins)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue.catalogue import Catalogue
from ..catalogue.data_schema import schema_problems
from ..catalogue.loader import display_path
from ..catalogue.resolve import is_named
from ..errors import ConfigError, Problem, UsageError
from ..resources import config_schema_path
from .discover import PYPROJECT, find_config
from .toml_lines import toml_lines

_TOOL = ("tool", "fastpolicy")


@dataclass(frozen=True)
class ProjectConfig:
    """Settings from one configuration file (`path`); None / empty = not set there. Globs are relative to `root`."""

    path: str = ""  # as shown to the user; '' = no configuration file
    root: str = ""  # the file's folder: what its paths and globs are relative to
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: str | None = None
    fail_on: str | None = None
    policies: tuple[Path, ...] | None = None
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    deployment: str | None = None
    docs_url: str | None = None
    org_docs_url: str | None = None
    baseline: Path | None = None
    jobs: int | None = None
    max_file_size: int | None = None
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unparsable: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    prefix: str = ""  # "tool.fastpolicy." in pyproject.toml

    def line_of(self, key: str) -> int:
        """The key's line; else its first part's (per-file-ignores.GLOB), else the table's."""
        for probe in (key, key.split(".")[0]):
            if self.prefix + probe in self.lines:
                return self.lines[self.prefix + probe]
        return self.lines.get(self.prefix.rstrip("."), 0)

    def problem(self, key: str, message: str) -> Problem:
        return Problem(self.path, self.line_of(key), f"{self.prefix}{key}: {message}")

    def check_names(self, catalogue: Catalogue) -> None:
        """Every id, name or section the file names must name something: a typo never silently selects nothing."""
        problems: list[Problem] = []
        named = [("select", t) for t in self.select or ()] + [("ignore", t) for t in self.ignore or ()]
        named += [(f"per-file-ignores.{glob}", t) for glob, tokens in self.per_file_ignores for t in tokens]
        for key, token in named:
            if not any(is_named(p, token, sections=True) for p in catalogue.policies):
                problems.append(self.problem(key, f"no record or section named '{token}' (see `fastpolicy list`)"))
        if problems:
            raise ConfigError(f"{len(problems)} problem(s) in the configuration {self.path}", problems)

    def per_file_ids(self, catalogue: Catalogue) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """per-file-ignores with every name resolved to the record ids it names."""
        return tuple(
            (glob, tuple(sorted({p.id for p in catalogue.policies for t in tokens if is_named(p, t, sections=True)})))
            for glob, tokens in self.per_file_ignores
        )


def given(cli: Any, configured: Any, default: Any = None) -> Any:
    """An option given on the command line wins over the file, which wins over the default."""
    if cli is not None:
        return cli
    return configured if configured is not None else default


def _read(path: Path) -> tuple[dict[str, Any], dict[str, int], str]:
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the configuration {shown}: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", 0) or _line_in_message(str(exc))
        raise ConfigError(f"the configuration {shown} is not valid TOML", [Problem(shown, line, f"invalid TOML: {str(exc).split(' (at line')[0]}")]) from exc
    return data, toml_lines(text), shown


def _line_in_message(message: str) -> int:
    import re

    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else 0


def load_config(path: Path) -> ProjectConfig:
    """Read and validate one configuration file (pyproject.toml's [tool.fastpolicy], or the whole fastpolicy.toml)."""
    data, lines, shown = _read(path)
    prefix: tuple[str, ...] = ()
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("fastpolicy") if isinstance(tool, dict) else None
        if table is None:
            raise ConfigError(f"{shown} has no [tool.fastpolicy] table")
        data, prefix = table, _TOOL
    problems = schema_problems(config_schema_path(), data, shown, lines, prefix) if isinstance(data, dict) else \
        [Problem(shown, lines.get(".".join(prefix), 0), f"{'.'.join(prefix)}: expected a table")]
    if problems:
        raise ConfigError(f"{len(problems)} problem(s) in the configuration {shown}", problems)
    root = os.path.dirname(os.path.abspath(path))

    def relative(value: str) -> Path:
        return Path(display_path(Path(root) / value))

    def strings(key: str) -> tuple[str, ...] | None:
        return tuple(data[key]) if key in data else None

    baseline = data.get("baseline")
    return ProjectConfig(
        path=shown, root=root, select=strings("select"), ignore=strings("ignore"), severity=data.get("severity"),
        fail_on=data.get("fail-on"), policies=tuple(relative(p) for p in data["policies"]) if "policies" in data else None,
        exclude=strings("exclude"), extend_exclude=strings("extend-exclude") or (), deployment=data.get("deployment"),
        docs_url=data.get("docs-url"), org_docs_url=data.get("org-docs-url"), baseline=relative(baseline) if baseline else None,
        jobs=data.get("jobs"), max_file_size=data.get("max-file-size"),
        per_file_ignores=tuple((glob, tuple(ids)) for glob, ids in sorted((data.get("per-file-ignores") or {}).items())),
        roles={role: tuple(globs) for role, globs in sorted((data.get("roles") or {}).items())},
        unparsable=strings("unparsable") or (), lines=lines, prefix=".".join(prefix) + "." if prefix else "",
    )


def project_config(paths: Sequence[str], config_file: Path | None = None, isolated: bool = False) -> ProjectConfig:
    """The configuration for a command on `paths`: --config FILE, else the nearest file above their common folder;
    none with --isolated."""
    if isolated:
        if config_file is not None:
            raise UsageError("--config and --isolated cannot be used together")
        return ProjectConfig()
    if config_file is not None:
        if not config_file.is_file():
            raise UsageError(f"--config: {config_file}: no such file")
        return load_config(config_file)
    existing = [os.path.abspath(p) for p in paths or ["."] if os.path.exists(p)]
    if not existing:
        return ProjectConfig()
    common = os.path.commonpath(existing)
    found = find_config(common)
    return load_config(found) if found else ProjectConfig()
