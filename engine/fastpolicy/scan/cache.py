"""A content-hash result cache: per file, keyed by semgrep's identity + the compiled config + path + content.

A re-scan of unchanged files reuses their semgrep results and runs no semgrep process; findings and
project checks are always recomputed from those results. The project model's per-file summaries are stored
beside them (`ModelCache`): after an edit, only the edited file and the modules whose facts looked at it are
read again. The cache can never make a result wrong: any doubt (unreadable file, other config, other
semgrep, another engine) is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..models import ScanError
from .semgrep import RawResult, SemgrepRun

CACHE_DIR = ".fastpolicy_cache"
FORMAT = 3  # bump when a cached field changes
# errors that are a function of the file's content and semgrep alone (never a timeout or memory limit): cached with the results
DETERMINISTIC_ERRORS = ("unparsed", "partial-parse")


def semgrep_identity(executable: str) -> str:
    """The installed semgrep's version (package metadata), or the binary's path, size and mtime: no process is started."""
    from importlib import metadata

    try:
        version = metadata.version("semgrep")
    except metadata.PackageNotFoundError:
        version = "?"
    try:
        stat = os.stat(executable)
        return f"{version}:{os.path.realpath(executable)}:{stat.st_size}:{int(stat.st_mtime)}"
    except OSError:
        return f"{version}:{executable}"


def config_key(config: Mapping[str, Any], identity: str) -> str:
    text = json.dumps({"format": FORMAT, "semgrep": identity, "config": config}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


Hit = tuple[str, list[RawResult], list[ScanError]]  # content hash, semgrep's results, its parse errors


@dataclass
class ResultCache:
    folder: Path
    key: str
    entries: dict[str, dict[str, Any]]
    warnings: list[ScanError]

    @classmethod
    def open(cls, folder: Path, key: str) -> ResultCache:
        warnings: list[ScanError] = []
        entries: dict[str, dict[str, Any]] = {}
        file = folder / f"results-{key[:32]}.json"
        if file.is_file():
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("files"), dict):
                    raise ValueError("not a fastpolicy cache file")
                entries = {str(k): v for k, v in data["files"].items() if _valid(v)}
            except (OSError, ValueError) as exc:
                warnings.append(ScanError("cache", "warning", f"the result cache was unreadable and is discarded ({exc})", str(file)))
        return cls(folder, key, entries, warnings)

    def lookup(self, paths: Sequence[str]) -> tuple[dict[str, Hit], list[str]]:
        """Hits (path -> (hash, results, parse errors)) and the paths semgrep must scan."""
        hits: dict[str, Hit] = {}
        misses: list[str] = []
        for path in paths:
            digest = file_hash(path)
            entry = self.entries.get(path)
            if digest is not None and entry is not None and entry["hash"] == digest:
                hits[path] = (digest, [RawResult(**{**r, "metavars": tuple(tuple(m) for m in r["metavars"])}) for r in entry["results"]],
                              [ScanError(**e) for e in entry["errors"]])
            else:
                misses.append(path)
        return hits, misses

    def store(self, run: SemgrepRun, scanned: Sequence[str], hits: Mapping[str, Hit]) -> None:
        """Keep every file semgrep checked without an error, or with only parse errors (the same content always gives the
        same ones); a file with any other error (a timeout, a memory limit) is scanned again next time."""
        troubled = {e.path for e in run.errors if e.kind not in DETERMINISTIC_ERRORS or not e.path}
        by_path: dict[str, list[RawResult]] = {}
        for raw in run.results:
            by_path.setdefault(raw.path, []).append(raw)
        parse_errors: dict[str, list[ScanError]] = {}
        for error in run.errors:
            parse_errors.setdefault(error.path, []).append(error)
        files: dict[str, dict[str, Any]] = {p: {"hash": h, "results": [asdict(r) for r in rs], "errors": [asdict(e) for e in es]}
                                            for p, (h, rs, es) in hits.items()}
        for path in scanned:
            digest = file_hash(path)
            if digest is not None and path not in troubled:
                files[path] = {"hash": digest, "results": [asdict(r) for r in by_path.get(path, [])],
                               "errors": [asdict(e) for e in parse_errors.get(path, [])]}
        self._write({"key": self.key, "files": dict(sorted(files.items()))})

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _gitignore(self.folder)
            for old in self.folder.glob("results-*.json"):
                if old.name != f"results-{self.key[:32]}.json":
                    old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".results-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, sort_keys=True)
            os.replace(tmp, self.folder / f"results-{self.key[:32]}.json")
        except OSError as exc:
            self.warnings.append(ScanError("cache", "warning", f"could not write the result cache: {exc.strerror}", str(self.folder)))


def _valid(entry: Any) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str) or not isinstance(entry.get("results"), list) \
            or not isinstance(entry.get("errors"), list):
        return False
    fields = {"rule_id", "path", "line", "end_line", "column", "message", "metavars", "end_column"}
    error_fields = {"kind", "level", "message", "path", "line", "rule_id"}
    return all(isinstance(r, dict) and set(r) == fields for r in entry["results"]) and \
        all(isinstance(e, dict) and set(e) == error_fields and e["kind"] in DETERMINISTIC_ERRORS for e in entry["errors"])


def merge(hits: Mapping[str, Hit], run: SemgrepRun | None) -> SemgrepRun:
    """One SemgrepRun over cached and fresh files, as if semgrep had scanned them all."""
    cached = [r for _, rs, _ in hits.values() for r in rs]
    cached_errors = [e for _, _, es in hits.values() for e in es]
    if run is None:
        return SemgrepRun(tuple(cached), tuple(cached_errors), (), tuple(sorted(hits)))
    return SemgrepRun((*cached, *run.results), (*cached_errors, *run.errors), run.rule_errors, tuple(sorted({*hits, *run.scanned})))


MODEL_FORMAT = 2  # bump when the stored summaries' shape changes


def model_key(roots: Sequence[str], deployment: str) -> str:
    """What every stored file summary is a function of besides the file itself: the engine code that builds the model,
    the Python that parses, and the options (the files' own texts are checked one by one: project/summaries.py)."""
    from .. import __version__

    code = Path(__file__).resolve().parent.parent / "project"
    digest = hashlib.sha256(f"{MODEL_FORMAT}\0{__version__}\0{sys.version}\0{deployment}\0{','.join(roots)}\0".encode())
    for source in sorted(code.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class ModelCache:
    """What the last project-model build under this cache folder kept of each file (project/summaries.py), reused by the
    next build with the same `model_key` for every file whose text (and every module whose facts' inputs) did not change."""

    folder: Path
    warnings: list[ScanError]

    def get(self, key: str) -> Any:
        from ..project.summaries import decode

        file = self.folder / f"model-{key[:32]}.json"
        if not file.is_file():
            return None
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("key") != key:
                raise ValueError("not a fastpolicy model cache file")
            return decode(data.get("summaries"))
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
            self.warnings.append(ScanError("cache", "warning", f"the model cache was unreadable and is discarded ({exc})", str(file)))
            return None

    def put(self, key: str, summaries: Any) -> None:
        """Store `summaries` (project/summaries.py), or the JSON text of their `encode` as the model's child process sent it."""
        from ..project.summaries import encode

        if isinstance(summaries, str):
            data = f'{{"key":{json.dumps(key)},"summaries":{summaries}}}'  # the bytes json.dumps gives for the decoded form
        else:
            try:
                data = json.dumps({"key": key, "summaries": encode(summaries)}, separators=(",", ":"))
            except TypeError:
                return  # a value the decoder could not rebuild: build the model again next time
        name = f"model-{key[:32]}.json"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _gitignore(self.folder)
            for old in self.folder.glob("model-*.json"):
                if old.name != name:
                    old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".model-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / name)
        except OSError as exc:
            self.warnings.append(ScanError("cache", "warning", f"could not write the model cache: {exc.strerror}", str(self.folder)))


def _gitignore(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by fastpolicy\n*\n", encoding="utf-8")
