"""The one name resolver: a record is named by its id, name or an alias, in any case; selections may also name a section."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Policy


def names_of(policy: Policy) -> tuple[str, ...]:
    return (policy.id, policy.name, *policy.aliases)


def is_named(policy: Policy, token: str, *, sections: bool = False) -> bool:
    """True when `token` names the record (or, with `sections`, its section)."""
    wanted = token.casefold()
    candidates = (*names_of(policy), policy.section) if sections else names_of(policy)
    return any(wanted == name.casefold() for name in candidates)


def find(policies: Iterable[Policy], token: str) -> Policy | None:
    """The record `token` names; an exact-case match wins over a case-insensitive one."""
    matches = [p for p in policies if is_named(p, token)]
    return next((p for p in matches if token in names_of(p)), matches[0] if matches else None)
