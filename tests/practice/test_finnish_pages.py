"""Practice in Finnish: the dialing drill's page, a drill card and its feedback, the call check, a
roleplay call and its debrief, today's review with its feedback, the rep's mastery and the
managers' heatmap, asked for by a browser whose language is Finnish. Each page says its
interface words in Finnish and none of the English ones are left; what the law says (the
engine's findings, rule titles and citations, a lead card's sentences, the prospect's lines)
stays as written.

These tests read the compiled Finnish catalogue (locale/fi/LC_MESSAGES/django.mo), which ships
with the code (`make messages`, then `make compile-messages`, when strings change). The labels of a
lead card and of the three answers are checked without a database.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from courses.curriculum.loading import load_curriculum
from courses.models import DrillSession, ReviewCard, RoleplayRun
from courses.practice.cards import describe
from courses.practice.drill import deal
from courses.practice.forms import STATE_CHOICES
from courses.practice.grading import CHOICES
from courses.practice.states import US_STATES
from courses.review.services import practised
from courses.roleplays.selectors import call_view
from tests import support
from tests.practice.adjudicated import BASE
from tests.practice.drill_play import HOME, HTMX, SEED, answer_url, page, right_answer, start
from tests.review.support import (
    meet,
    quiz,  # noqa: F401
)
from tests.support import FI, says

NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def main(page: str) -> str:
    """The page's own part: the navigation and footer around it are the site's."""
    if '<main id="main"' not in page:
        return page  # an htmx fragment is the page's own part alone
    return page[page.index('<main id="main"') : page.index("</main>")]


def finnish(client, url, data=None, **extra) -> str:
    """The page's own part, as a Finnish browser gets it."""
    return main(support.finnish(client, url, data, **extra))


# --- Without a database ----------------------------------------------------------------------


def test_the_three_answers_and_a_lead_cards_labels_are_finnish_its_sentences_english():
    card = deal(SEED)[0]
    with translation.override("fi"):
        assert [gettext(label) for label in CHOICES.values()] == [
            "Soita nyt",
            "Soita myöhemmin",
            "Älä soita",
        ]
        facts = describe(card)
    labels = [fact.label for fact in facts]
    assert labels[:2] == ["Kuka", "Hänen aikansa"] and "Puhelu" in labels
    assert facts[0].text.startswith(card.person)  # the lead's scenario, as written
    assert CHOICES["call"] == "Call now"  # the engine keeps its own words


def test_the_call_checks_states_are_the_engines_named_in_finnish_where_finnish_has_a_name():
    assert dict(STATE_CHOICES) == US_STATES
    with translation.override("fi"):
        names = {code: str(name) for code, name in STATE_CHOICES}
    assert names["CA"] == "Kalifornia" and names["NC"] == "Pohjois-Carolina"
    assert names["TX"] == "Texas"


# --- The dialing drill -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_drill_page_is_finnish(rep_client):
    says(
        finnish(rep_client, HOME),
        ["Aloita soittoharjoitus", "Aloita soittojakso", "Edistymisesi", "Oma ennätys"],
        ["Start a dialing drill", "Start a calling block", "Your progress", "Personal best"],
    )


@pytest.mark.django_db
def test_a_tampered_deal_number_is_refused_in_finnish(rep_client):
    response = rep_client.get(HOME, {"seed": "abc"}, **FI)
    assert response.status_code == 400
    says(
        main(response.content.decode()),
        ["Jaon numero on kokonaisluku nollasta alkaen.", "Mitään ei muutettu."],
        ["A deal number is a whole number", "Nothing was changed."],
    )
    assert not DrillSession.objects.exists()


@pytest.mark.django_db
def test_a_drill_card_and_its_feedback_are_finnish(rep_client):
    session = start(rep_client)
    says(
        finnish(rep_client, page(session)),
        ["Kortti 1/10", "Soita nyt", "Soita myöhemmin", "Älä soita", "<dt>Kuka</dt>"],
        ["Card 1 of 10", "Call now", "Don't call", "seconds left to answer", "<dt>Who</dt>"],
    )
    response = rep_client.post(answer_url(session), right_answer(session), **HTMX, **FI)
    assert response.status_code == 200
    says(
        main(response.content.decode()),
        [": oikein</h2>", "Valitsit <strong>", "Oikea vastaus:", "Seuraava kortti"],
        ["You chose", "The answer:", "Next card", "right so far"],
    )


# --- The call check --------------------------------------------------------------------------


@pytest.fixture
def call_check_catalogue(db, builder):
    builder.simple()
    load_curriculum(builder.root)


@pytest.mark.django_db
def test_the_call_check_and_its_answer_are_finnish(rep_client, call_check_catalogue):
    url = reverse("learner:call-check")
    says(
        finnish(rep_client, url),
        ["Soittotarkistus", "Kuka soittaa", "Tarkista", "Ennalta annettu nimenomainen suostumus"],
        ["Call check", "Who is calling", "Prior express consent", "not legal advice"],
    )
    answered = finnish(rep_client, url, {**BASE, "registry": "1"})
    says(
        answered,
        ["data-verdict=", "ei oikeudellista neuvontaa"],
        ["You may call now.", "Not now: wait.", "Do not call.", "not legal advice"],
    )
    assert any(words in answered for words in ["Saat soittaa nyt.", "Ei nyt: odota.", "Älä soita."])


