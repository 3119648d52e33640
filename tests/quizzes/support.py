"""Questions for the scoring engine's tests: written out, or drawn at random by Hypothesis."""

from hypothesis import strategies as st

from courses.quizzes.scoring import Kind, Question


def single(key="q", correct="a", choices=("a", "b", "c"), tags=()):
    return Question(key, Kind.SINGLE, tuple(choices), frozenset({correct}), tuple(tags))


def multiple(key="m", correct=("a", "b", "c"), choices=("a", "b", "c", "d", "e"), tags=()):
    return Question(key, Kind.MULTIPLE, tuple(choices), frozenset(correct), tuple(tags))


def true_false(key="tf", correct="true", tags=()):
    return Question(key, Kind.TRUE_FALSE, ("true", "false"), frozenset({correct}), tuple(tags))


def singles(n, tags=()):
    return [single(key=f"q{i}", tags=tags) for i in range(n)]


def tagged_bank():
    return [
        *[single(f"hours{i}", tags=["calling-hours"]) for i in range(3)],
        *[single(f"dnc{i}", tags=["dnc"]) for i in range(3)],
        single("both", tags=["calling-hours", "dnc"]),
        *singles(5),
    ]


CHOICE_KEYS = ("a", "b", "c", "d", "e", "f")
TAGS = ("calling-hours", "dnc", "ebr", "robocalls")


@st.composite
def questions(draw, key="q", tags=()):
    kind = draw(st.sampled_from(Kind))
    if kind == Kind.TRUE_FALSE:
        choices = ("true", "false")
    else:
        choices = CHOICE_KEYS[: draw(st.integers(2, len(CHOICE_KEYS)))]
    if kind == Kind.MULTIPLE:
        correct = draw(st.frozensets(st.sampled_from(choices), min_size=1))
    else:
        correct = frozenset({draw(st.sampled_from(choices))})
    return Question(key, kind, choices, correct, tuple(tags))
