"""axe-core on every page type, and screenshots of the main pages at phone and desktop widths.

One realistic state is built through the services (a rep part-way through a module, another
waiting for review, a certificate, assignments and reminders), then each page type is opened
as the person who would see it. Violations with impact "serious" or "critical" fail the test;
every violation found (any impact) is written to artifacts/accessibility.txt.
"""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.utils import timezone

from courses.certification.services import completion_certify
from courses.models import (
    CompletionRecord,
    Membership,
    Module,
    QuizAttempt,
    ReviewCard,
    RoleplayRun,
    Step,
    Team,
)
from courses.platform.access import REP
from courses.practice.services import drill_answer, drill_next, drill_start
from courses.progress.services import step_complete
from courses.quizzes.services import quiz_answer_save, quiz_attempt_start
from courses.review.services import card_review
from courses.roleplays.services import roleplay_choose, roleplay_run_start
from courses.teams.services import assignment_create, reminders_queue

from .support import require_playwright

require_playwright()

from axe_playwright_python.base import AXE_SCRIPT  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import log_in  # noqa: E402
from .support import (  # noqa: E402
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    complete_module,
    person,
    plan_call,
    play_call_through_services,
)

pytestmark = pytest.mark.django_db(transaction=True)

FAILING_IMPACTS = {"serious", "critical"}
REPORT = SCREENSHOTS.parent / "accessibility.txt"


@dataclass(frozen=True)
class PageType:
    name: str
    who: str | None  # username, or None for a visitor who is not logged in
    path: str
    heading: str  # text the page's h1 contains: the page really is the one meant
    screenshot: bool = False
    shows: str = ""  # text that shows the page is in the state meant (a form, a table row)


