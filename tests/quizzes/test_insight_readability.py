"""Quiz insight reads plainly: topics by name, discrimination explained, small samples flagged,
and the spread of scores drawn against the pass mark."""

import pytest
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Quiz, QuizAttempt
from courses.quizzes.analysis import SMALL_SAMPLE, item_analysis, topic_name
from tests.factories import take_quiz as take
from tests.support import make_user


@pytest.mark.parametrize(
    "tag, name",
    [
        ("calling-hours", "Calling hours"),
        ("dnc-registry", "The National Do-Not-Call Registry"),
        ("state-dnc", "State do-not-call lists"),
        ("robocalls", "Robocalls"),
        ("tcpa-basics", "TCPA basics"),
        ("dnc_requests", "DNC requests"),
        ("", ""),
    ],
)
def test_topic_tags_read_as_people_write_them(tag, name):
    assert topic_name(tag) == name


@pytest.fixture
def quiz(db, builder):
    builder.with_quiz()  # 4 questions, all drawn every time, pass mark 75
    load_curriculum(builder.root)
    return Quiz.objects.select_related("step__module").get()


@pytest.mark.django_db
class TestTheInsightPage:
    def test_a_small_sample_is_flagged_and_topics_and_discrimination_read_plainly(
        self, client, quiz, compliance, django_user_model
    ):
        for i in range(3):
            take(make_user(django_user_model, f"p{i}"), quiz, {"registry-permanent"} if i else ())
        client.force_login(compliance)
        page = client.get(reverse("insights:quiz", args=[quiz.pk])).content.decode()
        assert "<strong>Small sample:</strong> only 3 submitted attempts (fewer than 20)" in page
        assert page.count('<span class="tag">few answers</span>') == 4
        assert "<td>Registry</td>" in page and "<td>registry</td>" not in page
        assert 'aria-describedby="discrimination-help">Discrimination</th>' in page
        assert 'id="discrimination-help"><strong>Discrimination</strong> (\u22121 to 1)' in page
        listing = client.get(reverse("insights:quizzes")).content.decode()
        assert '3 <span class="tag">small sample</span>' in listing

    def test_enough_attempts_carry_no_warning(self, client, quiz, compliance, django_user_model):
        for i in range(SMALL_SAMPLE):
            take(make_user(django_user_model, f"p{i}"), quiz)
        client.force_login(compliance)
        page = client.get(reverse("insights:quiz", args=[quiz.pk])).content.decode()
        assert "Small sample" not in page and "few answers" not in page
        listing = client.get(reverse("insights:quizzes")).content.decode()
        assert "small sample</span>" not in listing

    def test_the_score_distribution_counts_each_persons_best_against_the_pass_mark(
        self, client, quiz, compliance, rep, other_rep
    ):
        take(rep, quiz, {"registry-permanent", "scrub-days"})  # 2 of 4: 50%
        take(rep, quiz)  # then all four: 100%
        take(other_rep, quiz, {"registry-permanent"})  # 75%
        analysis = item_analysis(quiz, QuizAttempt.objects.all())
        assert sorted(analysis.best_scores) == [75.0, 100.0]
        client.force_login(compliance)
        page = client.get(reverse("insights:quiz", args=[quiz.pk])).content.decode()
        assert 'role="img" aria-labelledby="scores-title scores-desc"' in page
        assert "Best scores of 2 people in" in page
        assert '<desc id="scores-desc">70-79%: 1. 90-100%: 1. Pass mark 75%.</desc>' in page
        assert "pass mark 75%</text>" in page
        assert "<caption>People by best score</caption>" in page
        assert '<th scope="row">90-100%</th><td class="num">1</td>' in page
        assert '<th scope="row">50-59%</th><td class="num">0</td>' in page
        assert page.count('<rect class="chart-bar"') == 2
