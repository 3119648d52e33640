"""The benchmark's organisation: the curriculum with practice copies of its modules, and the
requests each measured page is loaded with (`manage.py bench`). The people and their work come
from `generate_org`, through the services."""

from __future__ import annotations

import datetime
import itertools
import shutil
from pathlib import Path
from urllib.parse import urlencode

import yaml
from django.conf import settings
from django.utils import timezone

from courses.curriculum.loading import CONTENT_ROOT

# One-off requests (submissions, first replies) prepared per page: more than a run uses.
ONE_OFF_REQUESTS = 9000


def build_content(root: Path, modules: int) -> Path:
    """The real curriculum plus practice copies of its modules, up to `modules` in all."""
    shutil.copytree(CONTENT_ROOT, root)
    real = sorted(p.parent for p in root.glob("*/*/module.yaml"))
    extra = max(0, modules - len(real))
    if extra:
        course = root / "practice-drills"
        course.mkdir()
        slugs = []
        for n in range(extra):
            source = real[n % len(real)]
            target = course / f"{source.name}-drill-{n + 1}"
            shutil.copytree(source, target)
            spec = yaml.safe_load((target / "module.yaml").read_text())
            spec["title"] = f"{spec['title']} (drill {n + 1})"
            (target / "module.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
            slugs.append(target.name)
        listed = "".join(f"  - {s}\n" for s in slugs)
        (course / "course.yaml").write_text(
            f"title: Practice drills\nsummary: Extra practice.\norder: 9\nmodules:\n{listed}"
        )
    return root


def benchmark_plan(*, modules: int, manager_teams: int, one_off: int = ONE_OFF_REQUESTS) -> dict:
    """In the benchmark's database: sessions and one-off requests for every page measured.

    Every page is a list of requests (method, path, cookie, CSRF token, body) that the
    benchmark cycles through; the first page is the baseline."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    from courses.models import Module, Quiz, RoleplayScript, Step, Team
    from courses.practice.services import drill_start
    from courses.quizzes.services import QuizRefused, quiz_attempt_start
    from courses.review.models import ReviewCard
    from courses.review.selectors import due_cards
    from courses.roleplays.services import roleplay_run_start

    User = get_user_model()

    def session(user) -> tuple[str, str]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        token = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        return f"sessionid={store.session_key}; csrftoken={token}", token

    reps = list(User.objects.filter(username__startswith="bench-rep-").order_by("pk"))
    rep_sessions = {rep.pk: session(rep) for rep in reps}
    lesson = Step.objects.filter(kind="lesson", module__in=Module.objects.published()).first()
    lesson_path = f"/modules/{lesson.module.slug}/{lesson.slug}/"

    # Open attempts and open calls: the quiz page reads them, and each submission or first
    # reply uses a different one (a submission or a reply counts once, so none is reused
    # until the list runs out, which the report would show).
    # A submission moves the rep's review cards of its quiz's questions, which would take the
    # review answers' cards away: every other quiz a rep has cards for is kept for review.
    met = ReviewCard.objects.filter(user__in=reps, question__isnull=False)
    met = met.values_list("user", "question__quiz").distinct().order_by("user", "question__quiz")
    kept_for_review = {(rep_id, quiz_id) for n, (rep_id, quiz_id) in enumerate(met) if n % 2}
    attempts, submissions, open_runs = [], [], []
    quizzes = list(
        Quiz.objects.select_related("step__module").filter(step__retired_at=None).order_by("pk")
    )
    scripts = list(RoleplayScript.objects.select_related("step__module"))
    per_rep = max(1, one_off // max(1, len(reps)))
    for rep in reps:
        cookie, token = rep_sessions[rep.pk]
        for quiz in [q for q in quizzes if (rep.pk, q.pk) not in kept_for_review][:per_rep]:
            try:
                attempt = quiz_attempt_start(user=rep, quiz=quiz)
            except QuizRefused:
                continue  # a waiting time after a failed attempt, or no attempts left
            if attempt.submitted_at is not None:
                continue
            answers = "&".join(f"q{item.position}=0" for item in attempt.items.all())
            attempts.append(["GET", f"/attempts/{attempt.pk}/", cookie, token, ""])
            submissions.append(["POST", f"/attempts/{attempt.pk}/submit/", cookie, token, answers])
        for script in scripts[:per_rep]:
            run = roleplay_run_start(user=rep, script=script)
            if not run.turns.exists():
                open_runs.append((run, cookie, token))

    runs = call_replies(open_runs)

    # Drill sessions with their first card shown: the card page reads one per rep, and each
    # answer goes to a session of its own (an answered card takes no second answer).
    drill_cards, drill_answers = [], []
    for rep in reps:
        cookie, token = rep_sessions[rep.pk]
        for n in range(per_rep):
            drill = drill_start(user=rep)
            path = f"/practice/sessions/{drill.pk}/"
            if n == 0:
                drill_cards.append(["GET", path, cookie, token, ""])
            answer = "position=0&choice=call"
            drill_answers.append(["POST", path + "answer/", cookie, token, answer])

    # Review: every question card a rep has is made due, as after a few days away. The page
    # asks one per rep; each answer goes to a card of its own (an answered card is not due),
    # of a quiz kept for review.
    ReviewCard.objects.filter(user__in=reps, question__isnull=False).update(
        due=timezone.now() - datetime.timedelta(days=1)
    )
    review_pages, review_answers = [], []
    for rep in reps:
        cookie, token = rep_sessions[rep.pk]
        due = due_cards(user=rep, now=timezone.now()).filter(question__isnull=False)
        cards = list(due.select_related("question"))
        if cards:
            review_pages.append(["GET", "/review/", cookie, token, ""])
        for card in cards:
            if (rep.pk, card.question.quiz_id) not in kept_for_review:
                continue
            answer = f"seen={card.reviews}&answered=0&q1=0"
            review_answers.append(
                ["POST", f"/review/cards/{card.pk}/answer/", cookie, token, answer]
            )

    def manager_of(teams, username):
        manager = User.objects.create_user(username, password=None, first_name="Bench")
        manager.groups.add(*User.objects.get(username="bench-manager-01").groups.all())
        for team in teams:
            team.managers.add(manager)
        return session(manager)

    teams = list(Team.objects.filter(name__contains="(bench)").order_by("name"))
    manager_cookie, manager_token = manager_of(teams[:manager_teams], "bench-manager")
    dashboards = {"team dashboard": [["GET", "/team/", manager_cookie, manager_token, ""]]}
    if len(teams) > manager_teams:
        everyone = manager_of(teams, "bench-manager-all")
        dashboards[f"team dashboard, all {len(teams)} teams"] = [["GET", "/team/", *everyone, ""]]
    officer = User.objects.get(username="bench-compliance")
    officer_cookie, officer_token = session(officer)
    first_cookie, first_token = rep_sessions[reps[0].pk]
    plan = {
        "people": len(reps),
        "modules": Module.objects.published().count(),
        "pages": {
            "baseline (/health/)": [["GET", "/health/", "", "", ""]],
            "lesson page": [["GET", lesson_path, *rep_sessions[rep.pk], ""] for rep in reps],
            "quiz page": attempts,
            "quiz submission": submissions,
            "roleplay step": runs,
            "drill card": drill_cards,
            "drill answer": drill_answers,
            "review card page": review_pages,
            "review answer": review_answers,
            **dashboards,
            "certification report": [
                ["GET", "/compliance/reports/certification/", officer_cookie, officer_token, ""]
            ],
            "my training": [["GET", "/", first_cookie, first_token, ""]],
            "call check": [
                ["GET", f"/call-check/?{urlencode(query)}", *rep_sessions[rep.pk], ""]
                for rep, query in zip(itertools.cycle(reps), call_check_questions())
            ],
        },
    }
    return plan


def call_check_questions() -> list[dict[str, str]]:
    """Questions of every kind the call check answers: calls, waits and do-not-calls, in
    states with and without rules of their own."""
    questions = []
    grid = itertools.product(
        ("NY", "FL", "MD", "MS", "IN", "TX"),
        ("2025-06-04T12:00", "2025-06-04T20:30", "2025-06-08T07:30"),
        ("landline", "mobile", "business"),
        ("live", "autodialed"),
        (
            ("registry", "1"),
            ("state_list", "1"),
            ("firm_dnc", "1"),
            ("last_purchase", "2025-01-02"),
        ),
    )
    for state, when, line, method, (flag, value) in grid:
        questions.append(
            {
                "state": state, "when": when, "line": line, "caller": "other", "method": method,
                "consent": "none", flag: value, "calls_24h": "3" if state == "FL" else "0",
            }
        )  # fmt: skip
    return questions


def call_replies(open_runs, chunk: int = 500) -> list[list[str]]:
    """Two replies on each open call (the first option, twice), so a run of the benchmark has
    enough that none is sent again. Chunked: each call's second reply goes out a few hundred
    requests after its first, long after the first has been answered."""
    from courses.roleplays.selectors import call_view

    replies = []
    for start in range(0, len(open_runs), chunk):
        batch = open_runs[start : start + chunk]
        firsts, seconds = [], []
        for run, cookie, token in batch:
            url = f"/calls/{run.pk}/reply/"
            firsts.append(["POST", url, cookie, token, "turn=0&option=0"])
            first_reply = call_view(run, []).offered[0]
            if not call_view(run, [first_reply.id]).over:
                seconds.append(["POST", url, cookie, token, "turn=1&option=0"])
        replies += firsts + seconds
    return replies
