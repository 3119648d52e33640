"""The only place that changes progress: load rows, apply the rule, write the result."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _

from courses.certification.engagement import minimum_reading_seconds
from courses.certification.services import completion_record_if_complete
from courses.models import Step, StepCompletion, StepStart
from courses.progress.read_model import refresh


class ProgressRefused(Exception):
    """The step cannot be completed yet; the message says why, in words a rep understands."""


# Inside a caller's transaction it takes no savepoint: an error in it fails the caller's
# whole transaction, and no caller carries on after one.
@transaction.atomic(savepoint=False)
def step_complete(
    *, user, step: Step, started_at: datetime.datetime | None = None, now=None
) -> tuple[StepCompletion, bool]:
    """Record that `user` completed `step`, begun at `started_at`. Completing again changes
    nothing.

    Returns the live completion and whether it was created now.
    """
    now = now or timezone.now()
    existing = StepCompletion.objects.live().filter(user=user, step=step).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            completion = StepCompletion.objects.create(
                user=user,
                step=step,
                started_at=started_at,
                completed_at=now,
                content_version=step.module.content_version,
            )
    except IntegrityError:
        # A concurrent request recorded it first; theirs is the one that counts.
        return StepCompletion.objects.live().get(user=user, step=step), False
    StepStart.objects.filter(user=user, step=step).delete()
    refresh(user_id=user.pk, module_id=step.module_id)
    completion_record_if_complete(user=user, module=step.module, now=now)
    return completion, True


def step_open(*, user, step: Step, now=None) -> None:
    """Note when `user` opened a step they have not completed: their reading time starts."""
    if not StepStart.objects.filter(user=user, step=step).exists():
        try:
            with transaction.atomic():
                StepStart.objects.create(user=user, step=step, started_at=now or timezone.now())
        except IntegrityError:
            pass  # opened in another tab a moment ago: that moment counts


def lesson_complete(*, user, step: Step, now=None) -> tuple[StepCompletion, bool]:
    """Mark a lesson read, once enough time has passed since it was opened to have read it.

    A lesson with no recorded opening (its page was loaded before reading times were kept)
    starts its reading time now.
    """
    now = now or timezone.now()
    existing = StepCompletion.objects.live().filter(user=user, step=step).first()
    if existing is not None:
        return existing, False
    step_open(user=user, step=step, now=now)
    started_at = StepStart.objects.get(user=user, step=step).started_at
    ready_at = started_at + datetime.timedelta(seconds=minimum_reading_seconds(step.minutes))
    if now < ready_at:
        when = dateformat.format(timezone.localtime(ready_at), formats.get_format("TIME_FORMAT"))
        raise ProgressRefused(
            _(
                "This lesson takes about %(minutes)s min to read. Take the time to read it: "
                "from %(time)s you can mark it complete."
            )
            % {"minutes": step.minutes, "time": when}
        )
    return step_complete(user=user, step=step, started_at=started_at, now=now)
