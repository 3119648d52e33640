import pytest
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from courses.models import Quiz, QuizAttempt
from courses.quizzes.analysis import item_analysis
from tests.factories import take_quiz as take
from tests.support import make_user


@pytest.fixture
def quiz(db, builder):
    builder.with_quiz()  # 4 questions, all drawn every time
    load_curriculum(builder.root)
    return Quiz.objects.select_related("step__module").get()


@pytest.mark.django_db
class TestItemAnalysis:
    def test_facility_discrimination_and_common_wrong_answer(self, quiz, django_user_model):
        # Four people: two strong (everything right), two weak (registry question wrong,
        # and one of them also the scrub question).
        strong = [make_user(django_user_model, f"strong{i}") for i in range(2)]
        weak = [make_user(django_user_model, f"weak{i}") for i in range(2)]
        for user in strong:
            take(user, quiz)
        take(weak[0], quiz, {"registry-permanent"})
        take(weak[1], quiz, {"registry-permanent", "scrub-days"})
        analysis = item_analysis(quiz, QuizAttempt.objects.all())
        stats = {s.question.key: s for s in analysis.questions}
        assert analysis.attempts == 4
        registry = stats["registry-permanent"]
        assert (registry.answered, registry.correct) == (4, 2)
        assert registry.facility == 0.5
        # 27% of 4 attempts rounds to 1 per group: the best (right) vs the worst (wrong).
        assert registry.discrimination == 1.0
        assert registry.common_wrong == "Five years"
        assert registry.common_wrong_count == 2
        assert stats["local-time"].facility == 1.0
        assert stats["local-time"].discrimination == 0.0
        by_rule = {r.rule: r for r in analysis.by_rule}
        assert by_rule["registry-permanent"].facility == 0.5
        assert by_rule["registry-permanent"].label == (
            "Registry entries are permanent (15 U.S.C. 6155)"
        )
        assert analysis.by_rule[0].rule == "registry-permanent"  # hardest first
        by_tag = {r.label: r for r in analysis.by_tag}
        assert (by_tag["Registry"].answered, by_tag["Registry"].correct) == (8, 5)

    def test_no_attempts(self, quiz):
        analysis = item_analysis(quiz, QuizAttempt.objects.all())
        assert analysis.attempts == 0 and analysis.questions == []


@pytest.mark.django_db
class TestInsightPages:
    def test_rep_is_refused(self, rep_client, quiz):
        assert rep_client.get(reverse("insights:quizzes")).status_code == 403
        assert rep_client.get(reverse("insights:quiz", args=[quiz.pk])).status_code == 403

    def test_anonymous_goes_to_login(self, client, quiz):
        response = client.get(reverse("insights:quiz", args=[quiz.pk]))
        assert response.status_code == 302

    def test_manager_sees_only_their_teams(
        self, client, quiz, rep, other_rep, manager, other_manager
    ):
        take(rep, quiz, {"registry-permanent"})
        take(other_rep, quiz)
        take(other_rep, quiz)
        client.force_login(manager)
        content = client.get(reverse("insights:quiz", args=[quiz.pk])).content.decode()
        assert "1 submitted attempt by your teams" in content
        listing = client.get(reverse("insights:quizzes")).content.decode()
        assert '<td class="num">1 <span class="tag">small sample</span></td>' in listing

    def test_compliance_sees_everyone(self, client, quiz, rep, other_rep, compliance):
        take(rep, quiz)
        take(other_rep, quiz, {"local-time"})
        client.force_login(compliance)
        content = client.get(reverse("insights:quiz", args=[quiz.pk])).content.decode()
        assert "2 submitted attempts" in content
        assert "47 CFR 64.1200(c)(1)" in content

    @pytest.mark.parametrize("people", [3, 30])
    def test_query_count_does_not_grow(
        self, client, quiz, compliance, django_user_model, people, django_assert_max_num_queries
    ):
        for i in range(people):
            take(make_user(django_user_model, f"p{i}"), quiz, {"scrub-days"} if i % 3 else ())
        client.force_login(compliance)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("insights:quiz", args=[quiz.pk])).status_code == 200
        with django_assert_max_num_queries(6):
            assert client.get(reverse("insights:quizzes")).status_code == 200
