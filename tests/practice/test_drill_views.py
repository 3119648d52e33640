"""The dialing drill's pages: starting a session, a card at a time with its time box, the
engine's feedback, the next card, the score; plain and htmx; tampered and late answers; the
progress page; query budgets."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import DrillAnswer, DrillRuleResult, DrillSession
from courses.practice.calling_rules import may_call
from courses.practice.drill import deal, verdict_of
from courses.practice.grading import tested_rules as rules_of
from courses.practice.selectors import session_card
from courses.practice.services import drill_answer, drill_next, drill_start
from tests.platform.support import snapshot
from tests.practice.drill_play import right_answer, shown_card, wrong_answer
from tests.practice.support import CATALOGUE

pytestmark = pytest.mark.django_db

SEED = 2024
HTMX = {"HTTP_HX_REQUEST": "true"}
HOME = reverse("practice:home")
START = reverse("practice:start")


def page(session):
    return reverse("practice:session", args=[session.pk])


def answer_url(session):
    return reverse("practice:answer", args=[session.pk])


def next_url(session):
    return reverse("practice:next", args=[session.pk])


def start(client, mode="drill", seed=SEED):
    response = client.post(START, {"mode": mode, "seed": seed})
    assert response.status_code == 302
    session = DrillSession.objects.latest("pk")
    assert response["Location"] == page(session)
    return session


def play(client, session, answers=None, htmx=False):
    """Answers every card left (right ones unless `answers` says), going on after each."""
    extra = HTMX if htmx else {}
    while True:
        session.refresh_from_db()
        if session.is_finished:
            return session
        if session.shown == session.answered:
            client.post(next_url(session), {"position": session.answered}, **extra)
            continue
        data = (answers or right_answer)(session)
        response = client.post(answer_url(session), data, **extra)
        assert response.status_code == (200 if htmx else 302), response.content.decode()[:500]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Starting


def test_the_drill_page_offers_both_sessions_and_links_from_the_navigation(rep_client):
    response = rep_client.get(HOME)
    assert response.status_code == 200
    body = text(response)
    assert 'href="/practice/" aria-current="page">Dialing drill</a>' in body
    assert "Start a dialing drill" in body and "Start a calling block" in body
    assert "east to west" in body  # the calling block follows the Pacing module's plan


def test_my_training_links_to_the_drill(rep_client):
    assert 'href="/practice/"' in text(rep_client.get("/"))


def test_start_deals_the_seed_asked_for_and_shows_its_first_card(rep_client, rep):
    session = start(rep_client, seed=SEED)
    assert session.user == rep and session.seed == SEED and session.mode == "drill"
    assert session.shown == 1 and session.answered == 0
    body = text(rep_client.get(page(session)))
    assert f"Lead 1: {deal(SEED)[0].person}" in body
    assert "Card 1 of 10" in body


def test_a_known_deal_can_be_started_from_the_address(rep_client):
    response = rep_client.post(f"{START}?seed=321", {"mode": "block"})
    session = DrillSession.objects.get()
    assert response.status_code == 302 and session.seed == 321 and session.is_block
    assert rep_client.post(f"{START}?seed=x", {"mode": "drill"}).status_code == 400
    assert DrillSession.objects.count() == 1


def test_a_fresh_session_gets_a_new_random_deal(rep_client):
    rep_client.post(START, {"mode": "drill"})
    rep_client.post(START, {"mode": "drill"})
    first, second = DrillSession.objects.order_by("pk")
    assert first.seed != second.seed


def test_the_page_offers_a_known_deal_to_replay(rep_client):
    body = text(rep_client.get(HOME, {"seed": "77"}))
    assert "Replay deal 77" in body
    assert body.count('<input type="hidden" name="seed" value="77">') == 2  # both start forms
    assert "Start a calling block with deal 77" in body


@pytest.mark.parametrize("seed", ["abc", "-1", "1.5", "9" * 30, ""])
def test_a_bad_deal_number_is_a_clear_error(rep_client, seed):
    response = rep_client.get(HOME, {"seed": seed})
    if seed == "":
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert "deal" in text(response)


@pytest.mark.parametrize(
    "data", [{"mode": "race"}, {"mode": "drill", "seed": "x"}, {"mode": "drill", "seed": "-4"}, {}]
)
def test_a_tampered_start_changes_nothing(rep_client, data):
    before = snapshot()
    assert rep_client.post(START, data).status_code == 400
    assert snapshot() == before


def test_every_signed_in_person_may_drill(client, manager, compliance):
    for person in (manager, compliance):
        client.force_login(person)
        assert client.get(HOME).status_code == 200
        assert client.post(START, {"mode": "block"}).status_code == 302


def test_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# The card


def test_the_card_page_never_gives_the_answer_away(rep_client, rep, catalogue):
    session = start(rep_client)
    for position in range(10):
        card = shown_card(session)
        body = rep_client.get(page(session)).content.decode()
        decision = may_call(card.lead, card.call)
        for finding in decision.findings:
            assert finding.rule not in body
            assert finding.message[:40] not in body
            assert CATALOGUE[finding.rule].citation not in body
        assert "verdict" not in body.lower()
        assert "first lawful" not in body
        play_one(rep_client, session)
        assert position == session.answered - 1


def play_one(client, session):
    client.post(answer_url(session), right_answer(session))
    session.refresh_from_db()
    if not session.is_finished:
        client.post(next_url(session), {"position": session.answered})


def outside_the_lead(body: str, session) -> str:
    """The card page's #drill without what the lead card itself says."""
    body = re.sub(r'<section class="card lead-card".*?</section>', "", body, flags=re.S)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'(min|max|value)="\d{4}-\d\d-\d\d"', "", body)
    return body.replace(f"/{session.pk}/", "/N/")


