"""The certification report: for each person and required module, where they stand on a day.

Rows are produced a chunk of people at a time with a fixed number of queries per chunk, so a
report of any size streams in constant memory. The totals per status are counted by the
database in two queries, whatever the report's size; `standing` is the rule, and the totals'
reading of it is tested against the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When

from courses.certification.models import CertificationStatus as Status
from courses.models import Certificate, CompletionRecord, Membership, Module
from courses.platform.days import day
from courses.platform.people import display_name

# The statuses a person's standing on a module can take in the report, in the order offered.
STATUSES = (
    Status.CERTIFIED,
    Status.PENDING,
    Status.REJECTED,
    Status.EXPIRED,
    Status.REVOKED,
    Status.MISSING,
)
CHUNK = 1000


@dataclass
class ReportRow:
    person: object
    name: str
    teams: str
    module: Module
    status: Status
    completed_at: datetime.datetime | None = None
    content_version: str = ""
    certified_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    certified_by: str = ""
    code: str = ""

    # The days the page shows. A report row has three of them, and formatting them here costs
    # a fraction of the template's date filter, which a page would otherwise run 150 times.
    @property
    def completed_day(self) -> str:
        return day(self.completed_at)

    @property
    def certified_day(self) -> str:
        return day(self.certified_at)

    @property
    def expires_day(self) -> str:
        return day(self.expires_at)


def standing(
    records: list[CompletionRecord], moment: datetime.datetime
) -> tuple[Status, CompletionRecord | None]:
    """The person's status for one module at `moment`, and the record it is based on.

    A certificate valid at that moment wins; otherwise the latest record decides (pending,
    rejected, or how its certificate ended); with no record the module is missing.
    """
    records = [r for r in records if r.completed_at <= moment]
    certified = [
        r
        for r in records
        if _certificate(r) is not None and _certificate(r).status_at(moment) == Status.VALID
    ]
    if certified:
        return Status.CERTIFIED, max(certified, key=lambda r: r.completed_at)
    if not records:
        return Status.MISSING, None
    latest = max(records, key=lambda r: r.completed_at)
    review = getattr(latest, "review", None)
    if review is None or review.at > moment:
        return Status.PENDING, latest
    certificate = _certificate(latest)
    if certificate is None:
        return Status.REJECTED, latest
    # The report tells two ends of a certificate apart: revoked, or expired (superseded included).
    if certificate.status_at(moment) == Status.REVOKED:
        return Status.REVOKED, latest
    return Status.EXPIRED, latest


def _certificate(record: CompletionRecord) -> Certificate | None:
    return getattr(record, "certificate", None)


def certification_rows(
    people,
    *,
    modules: list[Module],
    moment: datetime.datetime,
    statuses: set[Status] | None = None,
    completed_from: datetime.date | None = None,
    completed_to: datetime.date | None = None,
    chunk_size: int = CHUNK,
    first_chunk: int | None = None,
    after: str | None = None,
) -> Iterator[ReportRow]:
    """Rows for `people` (a queryset) x `modules`, filtered, as things stood at `moment`.

    People come in username order, a chunk at a time along the username index, so the first
    rows arrive quickly and any number of rows streams in constant memory. `after` starts after
    that username (the next page of the report). The first chunk holds `first_chunk` people
    (a page asks for the few it shows); chunks then double up to `chunk_size`, so filters that
    leave many people without rows still cost few queries.
    """
    if not modules:
        return
    module_ids = [m.pk for m in modules]
    people = _who_can_match(
        people,
        module_ids=module_ids,
        statuses=statuses,
        completed_from=completed_from,
        completed_to=completed_to,
    ).only("username", "first_name", "last_name")
    size = min(first_chunk or chunk_size, chunk_size)
    last_username = after or None
    while True:
        chunk_query = people if last_username is None else people.filter(username__gt=last_username)
        chunk = list(chunk_query.order_by("username")[:size])
        if not chunk:
            return
        last_username = chunk[-1].username
        size = min(size * 2, chunk_size)
        person_ids = [person.pk for person in chunk]
        by_key: dict[tuple[int, int], list[CompletionRecord]] = {}
        for record in _records(person_ids, module_ids):
            by_key.setdefault((record.user_id, record.module_id), []).append(record)
        teams_of: dict[int, list[str]] = {}
        for user_id, team in (
            Membership.objects.filter(user_id__in=person_ids)
            .order_by()
            .values_list("user_id", "team__name")
        ):
            teams_of.setdefault(user_id, []).append(team)
        for person in chunk:
            name = display_name(person)
            teams = ", ".join(sorted(teams_of.get(person.pk, [])))
            for module in modules:
                status, record = standing(by_key.get((person.pk, module.pk), []), moment)
                if statuses and status not in statuses:
                    continue
                if (completed_from or completed_to) and (
                    record is None
                    or (completed_from and record.completed_at.date() < completed_from)
                    or (completed_to and record.completed_at.date() > completed_to)
                ):
                    continue
                row = ReportRow(person=person, name=name, teams=teams, module=module, status=status)
                if record is not None:
                    row.completed_at = record.completed_at
                    row.content_version = record.content_version
                    certificate = _certificate(record)
                    if certificate is not None:
                        row.certified_at = certificate.issued_at
                        row.expires_at = certificate.expires_at
                        officer = certificate.certified_by
                        row.certified_by = display_name(officer)
                        row.code = certificate.display_code
                yield row


def _records(person_ids: list[int], module_ids: list[int]):
    """The chunk's completion records with what deciding a standing reads, and nothing more:
    the evidence snapshot, by far the largest column, stays in the database."""
    return (
        CompletionRecord.objects.filter(user_id__in=person_ids, module_id__in=module_ids)
        .select_related(
            "review",
            "certificate__revocation",
            "certificate__supersession",
            "certificate__certified_by",
        )
        .only(
            "user",
            "module",
            "completed_at",
            "content_version",
            "review__at",
            "certificate__issued_at",
            "certificate__expires_at",
            "certificate__code",
            "certificate__revocation__at",
            "certificate__supersession__ends_at",
            "certificate__certified_by__username",
            "certificate__certified_by__first_name",
            "certificate__certified_by__last_name",
        )
        .order_by()
    )


# What the record a row reports on must have for the row to take each status (see `standing`):
# a filter on statuses lets the database skip people with no such record.
RECORD_FOR = {
    Status.CERTIFIED: Q(certificate__isnull=False),
    Status.PENDING: Q(),
    Status.REJECTED: Q(review__isnull=False, certificate__isnull=True),
    Status.EXPIRED: Q(certificate__isnull=False),
    Status.REVOKED: Q(certificate__revocation__isnull=False),
}


def _who_can_match(people, *, module_ids, statuses, completed_from, completed_to):
    """`people` narrowed to those who can have a row at all, when the filters say so.

    A row for any status but missing, and any row filtered by completion date, reports on a
    completion record of one of the modules: one that has what its status needs, completed on
    those days (a record's day is read in UTC, as in the rows). People with no such record are
    skipped by the database instead of being read and dropped.
    """
    narrow_statuses = bool(statuses) and all(status in RECORD_FOR for status in statuses)
    if not (narrow_statuses or completed_from or completed_to):
        return people
    records = CompletionRecord.objects.filter(user=OuterRef("pk"), module_id__in=module_ids)
    if narrow_statuses and Status.PENDING not in statuses:
        condition = Q()
        for status in statuses:
            condition |= RECORD_FOR[status]
        records = records.filter(condition)
    if completed_from:
        records = records.filter(
            completed_at__gte=datetime.datetime.combine(completed_from, datetime.time.min, UTC)
        )
    if completed_to:
        records = records.filter(
            completed_at__lte=datetime.datetime.combine(completed_to, datetime.time.max, UTC)
        )
    return people.filter(Exists(records))


@dataclass(frozen=True)
class Totals:
    """How many of the report's rows have each status, and all of them."""

    counts: dict[Status, int]
    statuses: tuple[Status, ...] = STATUSES  # those a filter on statuses leaves

    def of(self, status: Status) -> int:
        return self.counts.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def by_status(self) -> list[tuple[Status, int]]:
        """Each status the rows can have, in the order the report's filter offers them."""
        return [(status, self.of(status)) for status in self.statuses]


def certification_totals(
    people,
    *,
    modules: list[Module],
    moment: datetime.datetime,
    statuses: set[Status] | None = None,
    completed_from: datetime.date | None = None,
    completed_to: datetime.date | None = None,
) -> Totals:
    """What `certification_rows` gives with the same arguments, counted per status by the
    database: each person's standing on each module is decided by the record `standing`
    reports on (the latest with a certificate valid at `moment`, else the latest), and the
    pairs with no record before `moment` are missing.
    """
    if not modules:
        return Totals({}, tuple(s for s in STATUSES if not statuses or s in statuses))
    module_ids = [m.pk for m in modules]
    valid = _valid_at(moment)
    siblings = CompletionRecord.objects.filter(
        user=OuterRef("user"), module=OuterRef("module"), completed_at__lte=moment
    )
    later = Q(completed_at__gt=OuterRef("completed_at")) | Q(
        completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk")
    )
    reported = (valid & ~Exists(siblings.filter(valid).filter(later))) | (
        ~Exists(siblings.filter(valid)) & ~Exists(siblings.filter(later))
    )
    status = Case(
        When(valid, then=Value(Status.CERTIFIED.value)),
        When(Q(review__isnull=True) | Q(review__at__gt=moment), then=Value(Status.PENDING.value)),
        When(certificate__isnull=True, then=Value(Status.REJECTED.value)),
        When(certificate__revocation__at__lte=moment, then=Value(Status.REVOKED.value)),
        default=Value(Status.EXPIRED.value),
    )
    records = CompletionRecord.objects.filter(
        user__in=people.values("pk"), module_id__in=module_ids, completed_at__lte=moment
    ).filter(reported)
    # A record's day is read in UTC, as in the rows.
    if completed_from:
        records = records.filter(
            completed_at__gte=datetime.datetime.combine(completed_from, datetime.time.min, UTC)
        )
    if completed_to:
        records = records.filter(
            completed_at__lte=datetime.datetime.combine(completed_to, datetime.time.max, UTC)
        )
    counts = {
        Status(row["status"]): row["rows"]
        for row in records.annotate(status=status)
        .values("status")
        .annotate(rows=Count("pk"))
        .order_by()
    }
    # Every pair without a record is missing; a row filtered by completion day has a record.
    if not (completed_from or completed_to) and (not statuses or Status.MISSING in statuses):
        counts[Status.MISSING] = people.count() * len(modules) - sum(counts.values())
    if not statuses:
        return Totals(counts)
    return Totals(
        {status: count for status, count in counts.items() if status in statuses},
        tuple(status for status in STATUSES if status in statuses),
    )


def _valid_at(moment: datetime.datetime) -> Q:
    """A completion record whose certificate is valid at `moment` (`certificate_status`)."""
    return (
        Q(certificate__issued_at__lte=moment)
        & (Q(certificate__revocation__isnull=True) | Q(certificate__revocation__at__gt=moment))
        & (Q(certificate__expires_at__isnull=True) | Q(certificate__expires_at__gt=moment))
        & (
            Q(certificate__supersession__isnull=True)
            | Q(certificate__supersession__ends_at__gt=moment)
        )
    )
