"""Remember a validated catalogue: a marker per content hash (skip the schema and relation checks) and a snapshot of
the loaded catalogue per working directory (skip reading the YAML), both in the user's cache folder."""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..resources import overrides_schema_path, policy_schema_path
from .catalogue import Catalogue

_HERE = Path(__file__).resolve().parent


def validated_marker(folders: Sequence[tuple[Path, str]], seed_file: Path) -> Path | None:
    """Where a catalogue whose every byte was already validated is remembered: a file named by the content hash of
    every record, section and seed file, the schema, and the engine code that reads and validates them (so a change
    to any of them validates again). Beside it, a snapshot of the loaded catalogue per working directory (paths are
    shown relative to it). None when there is no usable user cache folder."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(seed_file.read_bytes())
    for code in (_HERE / "loader.py", _HERE / "snapshot.py", _HERE / "schema.py", _HERE / "graph.py",
                 _HERE / "markers.py", _HERE / "overrides.py", _HERE.parent / "models.py", policy_schema_path(),
                 overrides_schema_path()):
        digest.update(code.read_bytes())
    for folder, origin in folders:
        digest.update(f"\0{origin}\0".encode())
        for shown, path in _yaml_files(folder):
            digest.update(f"\0{shown}\0".encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if Path.home().is_dir() else "")
    return Path(base) / "fastpolicy" / "validated" / digest.hexdigest() if base else None


def _yaml_files(folder: Path) -> list[tuple[str, str]]:
    """(relative posix path, path) of every YAML file below `folder`, sorted, as `rglob("*")` finds them (symlinked
    folders not entered); os.walk with plain strings, a few times cheaper than Path objects on every start."""
    found = []
    top = os.fspath(folder)
    for root, dirs, files in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(root, top).replace(os.sep, "/")
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith((".yaml", ".yml")) and os.path.isfile(path):
                found.append((name if rel == "." else f"{rel}/{name}", path))
    return sorted(found)


def remember_valid(marker: Path | None) -> None:
    if marker is None:
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("every record of this catalogue passed the schema and relation checks\n", encoding="utf-8")
    except OSError:
        pass  # an unwritable cache only costs the next start its validation


def read_snapshot(path: Path | None) -> Catalogue | None:
    """The catalogue as loaded last time from the same bytes and working directory; None when absent or unreadable."""
    if path is None or not path.is_file():
        return None
    try:
        found = pickle.loads(path.read_bytes())  # the user's own cache folder, written by write_snapshot
    except Exception:  # noqa: BLE001 - a damaged snapshot is only a slower start
        return None
    return found if isinstance(found, Catalogue) else None


def write_snapshot(path: Path | None, catalogue: Catalogue) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass
