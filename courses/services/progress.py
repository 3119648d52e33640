"""The only place that changes progress: load rows, apply the rule, write the result."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Step, StepCompletion
from .certification import completion_record_if_complete


@transaction.atomic
def step_complete(*, user, step: Step) -> tuple[StepCompletion, bool]:
    """Record that `user` completed `step`. Completing again changes nothing.

    Returns the live completion and whether it was created now.
    """
    existing = StepCompletion.objects.live().filter(user=user, step=step).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            completion = StepCompletion.objects.create(
                user=user,
                step=step,
                completed_at=timezone.now(),
                content_version=step.module.content_version,
            )
    except IntegrityError:
        # A concurrent request recorded it first; theirs is the one that counts.
        return StepCompletion.objects.live().get(user=user, step=step), False
    completion_record_if_complete(user=user, module=step.module)
    return completion, True
