"""Mastery of each rule: the rep's own page, the manager's heatmap of their own teams, the Rules
page for compliance and managers, and practice since certification on the evidence page."""

import datetime
import re
from statistics import mean

import pytest
import time_machine
from django.db.models import Q
from django.urls import reverse

from courses.certification.services import completion_certify
from courses.models import Membership, ReviewCard, Team
from courses.review import scheduling
from courses.review.asking import ASKABLE
from courses.review.services import card_review, practised
from tests.factories import complete_module
from tests.review.support import KEYS, card, meet, picks
from tests.support import make_user

NOW = datetime.datetime(2026, 3, 30, 15, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
MASTERY = reverse("review:mastery")
HEATMAP = reverse("team:mastery")
HTMX = {"HTTP_HX_REQUEST": "true"}
QUIZ_RULES = ("registry-permanent", "fcc-calling-hours", "fcc-written-consent-elements")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def expected(user, slug: str) -> float:
    """Mastery computed card by card with the scheduler: what the database's average must be."""
    cards = ReviewCard.objects.filter(
        Q(rule__slug=slug) | (ASKABLE & Q(question__rules__slug=slug)), user=user
    ).distinct()
    return mean(
        scheduling.retrievability(
            scheduling.Memory(c.state, c.step, c.stability, c.difficulty, c.due, c.last_review),
            at=NOW,
        )
        for c in cards
    )


def row_of(content: str, title: str) -> str:
    start = content.index(title)
    return content[start : content.index("</tr>", start)]


@pytest.mark.django_db
class TestMyMastery:
    def test_right_after_a_quiz_every_rule_it_tests_is_strong(self, rep_client, quiz, rep, clock):
        meet(rep, quiz, at=NOW - datetime.timedelta(minutes=5))
        content = rep_client.get(MASTERY).content.decode()
        for title in ("Registry entries are permanent", "Calling hours"):
            assert '<span class="mastery mastery-strong">100%</span>' in row_of(content, title)
        assert "47 CFR 64.1200(c)(1)" in content

    def test_mastery_fades_as_fsrs_reckons_and_weakest_comes_first(
        self, rep_client, quiz, rep, clock
    ):
        meet(rep, quiz, wrong=["registry-permanent"], at=NOW - 40 * DAY)
        response = rep_client.get(MASTERY)
        rules = response.context["rules"]
        assert [m.value for m in rules] == sorted(m.value for m in rules)
        assert rules[0].slug == "registry-permanent"
        for entry in rules:
            assert entry.value == pytest.approx(expected(rep, entry.slug), rel=1e-9)
            assert f"{entry.percent}%" in row_of(response.content.decode(), entry.title)
        assert rules[0].band == "weak" and rules[0].percent < 70

    def test_rule_cards_from_practice_count_and_retired_questions_do_not(
        self, rep_client, quiz, rep, clock
    ):
        meet(rep, quiz, at=NOW - 40 * DAY)
        practised(user=rep, outcomes=[("finra-2150b", True)], at=NOW - datetime.timedelta(hours=1))
        quiz.questions.filter(key="local-time").update(retired_at=NOW - 2 * DAY)
        rules = {m.slug: m for m in rep_client.get(MASTERY).context["rules"]}
        assert rules["finra-2150b"].cards == 1 and rules["finra-2150b"].percent == 100
        assert "fcc-calling-hours" not in rules  # only the retired question tested it

    def test_without_cards_it_says_how_they_come(self, rep_client, quiz):
        content = rep_client.get(MASTERY).content.decode()
        assert "No rule has review cards yet" in content

    def test_it_is_reachable_from_todays_review(self, rep_client, quiz, rep, clock):
        meet(rep, quiz, at=NOW - 7 * DAY)
        assert f'href="{MASTERY}"' in rep_client.get(reverse("review:session")).content.decode()

    @pytest.mark.parametrize("quizzes", [1, 3])
    def test_queries_do_not_grow_with_cards(
        self, rep_client, quiz, rep, clock, quizzes, django_assert_max_num_queries
    ):
        for n in range(quizzes):
            meet(rep, quiz, wrong=KEYS[:n], at=NOW - (10 + n) * DAY)
        # The session, the user, mastery per rule (one aggregate) and the rules' titles.
        with django_assert_max_num_queries(4):
            assert rep_client.get(MASTERY).status_code == 200


@pytest.fixture
def teams(quiz, rep, other_rep, manager, other_manager, clock):
    """The rep (team Alpha, the manager's) and the other rep (team Bravo) met the quiz 20 days
    ago: the rep all right, the other rep all wrong."""
    meet(rep, quiz, at=NOW - 20 * DAY)
    meet(other_rep, quiz, wrong=KEYS, at=NOW - 20 * DAY)
    return quiz


@pytest.mark.django_db
class TestHeatmap:
    def test_a_manager_sees_their_own_people_by_rule_with_values_as_text(
        self, client, teams, manager, rep, other_rep
    ):
        client.force_login(manager)
        response = client.get(HEATMAP)
        content = response.content.decode()
        heatmap = response.context["heatmap"]
        assert [row.person for row in heatmap.rows] == [rep]
        assert f"/team/people/{rep.pk}/" in content
        assert f"/team/people/{other_rep.pk}/" not in content and "Other-Rep" not in content
        titles = [rule.title for rule in heatmap.rules]
        assert "Registry entries are permanent" in titles and "Calling hours" in titles
        cells = re.findall(r'<td class="cell mastery-(strong|fading|weak)">(\d+)%</td>', content)
        assert len(cells) == len(titles)
        for (band, value), rule in zip(cells, heatmap.rules, strict=True):
            assert int(value) == round(expected(rep, rule.slug) * 100)
            assert band == scheduling.band(expected(rep, rule.slug))
        assert "style=" not in content
        # The column averages are the manager's people's, not everyone's.
        assert all(rule.people == 1 for rule in heatmap.rules)

    def test_the_other_manager_sees_only_theirs(self, client, teams, other_manager, rep, other_rep):
        client.force_login(other_manager)
        heatmap = client.get(HEATMAP).context["heatmap"]
        assert [row.person for row in heatmap.rows] == [other_rep]
        strong_for_rep = round(expected(rep, "registry-permanent") * 100)
        weak_for_them = round(expected(other_rep, "registry-permanent") * 100)
        assert strong_for_rep != weak_for_them
        column = next(r for r in heatmap.rules if r.slug == "registry-permanent")
        assert column.percent == weak_for_them

    def test_a_person_without_cards_for_a_rule_has_an_empty_cell(self, client, teams, manager, rep):
        practised(user=rep, outcomes=[("finra-2150b", True)], at=NOW)
        newcomer = make_user(type(rep), "newcomer", "Rep")
        Membership.objects.create(team=Team.objects.get(name="Alpha"), user=newcomer)
        client.force_login(manager)
        content = client.get(HEATMAP).content.decode()
        assert '<span class="visually-hidden">No cards</span>' in content
        assert "No guarantee against loss" in content

    @pytest.mark.parametrize("role", ["rep", "compliance"])
    def test_reps_and_compliance_are_refused(self, client, teams, role, rep, compliance):
        client.force_login({"rep": rep, "compliance": compliance}[role])
        assert client.get(HEATMAP).status_code == 403

    def test_a_manager_without_a_team_sees_nobody(self, client, teams, django_user_model):
        client.force_login(make_user(django_user_model, "lonely", "Manager"))
        response = client.get(HEATMAP)
        assert response.status_code == 200 and response.context["heatmap"].rows == []
        assert "You do not manage a team yet" in response.content.decode()

    def test_it_is_paginated_like_the_team_dashboard(
        self, client, teams, manager, django_user_model
    ):
        alpha = Team.objects.get(name="Alpha")
        for i in range(29):
            Membership.objects.create(team=alpha, user=make_user(django_user_model, f"z{i:02}"))
        client.force_login(manager)
        first = client.get(HEATMAP)
        assert len(first.context["heatmap"].rows) == 25
        assert "People 1\N{EN DASH}25 of 30" in first.content.decode()
        second = client.get(f"{HEATMAP}?page=2", **HTMX)
        content = second.content.decode()
        assert len(second.context["heatmap"].rows) == 5
        assert content.lstrip().startswith('<div id="heatmap">') and "<html" not in content
        assert (
            client.get(f"{HEATMAP}?page=x").status_code == 200
        )  # the first page, as the dashboard

    @pytest.mark.parametrize("people", [2, 30])
    def test_queries_do_not_grow_with_people_or_cards(
        self, client, teams, manager, django_user_model, people, django_assert_max_num_queries
    ):
        alpha = Team.objects.get(name="Alpha")
        for i in range(people):
            person = make_user(django_user_model, f"y{people}-{i}", "Rep")
            Membership.objects.create(team=alpha, user=person)
            meet(person, teams, wrong=KEYS[: i % 4], at=NOW - (i + 1) * DAY)
        client.force_login(manager)
        # The session, the user, the people counted and the page's people, the columns'
        # averages and their rules, and the page's cells: one aggregate.
        with django_assert_max_num_queries(7):
            assert client.get(HEATMAP).status_code == 200

    def test_the_dashboard_links_to_it(self, client, teams, manager):
        client.force_login(manager)
        assert f'href="{HEATMAP}"' in client.get(reverse("team:dashboard")).content.decode()


def rule_section(content: str, rule_id: str) -> str:
    start = content.index(f'id="{rule_id}"')
    return content[start : content.index("</article>", start)]


@pytest.mark.django_db
class TestRulesPage:
    def test_compliance_sees_the_organisations_mastery_and_how_many_it_covers(
        self, client, teams, compliance, rep, other_rep
    ):
        client.force_login(compliance)
        content = client.get(reverse("rules:list")).content.decode()
        registry = rule_section(content, "registry-permanent")
        average = mean(
            [expected(rep, "registry-permanent"), expected(other_rep, "registry-permanent")]
        )
        assert (
            f"{round(average * 100)}%</span> average recall over 2 review cards of 2 people"
            in registry
        )
        untouched = rule_section(content, "finra-2150b")
        assert "No review cards yet" in untouched

    def test_a_manager_sees_their_own_teams_only(self, client, teams, manager, rep):
        client.force_login(manager)
        content = client.get(reverse("rules:list")).content.decode()
        registry = rule_section(content, "registry-permanent")
        percent = round(expected(rep, "registry-permanent") * 100)
        assert f"{percent}%</span> average recall over 1 review card of 1 person" in registry

    @pytest.mark.parametrize("people", [1, 12])
    def test_queries_do_not_grow(
        self, client, quiz, compliance, django_user_model, people, clock,
        django_assert_max_num_queries,
    ):  # fmt: skip
        for i in range(people):
            meet(make_user(django_user_model, f"m{people}-{i}", "Rep"), quiz, at=NOW - i * DAY)
        client.force_login(compliance)
        # The Rules page's own reads (tests/curriculum) and mastery per rule: one aggregate.
        with django_assert_max_num_queries(7):
            assert client.get(reverse("rules:list")).status_code == 200


@pytest.mark.django_db
class TestPracticeSinceCertification:
    def evidence(self, client, record):
        content = client.get(reverse("compliance:record", args=[record.pk])).content.decode()
        start = content.index('id="practice"')
        return content[start : content.index("</dd>", start)]

    def test_reviews_after_the_latest_certificate_are_counted(
        self, client, required, rep, compliance, other_rep
    ):
        start = NOW - 30 * DAY
        with time_machine.travel(start, tick=False):
            record = complete_module(rep, required)
            other = complete_module(other_rep, required)
        client.force_login(compliance)
        assert "None: no certificate for this module yet" in self.evidence(client, record)

        def answer(key, at):
            due = card(rep, key)
            card_review(
                user=rep, card_id=due.pk, seen=due.reviews, raw_answers=picks(due), number=1,
                now=at,
            )  # fmt: skip

        answer("registry-permanent", start + 5 * DAY)  # before the certificate: not counted
        with time_machine.travel(start + 10 * DAY, tick=False):
            completion_certify(officer=compliance, record=record)
            completion_certify(officer=compliance, record=other)
        assert "None since" in self.evidence(client, record)
        answer("local-time", start + 20 * DAY)
        answer("scrub-days", start + 20 * DAY)
        practised(user=rep, outcomes=[("fcc-calling-hours", True)], at=start + 21 * DAY)
        practised(user=rep, outcomes=[("finra-firm-dnc-list", True)], at=start + 21 * DAY)
        # Two answers on the module's questions and one on a rule its lesson teaches; not the
        # rule it does not teach, nor anyone else's.
        assert "3 review answers since" in self.evidence(client, record)
        assert "None since" in self.evidence(client, other)

    def test_review_never_changes_certification_records(self, client, required, rep, compliance):
        from courses.models import Certificate, CompletionRecord, Review

        with time_machine.travel(NOW - 30 * DAY, tick=False):
            record = complete_module(rep, required)
            completion_certify(officer=compliance, record=record)

        def records():
            return [
                list(m.objects.order_by("pk").values())
                for m in (CompletionRecord, Review, Certificate)
            ]

        before = records()
        for key in KEYS:
            due = card(rep, key)
            card_review(
                user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1,
                now=NOW - DAY,
            )  # fmt: skip
        assert records() == before


@pytest.mark.django_db
@pytest.mark.parametrize("reviews", [0, 4])
def test_the_evidence_page_does_not_grow_with_reviews(
    client, required, rep, compliance, reviews, django_assert_max_num_queries
):
    with time_machine.travel(NOW - 30 * DAY, tick=False):
        record = complete_module(rep, required)
        completion_certify(officer=compliance, record=record)
    for key in KEYS[:reviews]:
        due = card(rep, key)
        card_review(
            user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1, now=NOW - DAY
        )
    client.force_login(compliance)
    # The page's own reads, and the practice since certification: the latest certificate
    # and the count of reviews since.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("compliance:record", args=[record.pk]))
    assert response.status_code == 200
    assert (
        f"{reviews} review answers since" if reviews else "None since"
    ) in response.content.decode()