def test_cards_with_different_answers_look_alike_outside_the_lead(rep_client):
    pages = {}
    for seed in range(40):
        session = start(rep_client, seed=seed)
        verdict = verdict_of(session_card(session, 0))
        if verdict not in pages:
            pages[verdict] = outside_the_lead(
                rep_client.get(page(session), **HTMX).content.decode(), session
            )
        if len(pages) == 3:
            break
    assert len(pages) == 3
    assert pages["call"] == pages["wait"] == pages["do-not-call"]


def test_the_card_shows_the_time_box_left(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=10))
        body = text(rep_client.get(page(session)))
    assert 'data-seconds-left="35"' in body and ">35</span> seconds left to answer" in body


def test_the_callback_form_offers_the_week_after_the_leads_time(rep_client):
    session = start(rep_client)
    card = shown_card(session)
    body = text(rep_client.get(page(session)))
    first = card.local.date()
    last = first + datetime.timedelta(days=8)
    assert f'min="{first.isoformat()}" max="{last.isoformat()}" value="{first.isoformat()}"' in body


def test_the_card_page_asks_a_handful_of_queries(rep_client, django_assert_max_num_queries):
    session = start(rep_client)
    with django_assert_max_num_queries(4):
        assert rep_client.get(page(session)).status_code == 200
    with django_assert_max_num_queries(4):
        assert rep_client.get(page(session), **HTMX).status_code == 200


# Answering


def test_a_right_answer_is_recorded_with_the_rules_it_tested(rep_client, rep, catalogue):
    session = start(rep_client)
    card = shown_card(session)
    response = rep_client.post(answer_url(session), right_answer(session))
    assert response.status_code == 302 and response["Location"] == page(session)
    answer = DrillAnswer.objects.get(session=session)
    assert answer.correct and not answer.late and answer.verdict == verdict_of(card)
    rules = rules_of(card)
    results = DrillRuleResult.objects.filter(answer=answer)
    assert sorted(results.values_list("rule", flat=True)) == sorted(rules)
    assert all(r.correct and r.user == rep for r in results)
    session.refresh_from_db()
    assert session.answered == 1 and session.right == 1 and session.shown == 1


