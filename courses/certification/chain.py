"""The audit log as a hash chain (pure: no database).

Each entry carries a sequence number (1, 2, 3, ...) and a SHA-256 over the previous entry's
hash followed by its own canonical content. Changing, removing or reordering any entry changes
every hash after it, so a copy of the log that verifies has not been edited since it was
written. `verify_audit_chain` walks the rows in sequence order and names the first one that
does not fit.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

# The hash the first entry builds on.
GENESIS = "0" * 64

# The columns the chain covers, in the order `canonical` writes them.
FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "action",
    "person_id",
    "team_name",
    "module_slug",
    "object_type",
    "object_id",
    "summary",
    "details",
)


def moment(at: datetime.datetime) -> str:
    """A moment as the chain writes it: ISO 8601 in UTC, to the microsecond."""
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(row: dict) -> str:
    """An entry's content as one string: the same content always gives the same string."""
    values = [moment(row[name]) if name == "at" else row[name] for name in FIELDS]
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def link_hash(previous: str, row: dict) -> str:
    return hashlib.sha256((previous + canonical(row)).encode()).hexdigest()


def as_stored(details) -> dict:
    """Details as the database gives them back (JSON round trip), so the hash written with an
    entry is the hash computed later from the stored row."""
    return json.loads(json.dumps(details or {}))


@dataclass(frozen=True)
class Verdict:
    intact: bool
    entries: int  # how many entries were checked (up to the first broken one)
    broken_sequence: int | None = None
    broken_pk: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.intact:
            noun = "entry" if self.entries == 1 else "entries"
            return f"Audit chain intact: {self.entries:,} {noun}"
        where = f"entry {self.broken_sequence} (id {self.broken_pk})"
        return f"Audit chain broken at {where}: {self.reason}"


def verify_audit_chain(rows: Iterable[dict]) -> Verdict:
    """Check rows (dicts holding FIELDS, `pk`, `hash`) given in sequence order."""
    previous, expected, count = GENESIS, 1, 0
    for row in rows:
        broken = {"broken_sequence": row["sequence"], "broken_pk": row["pk"]}
        if row["sequence"] != expected:
            reason = f"expected entry {expected} here, found entry {row['sequence']}"
            return Verdict(False, count, reason=reason, **broken)
        if row["hash"] != link_hash(previous, row):
            reason = "its content does not match its hash"
            return Verdict(False, count, reason=reason, **broken)
        previous, expected, count = row["hash"], expected + 1, count + 1
    return Verdict(True, count)
