"""The progress read model: one `ModuleProgress` row per person and module, kept in step with
the facts it summarises.

`measured` is the definition: what a row must hold, computed from the completions, quiz
attempts and calls themselves. Every service that records one of those facts calls `refresh`
in its own transaction; `rebuild` recomputes every row (the `rebuild_progress` command, and the
migration that introduced the table). Reads take models from `apps` so that a migration can
run them on the schema of its time.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db.models import Count, Max, Q

from courses.platform import sql


def _model(apps, name: str):
    return apps.get_model("courses", name)


def measured(*, user_id: int, module_id: int, apps=global_apps) -> dict | None:
    """What the row for this person and module holds, from the facts; None when there are none.

    Four small aggregates rather than one query of ten subqueries: as fast for the database,
    and far less work to build on every write.
    """
    counted = Q(voided_at__isnull=True, step__retired_at__isnull=True)
    completions = (
        _model(apps, "StepCompletion")
        .objects.filter(user_id=user_id, step__module_id=module_id)
        .aggregate(
            n=Count("pk"),
            done=Count("pk", filter=counted),
            done_at=Max("completed_at", filter=counted),
            last=Max("completed_at"),
        )
    )
    attempts = (
        _model(apps, "QuizAttempt")
        .objects.filter(
            user_id=user_id, quiz__step__module_id=module_id, submitted_at__isnull=False
        )
        .aggregate(best=Max("percent"), last=Max("submitted_at"))
    )
    calls = (
        _model(apps, "RoleplayRun")
        .objects.filter(
            user_id=user_id, script__step__module_id=module_id, finished_at__isnull=False
        )
        .aggregate(
            n=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
            clean=Count("pk", filter=Q(violation=False)),
            last=Max("finished_at"),
        )
    )
    if not (completions["n"] or attempts["last"] or calls["n"]):
        return None
    steps = (
        _model(apps, "Step").objects.filter(module_id=module_id, retired_at__isnull=True).count()
    )
    done = completions["done"]
    if calls["passed"]:
        call = "passed"
    elif calls["clean"]:
        call = "not passed"
    else:
        call = "violation" if calls["n"] else ""
    moments = [completions["last"], attempts["last"], calls["last"]]
    return {
        "steps_done": done,
        "completed_at": completions["done_at"] if steps and done >= steps else None,
        "best_quiz": attempts["best"],
        "call": call,
        "last_activity_at": max((m for m in moments if m is not None), default=None),
    }


# The row a quiz result rewrites, on every submission: written out, see courses.platform.sql.
_ROW = (
    "SELECT {row.id}, {row.completed_at}, {row.best_quiz}, {row.last_activity_at} FROM {row} "
    "WHERE {row.user} = %s AND {row.module} = %s"
)
_FIRST_RESULT = (
    "INSERT INTO {row} ({row.user}, {row.module}, {row.steps_done}, {row.completed_at}, "
    "{row.best_quiz}, {row.call}, {row.last_activity_at}) VALUES (%s, %s, 0, NULL, %s, '', %s) "
    "ON CONFLICT DO NOTHING"
)
_NEW_RESULT = (
    "UPDATE {row} SET {row.best_quiz} = %s, {row.last_activity_at} = %s WHERE {row.id} = %s"
)


def refresh(
    *, user_id: int, module_id: int, attempt_percent=None, moment=None, tallies: bool = True
) -> None:
    """Rewrite one row from the facts; call it inside the transaction that changed them.

    The row is locked before the facts are read, so two requests recording facts for the same
    person and module at once take turns, and the second one reads the first one's facts.

    A quiz submission that completes nothing passes its result (`attempt_percent`, `moment`):
    attempts are only ever added, so the best result and the last activity can only rise,
    and the rest of the row cannot change; with no row yet, the row is that result alone.

    The team tally counting this person is moved too, unless `tallies` is false (the caller
    then recounts the tallies itself, once for many people).
    """
    from courses.progress.models import ModuleProgress
    from courses.teams import tally

    def locked_row():
        found = sql.rows(
            ModuleProgress,
            _ROW + sql.for_update(ModuleProgress),
            [user_id, module_id],
            row=ModuleProgress,
        )
        return found[0] if found else None

    row = locked_row()
    if row is None and moment is not None:
        # No row: nothing was done in the module before, so the row is this result alone,
        # unless a concurrent request made one first (then the facts are read as usual).
        first = [user_id, module_id, attempt_percent, moment]
        if sql.execute(_FIRST_RESULT, first, row=ModuleProgress):
            if tallies:
                tally.person_moved(
                    user_id=user_id,
                    module_id=module_id,
                    before=(False, None),
                    after=(False, attempt_percent),
                )
            return
        row, moment = locked_row(), None
    before = (row.completed_at is not None, row.best_quiz) if row else (False, None)
    if row and moment is not None:
        best = attempt_percent if row.best_quiz is None else max(row.best_quiz, attempt_percent)
        last = moment if row.last_activity_at is None else max(row.last_activity_at, moment)
        sql.execute(_NEW_RESULT, [best, last, row.pk], row=ModuleProgress)
        after = (before[0], best)
    else:
        rows = ModuleProgress.objects.filter(user_id=user_id, module_id=module_id)
        if not row:
            ModuleProgress.objects.bulk_create(
                [ModuleProgress(user_id=user_id, module_id=module_id)], ignore_conflicts=True
            )
            list(rows.select_for_update().values_list("pk"))
        values = measured(user_id=user_id, module_id=module_id)
        if values is None:
            rows.delete()
            after = (False, None)
        else:
            rows.update(**values)
            after = (values["completed_at"] is not None, values["best_quiz"])
    if tallies:
        tally.person_moved(user_id=user_id, module_id=module_id, before=before, after=after)


def refresh_module(*, module_id: int) -> int:
    """Rewrite every row of a module whose steps changed (a step added or retired), and every
    team's tally of it."""
    from courses.progress.models import ModuleProgress
    from courses.teams import tally
    from courses.teams.models import Team

    users = list(
        ModuleProgress.objects.filter(module_id=module_id).values_list("user_id", flat=True)
    )
    for user_id in users:
        refresh(user_id=user_id, module_id=module_id, tallies=False)
    tally.refresh(Team.objects.values_list("pk", flat=True), [module_id])
    return len(users)