def test_the_feedback_cites_the_rules_from_the_catalogue(rep_client, catalogue):
    session = start(rep_client)
    card = shown_card(session)
    rep_client.post(answer_url(session), wrong_answer(session))
    body = text(rep_client.get(page(session)))
    assert "not right" in body
    decision = may_call(card.lead, card.call)
    shown = decision.blocking if decision.blocking else ()
    for finding in shown:
        entry = CATALOGUE[finding.rule]
        assert entry.title in body.replace("&#x27;", "'")
        assert entry.citation in body
        assert finding.message.replace("'", "&#x27;")[:60] in body
    if not decision.blocking:
        for rule in rules_of(card):
            assert CATALOGUE[rule].citation in body
    assert "Next card" in body


def test_a_callback_card_says_the_first_lawful_moment(rep_client, catalogue):
    for seed in range(30):
        session = start(rep_client, seed=seed)
        if verdict_of(shown_card(session)) == "wait":
            break
    data = right_answer(session)
    rep_client.post(answer_url(session), data)
    answer = DrillAnswer.objects.get(session=session)
    assert answer.correct and answer.callback_date.isoformat() == data["callback_date"]
    body = text(rep_client.get(page(session)))
    assert "The first lawful moment to call:" in body and "right" in body


def test_an_answer_with_htmx_swaps_in_the_feedback(rep_client):
    session = start(rep_client)
    response = rep_client.post(answer_url(session), right_answer(session), **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="drill"') and "<html" not in body
    assert 'id="feedback-heading" tabindex="-1" autofocus' in body
    assert "Next card" in body


def test_the_next_card_starts_its_own_time_box(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        rep_client.post(answer_url(session), right_answer(session))
        clock.shift(datetime.timedelta(minutes=5))  # reading the feedback
        response = rep_client.post(next_url(session), {"position": 1})
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.shown == 2 and session.shown_at == timezone.now()
        assert 'data-seconds-left="45"' in text(rep_client.get(page(session)))
        response = rep_client.post(answer_url(session), right_answer(session))
    assert DrillAnswer.objects.get(session=session, position=1).correct


def test_next_with_htmx_swaps_in_the_next_card(rep_client):
    session = start(rep_client)
    rep_client.post(answer_url(session), right_answer(session), **HTMX)
    body = text(rep_client.post(next_url(session), {"position": 1}, **HTMX))
    assert "Lead 2:" in body and "<html" not in body
    assert 'id="card-heading" tabindex="-1" autofocus' in body


def test_a_whole_session_gives_a_score_and_a_summary(rep_client, rep, catalogue):
    session = start(rep_client)
    answers = iter([wrong_answer] * 3 + [right_answer] * 7)
    play(rep_client, session, answers=lambda s: next(answers)(s))
    session.refresh_from_db()
    assert session.is_finished and session.right == 7 and session.answered == 10
    assert session.finished_on == timezone.localdate() and session.streak == 1
    body = text(rep_client.get(page(session)))
    assert "Your score: 7 of 10" in body
    assert body.count("badge-passed") == 7 and body.count("badge-failed") == 3
    assert "Play a new deal" in body and f"?seed={SEED}" in body


def test_a_whole_session_with_htmx(rep_client):
    session = play(rep_client, start(rep_client), htmx=True)
    assert session.right == 10


def test_answering_asks_a_handful_of_queries(rep_client, django_assert_max_num_queries):
    """The session and the user (every page reads them), the session again for the answer, the
    answer, its rules, the session's count: and for htmx, the catalogue's titles. (The test's
    transaction adds a savepoint and its release.)"""
    session = start(rep_client)
    data = right_answer(session)
    with django_assert_max_num_queries(8):
        assert rep_client.post(answer_url(session), data).status_code == 302
    with django_assert_max_num_queries(4):
        rep_client.post(next_url(session), {"position": 1})
    data = right_answer(session)
    with django_assert_max_num_queries(9):
        response = rep_client.post(answer_url(session), data, **HTMX)
        assert response.status_code == 200


def test_the_last_answer_and_the_score_page_ask_a_few_queries(
    rep_client, django_assert_max_num_queries
):
    session = start(rep_client)
    for _ in range(9):
        play_one(rep_client, session)
    data = right_answer(session)
    with django_assert_max_num_queries(9):  # and the streak so far
        assert rep_client.post(answer_url(session), data).status_code == 302
    with django_assert_max_num_queries(5):
        assert rep_client.get(page(session)).status_code == 200


# Late answers


def test_a_late_answer_counts_as_wrong_and_says_so(rep_client, rep, catalogue):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=60))
        assert "Time is up" in text(rep_client.get(page(session)))
        rep_client.post(answer_url(session), right_answer(session))
    answer = DrillAnswer.objects.get(session=session)
    assert answer.late and not answer.correct
    assert not DrillRuleResult.objects.filter(answer=answer, correct=True).exists()
    body = text(rep_client.get(page(session)))
    assert "too late" in body and "even though your choice was right" in body


