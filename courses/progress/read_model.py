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
from django.db.models import Count, Max, OuterRef, Q, Subquery


def _model(apps, name: str):
    return apps.get_model("courses", name)


def _one(queryset, **aggregate):
    """An aggregate over `queryset` as a subquery: grouped by the person, who is fixed."""
    [(name, expression)] = aggregate.items()
    return Subquery(
        queryset.order_by().values("user_id").annotate(**{name: expression}).values(name)
    )


def measured(*, user_id: int, module_id: int, apps=global_apps) -> dict | None:
    """What the row for this person and module holds, from the facts; None when there are none."""
    Module, Step = _model(apps, "Module"), _model(apps, "Step")
    completions = _model(apps, "StepCompletion").objects.filter(
        user_id=user_id, step__module_id=module_id
    )
    counted = Q(voided_at__isnull=True, step__retired_at__isnull=True)
    attempts = _model(apps, "QuizAttempt").objects.filter(
        user_id=user_id, quiz__step__module_id=module_id, submitted_at__isnull=False
    )
    calls = _model(apps, "RoleplayRun").objects.filter(
        user_id=user_id, script__step__module_id=module_id, finished_at__isnull=False
    )
    steps = (
        Step.objects.filter(module_id=OuterRef("pk"), retired_at__isnull=True)
        .order_by()
        .values("module_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Module.objects.filter(pk=module_id)
        .annotate(
            active_steps=Subquery(steps),
            completions=_one(completions, n=Count("pk")),
            done=_one(completions, n=Count("pk", filter=counted)),
            done_at=_one(completions, at=Max("completed_at", filter=counted)),
            completed_last=_one(completions, at=Max("completed_at")),
            best_quiz=_one(attempts, best=Max("percent")),
            submitted_last=_one(attempts, at=Max("submitted_at")),
            calls=_one(calls, n=Count("pk")),
            calls_passed=_one(calls, n=Count("pk", filter=Q(passed=True))),
            calls_clean=_one(calls, n=Count("pk", filter=Q(violation=False))),
            finished_last=_one(calls, at=Max("finished_at")),
        )
        .values()
        .get()
    )
    if not (row["completions"] or row["submitted_last"] or row["calls"]):
        return None
    done, steps = row["done"] or 0, row["active_steps"] or 0
    if row["calls_passed"]:
        call = "passed"
    elif row["calls_clean"]:
        call = "not passed"
    else:
        call = "violation" if row["calls"] else ""
    moments = [row["completed_last"], row["submitted_last"], row["finished_last"]]
    return {
        "steps_done": done,
        "completed_at": row["done_at"] if steps and done >= steps else None,
        "best_quiz": row["best_quiz"],
        "call": call,
        "last_activity_at": max((m for m in moments if m is not None), default=None),
    }


def refresh(*, user_id: int, module_id: int) -> None:
    """Rewrite one row from the facts; call it inside the transaction that changed them.

    The row is locked before the facts are read, so two requests recording facts for the same
    person and module at once take turns, and the second one reads the first one's facts.
    """
    from courses.progress.models import ModuleProgress

    rows = ModuleProgress.objects.select_for_update().filter(user_id=user_id, module_id=module_id)
    if not list(rows.values_list("pk")):
        ModuleProgress.objects.bulk_create(
            [ModuleProgress(user_id=user_id, module_id=module_id)], ignore_conflicts=True
        )
        list(rows.values_list("pk"))
    values = measured(user_id=user_id, module_id=module_id)
    if values is None:
        rows.delete()
    else:
        rows.update(**values)


def refresh_module(*, module_id: int) -> int:
    """Rewrite every row of a module whose steps changed (a step added or retired)."""
    from courses.progress.models import ModuleProgress

    users = list(
        ModuleProgress.objects.filter(module_id=module_id).values_list("user_id", flat=True)
    )
    for user_id in users:
        refresh(user_id=user_id, module_id=module_id)
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
