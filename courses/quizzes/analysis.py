"""Item analysis of quiz results: which questions, rules and topics people get wrong.

Everything is aggregated in the database, so the number of queries is the same for ten
attempts or a hundred thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, gettext_lazy

from courses.models import Answer, AttemptQuestion, Question, Quiz, QuizAttempt

# The classical discrimination index compares the top and bottom 27% of attempts by score.
GROUP_SHARE = 0.27

# Below this many attempts (for a quiz) or answers (for a question), the shares can swing a
# long way on one person's answers: the pages say so beside the numbers.
SMALL_SAMPLE = 20

# Topics are tags in the question banks (lower case, hyphenated). Most read well as words; these
# are the ones that need more than that.
TOPIC_NAMES = {
    "dnc-registry": gettext_lazy("The National Do-Not-Call Registry"),
    "dnc-requests": gettext_lazy("Do-not-call requests"),
    "do-not-call": gettext_lazy("Do-not-call rules"),
    "firm-list": gettext_lazy("The firm's do-not-call list"),
    "state-dnc": gettext_lazy("State do-not-call lists"),
    "state-hours": gettext_lazy("State calling hours"),
    "robocalls-consent": gettext_lazy("Consent for robocalls"),
    "automated-consent": gettext_lazy("Consent for automated calls"),
    "prospect-view": gettext_lazy("The prospect's point of view"),
    "call-blocks": gettext_lazy("Calling blocks"),
    "call-frequency": gettext_lazy("How often to call"),
    "boiler-rooms": gettext_lazy("Boiler rooms"),
    "honest-statements": gettext_lazy("Honest statements"),
    "business-numbers": gettext_lazy("Business numbers"),
    "opening-line": gettext_lazy("The opening line"),
}
ACRONYMS = {"dnc": "DNC", "fcc": "FCC", "ftc": "FTC", "tcpa": "TCPA", "tsr": "TSR", "sec": "SEC"}


def topic_name(tag: str) -> str:
    """A topic tag as people write it: "calling-hours" is "Calling hours"."""
    if tag in TOPIC_NAMES:
        return str(TOPIC_NAMES[tag])
    words = [ACRONYMS.get(word, word) for word in tag.replace("_", "-").split("-") if word]
    if not words:
        return tag
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


@dataclass
class QuestionStats:
    question: Question
    answered: int
    correct: int
    upper_answered: int = 0
    upper_correct: int = 0
    lower_answered: int = 0
    lower_correct: int = 0
    common_wrong: str = ""
    common_wrong_count: int = 0

    @property
    def facility(self) -> float | None:
        """Share of those asked who got it right."""
        return self.correct / self.answered if self.answered else None

    @property
    def small_sample(self) -> bool:
        return self.answered < SMALL_SAMPLE

    @property
    def discrimination(self) -> float | None:
        """Share right in the top group minus share right in the bottom group (-1 to 1)."""
        if not self.upper_answered or not self.lower_answered:
            return None
        return self.upper_correct / self.upper_answered - self.lower_correct / self.lower_answered


@dataclass
class Rollup:
    label: str
    rule: str = ""  # the rule's id, when the rollup is by rule
    answered: int = 0
    correct: int = 0
    questions: int = 0

    @property
    def facility(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass
class QuizAnalysis:
    quiz: Quiz
    attempts: int
    questions: list[QuestionStats] = field(default_factory=list)
    by_rule: list[Rollup] = field(default_factory=list)
    by_tag: list[Rollup] = field(default_factory=list)
    best_scores: list[float] = field(default_factory=list)  # each person's best, in percent

    @property
    def small_sample(self) -> bool:
        return self.attempts < SMALL_SAMPLE


def item_analysis(quiz: Quiz, attempts: QuerySet[QuizAttempt]) -> QuizAnalysis:
    """Analyse the submitted `attempts` (already limited to the people the viewer may see)."""
    attempts = attempts.filter(quiz=quiz, submitted_at__isnull=False)
    total = attempts.count()
    group = max(1, round(GROUP_SHARE * total)) if total >= 2 else 0
    ranked = attempts.annotate(
        row=Window(RowNumber(), order_by=[F("percent").asc(), F("pk").asc()])
    )
    lower = ranked.filter(row__lte=group).values("pk")
    upper = ranked.filter(row__gt=total - group).values("pk")

    counts = (
        AttemptQuestion.objects.filter(attempt__in=attempts.values("pk"))
        .values("question")
        .annotate(
            answered=Count("pk"),
            correct=Count("pk", filter=Q(is_correct=True)),
            upper_answered=Count("pk", filter=Q(attempt__in=upper)),
            upper_correct=Count("pk", filter=Q(attempt__in=upper, is_correct=True)),
            lower_answered=Count("pk", filter=Q(attempt__in=lower)),
            lower_correct=Count("pk", filter=Q(attempt__in=lower, is_correct=True)),
        )
        .order_by()
    )
    by_question = {row.pop("question"): row for row in counts}
    wrong = (
        Answer.objects.filter(item__attempt__in=attempts.values("pk"), choice__is_correct=False)
        .values("item__question", "choice__text")
        .annotate(times=Count("pk"))
        .order_by("item__question", "-times", "choice__text")
    )
    common_wrong: dict[int, tuple[str, int]] = {}
    for row in wrong:
        common_wrong.setdefault(row["item__question"], (row["choice__text"], row["times"]))

    analysis = QuizAnalysis(quiz=quiz, attempts=total)
    rules: dict[str, Rollup] = {}
    tags: dict[str, Rollup] = {}
    for question in quiz.questions.order_by("position").prefetch_related("rules"):
        row = by_question.get(question.pk)
        if row is None:
            continue
        text, times = common_wrong.get(question.pk, ("", 0))
        stats = QuestionStats(question=question, common_wrong=text, common_wrong_count=times, **row)
        analysis.questions.append(stats)
        for rule in question.rules.all() or [None]:
            if rule is None:
                _add(rules, "", stats, gettext("No rule named"))
            else:
                _add(rules, rule.slug, stats, f"{rule.title} ({rule.citation})", rule.slug)
        for tag in question.tags:
            _add(tags, tag, stats, topic_name(tag))
    analysis.best_scores = [
        float(best)
        for best in attempts.values("user")
        .annotate(best=Max("percent"))
        .order_by()
        .values_list("best", flat=True)
    ]
    analysis.by_rule = sorted(rules.values(), key=_hardest_first)
    analysis.by_tag = sorted(tags.values(), key=_hardest_first)
    return analysis


def _add(
    rollups: dict[str, Rollup], key: str, stats: QuestionStats, label: str, rule: str = ""
) -> None:
    rollup = rollups.setdefault(key, Rollup(label, rule=rule))
    rollup.answered += stats.answered
    rollup.correct += stats.correct
    rollup.questions += 1


def _hardest_first(rollup: Rollup) -> tuple[float, str]:
    return (rollup.facility if rollup.facility is not None else 2.0, rollup.label)