def test_an_answer_within_the_time_box_is_not_late(rep_client):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = start(rep_client)
        clock.shift(datetime.timedelta(seconds=44))
        rep_client.post(answer_url(session), right_answer(session))
    assert DrillAnswer.objects.get(session=session).correct


# Tampered input


def test_another_persons_session_is_not_found_and_untouched(client, rep, other_rep):
    session = drill_start(user=rep, seed=SEED)
    client.force_login(other_rep)
    before = snapshot()
    assert client.get(page(session)).status_code == 404
    assert client.post(answer_url(session), right_answer(session)).status_code == 404
    assert client.post(answer_url(session), {"position": "x"}).status_code == 404
    assert client.post(next_url(session), {"position": 1}).status_code == 404
    assert client.get(reverse("practice:session", args=[10**9])).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"position": "0", "choice": "maybe"},
        {"position": "0"},
        {"position": "0", "choice": ""},
        {"position": "0", "choice": "wait"},
        {"position": "0", "choice": "wait", "callback_date": "2026-02-30", "callback_time": "9:00"},
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2020-01-01",
            "callback_time": "09:00",
        },
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2099-01-01",
            "callback_time": "09:00",
        },
        {
            "position": "0",
            "choice": "wait",
            "callback_date": "2026-01-01",
            "callback_time": "25:00",
        },
        {"position": "-1", "choice": "call"},
        {"position": "10", "choice": "call"},
        {"position": "one", "choice": "call"},
        {"choice": "call"},
    ],
)
def test_a_bad_choice_or_time_changes_nothing(rep_client, data):
    session = start(rep_client)
    before = snapshot()
    for extra in ({}, HTMX):
        response = rep_client.post(answer_url(session), data, **extra)
        assert response.status_code == 400
        assert "Nothing was changed" in text(response)
    assert snapshot() == before


