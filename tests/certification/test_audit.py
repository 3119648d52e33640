"""The audit log is append-only: no code path, admin page or (on PostgreSQL) SQL changes it."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from courses.certification.services import audit_record
from courses.models import AppendOnlyError, AuditEntry
from courses.platform.access import MANAGER, REP
from tests.support import role_group


@pytest.fixture
def entry(db, manager):
    return audit_record(actor=manager, action=AuditEntry.Action.MEMBER_ADDED, summary="Added")


@pytest.mark.django_db
class TestAppendOnly:
    def test_saving_an_existing_entry_is_refused(self, entry):
        entry.summary = "Rewritten"
        with pytest.raises(AppendOnlyError):
            entry.save()
        entry.refresh_from_db()
        assert entry.summary == "Added"

    def test_deleting_is_refused(self, entry):
        with pytest.raises(AppendOnlyError):
            entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        assert AuditEntry.objects.count() == 1

    def test_bulk_update_is_refused(self, entry):
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=entry.pk).update(summary="Rewritten")
        entry.refresh_from_db()
        assert entry.summary == "Added"

    def test_the_admin_cannot_add_change_or_delete(self, entry, django_user_model):
        admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
        request = RequestFactory().get("/")
        request.user = admin_user
        model_admin = site._registry[AuditEntry]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)

    def test_the_admin_change_page_does_not_save(self, client, entry, django_user_model):
        admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
        client.force_login(admin_user)
        url = reverse("admin:courses_auditentry_change", args=[entry.pk])
        client.post(url, {"summary": "Rewritten"})
        client.post(reverse("admin:courses_auditentry_delete", args=[entry.pk]), {"post": "yes"})
        entry.refresh_from_db()
        assert entry.summary == "Added"

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
    def test_the_database_refuses_raw_updates_and_deletes(self, entry):
        for sql in (
            "UPDATE courses_auditentry SET summary = 'Rewritten'",
            "DELETE FROM courses_auditentry",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        entry.refresh_from_db()
        assert entry.summary == "Added"


@pytest.mark.django_db
def test_role_changes_in_the_admin_are_logged(client, rep, django_user_model):

    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin_user)
    manager_group = role_group(MANAGER)
    rep_group = role_group(REP)
    response = client.post(
        reverse("admin:auth_user_change", args=[rep.pk]),
        {
            "username": rep.username,
            "first_name": rep.first_name,
            "last_name": "",
            "email": rep.email,
            "is_active": "on",
            "groups": [manager_group.pk, rep_group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ROLE_ADDED)
    assert entry.actor == admin_user and entry.person == rep
    assert entry.details == {"role": "Manager"}
