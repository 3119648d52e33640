"""Backing the database up and restoring it, for `manage.py backup` and `manage.py restore`.

SQLite: SQLite's online backup API copies the live file page by page inside one read
transaction, so the copy is the database as it was at one moment while the site goes on
writing (WAL lets readers and one writer work at once). PostgreSQL: `pg_dump -Fc` reads one
snapshot; the row counts printed are read in that same snapshot (`pg_export_snapshot`), and
`pg_restore` puts it back in one transaction. A backup is written to PATH.partial and renamed
to PATH only once it is complete and checked, so PATH is never half-written.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections, transaction

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Backing up or restoring failed; the message says why and what to do."""


@dataclass(frozen=True)
class Copy:
    rows: int
    tables: int
    size: int  # bytes

    def describe(self) -> str:
        return f"{self.rows:,} rows in {self.tables} tables"


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError  # not reached


def target(path: str) -> Path:
    """Where a backup goes: a file in a folder that exists."""
    destination = Path(path).expanduser().absolute()
    if destination.is_dir():
        raise BackupError(f"{destination} is a folder; give the backup file's name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    return destination


def kind_of(path: Path) -> str:
    """'sqlite' or 'postgresql', from the file's first bytes; a clear error for anything else."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`.")


def backup(alias: str, path: str) -> Copy:
    destination = target(path)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = connections[alias]
    try:
        if connection.vendor == "sqlite":
            copy = _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            copy = _pg_backup(connection, partial)
        else:
            raise BackupError(f"Backing up {connection.vendor} databases is not supported.")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return copy


def restore(alias: str, path: str) -> Copy:
    source = Path(path).expanduser().absolute()
    kind = kind_of(source)
    connection = connections[alias]
    if kind != connection.vendor:
        raise BackupError(
            f"{source} is a {kind} backup, and this site's database is {connection.vendor}."
        )
    if kind == "sqlite":
        return _sqlite_restore(connection, source)
    return _pg_restore(connection, source)


# SQLite


def _sqlite_file(connection) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("The database is in memory; there is no file to back up.")
    return name


def _sqlite_count(database: sqlite3.Connection) -> Copy:
    tables = [
        name
        for (name,) in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = sum(database.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)
    return Copy(rows=rows, tables=len(tables), size=0)


def _sqlite_check(database: sqlite3.Connection, path: Path) -> None:
    result = database.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        problems = "; ".join(line for (line,) in result[:5])
        raise BackupError(f"{path} failed SQLite's integrity check: {problems}")
    found = database.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
    ).fetchone()[0]
    if not found:
        raise BackupError(f"{path} is an SQLite file but not this site's database.")


def _sqlite_backup(connection, partial: Path) -> Copy:
    live = Path(_sqlite_file(connection))
    if not live.is_file():
        raise BackupError(f"The database file {live} does not exist.")
    source = sqlite3.connect(live, timeout=60)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _sqlite_check(copy, partial)
        counted = _sqlite_count(copy)
    except sqlite3.Error as error:
        raise BackupError(f"The backup could not be written: {error}") from error
    finally:
        copy.close()
        source.close()
    return Copy(counted.rows, counted.tables, partial.stat().st_size)


def _sqlite_restore(connection, source: Path) -> Copy:
    backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _sqlite_check(backup_file, source)
        connections.close_all()
        live = sqlite3.connect(_sqlite_file(connection), timeout=60)
        try:
            backup_file.backup(live)
            counted = _sqlite_count(live)
        finally:
            live.close()
    except sqlite3.Error as error:
        raise BackupError(f"The backup could not be restored: {error}") from error
    finally:
        backup_file.close()
    return Copy(counted.rows, counted.tables, source.stat().st_size)


# PostgreSQL


def client(program: str) -> str:
    found = shutil.which(program)
    if not found:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    return found


def major_version(program: str) -> int:
    output = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"Could not tell the version of {program}: {output!r}")
    return int(match.group(1))


def _pg_env(connection) -> dict:
    """Connection settings for the client tools, through the environment: never argv, where
    a password would show in the process list."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", settings.get("HOST")),
        ("PGPORT", settings.get("PORT")),
        ("PGUSER", settings.get("USER")),
        ("PGPASSWORD", settings.get("PASSWORD")),
        ("PGDATABASE", settings.get("NAME")),
        ("PGSSLMODE", settings.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _pg_check_client(connection, program: str) -> str:
    found = client(program)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    mine = major_version(found)
    if mine < server:
        raise BackupError(
            f"{program} is version {mine} and the server is PostgreSQL {server}: "
            f"{program} must be at least the server's major version. Install the "
            f"PostgreSQL {server} client tools."
        )
    return found


def _pg_count(cursor) -> Copy:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname = current_schema()"
    )
    tables = [name for (name,) in cursor.fetchall()]
    rows = 0
    for name in tables:
        cursor.execute(f"SELECT count(*) FROM {name}")
        rows += cursor.fetchone()[0]
    return Copy(rows=rows, tables=len(tables), size=0)


def _pg_run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def _pg_backup(connection, partial: Path) -> Copy:
    pg_dump = _pg_check_client(connection, "pg_dump")
    # One snapshot for the dump and the counts: this transaction exports it, pg_dump reads it.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counted = _pg_count(cursor)
        _pg_run(
            [pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(partial)],
            _pg_env(connection),
            "pg_dump",
        )
    return Copy(counted.rows, counted.tables, partial.stat().st_size)


def _pg_restore(connection, source: Path) -> Copy:
    pg_restore = _pg_check_client(connection, "pg_restore")
    env = _pg_env(connection)
    _pg_run([pg_restore, "--list", str(source)], env, f"Reading {source}")
    connections.close_all()
    _pg_run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        env,
        "pg_restore",
    )
    with connection.cursor() as cursor:
        counted = _pg_count(cursor)
    return Copy(counted.rows, counted.tables, source.stat().st_size)
