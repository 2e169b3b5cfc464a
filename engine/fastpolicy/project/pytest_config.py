"""pytest's ini options per configuration file (pytest.ini, pyproject.toml, tox.ini, setup.cfg) and conftest hooks that add async marks."""

from __future__ import annotations

import configparser
import re
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import PurePosixPath

from .facts import PytestConfig

# pytest's own order when several files sit in one folder (docs: "Configuration file formats", rootdir/inifile)
CONFIG_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_ADD_MARK = re.compile(r"\.add_marker\(\s*(?:pytest\.mark\.|['\"])(anyio|asyncio|trio)\b")
_HOOK = re.compile(r"^\s*(?:async\s+)?def\s+pytest_collection_modifyitems\s*\(", re.M)


def _ini(text: str, section: str) -> dict[str, str] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return {k: v.strip() for k, v in parser.items(section)} if parser.has_section(section) else None


def _options(name: str, text: str) -> dict[str, str] | None:
    """The ini options of one file, or None when the file does not configure pytest."""
    if name in ("pytest.ini", ".pytest.ini"):
        return _ini(text, "pytest") or {}
    if name == "pyproject.toml":
        try:
            table = tomllib.loads(text).get("tool", {}).get("pytest", None)
        except tomllib.TOMLDecodeError:
            return None
        if not isinstance(table, dict):
            return None
        section = table.get("ini_options", table)  # pytest 9 also reads [tool.pytest] itself
        return {str(k): " ".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in section.items() if not isinstance(v, dict)}
    if name == "tox.ini":
        return _ini(text, "pytest")
    if name == "setup.cfg":
        return _ini(text, "tool:pytest")
    return None


def _from_addopts(options: dict[str, str]) -> dict[str, str]:
    """`addopts = --asyncio-mode=auto` sets the option as the ini key would."""
    try:
        words = shlex.split(options.get("addopts", ""))
    except ValueError:
        words = options.get("addopts", "").split()
    for i, word in enumerate(words):
        if word.startswith("--asyncio-mode"):
            value = word.partition("=")[2] or (words[i + 1] if i + 1 < len(words) else "")
            options["asyncio_mode"] = value
    return options


def read_pytest_configs(texts: Mapping[str, str]) -> list[PytestConfig]:
    """One entry per folder holding a pytest configuration file (the first in pytest's order) or a conftest.py that marks
    every collected test with an async marker (`item.add_marker(pytest.mark.anyio)` in `pytest_collection_modifyitems`)."""
    found: dict[str, PytestConfig] = {}
    for path in sorted(texts, key=lambda p: (str(PurePosixPath(p).parent), CONFIG_FILES.index(PurePosixPath(p).name) if PurePosixPath(p).name in CONFIG_FILES else 99)):
        pure = PurePosixPath(path)
        folder = str(pure.parent)
        if pure.name in CONFIG_FILES and folder not in found:
            options = _options(pure.name, texts[path])
            if options is not None:
                found[folder] = PytestConfig(folder, path, tuple(sorted(_from_addopts(dict(options)).items())))
    for path, text in sorted(texts.items()):
        pure = PurePosixPath(path)
        if pure.name == "conftest.py" and _HOOK.search(text) and (mark := _ADD_MARK.search(text)):
            folder = str(pure.parent)
            marked = PytestConfig(folder, path, (("conftest_marks", mark.group(1)),), conftest=True)
            found.setdefault(f"{folder}#conftest", marked)
    return sorted(found.values(), key=lambda c: (c.folder, c.conftest))
