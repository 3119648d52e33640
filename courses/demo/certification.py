"""A compliance officer's review of the completion records a demo organisation's work made.

A compliance officer reviews most completed required modules soon after they are completed:
about 70% certified, 10% rejected (the quiz reopened), the most recent ones left waiting; a few
certificates are revoked, and any certified long enough ago for the module's recertification
period has expired. Every decision is made by the certification services, at its own moment.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from courses.certification.services import (
    certificate_revoke,
    completion_certify,
    completion_reject,
)
from courses.demo.activity import SAFETY_MARGIN
from courses.demo.curriculum import ModuleInfo
from courses.models import Certificate, CompletionRecord, Step

# Certification: the share of completion records certified and rejected (the most recent of the
# rest wait in the queue), and the share of certificates later revoked.
CERTIFIED_SHARE = 0.7
REJECTED_SHARE = 0.1
REVOKED_SHARE = 0.02
# What the officer notes when certifying a rep whose evidence is flagged as rushed.
FLAGGED_NOTE = (
    "The timing is flagged; the rep's manager confirms the work was done at the desk, and the "
    "answers and the call show the rules are understood."
)
MIN_REVIEW_GAP = datetime.timedelta(minutes=30)  # what is completed later than this waits
REJECTION_NOTES = {
    "close": (
        "Passed with {percent} on attempt {number} against a pass mark of {pass_mark}%, and "
        "the questions missed are the ones our audits test. Please reread the lessons and "
        "retake the quiz."
    ),
    "retries": (
        "It took {number} attempts to pass the quiz ({percent} on the last), and the scenario "
        "questions are still shaky. Please go through the lessons again and retake the quiz."
    ),
    "other": (
        "The passing attempt ({percent}) misses points we have seen go wrong on live calls. "
        "Please retake the quiz before this is signed off."
    ),
    "no quiz": "The evidence for {step} does not show the rules were understood. Please redo it.",
}
REVOCATION_REASONS = (
    "Call monitoring found a call to a number on the firm's do-not-call list after "
    "certification; certificate withdrawn until the module is redone.",
    "Consumer complaint upheld: a call was made after 9 p.m. in the consumer's time zone.",
    "The quiz was found to have been taken with a colleague's help, against the assessment rules.",
    "QA review: a do-not-call request on a recorded call was neither honoured nor recorded.",
)


@dataclass
class CertificationCounts:
    records: int = 0
    certified: int = 0
    rejected: int = 0
    pending: int = 0
    revoked: int = 0
    expired: int = 0


def _between(
    rng: random.Random, start: datetime.datetime, wanted: datetime.timedelta, latest
) -> datetime.datetime | None:
    """`start + wanted`, or squeezed to fit before `latest`; None when there is no room."""
    room = latest - start
    if room < MIN_REVIEW_GAP:
        return None
    if wanted > room:
        wanted = room * rng.uniform(0.3, 0.95)
    return start + wanted


def _review_delay(rng: random.Random) -> datetime.timedelta:
    """How long a completion waits for compliance: mostly days, now and then a backlog."""
    if rng.random() < 0.8:
        return datetime.timedelta(days=rng.uniform(0.05, 3))
    return datetime.timedelta(days=rng.uniform(3, 21))


def _rejection_note(record, redo: Step) -> str:
    """A reviewer's note, from the evidence of the passing quiz attempt when there is one."""
    quiz = next(iter(record.evidence.get("quizzes") or []), None)
    if quiz is None:
        return REJECTION_NOTES["no quiz"].format(step=redo.title)
    percent = float(quiz["percent"])
    if percent - quiz["pass_mark"] < 10:
        kind = "close"
    elif quiz["number"] >= 2:
        kind = "retries"
    else:
        kind = "other"
    return REJECTION_NOTES[kind].format(
        percent=f"{percent:g}%", number=quiz["number"], pass_mark=quiz["pass_mark"]
    )


def _quota(count: int, share: float, at_least: int) -> int:
    """`share` of `count`, and at least `at_least` once there are enough to go round."""
    wanted = round(count * share)
    return max(at_least, wanted) if count >= 5 else wanted


def certify_progress(
    rng: random.Random,
    now: datetime.datetime,
    officer,
    people: list,
    infos: list[ModuleInfo],
) -> CertificationCounts:
    """Review the completion records of `people`, as an officer works through the queue."""
    latest = now - SAFETY_MARGIN
    by_module = {info.module.pk: (index, info) for index, info in enumerate(infos)}
    order = {person.pk: index for index, person in enumerate(people)}
    found = CompletionRecord.objects.filter(user__in=people, review=None).select_related("module")
    records = sorted(
        ((record, by_module[record.module_id][1]) for record in found),
        key=lambda pair: (order[pair[0].user_id], by_module[pair[0].module_id][0]),
    )
    counts = CertificationCounts(records=len(records))

    # The queue holds mostly the latest work; the rest is decided at random.
    ages = [(now - record.completed_at) / datetime.timedelta(days=1) for record, _ in records]
    noisy = [age * rng.uniform(0.4, 1.6) for age in ages]
    by_recency = sorted(range(len(records)), key=lambda i: (noisy[i], i))
    waiting = _quota(len(records), 1 - CERTIFIED_SHARE - REJECTED_SHARE, 1)
    decided = sorted(by_recency[waiting:])
    rng.shuffle(decided)
    rejected = set(decided[: _quota(len(records), REJECTED_SHARE, 1)])

    certificates: list[Certificate] = []
    for index in sorted(decided):
        record, info = records[index]
        at = _between(rng, record.completed_at, _review_delay(rng), latest)
        if at is None:
            continue  # completed moments ago: still waiting
        if index in rejected:
            quizzes = [step for step in info.steps if step.pk in info.quizzes]
            redo = (quizzes or info.steps)[0 if quizzes else -1]
            completion_reject(
                officer=officer,
                record=record,
                note=_rejection_note(record, redo),
                redo_steps=[redo],
                now=at,
            )
            counts.rejected += 1
        else:
            # Flagged evidence is certified only with the officer's reason.
            note = FLAGGED_NOTE if record.flags else ""
            certificates.append(
                completion_certify(officer=officer, record=record, note=note, now=at)
            )
    counts.certified = len(certificates)
    counts.pending = counts.records - counts.certified - counts.rejected

    # A few certificates are revoked: some days after they were issued, while still valid.
    revocable = [
        (certificate, end)
        for certificate in certificates
        if (end := min(latest, certificate.expires_at or latest)) - certificate.issued_at
        > datetime.timedelta(days=2)
    ]
    wanted = min(len(revocable), max(1, round(len(certificates) * REVOKED_SHARE)))
    revoked = set()
    for certificate, end in sorted(
        rng.sample(revocable, wanted), key=lambda pair: pair[0].issued_at
    ):
        start = certificate.issued_at + datetime.timedelta(days=1)
        certificate_revoke(
            officer=officer,
            certificate=certificate,
            reason=rng.choice(REVOCATION_REASONS),
            now=_between(rng, start, datetime.timedelta(days=rng.uniform(1, 60)), end),
        )
        revoked.add(certificate.pk)
    counts.revoked = len(revoked)
    counts.expired = sum(
        1
        for certificate in certificates
        if certificate.pk not in revoked
        and certificate.expires_at is not None
        and certificate.expires_at <= now
    )
    return counts
