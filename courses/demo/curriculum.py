"""The published curriculum, read once, with what a demo needs to know to work through it."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from courses.models import Choice, Module, Question, Quiz, RoleplayScript, Step
from courses.roleplays import engine


@dataclass
class QuizInfo:
    quiz: Quiz
    questions: int  # drawn for each attempt
    kinds: dict[int, str]  # per question id
    choices: dict[int, list[Choice]]  # active choices per question id, in position order
    ease: dict[int, float]  # per question id: added to a rep's chance of answering right
    distractor: dict[int, int]  # per question id: the wrong choice most people fall for


@dataclass
class ScriptInfo:
    row: RoleplayScript
    script: engine.Script
    to_end: dict[str, int]  # fewest replies from each node to an end of the call

    @property
    def longest_turns(self) -> int:
        """The most replies a demo caller says: it heads for the way out after 30."""
        return 30 + max(self.to_end.values(), default=0)


@dataclass
class ModuleInfo:
    module: Module
    steps: list[Step]  # active, in order
    lessons: list[Step]
    quizzes: dict[int, QuizInfo] = field(default_factory=dict)  # by step id
    scripts: dict[int, ScriptInfo] = field(default_factory=dict)  # by step id


def distances_to_end(script: engine.Script) -> dict[str, int]:
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
    """Every published module in curriculum order; `rng` decides how hard each question is."""
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

    # Questions are read on their own: the quiz rows go to the services as they would read them.
    active_choices = Choice.objects.filter(retired_at__isnull=True).order_by("position", "pk")
    banks: dict[int, list[Question]] = defaultdict(list)
    for question in (
        Question.objects.filter(retired_at__isnull=True, quiz__step_id__in=steps_by_id)
        .order_by("quiz", "position", "pk")
        .prefetch_related(Prefetch("choices", active_choices))
    ):
        banks[question.quiz_id].append(question)
    quizzes = Quiz.objects.filter(step_id__in=steps_by_id)
    for quiz in sorted(quizzes, key=lambda q: (steps_by_id[q.step_id].position, q.pk)):
        step = steps_by_id[quiz.step_id]
        quiz.step = step
        bank = banks[quiz.pk]
        if not bank:
            continue
        choices = {question.pk: list(question.choices.all()) for question in bank}
        ease, distractor = {}, {}
        for question in bank:
            # Some questions are easy and some are traps: that is what item analysis shows.
            ease[question.pk] = rng.uniform(-0.2, 0.1)
            wrong = [c for c in choices[question.pk] if not c.is_correct]
            if wrong:
                distractor[question.pk] = rng.choice(wrong).pk
        infos[step.module_id].quizzes[step.pk] = QuizInfo(
            quiz=quiz,
            questions=min(quiz.draw_count, len(bank)),
            kinds={question.pk: question.kind for question in bank},
            choices=choices,
            ease=ease,
            distractor=distractor,
        )

    for row in RoleplayScript.objects.filter(step_id__in=steps_by_id).order_by("step_id"):
        step = steps_by_id[row.step_id]
        row.step = step
        script = engine.parse_script(row.data)
        infos[step.module_id].scripts[step.pk] = ScriptInfo(row, script, distances_to_end(script))
    return [infos[module.pk] for module in modules]