def build_state(django_user_model, riley, morgan, casey):
    """Everything the pages need to show something, made the way the site makes it."""
    required = Module.objects.get(slug="do-not-call-lists")
    practice = Module.objects.get(slug="handling-no")
    team = Team.objects.get(name="Alpha")
    sam = person(django_user_model, "sam", REP, "Sam", "Ortiz")
    Membership.objects.create(team=team, user=sam)
    today = timezone.localdate()

    # Riley: certified on the required module; part-way through the practice one.
    certificate = completion_certify(
        officer=casey, record=complete_module(riley, required), note="All in order."
    )
    steps = list(practice.steps.active().order_by("position"))
    lessons = [s for s in steps if s.kind == Step.Kind.LESSON]
    step_complete(user=riley, step=lessons[0])
    quiz = next(s for s in steps if s.kind == Step.Kind.QUIZ).quiz
    open_attempt = quiz_attempt_start(user=riley, quiz=quiz)
    quiz_answer_save(user=riley, attempt_id=open_attempt.pk, raw_answers={"q1": ["0"]})
    calls = [s for s in steps if s.kind == Step.Kind.ROLEPLAY]
    in_call = roleplay_run_start(user=riley, script=calls[0].script)
    roleplay_choose(user=riley, run_id=in_call.pk, turn=0, option=0)
    waiting_run = roleplay_run_start(user=riley, script=calls[1].script)
    plan = plan_call(waiting_run.script_data, violation=False)
    assert plan.needs_record, "the second call of handling-no ends with a do-not-call request"
    play_call_through_services(riley, waiting_run, plan, record=False)

    # Sam: the required module done, waiting for review.
    pending = complete_module(sam, required, quiz_right=True)

    # Assignments: one due in three days (a reminder goes out), one overdue.
    (team_assignment,) = assignment_create(
        by=morgan, modules=[practice], team=team, due_date=today + days(3)
    )
    overdue = Module.objects.get(slug="dialing-and-smiling")
    assignment_create(by=morgan, modules=[overdue], user=riley, due_date=today - days(2))
    reminders_queue(today=today)

    # Two of Riley's review cards fall due; the first is answered, so there is feedback to show.
    due = list(ReviewCard.objects.filter(user=riley).order_by("pk")[:2])
    ReviewCard.objects.filter(pk__in=[c.pk for c in due]).update(due=timezone.now() - days(1))
    answered = ReviewCard.objects.get(pk=due[0].pk)
    review_log = card_review(
        user=riley,
        card_id=answered.pk,
        seen=answered.reviews,
        raw_answers={"q1": ["0"]},
        number=1,
        now=timezone.now(),
    )
    # Riley's drill: a session finished, one waiting on its next card, a calling block begun.
    finished = drill_start(user=riley, seed=5)
    for position in range(10):
        if position:
            drill_next(user=riley, session_id=finished.pk, position=position)
        drill_answer(user=riley, session_id=finished.pk, position=position, choice="call")
    answered = drill_start(user=riley, seed=6)
    drill_answer(user=riley, session_id=answered.pk, position=0, choice="do-not-call")
    block = drill_start(user=riley, mode="block", seed=7)

    return {
        "review_log": review_log,
        "required": required,
        "practice": practice,
        "lesson": lessons[1],  # not read yet: the page has its Mark complete form
        "quiz": quiz,
        "quiz_step": quiz.step,
        "call_step": calls[0],
        "open_attempt": open_attempt,
        "required_quiz": required.steps.get(kind=Step.Kind.QUIZ).quiz,
        "reviewed_attempt": QuizAttempt.objects.filter(user=riley, passed=True).get(),
        "in_call": in_call,
        "finished_run": RoleplayRun.objects.get(user=riley, passed=True),
        "waiting_run": waiting_run,
        "certificate": certificate,
        "pending": pending,
        "team": team,
        "team_assignment": team_assignment,
        "drill_finished": finished,
        "drill_answered": answered,
        "drill_block": block,
    }


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def page_types(s, riley) -> list[PageType]:
    practice, required = s["practice"], s["required"]
    lesson, quiz, call = s["lesson"], s["quiz_step"], s["call_step"]
    code = s["certificate"].code
    shot = {"screenshot": True}
    return [
        # Visitors who are not logged in.
        PageType("login", None, "/accounts/login/", "Log in to CallReady", **shot),
        PageType("password-reset", None, "/accounts/password_reset/", "Reset your password"),
        PageType("verify", None, "/verify/", "Verify a CallReady certificate"),
        PageType("verify-result", None, f"/verify/{code}/", "Verify", shows="is valid", **shot),
        # The rep.
        PageType("my-training", "riley", "/", "My training", shows="Overdue", **shot),
        PageType("catalogue", "riley", "/catalogue/", "Catalogue", **shot),
        PageType("module", "riley", f"/modules/{practice.slug}/", practice.title, **shot),
        PageType(
            "lesson",
            "riley",
            f"/modules/{practice.slug}/{lesson.slug}/",
            lesson.title,
            shows="Mark complete and continue",
            **shot,
        ),
        PageType(
            "quiz-overview",
            "riley",
            f"/modules/{practice.slug}/{quiz.slug}/",
            quiz.title,
            shows="Resume your attempt",
        ),
        PageType(
            "quiz-attempt",
            "riley",
            f"/attempts/{s['open_attempt'].pk}/",
            quiz.title,
            shows="1 of",
            **shot,
        ),
        PageType(
            "quiz-review",
            "riley",
            f"/attempts/{s['reviewed_attempt'].pk}/",
            s["reviewed_attempt"].quiz.step.title,
            shows="Review your answers",
            **shot,
        ),
        PageType(
            "roleplay-overview",
            "riley",
            f"/modules/{practice.slug}/{call.slug}/",
            call.title,
            shows="Resume your call",
            **shot,
        ),
        PageType(
            "call",
            "riley",
            f"/calls/{s['in_call'].pk}/",
            call.title,
            shows="What do you say?",
            **shot,
        ),
        PageType(
            "call-debrief",
            "riley",
            f"/calls/{s['finished_run'].pk}/",
            s["finished_run"].script.step.title,
            shows="Your do-not-call record",
            **shot,
        ),
        PageType(
            "dnc-record-form",
            "riley",
            f"/calls/{s['waiting_run'].pk}/",
            s["waiting_run"].script.step.title,
            shows="Record the do-not-call request",
        ),
        PageType("reminders", "riley", "/reminders/", "Reminders", shows="Due in 3 days"),
        PageType(
            "review-session",
            "riley",
            f"/review/?answered=1&last={s['review_log'].pk}",
            "Today's review",
            shows="Card 2 of up to 10",
            **shot,
        ),
        PageType("review-mastery", "riley", "/review/mastery/", "Your mastery", shows="%"),
        PageType("drill", "riley", "/practice/", "Dialing drill", shows="By rule", **shot),
        PageType(
            "drill-card",
            "riley",
            f"/practice/sessions/{s['drill_block'].pk}/",
            "Calling block",
            shows="Call later: when, on their clock?",
            **shot,
        ),
        PageType(
            "drill-feedback",
            "riley",
            f"/practice/sessions/{s['drill_answered'].pk}/",
            "Dialing drill",
            shows="Next card",
            **shot,
        ),
        PageType(
            "drill-score",
            "riley",
            f"/practice/sessions/{s['drill_finished'].pk}/",
            "Dialing drill",
            shows="Your score:",
        ),
        PageType("password-change", "riley", "/accounts/password_change/", "Change your password"),
        # The manager.
        PageType("team-dashboard", "morgan", "/team/", "Team dashboard", shows="Overdue", **shot),
        PageType("person", "morgan", f"/team/people/{riley.pk}/", "Riley Parker", shows="1/6"),
        PageType("assignments", "morgan", "/team/assignments/", "Assignments", shows="Withdraw"),
        PageType(
            "withdraw-confirm",
            "morgan",
            f"/team/assignments/{s['team_assignment'].pk}/withdraw/",
            "Withdraw this assignment?",
            shows="will be withdrawn from team Alpha",
        ),
        PageType(
            "team-charts", "morgan", "/team/charts/", "Progress charts", shows="Status mix", **shot
        ),
        PageType("team-mastery", "morgan", "/team/mastery/", "Rule mastery", shows="Riley", **shot),
        PageType("assign-form", "morgan", "/team/assignments/new/", "Assign training"),
        PageType("team", "morgan", f"/team/teams/{s['team'].pk}/", "Team Alpha", shows="Sam"),
        PageType("quiz-insight-list", "morgan", "/insights/quizzes/", "Quiz insight"),
        PageType(
            "quiz-insight-detail",
            "casey",
            f"/insights/quizzes/{s['required_quiz'].pk}/",
            s["required_quiz"].step.title,
            shows="Score distribution",
            **shot,
        ),
        # The compliance officer.
        PageType(
            "compliance-queue", "casey", "/compliance/", "Compliance", shows="Sam Ortiz", **shot
        ),
        PageType(
            "evidence",
            "casey",
            f"/compliance/records/{s['pending'].pk}/",
            required.title,
            shows="Reject and reopen the chosen steps",
            **shot,
        ),
        PageType("certificates", "casey", "/compliance/certificates/", "Compliance", shows="Valid"),
        PageType(
            "certificate",
            "casey",
            f"/certificates/{code}/",
            "Certificate of",
            shows="Revoke",
            **shot,
        ),
        PageType(
            "report", "casey", "/compliance/reports/certification/", "Compliance", shows="Riley"
        ),
        PageType("audit-log", "casey", "/compliance/audit/", "Compliance", shows="Casey Nguyen"),
        PageType(
            "recertify",
            "casey",
            f"/compliance/modules/{required.pk}/recertify/",
            "Require recertification",
            shows="Recertify by",
        ),
    ]


