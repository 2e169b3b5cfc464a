"""The project model as plain JSON and back, exactly: what the scan's cache stores so an unchanged project is not read again.

Every fact is a frozen dataclass of `facts.py`; a setting's value is any Python literal (tuple, set, bytes,
complex, ...), so values are tagged where JSON has no type of their own. Decoding accepts only the fact types
and the tags below: anything else raises ValueError (the cache discards the file, it never trusts it).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from . import facts
from .facts import ProjectModel

FACT_TYPES = {cls.__name__: cls for cls in (facts.Location, facts.FileRole, facts.Dependency, facts.DependencyRef, facts.Route, facts.App,
                                         facts.Launch, facts.Setting, facts.Deployment, facts.ClassFact, facts.PytestConfig, facts.ModelProblem, ProjectModel)}


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


def to_json(value: Any, types: dict[str, type] = FACT_TYPES) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"float": repr(value)} if not math.isfinite(value) else value
    if isinstance(value, list):
        return [to_json(v, types) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [to_json(v, types) for v in value]}
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
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and types.get(name) is type(value):
        return {"fact": name, "fields": {f.name: to_json(getattr(value, f.name), types) for f in dataclasses.fields(value) if f.compare}}
    raise TypeError(f"cannot store a {name} in the model cache")


def from_json(value: Any, types: dict[str, type] = FACT_TYPES) -> Any:
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, list):
        return [from_json(v, types) for v in value]
    if not isinstance(value, dict) or not value:
        raise ValueError("bad value in a stored project model")
    if "fact" in value:
        cls = types.get(value["fact"]) if isinstance(value["fact"], str) else None
        fields = value.get("fields")
        names = {f.name for f in dataclasses.fields(cls) if f.compare} if cls else set()
        if cls is None or not isinstance(fields, dict) or set(fields) != names:
            raise ValueError("bad fact in a stored project model")
        return cls(**{k: from_json(v, types) for k, v in fields.items()})
    if len(value) != 1:
        raise ValueError("bad value in a stored project model")
    (tag, body), = value.items()
    if tag == "tuple" and isinstance(body, list):
        return tuple(from_json(v, types) for v in body)
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
