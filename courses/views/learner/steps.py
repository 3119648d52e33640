from django.views.decorators.http import require_GET

from ...models import Step
from .pages import lesson_page, visible_step
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
    step = visible_step(request.user, module_slug, step_slug)
    return PAGES[step.kind](request, step)
