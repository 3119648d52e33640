"""Writing a validated curriculum: rows created, updated or retired in one transaction, each
change reported, and the load recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from courses.curriculum.loading import Curriculum, StepSource


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)  # module slug -> content version
    # A rule whose statement or checked date changed -> the modules that refer to it.
    material: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)

    def lines(self) -> list[str]:
        out = [f"created {label}" for label in self.created]
        out += [f"updated {label}" for label in self.updated]
        out += [f"retired {label}" for label in self.retired]
        return out or ["no changes"]

    def material_lines(self) -> list[str]:
        return [
            f"rule {rule_id} changed: a material change for "
            + (", ".join(f"module {slug}" for slug in modules) or "no module")
            for rule_id, modules in self.material.items()
        ]


StepWriter = Callable[[Any, "StepSource", LoadReport, dict], None]
STEP_WRITERS: dict[str, StepWriter] = {}


def register_step_writer(kind: str, writer: StepWriter) -> None:
    STEP_WRITERS[kind] = writer


def sync_row(model, lookup: dict, values: dict, report: LoadReport, label: str):
    """Create or update one row, recording what changed; unchanged rows are not written."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model.objects.create(**lookup, **values)
        report.created.append(label)
        return row
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        report.updated.append(f"{label} ({', '.join(changed)})")
    return row


def sync_rules(row, rule_rows: dict, rule_ids, report: LoadReport, label: str) -> None:
    """Point the row's `rules` at exactly these catalogue rules."""
    wanted = {rule_rows[rule_id].pk for rule_id in rule_ids}
    if set(row.rules.values_list("pk", flat=True)) != wanted:
        row.rules.set(wanted)
        if label not in report.created:
            report.updated.append(f"{label} (rules)")


def retire_missing(queryset, keep_ids: set[int], report: LoadReport, label: Callable) -> None:
    now = timezone.now()
    for row in queryset.filter(retired_at__isnull=True).exclude(pk__in=keep_ids):
        row.retired_at = now
        row.save(update_fields=["retired_at"])
        report.retired.append(label(row))


@transaction.atomic
def write_curriculum(curriculum: Curriculum) -> LoadReport:
    from courses.curriculum.loading.rules import write_catalogue
    from courses.curriculum.selectors import content_cache
    from courses.models import Course, Module, Step
    from courses.progress.read_model import refresh_module

    report = LoadReport()
    rule_rows, changed_rules = write_catalogue(curriculum.rules, report)
    report.material = {rule_id: [] for rule_id in changed_rules}
    courses = curriculum.courses
    course_ids: set[int] = set()
    module_ids: set[int] = set()
    for course_source in courses:
        course = sync_row(
            Course,
            {"slug": course_source.slug},
            {
                "title": course_source.title,
                "summary": course_source.summary,
                "position": course_source.order,
                "retired_at": None,
            },
            report,
            f"course {course_source.slug}",
        )
        course_ids.add(course.pk)
        for position, module_source in enumerate(course_source.modules):
            existing = Module.objects.filter(slug=module_source.slug).first()
            rule_revisions = existing.rule_revisions if existing else 0
            rule_change_note = existing.rule_change_note if existing else ""
            changed_here = sorted(changed_rules & module_source.cited)
            if existing is not None and changed_here:
                rule_revisions += 1
                rule_change_note = (
                    f"Changed in the rules catalogue on {timezone.localdate():%Y-%m-%d}: "
                    + "; ".join(
                        f"{curriculum.rules[rule_id].title} ({rule_id})" for rule_id in changed_here
                    )
                )
                for rule_id in changed_here:
                    report.material[rule_id].append(module_source.slug)
            module = sync_row(
                Module,
                {"slug": module_source.slug},
                {
                    "course": course,
                    "title": module_source.title,
                    "summary": module_source.summary,
                    "objectives": module_source.objectives,
                    "position": position,
                    "content_version": module_source.content_version,
                    "rules_as_of": module_source.rules_as_of,
                    "required_for_certification": module_source.required_for_certification,
                    "recertify_after_months": module_source.recertify_after_months,
                    "material_version": module_source.material_version + rule_revisions,
                    "material_note": module_source.material_note,
                    "rule_revisions": rule_revisions,
                    "rule_change_note": rule_change_note,
                    "retired_at": None,
                },
                report,
                f"module {module_source.slug}",
            )
            module_ids.add(module.pk)
            report.versions[module.slug] = module.content_version
            active_before = set(
                Step.objects.filter(module=module, retired_at__isnull=True).values_list(
                    "pk", flat=True
                )
            )
            step_ids: set[int] = set()
            for step_position, step_source in enumerate(module_source.steps):
                step = sync_row(
                    Step,
                    {"module": module, "slug": step_source.slug},
                    {
                        "kind": step_source.kind,
                        "title": step_source.title,
                        "position": step_position,
                        "minutes": step_source.minutes,
                        "body_html": step_source.body_html,
                        "source_hash": step_source.source_hash,
                        "retired_at": None,
                    },
                    report,
                    f"step {module.slug}/{step_source.slug}",
                )
                step_ids.add(step.pk)
                label = f"step {module.slug}/{step_source.slug}"
                sync_rules(step, rule_rows, step_source.rules, report, label)
                writer = STEP_WRITERS.get(step_source.kind)
                if writer is not None:
                    writer(step, step_source, report, rule_rows)
            retire_missing(
                Step.objects.filter(module=module),
                step_ids,
                report,
                lambda row: f"step {row.module.slug}/{row.slug}",
            )
            if step_ids != active_before:
                # Steps added or retired: everyone's count of steps done may have changed.
                refresh_module(module_id=module.pk)
    retire_missing(Module.objects.all(), module_ids, report, lambda row: f"module {row.slug}")
    retire_missing(Course.objects.all(), course_ids, report, lambda row: f"course {row.slug}")
    if report.changed:
        record_load(report)
        # Nothing read from the content before this load is kept once it is committed.
        transaction.on_commit(content_cache().clear)
    return report


def record_load(report: LoadReport) -> None:
    """Content loads go in the audit log with every module's resulting version."""
    from courses.certification.services import audit_record
    from courses.models import AuditEntry

    audit_record(
        actor=None,
        action=AuditEntry.Action.CONTENT_LOADED,
        summary=(
            f"Curriculum loaded: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.retired)} retired"
        ),
        details={
            "versions": report.versions,
            "material": report.material,
            "created": report.created[:500],
            "updated": report.updated[:500],
            "retired": report.retired[:500],
        },
    )
