"""Single sign-on's roles (pure): how OIDC_ROLE_MAP is written, and which roles a person's
claim gives them. The settings read the map with `parse_role_map` when they load, so a map
with a mistake stops the start with a message naming it; `roles_from_claim` is asked at each
sign-in.

The map is comma-separated `claim value=Role` pairs, for example
`sales-reps=Rep,sales-managers=Manager,compliance=Compliance`. A value given twice maps to
each of its roles (`leads=Rep,leads=Manager`); roles are the site's (Rep, Manager,
Compliance), written as they are named here, in any case.
"""

from __future__ import annotations

from collections.abc import Mapping

from courses.platform.access import ROLES

RoleMap = Mapping[str, frozenset[str]]


class RoleMapError(ValueError):
    """OIDC_ROLE_MAP is written wrongly; the message says where and how to write it."""


EXAMPLE = "sales-reps=Rep,sales-managers=Manager,compliance=Compliance"


def parse_role_map(text: str) -> dict[str, frozenset[str]]:
    """Claim value -> the roles it gives. Raises RoleMapError on anything unreadable: an
    unknown role, a pair without "=", an empty value, or no pair at all."""
    by_name = {role.lower(): role for role in ROLES}
    mapping: dict[str, set[str]] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        value, equals, role = item.rpartition("=")
        value, role = value.strip(), role.strip()
        if not equals or not value or not role:
            raise RoleMapError(
                f"OIDC_ROLE_MAP: {item!r} is not a `claim value=Role` pair (for example {EXAMPLE})."
            )
        if role.lower() not in by_name:
            raise RoleMapError(
                f"OIDC_ROLE_MAP: {item!r} names the role {role!r}; the roles are "
                f"{', '.join(ROLES)}."
            )
        mapping.setdefault(value, set()).add(by_name[role.lower()])
    if not mapping:
        raise RoleMapError(
            "OIDC_ROLE_MAP is empty: without it nobody could sign in with single sign-on. "
            f"Map the provider's claim values to roles, for example {EXAMPLE}."
        )
    return {value: frozenset(roles) for value, roles in mapping.items()}


def claim_values(claim: object) -> list[str]:
    """A claim as a list of strings: providers send groups as a list, some as one string
    (space- or comma-separated); anything else (a number, a nested object) gives nothing."""
    if isinstance(claim, str):
        return [value for value in claim.replace(",", " ").split() if value]
    if isinstance(claim, list | tuple):
        return [value for value in claim if isinstance(value, str)]
    return []


def roles_from_claim(claim: object, role_map: RoleMap) -> frozenset[str]:
    """The roles a person holds for the values of their role claim (none when no value is
    in the map)."""
    return frozenset(
        role for value in claim_values(claim) for role in role_map.get(value, frozenset())
    )
