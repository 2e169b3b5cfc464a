"""The project model as plain JSON and back, exactly: what the scan's cache stores so an unchanged project is not read again.

Every fact is a frozen dataclass of `facts.py`, stored as its class name and its fields in order; a setting's value
is any Python literal (tuple, list, set, bytes, complex, ...): a tuple is a JSON array, other values are tagged where
JSON has no type of their own. Decoding accepts only the fact types
and the tags below: anything else raises ValueError (the cache discards the file, it never trusts it).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
from typing import Any

from .facts import App, ClassFact, Dependency, DependencyRef, Deployment, FileRole, Launch, Location, ModelProblem, ProjectModel, PytestConfig, Route, Setting

FACT_TYPES = {cls.__name__: cls for cls in (Location, FileRole, Dependency, DependencyRef, Route, App, Launch, Setting, Deployment, ClassFact,
                                            PytestConfig, ModelProblem, ProjectModel)}


def encode(model: ProjectModel) -> dict[str, Any]:
    """JSON-ready data; TypeError when a value is of a type the decoder could not rebuild (the model is then not stored)."""
    return {"model": to_json(model), "role_index": sorted(model._role_index.items())}


def decode(data: Any) -> ProjectModel:
    if not isinstance(data, dict) or not isinstance(data.get("role_index"), list):
        raise ValueError("not a stored project model")
    model = from_json(data.get("model"))
    if not isinstance(model, ProjectModel):
        raise ValueError("not a stored project model")
    index = {}
    for pair in data["role_index"]:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise ValueError("bad role index")
        index[pair[0]] = pair[1]
    return dataclasses.replace(model, _role_index=index)


def decode_text(text: str) -> ProjectModel:
    """The model from its stored JSON text (`json.dumps(encode(model))`)."""
    return decode(json.loads(text))


def to_json(value: Any, types: dict[str, type] = FACT_TYPES) -> Any:
    """A tuple is a JSON array, a fact `{"Name": [its fields in order]}`, anything else JSON has no type for is tagged."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return {"float": repr(value)} if not math.isfinite(value) else value
    if isinstance(value, tuple):
        return [to_json(v, types) for v in value]
    name = type(value).__name__
    if types.get(name) is type(value):
        return {name: [to_json(getattr(value, f), types) for f in _fields(type(value))]}
    if isinstance(value, list):
        return {"list": [to_json(v, types) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = sorted((to_json(v, types) for v in value), key=repr)
        return {"frozenset" if isinstance(value, frozenset) else "set": items}
    if isinstance(value, dict):
        return {"dict": [[to_json(k, types), to_json(v, types)] for k, v in value.items()]}
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, complex):
        return {"complex": [repr(value.real), repr(value.imag)]}
    if value is Ellipsis:
        return {"ellipsis": None}
    raise TypeError(f"cannot store a {name} in the model cache")


@functools.cache
def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.compare)


@functools.cache
def _positional(cls: type) -> bool:
    """Whether the stored fields are the class's first fields in order (then it is built positionally, faster)."""
    names = [f.name for f in dataclasses.fields(cls)]
    return list(_fields(cls)) == names[: len(_fields(cls))]


def from_json(value: Any, types: dict[str, type] = FACT_TYPES) -> Any:
    kind = type(value)
    if kind is list:
        return tuple([from_json(v, types) for v in value])
    if kind is not dict:
        if value is None or kind in (str, int, float, bool):
            return value
        raise ValueError("bad value in a stored project model")
    if len(value) != 1:
        raise ValueError("bad value in a stored project model")
    (tag, body), = value.items()
    cls = types.get(tag)
    if cls is not None:
        names = _fields(cls)
        if type(body) is not list or len(body) != len(names):
            raise ValueError(f"bad {tag} in a stored project model")
        if _positional(cls):
            return cls(*[from_json(v, types) for v in body])
        return cls(**{k: from_json(v, types) for k, v in zip(names, body, strict=True)})
    if tag == "list" and isinstance(body, list):
        return [from_json(v, types) for v in body]
    if tag in ("set", "frozenset") and isinstance(body, list):
        return (set if tag == "set" else frozenset)(from_json(v, types) for v in body)
    if tag == "dict" and isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body):
        return {from_json(k, types): from_json(v, types) for k, v in body}
    if tag == "bytes" and isinstance(body, str):
        return bytes.fromhex(body)
    if tag == "float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "complex" and isinstance(body, list) and len(body) == 2 and all(isinstance(x, str) for x in body):
        return complex(float(body[0]), float(body[1]))
    if tag == "ellipsis" and body is None:
        return Ellipsis
    raise ValueError("bad value in a stored project model")
