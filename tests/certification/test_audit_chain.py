"""The audit log is a hash chain: an entry changed, removed or reordered behind the site's back
is found, and writers at the same moment never fork the chain."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from courses.certification import chain
from courses.certification.selectors import audit_chain_verdict
from courses.certification.services import audit_record
from courses.models import AuditEntry
from tests.support import make_user

Action = AuditEntry.Action
WHEN = datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)


def row(sequence, previous, **changes):
    content = {
        "sequence": sequence,
        "at": WHEN + datetime.timedelta(minutes=sequence),
        "actor_id": 7,
        "action": "role.added",
        "person_id": None,
        "team_name": "",
        "module_slug": "",
        "object_type": "",
        "object_id": "",
        "summary": f"Entry {sequence}",
        "details": {"b": 1, "a": [1, "x"]},
    }
    content["pk"] = 100 + sequence
    content["hash"] = chain.link_hash(previous, content)
    content.update(changes)
    return content


def rows(count):
    made, previous = [], chain.GENESIS
    for sequence in range(1, count + 1):
        made.append(row(sequence, previous))
        previous = made[-1]["hash"]
    return made


class TestTheChainWithoutADatabase:
    def test_an_empty_log_is_intact(self):
        assert chain.verify_audit_chain([]) == chain.Verdict(True, 0)

    def test_an_untouched_chain_is_intact(self):
        verdict = chain.verify_audit_chain(rows(5))
        assert verdict.intact and verdict.entries == 5
        assert verdict.message() == "Audit chain intact: 5 entries"

    def test_a_changed_summary_is_found(self):
        chained = rows(5)
        chained[2]["summary"] = "Something else"
        verdict = chain.verify_audit_chain(chained)
        assert not verdict.intact
        assert (verdict.broken_sequence, verdict.broken_pk, verdict.entries) == (3, 103, 2)
        assert "entry 3 (id 103)" in verdict.message()

    def test_a_changed_detail_actor_or_time_is_found(self):
        for change in (
            {"details": {"b": 2, "a": [1, "x"]}},
            {"actor_id": 8},
            {"at": WHEN},
            {"person_id": 1},
        ):
            chained = rows(3)
            chained[1].update(change)
            assert chain.verify_audit_chain(chained).broken_sequence == 2

    def test_a_removed_entry_is_found(self):
        chained = rows(4)
        del chained[1]
        verdict = chain.verify_audit_chain(chained)
        assert verdict.broken_sequence == 3
        assert "expected entry 2" in verdict.reason

    def test_a_rewritten_hash_breaks_the_next_entry(self):
        chained = rows(3)
        chained[1]["summary"] = "Rewritten"
        chained[1]["hash"] = chain.link_hash(chained[0]["hash"], chained[1])
        assert chain.verify_audit_chain(chained).broken_sequence == 3

    def test_key_order_in_details_does_not_matter(self):
        assert chain.canonical(row(1, chain.GENESIS)) == chain.canonical(
            row(1, chain.GENESIS, details={"a": [1, "x"], "b": 1})
        )

    def test_a_moment_is_written_in_utc_to_the_microsecond(self):
        helsinki = datetime.timezone(datetime.timedelta(hours=2))
        assert chain.moment(WHEN.astimezone(helsinki)) == "2026-03-01T09:30:15.123456+00:00"


@pytest.fixture
def officer(db, django_user_model):
    return make_user(django_user_model, "officer", "Compliance")


def record(actor, n=0, **extra):
    return audit_record(actor=actor, action=Action.ROLE_ADDED, summary=f"Entry {n}", **extra)


@pytest.mark.django_db
class TestTheChainInTheDatabase:
    def test_entries_are_numbered_and_each_builds_on_the_last(self, officer, rep):
        first = record(officer, 1, person=rep, details={"note": "ok", "score": 0.5})
        second = record(None, 2)
        assert (first.sequence, second.sequence) == (1, 2)
        content = {name: getattr(second, name) for name in chain.FIELDS}
        assert second.hash == chain.link_hash(first.hash, content)
        assert audit_chain_verdict().message() == "Audit chain intact: 2 entries"

    def test_the_hash_matches_the_row_as_read_back(self, officer):
        record(officer, details={"when": "2026-01-01", "ratio": 1.0, "list": (1, 2)})
        assert audit_chain_verdict().intact

    def test_a_row_changed_with_raw_sql_is_found(self, officer):
        for n in range(4):
            record(officer, n)
        target = AuditEntry.objects.get(sequence=3)
        tamper(f"UPDATE courses_auditentry SET summary = 'Nothing happened' WHERE id = {target.pk}")
        verdict = audit_chain_verdict()
        assert not verdict.intact and verdict.broken_sequence == 3
        with pytest.raises(CommandError, match="broken at entry 3") as raised:
            call_command("verify_audit")
        assert raised.value.returncode == 1

    def test_a_row_deleted_with_raw_sql_is_found(self, officer):
        for n in range(3):
            record(officer, n)
        tamper("DELETE FROM courses_auditentry WHERE sequence = 2")
        assert audit_chain_verdict().broken_sequence == 3

    def test_the_command_says_the_chain_is_intact(self, officer, capsys):
        for n in range(3):
            record(officer, n)
        call_command("verify_audit")
        assert capsys.readouterr().out.strip() == "Audit chain intact: 3 entries"

    def test_a_refused_write_leaves_no_entry_and_no_gap(self, officer):
        record(officer, 1)
        with pytest.raises(RuntimeError), transaction.atomic():
            record(officer, 2)
            raise RuntimeError("the service's work failed")
        record(officer, 3)
        assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", "summary")) == [
            (1, "Entry 1"),
            (2, "Entry 3"),
        ]
        assert audit_chain_verdict().intact


def tamper(sql: str) -> None:
    """Change the table behind the site's back (on PostgreSQL, past the append-only trigger, as
    someone with the database's superuser could)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_never_fork_the_chain(django_user_model):
    actors = [make_user(django_user_model, f"writer{i}", "Manager") for i in range(6)]
    barrier = threading.Barrier(len(actors))
    failures = []

    def write(actor):
        try:
            barrier.wait()
            for n in range(15):
                record(actor, n)
        except Exception as error:
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, 91))
    )
    assert audit_chain_verdict().message() == "Audit chain intact: 90 entries"


