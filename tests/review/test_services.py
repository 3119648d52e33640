"""Review cards made by quiz submissions, moved by review answers and by practice."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from courses.models import (
    CompletionRecord,
    Quiz,
    QuizAttempt,
    ReviewCard,
    ReviewLog,
    Rule,
)
from courses.quizzes.services import quiz_attempt_start, quiz_attempt_submit
from courses.review import scheduling
from courses.review.asking import ASKABLE, askable_card
from courses.review.scheduling import Rating, State
from courses.review.selectors import due_cards, review_outlook, review_today
from courses.review.services import ReviewRefused, card_review, practised
from tests.review.support import KEYS, MET, card, meet, picks
from tests.support import QUIZ, answer_form

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def memory(card):
    return scheduling.Memory(
        card.state, card.step, card.stability, card.difficulty, card.due, card.last_review
    )


@pytest.mark.django_db
class TestMeetingQuestions:
    def test_each_question_of_a_submission_becomes_a_card_reviewed_at_the_submission(
        self, quiz, rep
    ):
        meet(rep, quiz, wrong=["registry-permanent"])

        cards = ReviewCard.objects.filter(user=rep)
        assert sorted(cards.values_list("question__key", flat=True)) == sorted(KEYS)
        assert set(cards.values_list("last_review", "reviews", "rule")) == {(MET, 1, None)}
        # Stored as the scheduler made them: the written-out statement, read back by the ORM.
        for key in KEYS:
            rating = Rating.Again if key == "registry-permanent" else Rating.Good
            stored = card(rep, key)
            assert memory(stored) == scheduling.review(None, rating, at=MET)
            assert stored.last_review_days == scheduling.days_since_epoch(MET)

    def test_a_wrong_answer_comes_back_sooner_than_a_right_one(self, quiz, rep):
        meet(rep, quiz, wrong=["registry-permanent"])
        wrong, right = card(rep, "registry-permanent"), card(rep, "local-time")
        assert wrong.due == MET + 10 * MINUTE and wrong.state == State.Learning
        assert right.due >= MET + DAY and right.state == State.Review

    def test_a_partly_right_answer_is_rated_hard(self, db, builder, rep):
        from courses.curriculum.loading import load_curriculum

        builder.with_quiz(text=QUIZ.replace("questions:\n", "partial_credit: true\nquestions:\n"))
        load_curriculum(builder.root)
        quiz = Quiz.objects.get()
        attempt = quiz_attempt_start(user=rep, quiz=quiz, now=MET - 3 * MINUTE)
        form = answer_form(attempt)
        item = attempt.items.get(question__key="consent-elements")
        form[f"q{item.position}"] = form[f"q{item.position}"][:1]  # one of the two right ones
        quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers=form, now=MET)
        assert memory(card(rep, "consent-elements")) == scheduling.review(None, Rating.Hard, at=MET)

    def test_a_later_attempt_reviews_the_same_cards_again(self, quiz, rep):
        meet(rep, quiz, wrong=["scrub-days"])
        first = {key: memory(card(rep, key)) for key in KEYS}
        later = MET + 3 * DAY
        meet(rep, quiz, at=later)
        assert ReviewCard.objects.filter(user=rep).count() == 4
        for key in KEYS:
            again = card(rep, key)
            assert again.reviews == 2 and again.last_review == later
            assert memory(again) == scheduling.review(first[key], Rating.Good, at=later)

    def test_a_second_submission_of_the_same_attempt_moves_no_card(self, quiz, rep):
        attempt = quiz_attempt_start(user=rep, quiz=quiz, now=MET - 3 * MINUTE)
        quiz_attempt_submit(
            user=rep, attempt_id=attempt.pk, raw_answers=answer_form(attempt), now=MET
        )
        before = list(ReviewCard.objects.order_by("pk").values())
        _, graded = quiz_attempt_submit(
            user=rep,
            attempt_id=attempt.pk,
            raw_answers=answer_form(attempt, right=False),
            now=MET + MINUTE,
        )
        assert not graded
        assert list(ReviewCard.objects.order_by("pk").values()) == before

    def test_a_refused_submission_makes_no_card(self, quiz, rep):
        attempt = quiz_attempt_start(user=rep, quiz=quiz, now=MET - 3 * MINUTE)
        with pytest.raises(Exception, match="not one of its choices"):
            quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers={"q1": ["9"]})
        assert not ReviewCard.objects.exists()

    def test_an_attempt_whose_time_ran_out_reviews_its_questions_too(self, db, builder, rep):
        from courses.curriculum.loading import load_curriculum

        builder.with_quiz(text=QUIZ.replace("questions:\n", "time_limit_minutes: 5\nquestions:\n"))
        load_curriculum(builder.root)
        quiz = Quiz.objects.get()
        attempt = quiz_attempt_start(user=rep, quiz=quiz, now=MET - 10 * MINUTE)
        quiz_attempt_submit(user=rep, attempt_id=attempt.pk, raw_answers={}, now=MET)
        assert QuizAttempt.objects.get().timed_out
        assert set(ReviewCard.objects.values_list("state", "last_review")) == {
            (State.Learning, MET)
        }

    def test_a_submission_in_another_time_zone_stores_the_same_moment(self, quiz, rep):
        meet(rep, quiz, at=MET.astimezone(ZoneInfo("America/New_York")))
        assert ReviewCard.objects.filter(last_review=MET).count() == 4
        assert ReviewCard.objects.filter(last_review__lt=MET).count() == 0

    def test_each_person_has_their_own_cards(self, quiz, rep, other_rep):
        meet(rep, quiz)
        meet(other_rep, quiz, wrong=KEYS)
        assert ReviewCard.objects.filter(user=rep, state=State.Review).count() == 4
        assert ReviewCard.objects.filter(user=other_rep, state=State.Learning).count() == 4


@pytest.mark.django_db
class TestAskable:
    def test_a_retired_question_is_never_asked_nor_due(self, quiz, rep):
        meet(rep, quiz, wrong=KEYS)
        later = MET + DAY
        assert due_cards(user=rep, now=later).count() == 4
        quiz.questions.filter(key="local-time").update(retired_at=MET)
        assert "local-time" not in due_cards(user=rep, now=later).values_list(
            "question__key", flat=True
        )
        assert review_outlook(user=rep, now=later).due == 3
        retired = card(rep, "local-time")
        with pytest.raises(ReviewCard.DoesNotExist):
            card_review(
                user=rep, card_id=retired.pk, seen=1, raw_answers=picks(retired), number=1,
                now=later,
            )  # fmt: skip

    def test_questions_of_a_retired_module_are_not_asked(self, quiz, rep):
        meet(rep, quiz, wrong=KEYS)
        quiz.step.module.__class__.objects.update(retired_at=MET)
        assert not due_cards(user=rep, now=MET + DAY).exists()

    def test_the_written_out_reads_ask_what_the_orms_asks(self, quiz, rep, other_rep):
        """My training's count, a session's next card and the card an answer locks are read by
        statements written out in SQL: they find what ASKABLE and due_cards find."""
        from courses.models import Course, Module, Step

        meet(rep, quiz, wrong=["local-time", "scrub-days"])
        meet(other_rep, quiz, wrong=KEYS)
        practised(user=rep, outcomes=[("finra-2150b", False)], at=MET)  # no lead card tests it
        practised(user=rep, outcomes=[("fcc-calling-hours", False)], at=MET)

        def agree(now):
            asked = ReviewCard.objects.filter(ASKABLE, user=rep)
            today = review_today(user=rep, now=now)
            assert (today.cards, today.due) == (asked.count(), due_cards(user=rep, now=now).count())
            outlook = review_outlook(user=rep, now=now)
            assert (outlook.cards, outlook.due) == (today.cards, today.due)
            assert outlook.card == due_cards(user=rep, now=now).first()
            assert outlook.next_due == (
                None
                if outlook.card
                else asked.order_by("due").values_list("due", flat=True).first()
            )
            for each in ReviewCard.objects.filter(user__in=[rep, other_rep]):
                found = askable_card(user=rep, card_id=each.pk)
                assert (found == each) == asked.filter(pk=each.pk).exists()
            return today.cards, today.due

        assert agree(MET - MINUTE) == (5, 0)
        assert agree(MET + 11 * MINUTE) == (5, 3)
        assert agree((MET + 30 * DAY).astimezone(ZoneInfo("America/New_York"))) == (5, 5)
        quiz.questions.filter(key="local-time").update(retired_at=MET)
        assert agree(MET + 11 * MINUTE) == (4, 2)
        for model in (Step, Module, Course):
            model.objects.update(retired_at=MET)
            assert agree(MET + 11 * MINUTE) == (1, 1)  # the rule card
            model.objects.update(retired_at=None)
        Rule.objects.filter(slug="fcc-calling-hours").update(retired_at=MET)
        assert agree(MET + 11 * MINUTE) == (3, 1)

    def test_a_card_is_for_a_question_or_a_rule_never_both_nor_neither(self, quiz, rep):
        meet(rep, quiz)
        made = card(rep, "local-time")
        rule = Rule.objects.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewCard.objects.filter(pk=made.pk).update(rule=rule)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewCard.objects.filter(pk=made.pk).update(question=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewCard.objects.create(
                user=rep, question=made.question, state=1, stability=1, difficulty=5, due=MET,
                last_review=MET, last_review_days=0,
            )  # fmt: skip


@pytest.mark.django_db
class TestAnsweringACard:
    def due_card(self, rep, quiz, key="registry-permanent"):
        meet(rep, quiz, wrong=[key])
        return card(rep, key)

    def test_a_right_answer_is_logged_and_sends_the_card_days_away(self, quiz, rep):
        due = self.due_card(rep, quiz)
        at = due.due + MINUTE
        log = card_review(
            user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1, now=at
        )
        moved = card(rep, "registry-permanent")
        assert (log.number, log.rating, log.correct, log.reviewed_at) == (2, Rating.Good, True, at)
        assert moved.reviews == 2 and moved.last_review == at
        assert memory(moved) == scheduling.review(memory(due), Rating.Good, at=at)
        assert moved.due >= at + DAY
        assert log.answer and all(isinstance(choice_id, int) for choice_id in log.answer)

    def test_a_wrong_answer_comes_back_sooner_than_a_right_one(self, quiz, rep, other_rep):
        wrong = self.due_card(rep, quiz)
        right = self.due_card(other_rep, quiz)
        at = wrong.due + MINUTE
        card_review(
            user=rep, card_id=wrong.pk, seen=1, raw_answers=picks(wrong, right=False), number=1,
            now=at,
        )  # fmt: skip
        card_review(
            user=other_rep, card_id=right.pk, seen=1, raw_answers=picks(right), number=1, now=at
        )
        again, learnt = card(rep, "registry-permanent"), card(other_rep, "registry-permanent")
        assert again.due == at + 10 * MINUTE < learnt.due
        assert ReviewLog.objects.get(card=again).correct is False

    def test_the_same_answer_posted_twice_is_recorded_once(self, quiz, rep):
        due = self.due_card(rep, quiz)
        at = due.due + MINUTE
        form = picks(due, right=False)
        card_review(user=rep, card_id=due.pk, seen=1, raw_answers=form, number=1, now=at)
        after = list(ReviewCard.objects.values())
        # Even once the card is due again, the answer to what was shown then is refused.
        with pytest.raises(ReviewRefused, match="already answered"):
            card_review(user=rep, card_id=due.pk, seen=1, raw_answers=form, number=1, now=at + DAY)
        assert ReviewLog.objects.count() == 1 and list(ReviewCard.objects.values()) == after

    def test_a_card_not_due_is_refused(self, quiz, rep):
        meet(rep, quiz)
        known = card(rep, "local-time")
        with pytest.raises(ReviewRefused, match="not due"):
            card_review(
                user=rep, card_id=known.pk, seen=1, raw_answers=picks(known), number=1,
                now=MET + MINUTE,
            )  # fmt: skip
        assert not ReviewLog.objects.exists()

    def test_another_persons_card_is_not_found(self, quiz, rep, other_rep):
        theirs = self.due_card(other_rep, quiz)
        with pytest.raises(ReviewCard.DoesNotExist):
            card_review(
                user=rep, card_id=theirs.pk, seen=1, raw_answers=picks(theirs), number=1,
                now=theirs.due,
            )  # fmt: skip

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            ({"q1": ["7"]}, "not one of its choices"),
            ({"q1": ["-1"]}, "not one of its choices"),
            ({"q1": ["0", "1"]}, "choose only one"),
            ({"q2": ["0"]}, "not in this"),
            ({"q1": []}, "Choose an answer first"),
            ({}, "Choose an answer first"),
        ],
    )
    def test_an_answer_naming_anything_not_offered_is_refused(self, quiz, rep, form, message):
        due = self.due_card(rep, quiz)
        before = list(ReviewCard.objects.values())
        with pytest.raises(ReviewRefused, match=message):
            card_review(user=rep, card_id=due.pk, seen=1, raw_answers=form, number=1, now=due.due)
        assert list(ReviewCard.objects.values()) == before and not ReviewLog.objects.exists()

    def test_answers_never_touch_certification(self, quiz, rep):
        due = self.due_card(rep, quiz)
        records = CompletionRecord.objects.count()
        card_review(user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1, now=due.due)
        assert CompletionRecord.objects.count() == records

    def test_a_review_log_is_never_changed_or_deleted(self, quiz, rep):
        from courses.models import AppendOnlyError

        due = self.due_card(rep, quiz)
        log = card_review(
            user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1, now=due.due
        )
        with pytest.raises(AppendOnlyError):
            log.save()
        with pytest.raises(AppendOnlyError):
            ReviewLog.objects.all().delete()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
    def test_the_database_refuses_raw_changes_to_the_log(self, quiz, rep):
        due = self.due_card(rep, quiz)
        card_review(user=rep, card_id=due.pk, seen=1, raw_answers=picks(due), number=1, now=due.due)
        for sql in (
            "UPDATE courses_reviewlog SET correct = false",
            "DELETE FROM courses_reviewlog",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert ReviewLog.objects.get().correct is True


@pytest.mark.django_db
class TestPractisingRules:
    def test_practice_makes_rule_cards_and_logs_each_answer(self, quiz, rep):
        practised(
            user=rep, outcomes=[("fcc-calling-hours", True), ("registry-permanent", False)], at=MET
        )
        cards = ReviewCard.objects.filter(user=rep, rule__isnull=False)
        assert sorted(cards.values_list("rule__slug", "reviews")) == [
            ("fcc-calling-hours", 1),
            ("registry-permanent", 1),
        ]
        hours = cards.get(rule__slug="fcc-calling-hours")
        assert memory(hours) == scheduling.review(None, Rating.Good, at=MET)
        assert hours.last_review_days == scheduling.days_since_epoch(MET)
        logs = ReviewLog.objects.order_by("pk")
        assert [(log.card_id, log.number, log.rating, log.correct) for log in logs] == [
            (hours.pk, 1, Rating.Good, True),
            (cards.get(rule__slug="registry-permanent").pk, 1, Rating.Again, False),
        ]
        assert [(log.answer, log.reviewed_at) for log in logs] == [([], MET)] * 2

    def test_practice_again_reviews_the_same_card(self, quiz, rep):
        practised(user=rep, outcomes=[("fcc-calling-hours", True)], at=MET)
        first = memory(ReviewCard.objects.get(rule__slug="fcc-calling-hours"))
        later = MET + 2 * DAY
        practised(
            user=rep, outcomes=[("fcc-calling-hours", False), ("fcc-calling-hours", True)],
            at=later,
        )  # fmt: skip
        again = ReviewCard.objects.get(rule__slug="fcc-calling-hours")
        expected = scheduling.review(
            scheduling.review(first, Rating.Again, at=later), Rating.Good, at=later
        )
        assert again.reviews == 3 and memory(again) == expected
        assert list(ReviewLog.objects.order_by("number").values_list("number", flat=True)) == [
            1,
            2,
            3,
        ]

    def test_one_practice_makes_some_cards_and_moves_others(self, quiz, rep, other_rep):
        practised(user=rep, outcomes=[("fcc-calling-hours", True)], at=MET)
        practised(user=other_rep, outcomes=[("registry-permanent", True)], at=MET)
        first = memory(ReviewCard.objects.get(user=rep))
        later = MET + 3 * DAY
        practised(
            user=rep,
            outcomes=[
                ("registry-permanent", False),
                ("fcc-calling-hours", True),
                ("registry-permanent", True),
            ],
            at=later,
        )
        hours = ReviewCard.objects.get(user=rep, rule__slug="fcc-calling-hours")
        registry = ReviewCard.objects.get(user=rep, rule__slug="registry-permanent")
        assert (hours.reviews, registry.reviews) == (2, 2)
        assert memory(hours) == scheduling.review(first, Rating.Good, at=later)
        assert memory(registry) == scheduling.review(
            scheduling.review(None, Rating.Again, at=later), Rating.Good, at=later
        )
        assert ReviewCard.objects.get(user=other_rep).reviews == 1
        assert sorted(
            ReviewLog.objects.filter(card__user=rep).values_list("card__rule__slug", "number")
        ) == [
            ("fcc-calling-hours", 1),
            ("fcc-calling-hours", 2),
            ("registry-permanent", 1),
            ("registry-permanent", 2),
        ]
        assert list(
            ReviewLog.objects.filter(card=registry).order_by("number").values_list("correct")
        ) == [(False,), (True,)]

    def test_practice_of_no_rule_the_catalogue_holds_writes_nothing(self, quiz, rep):
        practised(user=rep, outcomes=[], at=MET)
        practised(user=rep, outcomes=[("no-such-rule", True)], at=MET)
        assert not ReviewCard.objects.exists() and not ReviewLog.objects.exists()

    def test_a_rule_the_catalogue_does_not_hold_gets_no_card(self, quiz, rep):
        practised(user=rep, outcomes=[("fcc-calling-hours", True), ("no-such-rule", True)], at=MET)
        card = ReviewCard.objects.get()
        assert card.rule.slug == "fcc-calling-hours"
        assert ReviewLog.objects.get().card == card

    def test_a_rule_no_lead_card_tests_is_never_asked_nor_due(self, quiz, rep):
        practised(user=rep, outcomes=[("finra-2150b", False)], at=MET)
        assert not due_cards(user=rep, now=MET + DAY).exists()
        assert review_outlook(user=rep, now=MET + DAY).cards == 0
        rule_card = ReviewCard.objects.get()
        with pytest.raises(ReviewCard.DoesNotExist):
            card_review(
                user=rep, card_id=rule_card.pk, seen=1, raw_answers={"choice": ["call"]},
                number=1, now=MET + DAY,
            )  # fmt: skip


@pytest.mark.django_db
def test_meeting_no_question_writes_nothing(rep):
    from courses.review.services import questions_met

    questions_met(user_id=rep.pk, outcomes=[], at=MET)
    assert not ReviewCard.objects.exists()
