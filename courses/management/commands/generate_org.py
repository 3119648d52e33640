"""Create a realistic organisation: teams, managers, reps, assignments and their progress.

For benchmarks and for trying the site with real-looking data. Everything is drawn from one
seeded random generator, so a seed always gives the same people, due dates and scores; only the
absolute timestamps move with the clock (they are placed relative to now, never in the future).

Quiz attempts and roleplay runs are made the way the services make them (courses/services/
quizzes.py and roleplays.py): questions drawn and choices ordered by the real engine, answers
stored and scored by courses.quizzes.scoring, calls walked through the real script and scored by
courses.roleplays.engine.score_path. Rows are written with bulk_create; nothing is queried per row.

Certification is the exception: completion records, reviews, certificates and revocations are
made by the real services (courses/services/certification.py), one call each, so the evidence
snapshot is built by the code that builds it on the site. A compliance officer reviews most
completed required modules soon after they are completed: about 70% certified, 10% rejected
(the quiz reopened), the most recent ones left waiting; a few certificates are revoked, and any
certified long enough ago for the module's recertification period has expired. The audit
entries the services write are stamped with the time of the event they record.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from courses.certification.services import (
    certificate_revoke,
    completion_certify,
    completion_record_if_complete,
    completion_reject,
)
from courses.models import (
    Answer,
    Assignment,
    AttemptQuestion,
    Certificate,
    Choice,
    Membership,
    Module,
    Question,
    Quiz,
    QuizAttempt,
    RoleplayRun,
    RoleplayScript,
    RunTurn,
    Step,
    StepCompletion,
    Team,
)
from courses.platform.access import COMPLIANCE, MANAGER, REP
from courses.quizzes import scoring
from courses.roleplays import engine

BATCH_SIZE = 1000
JOIN_WINDOW_DAYS = 120
SAFETY_MARGIN = datetime.timedelta(minutes=2)  # nothing is stamped later than now minus this
DAY = 86_400.0

# Fictional people: common first and last names, combined at random.
FIRST_NAMES = (
    "Aisha", "Alejandro", "Amara", "Andre", "Bianca", "Caleb", "Camila", "Chloe", "Daniel",
    "Deepa", "Diego", "Elena", "Emeka", "Erin", "Fatima", "Gabriel", "Grace", "Hannah", "Hiro",
    "Imani", "Ingrid", "Isaac", "Jasmine", "Jonah", "Julia", "Kai", "Keisha", "Kenji", "Laila",
    "Leo", "Lucia", "Marcus", "Maya", "Mei", "Miguel", "Nadia", "Nathan", "Nia", "Noah",
    "Olivia", "Omar", "Priya", "Rafael", "Rosa", "Ryan", "Samira", "Sean", "Sofia", "Tariq",
    "Tessa", "Theo", "Valeria", "Victor", "Wes", "Yara", "Yusuf", "Zoe", "Claire", "Ethan",
    "Bridget",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Alvarez", "Andersen", "Baptiste", "Becker", "Bennett", "Brennan", "Castillo",
    "Cheung", "Coelho", "Dalton", "Delgado", "Dimitriou", "Dubois", "Ellison", "Farouk",
    "Fischer", "Gallagher", "Greenhalgh", "Haddad", "Halvorsen", "Hartley", "Ibarra", "Iyer",
    "Jansen", "Kapoor", "Kowalski", "Lindqvist", "Lozano", "MacLeod", "Mahmoud", "Marsh",
    "Moreau", "Moretti", "Nakashima", "Novak", "Okafor", "Okonkwo", "Parekh", "Petrov",
    "Quillen", "Ramirez", "Rasmussen", "Rosales", "Sandoval", "Schmidt", "Shah", "Sorensen",
    "Sullivan", "Tanaka", "Tolentino", "Tran", "Varga", "Vasquez", "Walmsley", "Whitaker",
    "Yilmaz", "Zhang", "Oyelaran", "Brandt",
)  # fmt: skip
CITIES = (
    "Atlanta", "Boston", "Charlotte", "Denver", "Austin", "Columbus", "Nashville", "Phoenix",
    "Portland", "Raleigh", "Tampa", "Omaha", "Richmond", "Madison", "Tucson", "Sacramento",
    "Pittsburgh", "Minneapolis", "Albany", "Boise", "Savannah", "Spokane", "Dayton", "Hartford",
)  # fmt: skip
INDIVIDUAL_NOTES = (
    "Catch-up agreed at your one-to-one.",
    "Refresher after last week's call review.",
    "Needed before you join the new campaign.",
    "Please finish this before your quarterly review.",
)
PREFIX_PATTERN = re.compile(r"[\w.@+]+(?:-[\w.@+]+)*")

# Certification: the share of completion records certified and rejected (the most recent of the
# rest wait in the queue), and the share of certificates later revoked.
CERTIFIED_SHARE = 0.7
REJECTED_SHARE = 0.1
REVOKED_SHARE = 0.02
# Reps who click through quizzes and calls as fast as they can: their evidence is flagged.
RUSHING_SHARE = 0.06
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

# Progress levels for one rep and one module.
NONE, SOME_LESSONS, ALL_LESSONS, QUIZ_ATTEMPTED, ROLEPLAY_PLAYED = range(5)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


# --- The curriculum, loaded once --------------------------------------------------------------


@dataclass
class QuizInfo:
    quiz: Quiz
    bank: dict[str, Question]  # by key, in position order (as the service's _bank)
    choices: dict[int, list[Choice]]  # active choices per question id, in position order
    drawable: list[scoring.Question]
    ease: dict[int, float]  # per question id: added to a rep's chance of answering right
    distractor: dict[int, int]  # per question id: the wrong choice most people fall for


@dataclass
class ScriptInfo:
    row: RoleplayScript
    script: engine.Script
    to_end: dict[str, int]  # fewest replies from each node to an end of the call


@dataclass
class ModuleInfo:
    module: Module
    steps: list[Step]  # active, in order
    lessons: list[Step]
    quizzes: dict[int, QuizInfo] = field(default_factory=dict)  # by step id
    scripts: dict[int, ScriptInfo] = field(default_factory=dict)  # by step id


def _distances_to_end(script: engine.Script) -> dict[str, int]:
    back: dict[str, list[str]] = defaultdict(list)
    for node_id, node in script.nodes.items():
        for reply in node.replies:
            back[reply.next].append(node_id)
    distance = {node_id: 0 for node_id, node in script.nodes.items() if node.end}
    frontier = list(distance)
    while frontier:
        following = []
        for node_id in frontier:
            for source in back[node_id]:
                if source not in distance:
                    distance[source] = distance[node_id] + 1
                    following.append(source)
        frontier = following
    return distance


def load_modules(rng: random.Random) -> list[ModuleInfo]:
    modules = list(
        Module.objects.published()
        .select_related("course")
        .order_by("course__position", "position", "title", "pk")
    )
    infos = {module.pk: ModuleInfo(module, [], []) for module in modules}
    steps = Step.objects.active().filter(module__in=modules).order_by("module", "position", "pk")
    for step in steps:
        step.module = infos[step.module_id].module
        infos[step.module_id].steps.append(step)
        if step.kind == Step.Kind.LESSON:
            infos[step.module_id].lessons.append(step)
    steps_by_id = {step.pk: step for info in infos.values() for step in info.steps}

    active_choices = Choice.objects.filter(retired_at__isnull=True).order_by("position", "pk")
    questions = Question.objects.filter(retired_at__isnull=True).order_by("position", "pk")
    quizzes = Quiz.objects.filter(step_id__in=steps_by_id).prefetch_related(
        Prefetch(
            "questions", queryset=questions.prefetch_related(Prefetch("choices", active_choices))
        )
    )
    for quiz in sorted(quizzes, key=lambda q: (steps_by_id[q.step_id].position, q.pk)):
        step = steps_by_id[quiz.step_id]
        quiz.step = step
        bank = {question.key: question for question in quiz.questions.all()}
        if not bank:
            continue
        choices = {question.pk: list(question.choices.all()) for question in bank.values()}
        drawable = [
            scoring.Question(
                key=question.key,
                kind=scoring.Kind(question.kind),
                choices=tuple(c.key for c in choices[question.pk]),
                correct=frozenset(c.key for c in choices[question.pk] if c.is_correct),
                tags=tuple(question.tags),
            )
            for question in bank.values()
        ]
        ease, distractor = {}, {}
        for question in bank.values():
            # Some questions are easy and some are traps: that is what item analysis shows.
            ease[question.pk] = rng.uniform(-0.2, 0.1)
            wrong = [c for c in choices[question.pk] if not c.is_correct]
            if wrong:
                distractor[question.pk] = rng.choice(wrong).pk
        infos[step.module_id].quizzes[step.pk] = QuizInfo(
            quiz, bank, choices, drawable, ease, distractor
        )

    for row in RoleplayScript.objects.filter(step_id__in=steps_by_id).order_by("step_id"):
        step = steps_by_id[row.step_id]
        row.step = step
        script = engine.parse_script(row.data)
        infos[step.module_id].scripts[step.pk] = ScriptInfo(row, script, _distances_to_end(script))
    return [infos[module.pk] for module in modules]


# --- Planning one rep's work on one module ----------------------------------------------------


@dataclass
class Activity:
    """Something a rep did: placed on the clock only once everything they did is known."""

    gap: float  # seconds before it starts, as planned
    min_gap: float  # seconds it must at least wait (a quiz's wait after a failed attempt)
    duration: float  # seconds it takes
    make: Callable[[datetime.datetime], None]  # writes its rows, given when it started


@dataclass
class Rep:
    user: object
    team_index: int
    joined_at: datetime.datetime
    diligence: float  # 0..1: how much of the assigned work they get through
    skill: float  # 0..1: how well they do it
    rushes: bool = False  # clicks through quizzes and calls as fast as the site lets them


class Generator:
    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng = rng
        self.now = now
        self.attempts: list[QuizAttempt] = []
        self.items: list[AttemptQuestion] = []
        self.answers: list[Answer] = []
        self.runs: list[RoleplayRun] = []
        self.turns: list[RunTurn] = []
        self.completions: list[StepCompletion] = []

    # Gaps between activities -----------------------------------------------------------------

    def gap(self, diligence: float) -> float:
        if self.rng.random() < 0.7:
            return self.rng.uniform(20, 15 * 60)  # the next thing in the same sitting
        return self.rng.uniform(0.3, 5) * DAY * (1.5 - diligence)

    def module_progress(
        self, rep: Rep, info: ModuleInfo, level: int, window_start: datetime.datetime
    ) -> None:
        rng = self.rng
        activities: list[Activity] = []
        lessons_to_read = 0
        if level == SOME_LESSONS:
            lessons_to_read = rng.randint(1, max(1, len(info.lessons) - 1))
        elif level >= ALL_LESSONS:
            lessons_to_read = len(info.lessons)
        read = {step.pk for step in info.lessons[:lessons_to_read]}
        for step in info.steps:
            if step.pk in read:
                activities.append(self.plan_lesson(rep, info, step))
            elif step.pk in info.quizzes and level >= QUIZ_ATTEMPTED:
                activities.extend(self.plan_quiz(rep, info, info.quizzes[step.pk]))
            elif step.pk in info.scripts and level >= ROLEPLAY_PLAYED:
                activities.extend(self.plan_roleplay(rep, info, info.scripts[step.pk]))
        if not activities:
            return
        activities[0].gap = rng.uniform(0, 12) * DAY * (1.3 - rep.diligence)
        self.place(activities, window_start)

    def place(self, activities: list[Activity], start: datetime.datetime) -> None:
        """Put the activities on the clock from `start`, squeezing the gaps to end before now.

        What cannot fit between `start` and now, even without gaps, is left out.
        """
        latest = self.now - SAFETY_MARGIN
        available = (latest - start).total_seconds()
        fixed = sum(a.min_gap + a.duration for a in activities)
        while activities and fixed > available:
            # Only just started: they have not got that far yet.
            dropped = activities.pop()
            fixed -= dropped.min_gap + dropped.duration
        flexible = sum(a.gap - a.min_gap for a in activities)
        factor = 1.0
        if fixed + flexible > available:
            factor = (available - fixed) / flexible
        at = start
        for activity in activities:
            wait = activity.min_gap + (activity.gap - activity.min_gap) * factor
            at += datetime.timedelta(seconds=wait)
            activity.make(at)
            at += datetime.timedelta(seconds=activity.duration)

    def complete(
        self,
        rep: Rep,
        info: ModuleInfo,
        step: Step,
        started: datetime.datetime,
        at: datetime.datetime,
    ) -> None:
        self.completions.append(
            StepCompletion(
                user=rep.user,
                step=step,
                started_at=started,
                completed_at=at,
                content_version=info.module.content_version,
            )
        )

    # Lessons -----------------------------------------------------------------------------------

    def plan_lesson(self, rep: Rep, info: ModuleInfo, step: Step) -> Activity:
        # The site refuses a lesson completed in under a quarter of its reading time.
        share = self.rng.uniform(0.26, 0.4) if rep.rushes else self.rng.uniform(0.5, 1.5)
        duration = step.minutes * 60 * share

        def make(at: datetime.datetime) -> None:
            self.complete(rep, info, step, at, at + datetime.timedelta(seconds=duration))

        return Activity(self.gap(rep.diligence), 0.0, duration, make)

    # Quizzes: as services.quizzes.quiz_attempt_start, quiz_attempt_submit and _grade ----------

    def plan_quiz(self, rep: Rep, info: ModuleInfo, quiz_info: QuizInfo) -> list[Activity]:
        rng = self.rng
        quiz = quiz_info.quiz
        limit = min(3, quiz.max_attempts) if quiz.max_attempts else 3
        activities = []
        for number in range(1, limit + 1):
            activity, passed = self.plan_attempt(rep, info, quiz_info, number)
            if activities and quiz.wait_minutes:
                activity.min_gap = quiz.wait_minutes * 60 + 30
                activity.gap = max(activity.gap, activity.min_gap)
            activities.append(activity)
            if passed or rng.random() > 0.35 + 0.6 * rep.diligence:
                break
        return activities

    def plan_attempt(
        self, rep: Rep, info: ModuleInfo, quiz_info: QuizInfo, number: int
    ) -> tuple[Activity, bool]:
        rng = self.rng
        quiz = quiz_info.quiz
        bank = quiz_info.bank
        drawn = scoring.draw_questions(
            quiz_info.drawable,
            min(quiz.draw_count, len(bank)),
            min_per_tag=quiz.min_per_tag,
            rng=rng,
        )
        skill = rep.skill + 0.12 * (number - 1)  # people learn from their mistakes
        planned = []  # (question, choice order, selected choice ids)
        for scored in drawn:
            question = bank[scored.key]
            choices = quiz_info.choices[question.pk]
            if question.kind == Question.Kind.TRUE_FALSE:
                order = [c.pk for c in sorted(choices, key=lambda c: c.key != "true")]
            else:
                order = [c.pk for c in scoring.shuffled(choices, rng)]
            right = _clamp(0.5 + 0.5 * skill + quiz_info.ease[question.pk], 0.05, 0.98)
            planned.append((question, order, self.answer(quiz_info, question, right)))

        # Scored exactly as _grade does it: true/false on their keys, other choices on ids.
        by_id = {c.pk: c for question, _, _ in planned for c in quiz_info.choices[question.pk]}

        def scoring_key(choice_id: int) -> str:
            choice = by_id[choice_id]
            return choice.key if choice.key in scoring.TRUE_FALSE_CHOICES else str(choice_id)

        questions = [
            scoring.Question(
                key=str(position),
                kind=scoring.Kind(question.kind),
                choices=tuple(scoring_key(cid) for cid in order),
                correct=frozenset(scoring_key(cid) for cid in order if by_id[cid].is_correct),
            )
            for position, (question, order, _) in enumerate(planned, start=1)
        ]
        result = scoring.score_attempt(
            questions,
            {
                str(position): [scoring_key(cid) for cid in selected]
                for position, (_, _, selected) in enumerate(planned, start=1)
            },
            pass_mark=quiz.pass_mark,
            partial_credit=quiz.partial_credit,
        )
        per_question = (2, 4) if rep.rushes else (15, 75)
        duration = sum(rng.uniform(*per_question) for _ in planned) * (1.2 - 0.4 * rep.skill)
        if quiz.time_limit_minutes:
            duration = min(duration, quiz.time_limit_minutes * 60 - 30)

        def make(at: datetime.datetime) -> None:
            attempt = QuizAttempt(
                user=rep.user,
                quiz=quiz,
                number=number,
                started_at=at,
                deadline=(
                    at + datetime.timedelta(minutes=quiz.time_limit_minutes)
                    if quiz.time_limit_minutes
                    else None
                ),
                submitted_at=at + datetime.timedelta(seconds=duration),
                timed_out=False,
                content_version=info.module.content_version,
                pass_mark=quiz.pass_mark,
                points=round(float(result.points), 3),
                max_points=result.max_points,
                percent=result.percent,
                passed=result.passed,
            )
            self.attempts.append(attempt)
            for position, ((question, order, selected), outcome) in enumerate(
                zip(planned, result.questions, strict=True), start=1
            ):
                item = AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    question=question,
                    choice_order=order,
                    points=round(float(outcome.points), 3),
                    is_correct=outcome.is_correct,
                )
                self.items.append(item)
                self.answers.extend(Answer(item=item, choice_id=cid) for cid in selected)
            if result.passed:
                self.complete(rep, info, quiz.step, at, attempt.submitted_at)

        return Activity(self.gap(rep.diligence), 0.0, duration, make), result.passed

    def answer(self, quiz_info: QuizInfo, question: Question, right: float) -> list[int]:
        """The choice ids a rep selects, right with probability `right`."""
        rng = self.rng
        choices = quiz_info.choices[question.pk]
        correct = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct]
        if rng.random() < right:
            return correct
        if rng.random() < 0.03:
            return []  # left blank
        if question.kind != Question.Kind.MULTIPLE:
            if not wrong:
                return []
            favourite = quiz_info.distractor.get(question.pk)
            weights = [3 if pk == favourite else 1 for pk in wrong]
            return rng.choices(wrong, weights=weights)[0:1]
        # Choose-all-that-apply: miss a right one, or add a wrong one, or both.
        selected = list(correct)
        if wrong and (len(correct) == 1 or rng.random() < 0.5):
            favourite = quiz_info.distractor[question.pk]
            selected.append(favourite if rng.random() < 0.6 else rng.choice(wrong))
        if len(correct) > 1 and (len(selected) == len(correct) or rng.random() < 0.3):
            selected.remove(rng.choice(correct))
        order = {c.pk: index for index, c in enumerate(choices)}
        return sorted(selected, key=order.__getitem__)

    # Roleplay calls: as services.roleplays.roleplay_choose, roleplay_record_dnc and _finish -----

    def plan_roleplay(self, rep: Rep, info: ModuleInfo, script_info: ScriptInfo) -> list[Activity]:
        activities = []
        for number in range(1, 4):
            activity, passed = self.plan_run(rep, info, script_info, number)
            activities.append(activity)
            if passed or self.rng.random() > 0.3 + 0.6 * rep.diligence:
                break
        return activities

    def plan_run(
        self, rep: Rep, info: ModuleInfo, script_info: ScriptInfo, number: int
    ) -> tuple[Activity, bool]:
        rng = self.rng
        script = script_info.script
        sure = _clamp(0.4 + 0.6 * (rep.skill + 0.12 * (number - 1)), 0.05, 0.97)
        state = engine.start_call(script)
        turns: list[tuple[str, str, float]] = []  # node, reply id, seconds after the start
        elapsed = 0.0
        while not engine.is_over(script, state):
            offered = engine.offered_replies(script, state)
            if len(turns) >= 30:  # going round in circles: head for the way out
                reply = min(offered, key=lambda r: script_info.to_end[r.next])
            elif rng.random() < sure:
                reply = max(offered, key=_reply_quality)
            else:
                reply = rng.choice(offered)
            elapsed += rng.uniform(0.5, 1.8) if rep.rushes else rng.uniform(8, 60)
            turns.append((state.node, reply.id, elapsed))
            state = engine.advance(script, state, reply.id)
        path = [reply_id for _, reply_id, _ in turns]

        record = None
        if script.nodes[state.node].outcome == "dnc_honoured":
            elapsed += rng.uniform(20, 90)
            if rng.random() < sure:
                details = set(engine.REQUIRED_DNC_DETAILS)
                if rng.random() < 0.3:
                    details.add("caller")
                record = engine.DncRecord("firm", frozenset(details))
            else:
                list_key = rng.choices(sorted(engine.DNC_LISTS), weights=[2, 2, 1])[0]
                details = {key for key in sorted(engine.DNC_DETAILS) if rng.random() < 0.6}
                record = engine.DncRecord(list_key, frozenset(details))
        result = engine.score_path(script, path, record)
        duration = elapsed
        seed = rng.getrandbits(62)

        def make(at: datetime.datetime) -> None:
            finished = at + datetime.timedelta(seconds=duration)
            run = RoleplayRun(
                user=rep.user,
                script=script_info.row,
                number=number,
                script_data=script_info.row.data,
                content_version=info.module.content_version,
                seed=seed,
                started_at=at,
                finished_at=finished,
                dnc_record=(
                    {
                        "list": record.list,
                        "details": sorted(record.details),
                        "recorded_at": finished.isoformat(),
                    }
                    if record is not None
                    else None
                ),
                scores=dict(result.scores),
                total=result.total,
                percent=result.percent,
                outcome=result.outcome or "",
                violation=bool(result.violations),
                passed=result.passed,
            )
            self.runs.append(run)
            self.turns.extend(
                RunTurn(
                    run=run,
                    position=position,
                    node=node,
                    reply=reply_id,
                    chosen_at=at + datetime.timedelta(seconds=offset),
                )
                for position, (node, reply_id, offset) in enumerate(turns)
            )
            if result.passed:
                self.complete(rep, info, script_info.row.step, at, finished)

        return Activity(self.gap(rep.diligence), 0.0, duration, make), result.passed


def _reply_quality(reply: engine.Reply) -> int:
    return sum(reply.scores.values()) - (100 if reply.violation else 0)


# --- Certification: made by the real services ------------------------------------------------


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
    reps: list[Rep],
    infos: list[ModuleInfo],
    completions: list[StepCompletion],
) -> CertificationCounts:
    """Completion records for every fully completed required module, and their review."""
    latest = now - SAFETY_MARGIN
    required = [info for info in infos if info.module.required_for_certification and info.steps]
    step_ids = {info.module.pk: {step.pk for step in info.steps} for info in required}
    done: dict[tuple[int, int], list[StepCompletion]] = defaultdict(list)
    for completion in completions:
        done[(completion.user_id, completion.step.module_id)].append(completion)
    counts = CertificationCounts()
    # The records, made as the site makes them when the last step is completed.
    records = []
    for rep in reps:
        for info in required:
            mine = done.get((rep.user.pk, info.module.pk), [])
            if {c.step_id for c in mine} != step_ids[info.module.pk]:
                continue
            record = completion_record_if_complete(
                user=rep.user, module=info.module, now=max(c.completed_at for c in mine)
            )
            if record is not None:
                records.append((record, info))
    counts.records = len(records)

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


# --- The command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Create a realistic organisation for benchmarks and demos: teams, managers, reps, a "
        "compliance officer, assignments, progress (lessons, quiz attempts, roleplay calls) and "
        "certification (completion records, reviews, certificates, revocations). Deterministic "
        "for a seed; refuses to run twice with the same username prefix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--teams", type=int, default=4, help="Number of teams (default 4).")
        parser.add_argument(
            "--reps-per-team", type=int, default=8, help="Reps in each team (default 8)."
        )
        parser.add_argument(
            "--modules",
            type=int,
            default=None,
            help="Published modules assigned to each team, in curriculum order "
            "(default: all of them; capped to what exists).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--prefix", default="org", help='Username prefix (default "org"): org-manager-01, ...'
        )
        parser.add_argument(
            "--password",
            default="callready-demo",
            help='Password for every generated account (default "callready-demo").',
        )

    def handle(self, *args, **options):
        teams = options["teams"]
        reps_per_team = options["reps_per_team"]
        prefix = options["prefix"]
        if teams < 1:
            raise CommandError("--teams must be at least 1.")
        if reps_per_team < 1:
            raise CommandError("--reps-per-team must be at least 1.")
        if options["modules"] is not None and options["modules"] < 1:
            raise CommandError("--modules must be at least 1.")
        if not PREFIX_PATTERN.fullmatch(prefix) or len(prefix) > 100:
            raise CommandError(
                "--prefix may use letters, digits and . @ + _ - (not at either end), "
                "up to 100 characters."
            )
        with transaction.atomic():
            counts = self.generate(
                teams=teams,
                reps_per_team=reps_per_team,
                module_count=options["modules"],
                seed=options["seed"],
                prefix=prefix,
                password=options["password"],
            )
        self.stdout.write(self.style.SUCCESS("Organisation created:"))
        for label, value in counts.items():
            self.stdout.write(f"  {label:<18} {value}")
        self.stdout.write(f"Every account's password is: {options['password']}")

    def generate(self, *, teams, reps_per_team, module_count, seed, prefix, password):
        User = get_user_model()
        rng = random.Random(seed)
        now = timezone.now()
        today = timezone.localdate(now)

        if not Module.objects.published().exists():
            raise CommandError(
                "The curriculum is not loaded (no published modules). "
                "Run `python manage.py load_content` first."
            )
        generated = (
            Q(username__startswith=f"{prefix}-manager-")
            | Q(username__startswith=f"{prefix}-rep-")
            | Q(username=f"{prefix}-compliance")
        )
        if User.objects.filter(generated).exists():
            raise CommandError(
                f'Users named "{prefix}-manager-...", "{prefix}-rep-..." or "{prefix}-compliance" '
                "already exist: this organisation was generated before. Choose another --prefix."
            )
        team_names = [self.team_name(index, prefix) for index in range(teams)]
        taken = sorted(Team.objects.filter(name__in=team_names).values_list("name", flat=True))
        if taken:
            raise CommandError(f"Teams already exist: {', '.join(taken)}. Choose another --prefix.")

        infos = load_modules(rng)
        count = len(infos) if module_count is None else min(module_count, len(infos))
        team_modules = infos[:count]
        hashed = make_password(password)
        rep_group, _ = Group.objects.get_or_create(name=REP)
        manager_group, _ = Group.objects.get_or_create(name=MANAGER)
        compliance_group, _ = Group.objects.get_or_create(name=COMPLIANCE)

        # People ---------------------------------------------------------------------------
        names = self.names(rng, teams * (reps_per_team + 1) + 1)
        managers = []
        for index in range(teams):
            first, last = next(names)
            username = f"{prefix}-manager-{index + 1:02d}"
            managers.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.com",
                    password=hashed,
                    date_joined=now - datetime.timedelta(days=rng.uniform(150, 900)),
                )
            )
        width = max(3, len(str(teams * reps_per_team)))
        reps: list[Rep] = []
        for team_index in range(teams):
            # Stratified, so every team has strong and weak reps; more keen than not.
            levels = [((k + rng.random()) / reps_per_team) ** 0.75 for k in range(reps_per_team)]
            rng.shuffle(levels)
            for diligence in levels:
                first, last = next(names)
                username = f"{prefix}-rep-{len(reps) + 1:0{width}d}"
                joined_at = now - datetime.timedelta(days=rng.uniform(0.2, JOIN_WINDOW_DAYS))
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.com",
                    password=hashed,
                    date_joined=joined_at - datetime.timedelta(hours=rng.uniform(1, 72)),
                )
                skill = _clamp(0.3 + 0.5 * diligence + rng.gauss(0, 0.12), 0.05, 0.98)
                rushes = rng.random() < RUSHING_SHARE
                reps.append(Rep(user, team_index, joined_at, diligence, skill, rushes))
        User.objects.bulk_create([*managers, *(rep.user for rep in reps)], batch_size=BATCH_SIZE)
        UserGroup = User.groups.through
        UserGroup.objects.bulk_create(
            [UserGroup(user_id=m.pk, group_id=manager_group.pk) for m in managers]
            + [UserGroup(user_id=r.user.pk, group_id=rep_group.pk) for r in reps],
            batch_size=BATCH_SIZE,
        )

        # Teams ----------------------------------------------------------------------------
        team_rows = Team.objects.bulk_create([Team(name=name) for name in team_names])
        TeamManager = Team.managers.through
        links = [
            TeamManager(team_id=team.pk, user_id=managers[i].pk) for i, team in enumerate(team_rows)
        ]
        # Every fourth manager also manages the next team.
        links += [
            TeamManager(team_id=team_rows[i + 1].pk, user_id=managers[i].pk)
            for i in range(3, teams - 1, 4)
        ]
        TeamManager.objects.bulk_create(links)
        memberships = [Membership(team=team_rows[r.team_index], user=r.user) for r in reps]
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        # joined_at is auto_now_add, which bulk_create fills with now: set the real dates.
        for membership, rep in zip(memberships, reps, strict=True):
            membership.joined_at = rep.joined_at
        Membership.objects.bulk_update(memberships, ["joined_at"], batch_size=BATCH_SIZE)

        # Assignments ----------------------------------------------------------------------
        assignments = []
        kinds = self.due_kinds(rng, teams, len(team_modules))
        for team_index, team in enumerate(team_rows):
            for module_index, info in enumerate(team_modules):
                kind = kinds[team_index][module_index]
                due, assigned_at = self.due(rng, kind, now, today)
                assignments.append(
                    Assignment(
                        module=info.module,
                        team=team,
                        due_date=due,
                        late_joiner_days=14 if kind == "future" and rng.random() < 0.3 else None,
                        assigned_by=managers[team_index],
                        assigned_at=assigned_at,
                    )
                )
        # A few people are also asked individually: a module their team does not have, or
        # (when the team has them all) one of the team's modules again.
        others = infos[count:]
        individual: dict[int, Assignment] = {}  # by rep index
        for rep_index in sorted(rng.sample(range(len(reps)), max(1, round(len(reps) * 0.08)))):
            rep = reps[rep_index]
            info = rng.choice(others or team_modules)
            kind = rng.choices(("overdue", "soon", "future"), weights=(2, 2, 6))[0]
            due, assigned_at = self.due(rng, kind, now, today)
            if assigned_at < rep.joined_at:
                # Nobody is asked before they join: assign it since, and due in the future.
                assigned_at = rep.joined_at + (now - rep.joined_at) * rng.uniform(0.1, 0.9)
                due = max(due, today + datetime.timedelta(days=rng.randint(4, 30)))
            individual[rep_index] = Assignment(
                module=info.module,
                user=rep.user,
                due_date=due,
                note=rng.choice(INDIVIDUAL_NOTES),
                assigned_by=managers[rep.team_index],
                assigned_at=assigned_at,
            )
        assignments += individual.values()
        Assignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)

        # Progress -------------------------------------------------------------------------
        # Each rep works on the modules assigned to them, from when they joined or were asked.
        team_assignments = defaultdict(list)
        for assignment in assignments:
            if assignment.team is not None:
                team_assignments[assignment.team.pk].append(assignment)
        order = {info.module.pk: index for index, info in enumerate(infos)}
        by_module = {info.module.pk: info for info in infos}
        generator = Generator(rng, now)
        for rep_index, rep in enumerate(reps):
            mine = {
                a.module.pk: a.assigned_at for a in team_assignments[team_rows[rep.team_index].pk]
            }
            if rep_index in individual:
                extra = individual[rep_index]
                previous = mine.get(extra.module.pk, extra.assigned_at)
                mine[extra.module.pk] = min(previous, extra.assigned_at)
            tenure = (now - rep.joined_at).total_seconds() / DAY
            for position, module_id in enumerate(sorted(mine, key=order.__getitem__)):
                drive = rep.diligence + rng.uniform(-0.2, 0.2) - 0.03 * position
                if tenure < 10:
                    drive -= 0.3  # new starters have not got far yet
                level = self.level(drive)
                start = max(rep.joined_at, mine[module_id])
                generator.module_progress(rep, by_module[module_id], level, start)

        QuizAttempt.objects.bulk_create(generator.attempts, batch_size=BATCH_SIZE)
        AttemptQuestion.objects.bulk_create(generator.items, batch_size=BATCH_SIZE)
        Answer.objects.bulk_create(generator.answers, batch_size=BATCH_SIZE)
        RoleplayRun.objects.bulk_create(generator.runs, batch_size=BATCH_SIZE)
        RunTurn.objects.bulk_create(generator.turns, batch_size=BATCH_SIZE)
        StepCompletion.objects.bulk_create(generator.completions, batch_size=BATCH_SIZE)

        # Certification ----------------------------------------------------------------------
        # The officer is drawn last, so that a seed gives the same people and progress as before
        # certification was generated.
        first, last = next(names)
        officer = User.objects.create(
            username=f"{prefix}-compliance",
            first_name=first,
            last_name=last,
            email=f"{prefix}-compliance@example.com",
            password=hashed,
            date_joined=now - datetime.timedelta(days=rng.uniform(400, 1500)),
        )
        officer.groups.add(compliance_group)
        certification = certify_progress(rng, now, officer, reps, infos, generator.completions)

        return {
            "teams": teams,
            "managers": f"{len(managers)} ({managers[0].username} ... {managers[-1].username})",
            "reps": f"{len(reps)} ({reps[0].user.username} ... {reps[-1].user.username})",
            "assignments": f"{len(assignments)} ({len(assignments) - len(individual)} to teams, "
            f"{len(individual)} to individuals)",
            "completions": len(generator.completions),
            "quiz attempts": len(generator.attempts),
            "roleplay runs": len(generator.runs),
            "compliance": officer.username,
            "completion records": certification.records,
            "certified": certification.certified,
            "rejected": certification.rejected,
            "pending": certification.pending,
            "revoked": certification.revoked,
            "expired": certification.expired,
        }

    @staticmethod
    def team_name(index: int, prefix: str) -> str:
        city = CITIES[index % len(CITIES)]
        round_ = index // len(CITIES)
        return f"{city} desk{f' {round_ + 1}' if round_ else ''} ({prefix})"

    @staticmethod
    def names(rng: random.Random, count: int):
        """Full names, without repeats while the lists last."""
        seen = set()
        for _ in range(count):
            for _ in range(20):
                name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                if name not in seen:
                    break
            seen.add(name)
            yield name

    @staticmethod
    def due_kinds(rng: random.Random, teams: int, modules: int) -> list[list[str]]:
        """Per team and module: overdue, due soon (within 3 days) or in the future.

        Each team has roughly one in seven of its modules overdue and one in seven due soon (at
        least one of each once it has three modules) and the rest in the future, in a random
        order; a team with fewer modules gets them at random, mostly in the future.
        """
        kinds = []
        for _ in range(teams):
            if modules >= 3:
                overdue = max(1, round(modules * rng.uniform(0.08, 0.2)))
                soon = max(1, round(modules * rng.uniform(0.08, 0.2)))
                row = ["overdue"] * overdue + ["soon"] * soon
                row += ["future"] * (modules - len(row))
                rng.shuffle(row)
            else:
                row = rng.choices(("overdue", "soon", "future"), weights=(15, 15, 70), k=modules)
            kinds.append(row)
        if modules and not any("overdue" in row for row in kinds):
            kinds[0][0] = "overdue"
        return kinds

    @staticmethod
    def due(
        rng: random.Random, kind: str, now: datetime.datetime, today: datetime.date
    ) -> tuple[datetime.date, datetime.datetime]:
        """A due date of the given kind, and when it was assigned (always in the past)."""
        if kind == "overdue":
            due = today - datetime.timedelta(days=rng.randint(1, 30))
        elif kind == "soon":
            due = today + datetime.timedelta(days=rng.randint(0, 3))
        else:
            due = today + datetime.timedelta(days=rng.randint(4, 75))
        if kind == "future":
            back = rng.uniform(0.5, 40)
        else:
            back = (today - due).days + rng.uniform(14, 45)
        return due, now - datetime.timedelta(days=back)

    @staticmethod
    def level(drive: float) -> int:
        thresholds = (0.06, 0.14, 0.22, 0.32)
        return next((level for level, top in enumerate(thresholds) if drive < top), len(thresholds))


__all__ = ["Command"]
