"""Validate configuration data (the config file, an org pack's overrides.yaml) against a schema shipped in the package,
as located problems worded like the record schema's."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Problem
from .schema import _leaf_errors, _sentence, describe, line_for


@lru_cache(maxsize=4)
def load_schema(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@lru_cache(maxsize=4)
def _validator(path: Path) -> Any:
    from jsonschema import Draft202012Validator

    schema = load_schema(path)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_problems(schema_path: Path, data: Any, shown: str, lines: Mapping[str, int], prefix: tuple[str, ...] = ()) -> list[Problem]:
    """Every schema error of `data` as `shown:line: key.path: sentence`; `prefix` is where `data` sits in its file."""
    found: list[Problem] = []
    for error in _validator(schema_path).iter_errors(data):
        for leaf in _leaf_errors(error):
            path = tuple(leaf.absolute_path)
            node = _at(data, path)
            if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
                for key in sorted(set(leaf.instance) - set(leaf.schema.get("properties", {}))):
                    found.append(_problem(shown, lines, (*prefix, *path, key), f"unknown key '{key}'"))
                continue
            if leaf.validator == "enum" and isinstance(node, dict) and isinstance(leaf.instance, str) and leaf.instance in node:
                allowed = ", ".join(str(v) for v in leaf.validator_value)
                found.append(_problem(shown, lines, (*prefix, *path, leaf.instance), f"unknown key '{leaf.instance}' (one of {allowed})"))
                continue
            custom = leaf.schema.get("x-anyof-message") if leaf.validator == "anyOf" and isinstance(leaf.schema, dict) else None
            found.append(_problem(shown, lines, (*prefix, *path), custom or _sentence(leaf)))
    return sorted(set(found))


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problem(shown: str, lines: Mapping[str, int], path: tuple[Any, ...], sentence: str) -> Problem:
    line = line_for(lines, tuple(str(p) for p in path))
    if sentence.startswith("unknown key '") and path:
        where = ".".join(str(p) for p in path[:-1])
        return Problem(shown, line, f"{where}: {sentence}" if where else sentence)
    return Problem(shown, line, describe(path, sentence))
