"""Where a person stands within a module's steps."""

from django.urls import reverse

from courses.models import Module, Step, StepCompletion


def module_steps(user, module: Module) -> list[Step]:
    return list(module.steps.active().with_done(user).order_by("position"))


def mark_done(user, steps: list[Step]) -> list[Step]:
    done = set(
        StepCompletion.objects.live()
        .filter(user=user, step_id__in=[step.pk for step in steps])
        .values_list("step_id", flat=True)
        .order_by()
    )
    for step in steps:
        step.done = step.pk in done
    return steps


def module_url(module: Module) -> str:
    """The module's address; a step's page is at this address plus its slug (the templates
    build those links from it rather than looking each one up)."""
    return reverse("learner:module", args=[module.slug])


def next_step(steps: list[Step]) -> Step | None:
    return next((step for step in steps if not step.done), None)


def step_context(user, step: Step, steps: list[Step] | None = None) -> dict:
    """The step with its module's steps around it; `steps` already marked done, if given."""
    if steps is None:
        steps = module_steps(user, step.module)
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    done_count = sum(1 for s in steps if s.done)
    return {
        "module": step.module,
        "module_url": module_url(step.module),
        "step": steps[index],
        "steps": steps,
        "previous_step": steps[index - 1] if index > 0 else None,
        "following_step": steps[index + 1] if index + 1 < len(steps) else None,
        "next_step": next_step(steps),
        "done_count": done_count,
        "step_count": len(steps),
        "percent": round(100 * done_count / len(steps)) if steps else 0,
    }
