"""`manage.py backup` while the site writes, and `manage.py restore` into a fresh database:
nothing that committed before the backup began is lost, nothing half-done is kept, and the
audit chain verifies. On SQLite here; on PostgreSQL when DATABASE_URL points at one."""

import itertools
import threading
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.utils import load_backend

from courses.certification.selectors import audit_chain_verdict
from courses.certification.services import audit_record
from courses.curriculum.loading import load_curriculum
from courses.models import AuditEntry, Step, StepCompletion
from courses.platform import backups
from courses.progress.services import step_complete
from tests.support import make_user

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database beside the test database, reachable as the alias 'restored'."""
    settings = dict(connections["default"].settings_dict)
    if POSTGRES:
        name = f"callready_restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # Made here rather than declared in settings: a connection the test makes for itself.
    backend = load_backend(settings["ENGINE"])
    connections["restored"] = backend.DatabaseWrapper(settings | {"NAME": name}, "restored")
    yield "restored"
    connections["restored"].close()
    del connections["restored"]
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Writers:
    """People completing lessons, each completion and its audit entry in one transaction, as
    fast as the database lets them, until told to stop."""

    def __init__(self, people, steps):
        self.people, self.steps = people, steps
        self.committed: list[tuple[int, int]] = []  # (user, step), appended after the commit
        self.failures: list[Exception] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.work, args=(p,)) for p in people]

    def work(self, person):
        try:
            for step in itertools.cycle(self.steps):
                if self.stop.is_set() or len(self.committed) >= 5000:
                    break
                if (person.pk, step.pk) in self.committed:
                    continue
                with transaction.atomic():
                    completion, _ = step_complete(user=person, step=step)
                    audit_record(
                        actor=person,
                        action=AuditEntry.Action.MODULE_COMPLETED,
                        summary=f"completion {completion.pk}",
                        obj=completion,
                    )
                self.committed.append((person.pk, step.pk))
        except Exception as error:
            self.failures.append(error)
        finally:
            connection.close()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


def wait_for(condition, writers):
    while not condition() and not writers.failures:
        writers.stop.wait(0.01)


def test_a_backup_under_concurrent_writes_restores_everything_committed_before_it(
    builder, django_user_model, fresh_database, tmp_path, capsys
):
    builder.simple(modules=1, lessons=30)
    load_curriculum(builder.root)
    steps = list(Step.objects.select_related("module"))
    people = [make_user(django_user_model, f"writer{i}", "Rep") for i in range(4)]
    path = tmp_path / "callready.backup"

    with Writers(people, steps) as writers:
        wait_for(lambda: len(writers.committed) >= 10, writers)
        before = set(writers.committed)
        call_command("backup", str(path))
        during = len(writers.committed)
        wait_for(lambda: len(writers.committed) >= during + 5, writers)

    assert writers.failures == []
    said = capsys.readouterr().out
    assert said.startswith("Backed up ") and f" to {path} (" in said
    assert path.is_file() and not path.with_name(path.name + ".partial").exists()
    backed_up = said.removeprefix("Backed up ").split(" to ")[0]

    call_command("restore", str(path), "--yes", "--database", fresh_database)
    said = capsys.readouterr().out
    assert said.startswith(f"Restored {backed_up} from {path}.")

    restored = set(StepCompletion.objects.using(fresh_database).values_list("user_id", "step_id"))
    assert before <= restored  # every write committed before the backup began is there
    assert len(restored) < len(writers.committed)  # writes after it are not
    # A consistent moment: each completion came back with its audit entry, and nothing more.
    entries = AuditEntry.objects.using(fresh_database).filter(summary__startswith="completion ")
    assert entries.count() == len(restored)
    assert audit_chain_verdict(using=fresh_database).intact
    assert audit_chain_verdict(using=fresh_database).entries == (
        AuditEntry.objects.using(fresh_database).count()
    )
    assert f"Audit chain intact: {AuditEntry.objects.using(fresh_database).count():,}" in said
    assert audit_chain_verdict().intact  # and the live chain never forked


def test_restore_counts_what_backup_counted(db_with_entries, fresh_database, tmp_path, capsys):
    path = tmp_path / "counts.backup"
    call_command("backup", str(path))
    backed_up = capsys.readouterr().out.removeprefix("Backed up ").split(" to ")[0]
    call_command("restore", str(path), "--yes", "--database", fresh_database)
    restored = capsys.readouterr().out.removeprefix("Restored ").split(" from ")[0]
    assert backed_up == restored
    assert "rows in" in backed_up and "tables" in backed_up


@pytest.fixture
def db_with_entries(django_user_model):
    officer = make_user(django_user_model, "officer", "Compliance")
    for n in range(3):
        audit_record(actor=officer, action=AuditEntry.Action.ROLE_ADDED, summary=f"Entry {n}")
    return officer


def test_a_missing_folder_is_refused_and_nothing_is_written(db_with_entries, tmp_path):
    path = tmp_path / "nowhere" / "x.backup"
    with pytest.raises(CommandError, match="does not exist") as raised:
        call_command("backup", str(path))
    assert raised.value.returncode == 1
    assert not path.parent.exists()


def test_a_folder_is_not_a_backup_file(db_with_entries, tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        call_command("backup", str(tmp_path))


def test_a_failed_backup_leaves_neither_the_file_nor_a_partial_one(
    db_with_entries, tmp_path, monkeypatch
):
    def fail(*args, **kwargs):
        raise backups.BackupError("The copy failed its check.")

    monkeypatch.setattr(backups, "_pg_run" if POSTGRES else "_sqlite_check", fail)
    path = tmp_path / "x.backup"
    with pytest.raises(CommandError, match="failed its check"):
        call_command("backup", str(path))
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_without_yes_and_changes_nothing(db_with_entries, tmp_path):
    path = tmp_path / "x.backup"
    call_command("backup", str(path))
    audit_record(actor=None, action=AuditEntry.Action.CONTENT_LOADED, summary="after")
    with pytest.raises(CommandError, match="Stop the site, then run again with --yes"):
        call_command("restore", str(path))
    assert AuditEntry.objects.filter(summary="after").exists()


def test_a_file_that_is_not_a_backup_is_refused(db_with_entries, tmp_path, fresh_database):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    with pytest.raises(CommandError, match=r"is not a backup made by `manage\.py backup`"):
        call_command("restore", str(path), "--yes", "--database", fresh_database)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "gone"), "--yes", "--database", fresh_database)


def test_a_backup_of_the_other_kind_of_database_is_refused(db_with_entries, tmp_path):
    path = tmp_path / "other.backup"
    path.write_bytes(backups.SQLITE_MAGIC if POSTGRES else backups.PG_MAGIC + b"\x01" * 20)
    with pytest.raises(CommandError, match="backup, and this site's database is"):
        call_command("restore", str(path), "--yes")
    assert AuditEntry.objects.count() == 3


def test_a_restore_whose_chain_is_broken_says_so(db_with_entries, tmp_path, fresh_database):
    path = tmp_path / "x.backup"
    call_command("backup", str(path))
    call_command("restore", str(path), "--yes", "--database", fresh_database)
    with (
        transaction.atomic(using=fresh_database),
        connections[fresh_database].cursor() as cursor,
    ):
        if POSTGRES:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE courses_auditentry SET summary = 'x' WHERE sequence = 2")
    with pytest.raises(CommandError, match="broken at entry 2"):
        call_command("verify_audit", "--database", fresh_database)


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is PostgreSQL's")
def test_a_missing_pg_dump_is_named(db_with_entries, tmp_path, monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is PostgreSQL's")
def test_an_older_pg_dump_than_the_server_is_named(db_with_entries, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "major_version", lambda program: 9)
    with pytest.raises(CommandError, match="pg_dump is version 9 and the server is PostgreSQL"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert list(tmp_path.iterdir()) == []


def test_the_password_reaches_the_client_tools_through_the_environment_only():
    class Fake:
        settings_dict = {"HOST": "db", "PORT": 5432, "USER": "u", "PASSWORD": "s3cret", "NAME": "n"}

    env = backups._pg_env(Fake())
    assert env["PGPASSWORD"] == "s3cret" and env["PGHOST"] == "db" and env["PGPORT"] == "5432"
