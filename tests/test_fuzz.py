"""A seeded fuzz of `fastpolicy validate` over mutated real records: exit 0 or 2 only, every problem located, no traceback.

The larger campaign is a documented command: `PYTHONPATH=engine python tests/fuzz_records.py --cases 3000`.
"""

from __future__ import annotations

from fuzz_records import fuzz


def test_validate_survives_mutated_records() -> None:
    result = fuzz(cases=200, seed=20261201)
    assert result["failures"] == [], result["failures"]
    exits = result["exits"]
    assert set(exits) <= {0, 2}  # type: ignore[arg-type]
    assert exits[0] and exits[2], exits  # type: ignore[index]  # the mutants reach both outcomes, not only the reader
