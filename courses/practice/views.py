"""Practice pages: the call check; the dialing drill's page (start a session, progress per
rule, best, streak), a session one card at a time, an answer with the engine's feedback, and
the next card.

Every signed-in person may use them; a drill session is its owner's alone (anyone else gets a
404).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import DrillSession
from courses.practice import services
from courses.practice.drill import BLOCK_MINUTES
from courses.practice.forms import (
    CallCheckForm,
    DealForm,
    DrillAnswerForm,
    DrillStartForm,
    NextCardForm,
)
from courses.practice.grading import CHOICES
from courses.practice.selectors import TIME_BOX, drill_progress, session_view
from courses.practice.selectors import call_check as check


@require_GET
def call_check(request):
    """May I call this lead now? A GET form, so an answer can be bookmarked and shared.

    Any field given makes it a question: every field is then checked, and a question with an
    error is answered 400 with the error beside its field.
    """
    form = CallCheckForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        lead, call = form.lead_and_call()
        answer = check(lead=lead, call=call)
    context = {"form": form, "answer": answer, "nav": "call-check"}
    template = "practice/call_check.html#answer" if request.htmx else "practice/call_check.html"
    return render(request, template, context, status=400 if form.errors else 200)


# --- The dialing drill ---------------------------------------------------------------------------

PAGE = "practice/session.html"


def by_answer(values) -> dict:
    """Values kept by answer ("call", "wait", "do-not-call"), under names a template can read."""
    return {"call": values["call"], "wait": values["wait"], "dont": values["do-not-call"]}


def choice_labels() -> dict:
    """The three answers' labels, in the language of the page."""
    return by_answer({verdict: _(label) for verdict, label in CHOICES.items()})


def _first_error(form) -> str:
    errors = form.errors.get("__all__") or next(iter(form.errors.values()), [])
    return errors[0] if errors else _("That is not an answer the page offers.")


def render_home(request, *, seed: int | None = None, error: str = "", status: int = 200):
    progress = drill_progress(user=request.user, today=timezone.localdate())
    context = {
        "progress": progress,
        "seed": seed,
        "error": error,
        "time_box": int(TIME_BOX.total_seconds()),
        "block_minutes": by_answer(BLOCK_MINUTES),
        "site_zone": timezone.get_current_timezone_name(),
        "nav": "practice",
    }
    return render(request, "practice/home.html", context, status=status)


@require_GET
def drill_home(request):
    if "seed" not in request.GET:
        return render_home(request)
    form = DealForm(request.GET)
    if not form.is_valid():
        return render_home(request, error=_first_error(form), status=400)
    return render_home(request, seed=form.cleaned_data["seed"])


@require_POST
def drill_start(request):
    data = request.POST.copy()
    if "seed" not in data and "seed" in request.GET:
        data["seed"] = request.GET["seed"]  # /practice/sessions/?seed=N replays deal N
    form = DrillStartForm(data)
    if not form.is_valid():
        return render_home(request, error=_first_error(form), status=400)
    session = services.drill_start(
        user=request.user, mode=form.cleaned_data["mode"], seed=form.cleaned_data["seed"]
    )
    return redirect("practice:session", session.pk)


def own_session(request, session_id: int) -> DrillSession:
    """The signed-in person's session, or 404: nobody opens another person's session."""
    return get_object_or_404(DrillSession, pk=session_id, user=request.user)


def render_session(
    request, session: DrillSession, *, status: int = 200, error: str = "", form=None, answer=None
):
    context = {
        "session": session,
        "view": session_view(session, now=timezone.now(), answer=answer),
        "error": error,
        "form": form,
        "labels": choice_labels(),
        "time_box": int(TIME_BOX.total_seconds()),
        "block_minutes": by_answer(BLOCK_MINUTES),
        "nav": "practice",
    }
    template = f"{PAGE}#drill" if request.htmx else PAGE
    return render(request, template, context, status=status)


@require_GET
def drill_session(request, session_id):
    return render_session(request, own_session(request, session_id))


@require_POST
def drill_answer(request, session_id):
    form = DrillAnswerForm(request.POST)
    if not form.is_valid():
        session = own_session(request, session_id)
        return render_session(request, session, status=400, error=_first_error(form), form=form)
    try:
        session, answer, _graded = services.drill_answer(
            user=request.user,
            session_id=session_id,
            position=form.cleaned_data["position"],
            choice=form.cleaned_data["choice"],
            callback=form.cleaned_data["callback"],
        )
    except DrillSession.DoesNotExist:
        raise Http404("No such session.") from None
    except services.DrillRefused as refused:
        session = own_session(request, session_id)
        return render_session(request, session, status=400, error=str(refused), form=form)
    if request.htmx:
        return render_session(request, session, answer=answer)
    return redirect("practice:session", session.pk)


@require_POST
def drill_next(request, session_id):
    form = NextCardForm(request.POST)
    try:
        if not form.is_valid():
            raise services.DrillRefused(_("That card is not the next one."))
        session = services.drill_next(
            user=request.user, session_id=session_id, position=form.cleaned_data["position"]
        )
    except DrillSession.DoesNotExist:
        raise Http404("No such session.") from None
    except services.DrillRefused as refused:
        session = own_session(request, session_id)
        return render_session(request, session, status=400, error=str(refused))
    if request.htmx:
        return render_session(request, session)
    return redirect("practice:session", session.pk)