# The page each person lands on after logging in: their role's.
LANDS_ON = {
    "riley": "My training",
    "sam": "My training",
    "morgan": "Team dashboard",
    "casey": "Compliance",
}


def sideways_overflow(page: Page) -> str:
    """ "" if the page fits its window's width; else how wide it is and the elements that stick
    out past the right edge (the deepest ones, which are the cause)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return "";
          const out = [...document.querySelectorAll("body *")].filter(el => {
            const box = el.getBoundingClientRect();
            return box.right > width + 1 && !el.closest(".table-wrap")
              && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1);
          });
          return `${document.documentElement.scrollWidth}px wide; ` + out.slice(0, 5).map(el =>
            el.tagName.toLowerCase() + (el.className ? "." + el.className : "")).join(", ");
        }"""
    )


def run_axe(page: Page) -> list[dict]:
    # The site's CSP allows no injected <script>: evaluate the source instead.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def check_page(page: Page, where: str, js: bool = True) -> None:
    """No serious accessibility violation, and nothing wider than the window. axe needs
    JavaScript: without it, the same markup is checked by the run with it."""
    if js:
        failing = [v["id"] for v in run_axe(page) if v["impact"] in FAILING_IMPACTS]
        assert failing == [], f"{where}: {failing}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{where}: the page scrolls sideways"
    )


def shoot(page: Page, name: str, width: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


def describe(page_name: str, width: str, violation: dict) -> str:
    targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:8])
    return (
        f"{page_name} ({width}): {violation['id']} [{violation['impact']}] "
        f"{violation['help']} ({violation['helpUrl']})\n    targets: {targets}"
    )


def test_every_page_type_is_accessible(
    live_server, curriculum, django_user_model, riley, morgan, casey, open_page
):
    state = build_state(django_user_model, riley, morgan, casey)
    assert CompletionRecord.objects.count() == 2
    pages: dict[str | None, Page] = {}
    found: list[tuple[str, str, dict]] = []
    too_wide: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for kind in page_types(state, riley):
        if kind.who not in pages:
            pages[kind.who] = open_page(js=True)
            if kind.who:
                log_in(pages[kind.who], live_server.url, kind.who, lands_on=LANDS_ON[kind.who])
        page = pages[kind.who]
        page.set_viewport_size(DESKTOP)  # each page opens at desktop width, then is narrowed
        response = page.goto(live_server.url + kind.path)
        assert response.status == 200, kind
        expect(page.get_by_role("heading", level=1)).to_contain_text(kind.heading)
        expect(page.locator("main")).to_contain_text(kind.shows)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            found += [(kind.name, width, v) for v in run_axe(page)]
            overflow = sideways_overflow(page)
            if overflow:
                too_wide.append(f"{kind.name} ({width}): {overflow}")
            if kind.screenshot:
                page.screenshot(path=SCREENSHOTS / f"{kind.name}-{width}.png", full_page=True)

    REPORT.write_text(
        "\n".join(describe(*f) for f in found) + "\n" if found else "No violations found.\n"
    )
    REPORT.with_suffix(".json").write_text(json.dumps(found, indent=1))
    assert not too_wide, "Pages that scroll sideways:\n" + "\n".join(too_wide)
    failing = [describe(*f) for f in found if f[2]["impact"] in FAILING_IMPACTS]
    others = [describe(*f) for f in found if f[2]["impact"] not in FAILING_IMPACTS]
    if others:
        print("Accessibility notes (not failing):\n" + "\n".join(others))
    assert not failing, "Serious or critical accessibility violations:\n" + "\n".join(failing)
    assert len(list(SCREENSHOTS.glob("*.png"))) >= 2 * sum(
        k.screenshot for k in page_types(state, riley)
    )
