"""A rep's work on an assigned module, done through the services at the moments it happens.

How far a rep gets and how well they do are drawn from one seeded generator; what the work
leaves behind (completions, quiz attempts and their answers, calls and their turns, completion
records) is written by the services the pages use, each told the moment it acts. Work is
spread over the time between being asked and now: days apart or in one sitting, never later
than now. What cannot be finished by now is not started: the rep has not got that far yet.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from courses.certification.engagement import minimum_reading_seconds
from courses.demo.curriculum import ModuleInfo, QuizInfo, ScriptInfo
from courses.demo.work import option_of, read_lesson, submit_quiz
from courses.models import Question, Step
from courses.quizzes.services import quiz_attempt_start
from courses.roleplays import engine
from courses.roleplays.services import roleplay_choose, roleplay_record_dnc, roleplay_run_start

SAFETY_MARGIN = datetime.timedelta(minutes=2)  # nothing is stamped later than now minus this
DAY = 86_400.0

# Reps who click through quizzes and calls as fast as they can: their evidence is flagged.
RUSHING_SHARE = 0.06

# How far a rep gets on one module.
NONE, SOME_LESSONS, ALL_LESSONS, QUIZ_ATTEMPTED, ROLEPLAY_PLAYED = range(5)

# Seconds per question and per reply: taking the time, or clicking through.
QUESTION_SECONDS, RUSHED_QUESTION_SECONDS = (15, 75), (2, 4)
REPLY_SECONDS, RUSHED_REPLY_SECONDS = (8, 60), (0.5, 1.8)
DNC_RECORD_SECONDS = (20, 90)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def level_of(drive: float) -> int:
    thresholds = (0.06, 0.14, 0.22, 0.32)
    return next((level for level, top in enumerate(thresholds) if drive < top), len(thresholds))


@dataclass
class Rep:
    user: object
    team_index: int
    joined_at: datetime.datetime
    diligence: float  # 0..1: how much of the assigned work they get through
    skill: float  # 0..1: how well they do it
    rushes: bool = False  # clicks through quizzes and calls as fast as the site lets them


class OutOfTime(Exception):
    """The next piece of work would end after now: the rep has not got that far yet."""


class Worker:
    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng = rng
        self.latest = now - SAFETY_MARGIN
        self.made: Counter[str] = Counter()  # completions, quiz attempts, roleplay runs

    # The clock ---------------------------------------------------------------------------------

    def gap(self, diligence: float) -> float:
        if self.rng.random() < 0.7:
            return self.rng.uniform(20, 15 * 60)  # the next thing in the same sitting
        return self.rng.uniform(0.3, 5) * DAY * (1.5 - diligence)

    @staticmethod
    def typical_gap(diligence: float) -> float:
        return 0.7 * 460 + 0.3 * 2.65 * DAY * (1.5 - diligence)

    def starting(self, at: datetime.datetime, seconds: float) -> datetime.datetime:
        if at + datetime.timedelta(seconds=seconds) > self.latest:
            raise OutOfTime
        return at

    def module_progress(
        self, rep: Rep, info: ModuleInfo, level: int, window_start: datetime.datetime
    ) -> None:
        """Work on the module from `window_start`, as far as `level` and the time allow."""
        rng = self.rng
        lessons_to_read = 0
        if level == SOME_LESSONS:
            lessons_to_read = rng.randint(1, max(1, len(info.lessons) - 1))
        elif level >= ALL_LESSONS:
            lessons_to_read = len(info.lessons)
        read = {step.pk for step in info.lessons[:lessons_to_read]}
        todo = [
            step
            for step in info.steps
            if step.pk in read
            or (step.pk in info.quizzes and level >= QUIZ_ATTEMPTED)
            or (step.pk in info.scripts and level >= ROLEPLAY_PLAYED)
        ]
        if not todo:
            return
        # The gaps between sittings shrink so that the work expected fits in the time there was.
        first_gap = rng.uniform(0, 12) * DAY * (1.3 - rep.diligence)
        busy = sum(self.expected_seconds(rep, info, step) for step in todo)
        gaps = first_gap + len(todo) * self.typical_gap(rep.diligence)
        room = (self.latest - window_start).total_seconds() - busy
        pace = clamp(room / gaps, 0.0, 1.0)
        at = window_start + datetime.timedelta(seconds=first_gap * pace)
        try:
            for index, step in enumerate(todo):
                if index:
                    at += datetime.timedelta(seconds=self.gap(rep.diligence) * pace)
                if step.pk in read:
                    at = self.lesson(rep, step, at)
                elif step.pk in info.quizzes:
                    at = self.quiz(rep, info.quizzes[step.pk], at, pace)
                else:
                    at = self.roleplay(rep, info.scripts[step.pk], at, pace)
        except OutOfTime:
            pass

    def expected_seconds(self, rep: Rep, info: ModuleInfo, step: Step) -> float:
        if step.pk in info.quizzes:
            low, high = RUSHED_QUESTION_SECONDS if rep.rushes else QUESTION_SECONDS
            return info.quizzes[step.pk].questions * (low + high) / 2
        if step.pk in info.scripts:
            low, high = RUSHED_REPLY_SECONDS if rep.rushes else REPLY_SECONDS
            return 10 * (low + high) / 2
        return step.minutes * 60

    # Lessons -----------------------------------------------------------------------------------

    def lesson(self, rep: Rep, step: Step, at: datetime.datetime) -> datetime.datetime:
        # The site refuses a lesson completed in under a quarter of its reading time.
        share = self.rng.uniform(0.26, 0.4) if rep.rushes else self.rng.uniform(0.5, 1.5)
        seconds = max(step.minutes * 60 * share, minimum_reading_seconds(step.minutes) + 1)
        self.starting(at, seconds)
        read_lesson(rep.user, step, opened_at=at, seconds=seconds)
        self.made["completions"] += 1
        return at + datetime.timedelta(seconds=seconds)

    # Quizzes -----------------------------------------------------------------------------------

    def quiz(
        self, rep: Rep, info: QuizInfo, at: datetime.datetime, pace: float
    ) -> datetime.datetime:
        quiz = info.quiz
        limit = min(3, quiz.max_attempts) if quiz.max_attempts else 3
        for number in range(1, limit + 1):
            if number > 1:
                wait = self.gap(rep.diligence) * pace
                if quiz.wait_minutes:
                    wait = max(wait, quiz.wait_minutes * 60 + 30)
                at += datetime.timedelta(seconds=wait)
            at, passed = self.attempt(rep, info, number, at)
            if passed or self.rng.random() > 0.35 + 0.6 * rep.diligence:
                break
        return at

    def attempt(
        self, rep: Rep, info: QuizInfo, number: int, at: datetime.datetime
    ) -> tuple[datetime.datetime, bool]:
        rng = self.rng
        quiz = info.quiz
        per_question = RUSHED_QUESTION_SECONDS if rep.rushes else QUESTION_SECONDS
        seconds = sum(rng.uniform(*per_question) for _ in range(info.questions))
        seconds *= 1.2 - 0.4 * rep.skill
        if quiz.time_limit_minutes:
            seconds = min(seconds, quiz.time_limit_minutes * 60 - 30)
        self.starting(at, seconds)
        attempt = quiz_attempt_start(user=rep.user, quiz=quiz, now=at, rng=rng)
        self.made["quiz attempts"] += 1
        skill = rep.skill + 0.12 * (number - 1)  # people learn from their mistakes
        picked = {}
        for position, question_id in attempt.items.order_by("position").values_list(
            "position", "question"
        ):
            right = clamp(0.5 + 0.5 * skill + info.ease[question_id], 0.05, 0.98)
            picked[position] = self.answer(info, question_id, right)
        finished = at + datetime.timedelta(seconds=seconds)
        attempt = submit_quiz(rep.user, attempt, picked, at=finished)
        self.made["completions"] += attempt.passed
        return finished, attempt.passed

    def answer(self, info: QuizInfo, question_id: int, right: float) -> list[int]:
        """The choice ids a rep selects, right with probability `right`."""
        rng = self.rng
        choices = info.choices[question_id]
        correct = [c.pk for c in choices if c.is_correct]
        wrong = [c.pk for c in choices if not c.is_correct]
        if rng.random() < right:
            return correct
        if rng.random() < 0.03:
            return []  # left blank
        if info.kinds[question_id] != Question.Kind.MULTIPLE:
            if not wrong:
                return []
            favourite = info.distractor.get(question_id)
            weights = [3 if pk == favourite else 1 for pk in wrong]
            return rng.choices(wrong, weights=weights)[0:1]
        # Choose-all-that-apply: miss a right one, or add a wrong one, or both.
        selected = list(correct)
        if wrong and (len(correct) == 1 or rng.random() < 0.5):
            favourite = info.distractor[question_id]
            selected.append(favourite if rng.random() < 0.6 else rng.choice(wrong))
        if len(correct) > 1 and (len(selected) == len(correct) or rng.random() < 0.3):
            selected.remove(rng.choice(correct))
        order = {c.pk: index for index, c in enumerate(choices)}
        return sorted(selected, key=order.__getitem__)

    # Roleplay calls ----------------------------------------------------------------------------

    def roleplay(
        self, rep: Rep, info: ScriptInfo, at: datetime.datetime, pace: float
    ) -> datetime.datetime:
        for number in range(1, 4):
            if number > 1:
                at += datetime.timedelta(seconds=self.gap(rep.diligence) * pace)
            at, passed = self.call(rep, info, number, at)
            if passed or self.rng.random() > 0.3 + 0.6 * rep.diligence:
                break
        return at

    def call(
        self, rep: Rep, info: ScriptInfo, number: int, at: datetime.datetime
    ) -> tuple[datetime.datetime, bool]:
        rng = self.rng
        script = info.script
        per_reply = RUSHED_REPLY_SECONDS if rep.rushes else REPLY_SECONDS
        # A call is only begun if even its longest version would end before now.
        self.starting(at, info.longest_turns * per_reply[1] + DNC_RECORD_SECONDS[1])
        run = roleplay_run_start(user=rep.user, script=info.row, now=at)
        self.made["roleplay runs"] += 1
        sure = clamp(0.4 + 0.6 * (rep.skill + 0.12 * (number - 1)), 0.05, 0.97)
        path: list[str] = []
        for reply_id in self.replies(info, sure):
            at += datetime.timedelta(seconds=rng.uniform(*per_reply))
            option = option_of(script, run, path, reply_id)
            run = roleplay_choose(
                user=rep.user, run_id=run.pk, turn=len(path), option=option, now=at
            )
            path.append(reply_id)
        if not run.is_finished:  # the prospect asked not to be called again
            at += datetime.timedelta(seconds=rng.uniform(*DNC_RECORD_SECONDS))
            list_key, details = self.dnc_record(sure)
            run = roleplay_record_dnc(
                user=rep.user, run_id=run.pk, list_key=list_key, details=details, now=at
            )
        self.made["completions"] += run.passed
        return at, run.passed

    def replies(self, info: ScriptInfo, sure: float) -> Iterator[str]:
        """The replies a caller says, chosen from the script's own order of them."""
        script = info.script
        state = engine.start_call(script)
        while not engine.is_over(script, state):
            offered = engine.offered_replies(script, state)
            if len(state.path) >= 30:  # going round in circles: head for the way out
                reply = min(offered, key=lambda r: info.to_end[r.next])
            elif self.rng.random() < sure:
                reply = max(offered, key=reply_quality)
            else:
                reply = self.rng.choice(offered)
            yield reply.id
            state = engine.advance(script, state, reply.id)

    def dnc_record(self, sure: float) -> tuple[str, frozenset[str]]:
        rng = self.rng
        if rng.random() < sure:
            details = set(engine.REQUIRED_DNC_DETAILS)
            if rng.random() < 0.3:
                details.add("caller")
            return "firm", frozenset(details)
        list_key = rng.choices(sorted(engine.DNC_LISTS), weights=[2, 2, 1])[0]
        return list_key, frozenset(k for k in sorted(engine.DNC_DETAILS) if rng.random() < 0.6)


def reply_quality(reply: engine.Reply) -> int:
    return sum(reply.scores.values()) - (100 if reply.violation else 0)
