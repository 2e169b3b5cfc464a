"""Stage 3: every formatter. Each takes one result object and returns a `Rendered`; none re-runs anything."""
