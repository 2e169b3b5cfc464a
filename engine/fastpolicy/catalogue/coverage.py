"""Which seed rules the catalogue encodes, and how (automated or manual)."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue


@dataclass(frozen=True)
class SeedCoverage:
    number: str
    section: int
    section_title: str
    topic: str
    text: str
    records: tuple[tuple[str, str], ...]  # (record id, check kind)

    @property
    def covered(self) -> bool:
        return bool(self.records)

    @property
    def automated(self) -> bool:
        return any(kind != "manual" for _, kind in self.records)


@dataclass(frozen=True)
class CoverageReport:
    rules: tuple[SeedCoverage, ...]

    def totals(self) -> dict[str, int]:
        covered = [r for r in self.rules if r.covered]
        automated = [r for r in covered if r.automated]
        return {
            "seed_rules": len(self.rules),
            "covered": len(covered),
            "automated": len(automated),
            "manual_only": len(covered) - len(automated),
            "uncovered": len(self.rules) - len(covered),
        }


def seed_coverage(catalogue: Catalogue) -> CoverageReport:
    def order(number: str) -> tuple[int, int]:
        section, position = number[1:].split(".")
        return int(section), int(position)

    rows = []
    for number in sorted(catalogue.seed, key=order):
        rule = catalogue.seed[number]
        records = tuple(sorted((p.id, p.check.kind) for p in catalogue.policies if number in p.seed))
        rows.append(SeedCoverage(number, rule.section, rule.section_title, rule.topic, rule.opens, records))
    return CoverageReport(tuple(rows))
