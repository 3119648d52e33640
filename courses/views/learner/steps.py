from django.http import Http404
from django.views.decorators.http import require_GET

from ...models import Step
from .pages import lesson_page, mark_done, published_steps
from .quizzes import quiz_overview
from .roleplays import roleplay_overview

PAGES = {
    Step.Kind.LESSON: lesson_page,
    Step.Kind.QUIZ: quiz_overview,
    Step.Kind.ROLEPLAY: roleplay_overview,
}


@require_GET
def step_detail(request, module_slug, step_slug):
    """A step's own page: a lesson to read, a quiz to take, a call to play."""
    steps = published_steps(module_slug)
    step = next((s for s in steps if s.slug == step_slug), None)
    if step is None:
        raise Http404("No such step.")
    return PAGES[step.kind](request, step, mark_done(request.user, steps))