@pytest.mark.django_db
class TestTheAuditPage:
    def test_the_audit_page_offers_the_check_without_running_it(
        self, client, officer, django_assert_max_num_queries
    ):
        for n in range(3):
            record(officer, n)
        client.force_login(officer)
        with django_assert_max_num_queries(8):
            page = client.get(reverse("compliance:audit")).content.decode()
        assert reverse("compliance:audit-verify") in page
        assert "Verify the chain" in page
        assert "Chain verified" not in page

    def test_the_check_reports_an_intact_chain(self, client, officer):
        for n in range(3):
            record(officer, n)
        client.force_login(officer)
        page = client.get(reverse("compliance:audit-verify")).content.decode()
        assert "Chain verified: 3 entries, none changed, removed or reordered." in page
        assert "<h1>" in page  # the whole page, without JavaScript

    def test_with_htmx_the_check_answers_with_its_status_only(self, client, officer):
        record(officer, 1)
        client.force_login(officer)
        response = client.get(reverse("compliance:audit-verify"), headers={"HX-Request": "true"})
        page = response.content.decode()
        assert page.strip().startswith('<div id="chain-status"')
        assert "Chain verified: 1 entry," in page and "<h1>" not in page

    def test_the_check_names_the_first_broken_entry(self, client, officer):
        for n in range(4):
            record(officer, n)
        tamper("UPDATE courses_auditentry SET summary = 'Nothing' WHERE sequence = 2")
        client.force_login(officer)
        page = client.get(reverse("compliance:audit-verify")).content.decode()
        assert "Chain broken at entry 2" in page
        assert "The entries before it verify." in page

    def test_the_check_is_for_compliance_only(self, client, officer, rep):
        client.force_login(rep)
        assert client.get(reverse("compliance:audit-verify")).status_code == 403
        client.logout()
        assert client.get(reverse("compliance:audit-verify")).status_code == 302
