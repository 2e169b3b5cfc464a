"""Option values converted without pydantic (`cli.coercion`) come out exactly as typer's own conversion gives them."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
import typer

from conftest import ROOT, run_cli
from fastpolicy.cli import app
from fastpolicy.cli.boundary import command

pytest.importorskip("typer._coercion")
from typer._click import Context  # noqa: E402
from typer._coercion import build_runtime_param  # noqa: E402

from fastpolicy.cli.coercion import QuickParam  # noqa: E402

TEXTS = ["x", "", "ü", "--x", " spaced ", "a,b"]
INTEGERS = ["0", "1", "3", "007", "-1", "+2", " 4", "1_000", "1.0", "abc", "", "１", "²", "99999999999999999999", 2, 0, -5, True, 1.5]
PATHS = [".", "", "tests", "tests/", "pyproject.toml", "no/such/file", "~", "a\x00b", Path("tests"), 3]


def _values(annotation: Any) -> list[Any]:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        singles = _values(item)
        return [singles[:2], tuple(singles[:3]), [singles[0]], singles[0], [], [singles[0], object()]]
    if annotation is str:
        return [*TEXTS, 5, b"bytes"]
    if annotation is int:
        return INTEGERS
    if annotation is bool:
        return [True, False, "true", "", 1]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        return [*members, *(m.value for m in members), *(m.value.upper() for m in members), members[0].value.title(), "nope", "", 1]
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return PATHS
    raise AssertionError(f"no sample values for {annotation!r}: add them, the quick conversion may need a case")


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> Any:
    try:
        return ("value", runtime._coerce_value(value, param=param, ctx=ctx))
    except Exception as exc:  # noqa: BLE001 - the exact error is what is compared
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return ("error", type(exc).__name__, message)


def _parameters() -> list[tuple[Any, Any]]:
    root = command(app)
    found = []

    def walk(cmd: Any) -> None:
        ctx = Context(cmd, info_name=cmd.name)
        for param in [*cmd.params, cmd.get_help_option(ctx)]:
            if param is not None:
                found.append((cmd, param))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(root)
    return found


PARAMETERS = _parameters()


def test_every_parameter_of_every_command_gets_the_quick_conversion() -> None:
    assert PARAMETERS
    slow = [f"{cmd.name} {param.name}" for cmd, param in PARAMETERS if not isinstance(param.get_runtime_param(), QuickParam)]
    assert not slow, slow  # a new parameter type: teach cli/coercion.py (or accept pydantic loading for it)


@pytest.mark.parametrize(("cmd", "param"), PARAMETERS, ids=[f"{c.name}-{p.name}" for c, p in PARAMETERS])
def test_quick_conversion_equals_typers_own(cmd: Any, param: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    ctx = Context(cmd, info_name=cmd.name)
    quick, own = param.get_runtime_param(), build_runtime_param(param.type_descriptor)
    for value in _values(param.type_descriptor.annotation):
        assert _outcome(quick, value, param, ctx) == _outcome(own, value, param, ctx), (param.name, value)


def test_usage_errors_still_read_as_typer_writes_them() -> None:
    result = run_cli("graph", "--radius", "two")
    assert result.returncode == 2
    assert "fastpolicy graph: error: Invalid value for '--radius': Input should be a valid integer, unable to parse string as an integer." in result.stderr, result.stderr
    result = run_cli("scan", ".", "--jobs", "0")
    assert result.returncode == 2 and "Input should be greater than or equal to 1" in result.stderr, result.stderr
    result = run_cli("coverage", "--format", "yaml")
    assert result.returncode == 2 and "--format/-f must be table or json, not 'yaml'" in result.stderr, result.stderr


def test_a_typer_without_the_private_api_keeps_its_own_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastpolicy.cli import coercion

    monkeypatch.setattr(coercion, "RuntimeParam", None)
    built = coercion.install(typer.main.get_command(app))
    assert all(getattr(p, "_runtime_param", None) is None for p in built.params)
