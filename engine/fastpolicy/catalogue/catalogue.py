"""The loaded catalogue: records, sections and seed rules, with the one name lookup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..models import Policy, Section, SeedRule
from .resolve import find


@dataclass(frozen=True)
class Catalogue:
    policies: tuple[Policy, ...]
    sections: Mapping[str, Section]
    seed: Mapping[str, SeedRule]
    folders: tuple[str, ...] = field(default=())

    def get(self, name: str) -> Policy | None:
        """The record named by id, name or alias (any case)."""
        return find(self.policies, name)

    def by_id(self) -> dict[str, Policy]:
        return {p.id: p for p in self.policies}
