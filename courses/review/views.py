"""Spaced review: today's session for a rep, their mastery of each rule, and the mastery
heatmap of a manager's teams.

A session asks one due card at a time. Without JavaScript an answer is a POST that redirects
to the session page, which shows the feedback and the next card; with htmx the same partial
comes back and swaps in place.
"""

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from courses.models import ReviewCard, ReviewLog, Team
from courses.platform.access import manager_required
from courses.review import asking, selectors, services
from courses.review.forms import AnswerForm, SessionForm

SESSION = "review/session.html"
PEOPLE_PER_PAGE = 25  # as the team dashboard
PEOPLE_ORDER = ("last_name", "first_name", "username")
_BAD_ADDRESS = gettext_lazy("This address does not name a point in a review session.")


def _answers(request) -> dict[str, list[str]]:
    # Every value posted: how a card's answer is read, its kind decides (`asking.graded`).
    return {name: request.POST.getlist(name) for name in request.POST}


def session_context(request, *, now, answered: int, last: ReviewLog | None = None, **extra):
    """The session after `answered` cards: the feedback on `last`, if given, and the next due
    card unless the session is over."""
    user = request.user
    finished = answered >= selectors.SESSION_CARDS
    outlook = selectors.review_outlook(user=user, now=now)
    card = None if finished else outlook.card
    context = {
        "answered": answered,
        "session_cards": selectors.SESSION_CARDS,
        "finished": finished,
        "card": card,
        "asked": asking.asked(card, number=answered + 1) if card else None,
        "outlook": outlook,
        "nav": "home",
        **extra,
    }
    if last is not None:
        context["feedback"] = asking.feedback(last, user=user, number=answered)
        context["comes_back"] = last.card.due
    return context


@require_GET
def session(request):
    form = SessionForm(request.GET)
    now = timezone.now()
    if not form.is_valid():
        context = session_context(request, now=now, answered=0, error=_BAD_ADDRESS)
        return render(request, SESSION, context, status=400)
    answered = form.cleaned_data["answered"] or 0
    last = None
    if form.cleaned_data["last"]:
        # A review answer of the person's; practice in the drill is logged without one.
        last = (
            ReviewLog.objects.select_related("card__rule")
            .filter(card__user=request.user, pk=form.cleaned_data["last"])
            .exclude(answer=[])
            .first()
        )
        if last is None:
            raise Http404("No such review.")
    template = f"{SESSION}#review" if request.htmx else SESSION
    return render(
        request, template, session_context(request, now=now, answered=answered, last=last)
    )


@require_POST
def answer(request, card_id):
    now = timezone.now()
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _refused(request, now, 0, _("The answer arrived without its card's details."))
    answered = form.cleaned_data["answered"]
    try:
        log = services.card_review(
            user=request.user,
            card_id=card_id,
            seen=form.cleaned_data["seen"],
            raw_answers=_answers(request),
            number=answered + 1,
            now=now,
        )
    except ReviewCard.DoesNotExist:
        raise Http404("No such card in your review.") from None
    except services.ReviewRefused as refused:
        return _refused(request, now, answered, str(refused))
    if request.htmx:
        context = session_context(request, now=now, answered=answered + 1, last=log)
        return render(request, f"{SESSION}#review", context)
    return redirect(f"{reverse('review:session')}?answered={answered + 1}&last={log.pk}")


def _refused(request, now, answered: int, error: str):
    """The session as it stands, with why the answer was not taken: nothing has changed."""
    context = session_context(request, now=now, answered=answered, error=error)
    template = f"{SESSION}#review" if request.htmx else SESSION
    return render(request, template, context, status=400)


@require_GET
def mastery(request):
    rules = selectors.person_mastery(user=request.user, now=timezone.now())
    return render(request, "review/mastery.html", {"rules": rules, "nav": "home"})


@require_GET
@manager_required
def team_mastery(request):
    """People of the manager's own teams (rows) by the rules their cards touch (columns)."""
    teams = Team.objects.managed_by(request.user)
    people = (
        get_user_model()
        .objects.filter(memberships__team__in=teams)
        .distinct()
        .order_by(*PEOPLE_ORDER)
        .only(*PEOPLE_ORDER)
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    heatmap = selectors.mastery_heatmap(
        everyone=people, page=list(page.object_list), now=timezone.now()
    )
    context = {"heatmap": heatmap, "page": page, "nav": "team"}
    template = "review/team_mastery.html#heatmap" if request.htmx else "review/team_mastery.html"
    return render(request, template, context)
