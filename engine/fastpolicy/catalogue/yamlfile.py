"""Strict YAML reading: duplicate keys are refused and every value keeps its line number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, YamlProblem

__all__ = ["YamlProblem", "read_yaml"]

# libyaml when available: 20x faster, same nodes and marks
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, display: str) -> tuple[Any, dict[str, int]]:
    """Parse one YAML document; return (data, {dotted.key.path: line}). Raises YamlProblem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlProblem(Problem(display, 0, f"cannot read file: {exc}")) from exc
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # re-parse with the pure-Python parser: its messages are clearer and the same everywhere
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlProblem(Problem(display, line, f"invalid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(display, 0, f"invalid YAML: {exc}")) from exc
    if node is None:
        raise YamlProblem(Problem(display, 1, "empty file"))
    lines: dict[str, int] = {}
    constructor = yaml.SafeLoader("")
    data = _build(node, (), lines, constructor, display)
    return data, lines


def _build(node: yaml.Node, path: tuple[str, ...], lines: dict[str, int], constructor: yaml.SafeLoader, display: str) -> Any:
    lines[".".join(path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(Problem(display, key_node.start_mark.line + 1, "YAML merge keys (<<) are not allowed"))
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, bool, float)) or key is None:
                raise YamlProblem(Problem(display, key_node.start_mark.line + 1, f"unsupported mapping key {key!r}"))
            if key in result:
                first = lines.get(".".join((*path, str(key))), 0)
                raise YamlProblem(
                    Problem(display, key_node.start_mark.line + 1, f"duplicate key '{key}' (first defined on line {first})")
                )
            child = (*path, str(key))
            result[key] = _build(value_node, child, lines, constructor, display)
            lines[".".join(child)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, str(i)), lines, constructor, display) for i, item in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)