def pairs_with_facts(apps=global_apps) -> set[tuple[int, int]]:
    """Every (person, module) with a completion, a submitted attempt or a finished call."""
    return (
        set(_model(apps, "StepCompletion").objects.values_list("user_id", "step__module_id"))
        | set(
            _model(apps, "QuizAttempt")
            .objects.filter(submitted_at__isnull=False)
            .values_list("user_id", "quiz__step__module_id")
        )
        | set(
            _model(apps, "RoleplayRun")
            .objects.filter(finished_at__isnull=False)
            .values_list("user_id", "script__step__module_id")
        )
    )


def recomputed(apps=global_apps) -> dict[tuple[int, int], dict]:
    """Every row as the facts say it should be."""
    return {
        (user_id, module_id): measured(user_id=user_id, module_id=module_id, apps=apps)
        for user_id, module_id in sorted(pairs_with_facts(apps))
    }


def stored(apps=global_apps) -> dict[tuple[int, int], dict]:
    """Every row as stored, in the shape of `recomputed`."""
    fields = ["steps_done", "completed_at", "best_quiz", "call", "last_activity_at"]
    return {
        (row.pop("user_id"), row.pop("module_id")): row
        for row in _model(apps, "ModuleProgress").objects.values("user_id", "module_id", *fields)
    }


def rebuild(apps=global_apps, batch_size: int = 500) -> tuple[int, int]:
    """Recompute every row from the facts. Returns (rows written, rows removed)."""
    ModuleProgress = _model(apps, "ModuleProgress")
    expected = recomputed(apps)
    rows = [
        ModuleProgress(user_id=user_id, module_id=module_id, **values)
        for (user_id, module_id), values in expected.items()
    ]
    ModuleProgress.objects.bulk_create(
        rows,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["user", "module"],
        update_fields=["steps_done", "completed_at", "best_quiz", "call", "last_activity_at"],
    )
    stale = [
        pk
        for pk, user_id, module_id in ModuleProgress.objects.values_list("pk", "user", "module")
        if (user_id, module_id) not in expected
    ]
    ModuleProgress.objects.filter(pk__in=stale).delete()
    return len(rows), len(stale)