def test_a_callback_before_the_leads_time_is_refused(rep_client):
    session = start(rep_client)
    card = shown_card(session)
    earlier = card.local - datetime.timedelta(minutes=5)
    before = snapshot()
    response = rep_client.post(
        answer_url(session),
        {
            "position": "0",
            "choice": "wait",
            "callback_date": earlier.date().isoformat(),
            "callback_time": earlier.strftime("%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "after the lead" in text(response)
    assert snapshot() == before


def test_an_answer_to_a_card_not_reached_changes_nothing(rep_client):
    session = start(rep_client)
    before = snapshot()
    response = rep_client.post(answer_url(session), {"position": "1", "choice": "call"})
    assert response.status_code == 400 and "not been shown" in text(response)
    assert snapshot() == before
    # After an answer, the next card is not shown until the rep asks for it.
    rep_client.post(answer_url(session), right_answer(session))
    before = snapshot()
    assert (
        rep_client.post(answer_url(session), {"position": "1", "choice": "call"}).status_code == 400
    )
    assert snapshot() == before


def test_a_double_submit_records_one_answer(rep_client):
    session = start(rep_client)
    first, second = right_answer(session), wrong_answer(session)
    assert rep_client.post(answer_url(session), first).status_code == 302
    before = snapshot()
    response = rep_client.post(answer_url(session), second)
    assert response.status_code == 400
    assert "already answered: your first answer counts" in text(response)
    assert snapshot() == before
    assert DrillAnswer.objects.get(session=session).correct


def test_the_database_keeps_one_answer_per_card_when_two_arrive_together(rep, monkeypatch):
    """Two answers read the session before either is written: the second insert is refused by
    the constraint, and nothing of it is kept."""
    session = drill_start(user=rep, seed=SEED)
    card = session_card(session, 0)
    DrillAnswer.objects.create(
        session=session,
        position=0,
        choice="call",
        verdict=verdict_of(card),
        correct=False,
        shown_at=session.shown_at,
        answered_at=session.shown_at,
    )  # the other answer, written while this one was being graded
    before = snapshot()
    with pytest.raises(Exception, match="already answered"):
        drill_answer(user=rep, session_id=session.pk, position=0, choice="do-not-call")
    assert snapshot() == before


def test_of_two_answers_graded_at_once_the_second_is_refused(rep, monkeypatch):
    """The second answer read the session before the first was written: the session has
    moved on from the card it graded, so nothing of it is kept."""
    from courses.practice import services

    session = drill_start(user=rep, seed=SEED)
    real_grade = services.grade
    calls = []

    def grade_while_another_answer_lands(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # the other request, finishing while this one grades
            drill_answer(user=rep, session_id=session.pk, position=0, choice="call")
        return real_grade(*args, **kwargs)

    monkeypatch.setattr(services, "grade", grade_while_another_answer_lands)
    with pytest.raises(services.DrillRefused, match="already answered"):
        drill_answer(user=rep, session_id=session.pk, position=0, choice="do-not-call")
    answer = DrillAnswer.objects.get(session=session)
    assert answer.choice == "call"
    session.refresh_from_db()
    assert session.answered == 1
    assert DrillRuleResult.objects.filter(answer=answer).count() == len(answer_rules(answer))


def answer_rules(answer):
    return rules_of(session_card(answer.session, answer.position))


def test_next_out_of_turn_changes_nothing(rep_client):
    session = start(rep_client)
    before = snapshot()
    for position in (1, 2, 0, "x", ""):
        response = rep_client.post(next_url(session), {"position": position})
        assert response.status_code == 400
    assert snapshot() == before
    rep_client.post(answer_url(session), right_answer(session))
    rep_client.post(next_url(session), {"position": 1})
    session.refresh_from_db()
    shown_at = session.shown_at
    # Asking again for the card already shown (a double click) keeps its time box.
    assert rep_client.post(next_url(session), {"position": 1}).status_code == 302
    session.refresh_from_db()
    assert session.shown == 2 and session.shown_at == shown_at


def test_a_finished_session_takes_no_more_answers(rep_client):
    session = play(rep_client, start(rep_client))
    before = snapshot()
    for position in (9, 0):
        data = {"position": str(position), "choice": "call"}
        assert rep_client.post(answer_url(session), data).status_code == 400
    assert rep_client.post(next_url(session), {"position": 9}).status_code == 400
    assert snapshot() == before


def test_changes_need_a_post(rep_client):
    session = start(rep_client)
    before = snapshot()
    for url in (START, answer_url(session), next_url(session)):
        assert rep_client.get(url).status_code == 405
    assert snapshot() == before


# The calling block


def test_a_calling_block_runs_its_clock_in_the_sites_zone(rep_client):
    session = start(rep_client, mode="block")
    assert session.desk_zone == timezone.get_current_timezone_name()
    body = text(rep_client.get(page(session)))
    assert "Your clock in New York" in body and "0 minutes into the block" in body
    assert "east to west" in body


def test_the_block_clock_moves_with_each_answer(rep_client):
    session = start(rep_client, mode="block")
    moves = []
    for _ in range(4):
        data = right_answer(session)
        before = session.clock_minutes
        rep_client.post(answer_url(session), data)
        session.refresh_from_db()
        moves.append((data["choice"], session.clock_minutes - before))
        rep_client.post(next_url(session), {"position": session.answered})
    assert all(minutes == {"call": 5, "wait": 2, "do-not-call": 1}[c] for c, minutes in moves)
    answer = DrillAnswer.objects.get(session=session, position=3)
    assert answer.block_minutes == sum(m for _, m in moves[:3])


def test_each_block_lead_is_met_at_the_block_clock(rep_client):
    session = start(rep_client, mode="block")
    for _ in range(3):
        rep_client.post(answer_url(session), {"position": session.answered, "choice": "call"})
        session.refresh_from_db()
        rep_client.post(next_url(session), {"position": session.answered})
    session.refresh_from_db()
    card = shown_card(session)
    assert session.clock_minutes == 15
    hour = card.local.hour % 12 or 12
    assert f"{hour}:{card.local.minute:02d}" in text(rep_client.get(page(session)))


def test_a_whole_block_played_right_scores_ten(rep_client):
    session = play(rep_client, start(rep_client, mode="block"))
    assert session.right == 10


# Progress


def test_progress_per_rule_best_and_streak(rep_client, rep, catalogue):
    session = play(rep_client, start(rep_client, seed=1), answers=wrong_answer)
    play(rep_client, start(rep_client, seed=2))
    body = text(rep_client.get(HOME))
    assert "10 of 10" in body  # the best
    assert "1 day" in body  # the streak
    rows = DrillRuleResult.objects.filter(user=rep)
    some = rows.values_list("rule", flat=True).first()
    answered = rows.filter(rule=some).count()
    right = rows.filter(rule=some, correct=True).count()
    title = CATALOGUE[some].title.replace("'", "&#x27;")
    row = re.search(rf"<tr><th scope=\"row\">{re.escape(title)}</th>.*?</tr>", body)
    assert row and f"{right} of {answered}" in row.group(0)
    assert session.right == 0


def test_the_progress_page_asks_a_few_queries(rep_client, django_assert_max_num_queries):
    for seed in (1, 2):
        play(rep_client, start(rep_client, seed=seed))
    start(rep_client, seed=3)
    with django_assert_max_num_queries(7):
        response = rep_client.get(HOME)
    assert "Pick up where you left off" in text(response)


def finish_at(user, moment):
    with time_machine.travel(moment, tick=False):
        session = drill_start(user=user)
        for position in range(10):
            if position:
                drill_next(user=user, session_id=session.pk, position=position)
            drill_answer(user=user, session_id=session.pk, position=position, choice="call")
    session.refresh_from_db()
    return session


def test_a_streak_counts_days_in_a_row_in_the_sites_time_zone(rep):
    zone = timezone.get_current_timezone()
    evening = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=zone)
    assert finish_at(rep, evening).streak == 1
    # Past midnight where the site is (still the 2nd in UTC minus nothing: a new local day).
    assert finish_at(rep, evening + datetime.timedelta(hours=1)).streak == 2
    assert finish_at(rep, evening + datetime.timedelta(hours=2)).streak == 2  # same day
    assert finish_at(rep, evening + datetime.timedelta(days=3)).streak == 1  # a day missed


def test_the_streak_shown_is_broken_by_a_day_without_a_session(rep_client, rep):
    finish_at(rep, timezone.now() - datetime.timedelta(days=3))
    assert "0 days" in text(rep_client.get(HOME))
    finish_at(rep, timezone.now() - datetime.timedelta(days=1))
    assert "1 day" in text(rep_client.get(HOME))
