"""Statements written out in SQL, where building them with the ORM costs many times running
them on a path every user takes: the session every signed-in request reads, and the writes that
hold the database's write lock on every quiz submission and call.

Why, for the writes: SQLite lets one transaction write at a time, and a request that finds the
lock taken polls for it, sleeping 1, 2, 5, 10 ms... The ORM spends most of such a transaction
building its statements: a quiz submission held the lock 5.8 ms, of which 5.0 ms were spent in
Python and 1.0 ms in the database (`make bench`'s organisation). With two workers a submission
then waited 10 ms for the lock, and two workers served fewer submissions than one. Written out,
the same statements hold it for about a fifth of that.

A statement is a template: `{progress}` is a model's table and `{progress.best_quiz}` its
column, both quoted for the database in use, so the names come from the models. Values are
passed as parameters and adapted as the ORM adapts them. Reads that return model rows go
through the ORM's `raw()`, which converts the columns as any query does.
"""

import datetime
from decimal import Decimal
from functools import cache

from django.db import connections, router


class _Names:
    def __init__(self, model, quote):
        self._model, self._quote = model, quote

    def __format__(self, spec):
        return self._quote(self._model._meta.db_table)

    def __getattr__(self, field):
        return self._quote(self._model._meta.get_field(field).column)


@cache
def _written(alias: str, template: str, models: tuple) -> str:
    quote = connections[alias].ops.quote_name
    return template.format(**{name: _Names(model, quote) for name, model in models})


def written(alias: str, template: str, **models) -> str:
    """The template written out for the database `alias`."""
    return _written(alias, template, tuple(models.items()))


def statement(template: str, **models) -> tuple[str, str]:
    """The database alias the first model is written to, and the template written out for it."""
    alias = router.db_for_write(next(iter(models.values())))
    return alias, written(alias, template, **models)


def _adapted(ops, value):
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return ops.adapt_decimalfield_value(value)
    return value


def execute(template: str, params=(), **models) -> int:
    """Run one statement; returns how many rows it changed."""
    alias, sql = statement(template, **models)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [_adapted(connection.ops, value) for value in params])
        return cursor.rowcount


def execute_many(template: str, rows, **models) -> None:
    """Run one statement once for each row of parameters."""
    alias, sql = statement(template, **models)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [[_adapted(connection.ops, value) for value in row] for row in rows]
        )


def values(template: str, params=(), **models) -> list[tuple]:
    """The rows of a written-out SELECT (or of a write's RETURNING clause) as tuples, for
    columns every database returns as Python reads them (numbers); moments need `rows`, which
    converts them."""
    alias, sql = statement(template, **models)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [_adapted(connection.ops, value) for value in params])
        return cursor.fetchall()


def rows(model, template: str, params=(), **models) -> list:
    """Instances of `model` read by a written-out SELECT (which must include its id)."""
    alias, sql = statement(template, **models)
    connection = connections[alias]
    return list(
        model._default_manager.db_manager(alias).raw(
            sql, [_adapted(connection.ops, value) for value in params]
        )
    )


def for_update(model, of=None) -> str:
    """The clause that locks the rows a SELECT reads (those of the table of `of` only, if
    given), where the database locks rows; SQLite locks the whole database for a write
    transaction instead."""
    connection = connections[router.db_for_write(model)]
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {connection.ops.quote_name(of._meta.db_table)}" if of else " FOR UPDATE"
