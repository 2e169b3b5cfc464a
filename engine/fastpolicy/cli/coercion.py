"""Option values without pydantic: the simple types our commands take, converted exactly as typer would.

typer 0.29 converts every parameter of the invoked command through a pydantic `TypeAdapter`, so each start imported
pydantic (about 0.1 s of CPU, a fifth of what `fastpolicy list` cost). Our parameters are str, bool, int with bounds, Path, an
Enum, or a list of those; for a value whose result is certain (a str, a plain decimal int in range, an existing
choice, a path typer would accept), this module returns what typer's adapter returns. Every other value goes to
typer's own conversion, so errors and edge cases read as typer writes them. Private typer API, feature-detected: a
typer without it keeps its own conversion, only slower.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
    from typer.core import _TyperParameter
except ImportError:  # another typer: nothing to speed up, its own conversion stays
    RuntimeParam = None  # type: ignore[assignment,misc]

UNDECIDED: Any = object()  # the quick path cannot be sure: typer converts the value
Convert = Callable[[Any, Any, Any], Any]  # (value, param, ctx) -> the converted value or UNDECIDED


def _text(value: Any, _param: Any, _ctx: Any) -> Any:
    return value if type(value) is str else UNDECIDED


def _flag(value: Any, _param: Any, _ctx: Any) -> Any:
    return value if isinstance(value, bool) else UNDECIDED


def _integer(low: float | None, high: float | None) -> Convert:
    def convert(value: Any, _param: Any, _ctx: Any) -> Any:
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if type(value) is not int or (low is not None and value < low) or (high is not None and value > high):
            return UNDECIDED  # signs, spaces, 1_000, '1.0', out of range: pydantic's rules and messages
        return value

    return convert


def _choice(choices: tuple[Any, ...], case_sensitive: bool) -> Convert:
    def convert(value: Any, _param: Any, ctx: Any) -> Any:
        return coerce_cli_choice(value, choices=choices, case_sensitive=case_sensitive, ctx=ctx)

    return convert


def _path(kind: type[Path], info: Any) -> Convert:
    def convert(value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and value:
            value = kind(value)  # what pydantic's Path adapter gives for a non-empty string
        if not isinstance(value, kind):
            return UNDECIDED
        return coerce_cli_path(value, info, path_type=kind, param=param, ctx=ctx)  # an error: typer's own, naming the value as typed

    return convert


def _many(one: Convert) -> Convert:
    def convert(value: Any, param: Any, ctx: Any) -> Any:
        items = [one(item, param, ctx) for item in (value if isinstance(value, (list, tuple)) else [value])]
        return UNDECIDED if any(item is UNDECIDED for item in items) else items

    return convert


def converter(annotation: Any, info: Any) -> Convert | None:
    """The quick conversion for a parameter of this annotation and options, or None when typer must do it all."""
    if info.parser is not None:
        return None
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        one = converter(item, info) if get_origin(item) is None else None
        return _many(one) if one is not None else None
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation is int:
        return None if info.clamp else _integer(info.min, info.max)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(tuple(annotation), info.case_sensitive)
    if isinstance(annotation, type) and issubclass(annotation, Path) and routes_to_path(annotation, info) and info.path_type in (None, annotation):
        return _path(annotation, info)
    return None


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class QuickParam(RuntimeParam):  # type: ignore[misc,valid-type]
        """A parameter's conversion: the quick path, else typer's own (built only when needed)."""

        descriptor: TypeDescriptor
        convert: Convert

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                converted = self.convert(value, param, ctx)
            except Exception:  # noqa: BLE001 - any doubt (a bad choice, a path typer refuses): typer converts and words the error
                converted = UNDECIDED
            if converted is UNDECIDED:
                return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            return converted


def _quicken(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if not isinstance(param, _TyperParameter) or getattr(param, "_runtime_param", UNDECIDED) is not None or descriptor is None:
        return
    if descriptor.file_annotation is None and (convert := converter(descriptor.annotation, descriptor.parameter_info)):
        param._runtime_param = QuickParam(descriptor.parameter_info, descriptor.annotation, descriptor, convert)


def install(command: Any) -> Any:
    """Give every typer parameter of `command` and its subcommands the quick conversion; returns `command`."""
    if RuntimeParam is None:
        return command
    for param in command.params:
        _quicken(param)
    made = getattr(command, "get_help_option", None)
    if made is not None:  # --help is made on first use, for the context

        def help_option(ctx: Any) -> Any:
            option = made(ctx)
            if option is not None:
                _quicken(option)
            return option

        command.get_help_option = help_option
    for sub in getattr(command, "commands", {}).values():
        install(sub)
    return command
