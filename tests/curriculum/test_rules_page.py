"""The Rules page: every rule with where it is taught, tested and rehearsed, and how the people
in view did on it. For compliance (everyone) and managers (their teams); refused to reps."""

import pytest
from django.urls import reverse

from courses.curriculum.loading import load_curriculum
from tests.factories import take_quiz

RULES = reverse("rules:list")


@pytest.fixture
def curriculum(db, builder):
    builder.course(modules=["module-1"])
    builder.required_module()
    load_curriculum(builder.root)
    from courses.models import Quiz

    return Quiz.objects.get()


def section(content: str, rule_id: str) -> str:
    start = content.index(f'id="{rule_id}"')
    return content[start : content.index("</article>", start)]


@pytest.mark.django_db
class TestRulesPage:
    def test_each_rule_with_where_it_is_taught_tested_and_rehearsed(
        self, client, compliance, curriculum
    ):
        client.force_login(compliance)
        content = client.get(RULES).content.decode()
        hours = section(content, "fcc-calling-hours")
        assert "47 CFR 64.1200(c)(1)" in hours and "checked 30 Nov 2026" in hours
        assert "No telephone solicitation to a residence before 8 a.m." in hours
        assert "Intro" in hours  # the lesson that teaches it
        assert "1 item in" in hours and "Check your understanding" in hours
        guarantee = section(content, "finra-2150b")
        assert "Not interested" in guarantee  # the call that rehearses it
        assert "Not tested" in guarantee

    def test_rules_nothing_tests_are_flagged(self, client, compliance, curriculum):
        client.force_login(compliance)
        content = client.get(RULES).content.decode()
        untested = content[content.index('id="untested-heading"') : content.index("</section>")]
        for rule in ("finra-2150b", "tsr-disclosures", "fcc-company-dnc-honor"):
            assert f'href="#{rule}"' in untested
        assert 'href="#registry-permanent"' not in untested

    def test_results_over_the_last_90_days(
        self, client, compliance, rep, other_rep, manager, curriculum
    ):
        take_quiz(rep, curriculum)  # all right
        take_quiz(other_rep, curriculum, wrong_keys=("registry-permanent",))
        client.force_login(compliance)
        content = client.get(RULES).content.decode()
        registry = section(content, "registry-permanent")
        assert "<strong>50%</strong> of 2 answers right, in 2 attempts" in registry
        assert "how the organisation did on it" in content
        # A manager sees their own team only: the rep, not the other team's rep.
        client.force_login(manager)
        content = client.get(RULES).content.decode()
        registry = section(content, "registry-permanent")
        assert "<strong>100%</strong> of 1 answer right, in 1 attempt" in registry
        assert "how your teams did on it" in content

    def test_reps_are_refused(self, client, rep, curriculum):
        client.force_login(rep)
        assert client.get(RULES).status_code == 403

    def test_the_navigation_links_it_for_overseers_only(self, client, rep, manager, curriculum):
        client.force_login(manager)
        assert f'href="{RULES}"' in client.get(reverse("learner:home")).content.decode()
        client.force_login(rep)
        assert f'href="{RULES}"' not in client.get(reverse("learner:home")).content.decode()

    @pytest.mark.parametrize("people", [1, 12])
    def test_queries_do_not_grow(
        self,
        client,
        compliance,
        curriculum,
        django_user_model,
        people,
        django_assert_max_num_queries,
    ):
        from tests.support import make_user

        for index in range(people):
            take_quiz(make_user(django_user_model, f"r{index}", "Rep"), curriculum)
        client.force_login(compliance)
        with django_assert_max_num_queries(8):
            assert client.get(RULES).status_code == 200
