"""Typed errors; each carries the exit code the CLI uses when rendering it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_SCAN_FAILED = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem in a policy file: rendered as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class FastpolicyError(Exception):
    """Base class; `exit_code` is what the CLI exits with."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(sorted(set(problems)))


class UsageError(FastpolicyError):
    """Bad command-line input: unknown id, missing path, bad option value."""


class UnknownName(UsageError):
    """A record or section the catalogue does not have; the CLI prefixes the option that named it."""


class ConfigError(UsageError):
    """The project configuration (pyproject.toml [tool.fastpolicy], fastpolicy.toml, overrides.yaml) is invalid."""


class PolicyError(FastpolicyError):
    """One or more policy records are invalid (syntax, schema, ids, relations, semgrep syntax)."""


class ToolError(FastpolicyError):
    """semgrep is missing, crashed, or produced output that cannot be trusted."""

    exit_code = EXIT_SCAN_FAILED


class InstallationError(ToolError):
    """fastpolicy's own data (built-in policies, schemas) is missing from the installation."""


class YamlProblem(PolicyError):
    """One YAML file cannot be read; `problem` says where. Loaders collect these into one PolicyError."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class ScanFailed(FastpolicyError):
    """The scan ran but cannot be trusted as complete (fatal semgrep error, nothing scanned)."""

    exit_code = EXIT_SCAN_FAILED


class Terminated(BaseException):
    """SIGTERM arrived: raised by the CLI's handler so every `with` block (temp folders, semgrep's group) unwinds."""

    exit_code = 143
