"""Upgrading: a database made by an earlier release migrates, and the current code reads it.

Each fixtures/release-*.sql.gz (see fixtures/README.md) is restored into a fresh SQLite file and
migrated with `manage.py migrate` in a subprocess, as a deployment would; then the current code
reads it back in another. The test uses its own SQLite file, whatever database the suite runs on.
"""

import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils.html import escape

ROOT = Path(__file__).resolve().parents[2]
RELEASES = sorted((Path(__file__).parent / "fixtures").glob("release-*.sql.gz"))

# What people did before the upgrade, by table: none of it may be lost.
COUNTED_TABLES = {
    "users": "auth_user",
    "completions": "courses_stepcompletion",
    "quiz attempts": "courses_quizattempt",
    "roleplay runs": "courses_roleplayrun",
    "assignments": "courses_assignment",
    "certificates": "courses_certificate",
    "audit entries": "courses_auditentry",
}

# Run by the current code against the upgraded database; prints one line of JSON.
READ_BACK = """
import datetime, json
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from courses.models import (
    Assignment, AuditEntry, Certificate, QuizAttempt, RoleplayRun, StepCompletion,
)

counts = {
    "users": get_user_model().objects.count(),
    "completions": StepCompletion.objects.count(),
    "quiz attempts": QuizAttempt.objects.count(),
    "roleplay runs": RoleplayRun.objects.count(),
    "assignments": Assignment.objects.count(),
    "certificates": Certificate.objects.count(),
    "audit entries": AuditEntry.objects.count(),
}
certificate = (
    Certificate.objects.filter(revocation__isnull=True)
    .select_related("record__user", "record__module")
    .earliest("issued_at")
)
# The day after it was issued, whenever the test runs: it was valid then.
with time_machine.travel(certificate.issued_at + datetime.timedelta(days=1), tick=False):
    page = Client().get(reverse("verify:code", args=[certificate.code]), HTTP_HOST="localhost")
user = certificate.record.user
print(json.dumps({
    "counts": counts,
    "verify_status": page.status_code,
    "verify_page": page.content.decode(),
    "holder": user.get_full_name() or user.username,
    "module": certificate.record.module.title,
}))
"""


def environment(database: Path) -> dict:
    """The settings a deployment uses, pointed at `database` (never at the suite's own)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "ALLOWED_HOSTS"}
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "trainer.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database),
        capture_output=True,
        text=True,
        timeout=300,
    )


def restore(dump: Path, database: Path) -> dict[str, int]:
    """Restore the dump into a new SQLite file; return its counts, as the release left them."""
    connection = sqlite3.connect(database)
    try:
        connection.executescript(gzip.decompress(dump.read_bytes()).decode("utf-8"))
        return {
            name: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for name, table in COUNTED_TABLES.items()
        }
    finally:
        connection.close()


@pytest.fixture(scope="module", params=RELEASES, ids=lambda path: path.name.split(".")[0])
def upgraded(request, tmp_path_factory):
    """A release's database, restored and migrated: (its file, the counts before migrating)."""
    database = tmp_path_factory.mktemp("upgrade") / "callready.sqlite3"
    before = restore(request.param, database)
    migrated = manage(database, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return database, before


@pytest.fixture(scope="module")
def read_back(upgraded) -> dict:
    database, _ = upgraded
    result = manage(database, "shell", "-c", READ_BACK)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_there_is_a_release_to_upgrade_from():
    assert RELEASES, "no fixtures/release-*.sql.gz to upgrade from"


def test_every_migration_is_applied(upgraded):
    database, _ = upgraded
    pending = manage(database, "migrate", "--check")
    assert pending.returncode == 0, pending.stdout + pending.stderr


def test_the_release_had_work_of_every_kind(upgraded):
    _, before = upgraded
    assert all(before.values()), before


def test_nothing_people_did_is_lost(upgraded, read_back):
    _, before = upgraded
    assert read_back["counts"] == before


def test_a_certificate_still_verifies(read_back):
    assert read_back["verify_status"] == 200
    page = read_back["verify_page"]
    assert "</span> is <strong>valid</strong>" in page
    assert escape(read_back["holder"]) in page
    assert escape(read_back["module"]) in page


def test_the_system_check_passes(upgraded):
    database, _ = upgraded
    result = manage(database, "check", "--database", "default", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_read_models_are_filled_from_the_facts(upgraded):
    database, _ = upgraded
    result = manage(database, "rebuild_progress", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    counted = re.search(r"All (\d+) progress rows and (\d+) team tallies match", result.stdout)
    assert counted and int(counted[1]) > 0 and int(counted[2]) > 0, result.stdout