# --- A roleplay call -------------------------------------------------------------------------


@pytest.fixture
def call_curriculum(db, builder):
    builder.with_roleplay()
    load_curriculum(builder.root)


def choose(client, run, reply_id):
    run = RoleplayRun.objects.get(pk=run.pk)
    offered = call_view(run, list(run.turns.values_list("reply", flat=True))).offered
    option = [reply.id for reply in offered].index(reply_id)
    response = client.post(
        reverse("learner:roleplay-choose", args=[run.pk]),
        {"turn": run.turns.count(), "option": option},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_roleplay_call_and_its_debrief_are_finnish(rep_client, call_curriculum):
    overview = reverse("learner:step", args=["module-1", "call"])
    says(
        finnish(rep_client, overview),
        ["Kenelle soitat", "Aloita puhelu", "National Do-Not-Call Registry"],
        ["Who you are calling", "Start the call", "Prepare as you would"],
    )
    assert (
        rep_client.post(reverse("learner:roleplay-start", args=["module-1", "call"])).status_code
        == 302
    )
    run = RoleplayRun.objects.latest("pk")
    call = reverse("learner:roleplay-run", args=[run.pk])
    says(
        finnish(rep_client, call),
        ["Mitä sanot?", "Lopeta puhelu", "Puhelu alkoi"],
        ["What do you say?", "End call", "Call started", "Your reply times"],
    )
    for reply_id in ["opening.1", "objection.1"]:  # a clean call: a meeting is booked
        choose(rep_client, run, reply_id)
    says(
        finnish(rep_client, call),
        ["Hyväksytty", "Mikä meni hyvin", "Luottamus</th>", "Tapaaminen sovittu", "Paras puhelu"],
        ["What went well", "Best call", "Meeting booked", ">Rapport<", "Play again"],
    )
    says(  # the overview lists the call, its outcome in Finnish
        finnish(rep_client, overview),
        ["Puhelusi", "<td>Tapaaminen sovittu</td>", "Soita puhelu uudelleen"],
        ["Your calls", "Meeting booked", "Play the call again"],
    )


# --- Review ----------------------------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def rule_card(quiz, rep, clock):  # noqa: F811
    """The rep missed a rule in a drill a week ago: its card is due."""
    practised(user=rep, outcomes=[("fcc-calling-hours", False)], at=NOW - 7 * DAY)
    return ReviewCard.objects.get(user=rep, rule__slug="fcc-calling-hours")


@pytest.mark.django_db
def test_todays_review_and_its_feedback_are_finnish(rep_client, rule_card):
    session = reverse("review:session")
    says(
        finnish(rep_client, session),
        ["Päivän kertaus", "Kortti 1/enintään", "Soita nyt", "Älä soita"],
        ["Today's review", "Call now", "due now", "May you call this lead now?"],
    )
    response = rep_client.post(
        reverse("review:answer", args=[rule_card.pk]),
        {"seen": rule_card.reviews, "answered": 0, "choice": "bogus"},
        **HTMX,
        **FI,
    )
    assert response.status_code == 400  # tampered: refused, in Finnish, and nothing moved
    says(
        main(response.content.decode()),
        ["Valitse Soita nyt, Soita myöhemmin tai Älä soita.", "Mitään ei muutettu."],
        ["Choose Call now", "Nothing was changed."],
    )
    assert ReviewCard.objects.get(pk=rule_card.pk).reviews == rule_card.reviews
    response = rep_client.post(
        reverse("review:answer", args=[rule_card.pk]),
        {"seen": rule_card.reviews, "answered": 0, "choice": "do-not-call"},
        **HTMX,
        **FI,
    )
    assert response.status_code == 200
    says(
        main(response.content.decode()),
        ["Tämä kortti palaa", "Valitsit <strong>Älä soita</strong>"],
        ["This card comes back", "You chose", "Not quite"],
    )


@pytest.mark.django_db
def test_mastery_is_finnish(rep_client, quiz, rep, clock):  # noqa: F811
    meet(rep, quiz, at=NOW - 5 * DAY)
    says(
        finnish(rep_client, reverse("review:mastery")),
        ["Osaamisesi säännöittäin", "Vahva", "Siirry päivän kertaukseen"],
        ["Your mastery of each rule", "Strong</span>", "Go to today's review"],
    )


@pytest.mark.django_db
def test_the_heatmap_is_finnish(client, quiz, rep, manager, clock):  # noqa: F811
    meet(rep, quiz, at=NOW - 5 * DAY)
    client.force_login(manager)
    says(
        finnish(client, reverse("team:mastery")),
        ["Sääntöjen osaaminen tiimeissäsi", "Kaikki tiimisi", "1 henkilö", "Henkilö</th>"],
        ["Rule mastery in your teams", "All your teams", "1 person", "Person</th>"],
    )
