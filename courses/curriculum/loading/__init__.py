"""The curriculum files -> the database.

`read_curriculum` parses and validates every file, the rules catalogue first, and returns plain
data, or raises `ContentInvalid` with every problem it found (file, field, line where the parser
knows it). `load_curriculum` then writes it in one transaction: new rows are created, changed
rows updated, rows whose files are gone are retired (never deleted). Loading the same files
twice changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from courses.curriculum.markdown import render_markdown

CONTENT_ROOT = Path(__file__).resolve().parents[2] / "content"
RULES_FOLDER = "rules"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=50)]


# --- Problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentError:
    path: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class Problems:
    """Collects errors while reading, so an author sees all of them at once."""

    def __init__(self, root: Path):
        self.root = root
        self.errors: list[ContentError] = []

    def add(self, path: Path, field: str, message: str, line: int | None = None) -> None:
        self.errors.append(ContentError(self.relative(path), field, message, line))

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add_validation(self, path: Path, error: ValidationError, prefix: str = "") -> None:
        for item in error.errors():
            loc = ".".join(str(part) for part in item["loc"])
            if prefix:
                loc = f"{prefix}.{loc}" if loc else prefix
            self.add(path, loc or "(file)", item["msg"])


# --- File schemas -------------------------------------------------------------------------------


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CourseFile(Schema):
    title: Text
    summary: str = ""
    order: int = 0
    modules: list[Slug] = Field(min_length=1)


class ModuleFile(Schema):
    title: Text
    summary: str = ""
    objectives: list[Text] = []
    rules_as_of: datetime.date
    required_for_certification: bool = False
    recertify_after_months: int | None = Field(default=None, ge=1, le=120)
    material_version: int = Field(default=1, ge=1)
    material_note: str = ""
    steps: list[dict[str, Any]] = Field(min_length=1)


class LessonHeader(Schema):
    title: Text
    minutes: int | None = Field(default=None, ge=1, le=240)
    rules: list[Annotated[str, StringConstraints(max_length=80)]] = []


# --- What reading produces ----------------------------------------------------------------------


@dataclass
class StepSource:
    slug: str
    kind: str
    title: str
    minutes: int
    source_hash: str
    body_html: str = ""
    detail: Any = None  # the kind's own validated data (a quiz bank, a roleplay script)
    rules: tuple[str, ...] = ()  # a lesson's rules taught; a roleplay's rules rehearsed
    cited: frozenset[str] = frozenset()  # every rule the file refers to, for the version


@dataclass(frozen=True)
class ReadContext:
    """What a step reader needs besides its file: where problems go, the rules catalogue, and
    whether the module is held to the legal standard (it is required for certification)."""

    problems: Problems
    catalogue: Mapping[str, Any] = field(default_factory=dict)
    legal: bool = False

    def references(self, path: Path):
        from courses.curriculum.loading.rules import References

        return References(self.catalogue, self.problems, path, set())


@dataclass
class ModuleSource:
    slug: str
    title: str
    summary: str
    objectives: list[str]
    rules_as_of: datetime.date
    required_for_certification: bool
    recertify_after_months: int | None
    material_version: int
    material_note: str
    content_version: str
    steps: list[StepSource] = field(default_factory=list)

    @property
    def cited(self) -> frozenset[str]:
        return frozenset().union(*(step.cited for step in self.steps))


@dataclass
class CourseSource:
    slug: str
    title: str
    summary: str
    order: int
    modules: list[ModuleSource] = field(default_factory=list)


# --- Reading ------------------------------------------------------------------------------------


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(path, "", "file not found")
    except UnicodeDecodeError as error:
        problems.add(path, "", f"not valid UTF-8 text ({error.reason} at byte {error.start})")
    except OSError as error:
        problems.add(path, "", f"cannot be read: {error.strerror}")
    return None


UNREADABLE = object()  # what parse_yaml returns after reporting a syntax error


def parse_yaml(text: str, path: Path, problems: Problems, line_offset: int = 0) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problems.add(path, "", f"unreadable YAML: {error.problem or error}", line)
    except yaml.YAMLError as error:
        problems.add(path, "", f"unreadable YAML: {error}")
    return UNREADABLE


def read_schema(data: Any, schema: type[Schema], path: Path, problems: Problems) -> Any:
    if data is UNREADABLE:
        return None
    if not isinstance(data, dict):
        problems.add(path, "", "expected a mapping of fields (key: value) at the top level")
        return None
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        problems.add_validation(path, error)
        return None


def sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def read_lesson(path: Path, slug: str, context: ReadContext) -> StepSource | None:
    problems = context.problems
    text = read_text(path, problems)
    if text is None:
        return None
    if not text.startswith("---\n"):
        problems.add(path, "header", "a lesson starts with a '---' header holding its title", 1)
        return None
    header_text, separator, body = text[4:].partition("\n---\n")
    if not separator:
        problems.add(path, "header", "the header is not closed by a '---' line", 1)
        return None
    header = read_schema(parse_yaml(header_text, path, problems, 1), LessonHeader, path, problems)
    if not body.strip():
        problems.add(path, "body", "the lesson is empty")
        return None
    if header is None:
        return None
    references = context.references(path)
    # The rules it teaches are those its header lists; a rule cited in passing is not taught.
    rules = references.ids(header.rules, "rules", "the lesson")
    body_html = references.html(render_markdown(body), "body")
    if context.legal and not header.rules:
        problems.add(
            path,
            "rules",
            "a lesson of a module required for certification lists the rules it teaches "
            "(rules: [rule-id, ...], ids from the rules catalogue)",
        )
    words = len(body.split())
    return StepSource(
        slug=slug,
        kind="lesson",
        title=header.title,
        minutes=header.minutes or max(1, round(words / 200)),
        source_hash=sha256(text.encode()),
        body_html=body_html,
        rules=rules,
        cited=frozenset(references.cited),
    )


StepReader = Callable[[Path, str, ReadContext], StepSource | None]
STEP_READERS: dict[str, StepReader] = {"lesson": read_lesson}


def register_step_reader(kind: str, reader: StepReader) -> None:
    STEP_READERS[kind] = reader


def read_step(folder: Path, index: int, entry: Any, context: ReadContext) -> StepSource | None:
    problems = context.problems
    module_file = folder / "module.yaml"
    where = f"steps.{index}"
    if not isinstance(entry, dict) or len(entry) != 1:
        problems.add(
            module_file, where, "each step is one 'kind: file' pair, e.g. 'lesson: intro.md'"
        )
        return None
    ((kind, filename),) = entry.items()
    reader = STEP_READERS.get(kind)
    if reader is None:
        known = ", ".join(sorted(STEP_READERS))
        problems.add(module_file, where, f"unknown step kind '{kind}' (known kinds: {known})")
        return None
    if not isinstance(filename, str) or "/" in filename or filename.startswith("."):
        problems.add(module_file, f"{where}.{kind}", "must be a file name in the module's folder")
        return None
    slug = Path(filename).stem
    if not _is_slug(slug):
        message = f"file name '{filename}' must be lowercase words joined by hyphens"
        problems.add(module_file, f"{where}.{kind}", message)
        return None
    path = folder / filename
    if not path.is_file():
        problems.add(module_file, f"{where}.{kind}", f"refers to a missing file '{filename}'")
        return None
    return reader(path, slug, context)


def _is_slug(value: str) -> bool:
    return bool(re.fullmatch(SLUG_PATTERN, value)) and len(value) <= 50


def read_module(
    folder: Path, problems: Problems, catalogue: Mapping[str, Any]
) -> ModuleSource | None:
    path = folder / "module.yaml"
    text = read_text(path, problems)
    if text is None:
        return None
    spec = read_schema(parse_yaml(text, path, problems), ModuleFile, path, problems)
    if spec is None:
        return None
    if spec.recertify_after_months and not spec.required_for_certification:
        problems.add(
            path, "recertify_after_months", "only modules required for certification recertify"
        )
    context = ReadContext(problems, catalogue, legal=spec.required_for_certification)
    steps: list[StepSource] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(spec.steps):
        step = read_step(folder, index, entry, context)
        if step is None:
            continue
        if step.slug in seen:
            problems.add(
                path,
                f"steps.{index}",
                f"duplicate step '{step.slug}' (also steps.{seen[step.slug]})",
            )
            continue
        seen[step.slug] = index
        steps.append(step)
    # The version covers the rules the module cites: a correction in the catalogue is a new
    # version of every module that refers to the rule.
    cited = sorted(frozenset().union(*(step.cited for step in steps)))
    version = sha256(
        text.encode(),
        *(step.source_hash.encode() for step in steps),
        *(catalogue[rule_id].fingerprint.encode() for rule_id in cited),
    )
    return ModuleSource(
        slug=folder.name,
        title=spec.title,
        summary=spec.summary,
        objectives=list(spec.objectives),
        rules_as_of=spec.rules_as_of,
        required_for_certification=spec.required_for_certification,
        recertify_after_months=spec.recertify_after_months,
        material_version=spec.material_version,
        material_note=spec.material_note,
        content_version=version,
        steps=steps,
    )


def read_course(
    folder: Path, problems: Problems, catalogue: Mapping[str, Any]
) -> CourseSource | None:
    path = folder / "course.yaml"
    text = read_text(path, problems)
    if text is None:
        return None
    spec = read_schema(parse_yaml(text, path, problems), CourseFile, path, problems)
    if spec is None:
        return None
    course = CourseSource(folder.name, spec.title, spec.summary, spec.order)
    listed = set()
    for index, slug in enumerate(spec.modules):
        if slug in listed:
            problems.add(path, f"modules.{index}", f"module '{slug}' is listed twice")
            continue
        listed.add(slug)
        module_folder = folder / slug
        if not (module_folder / "module.yaml").is_file():
            problems.add(
                path, f"modules.{index}", f"refers to a missing folder '{slug}/module.yaml'"
            )
            continue
        module = read_module(module_folder, problems, catalogue)
        if module is not None:
            course.modules.append(module)
    for child in sorted(folder.iterdir()):
        if child.is_dir() and child.name not in listed and (child / "module.yaml").exists():
            problems.add(path, "modules", f"folder '{child.name}' holds a module but is not listed")
    return course


@dataclass
class Curriculum:
    """Everything the content files hold, read and validated."""

    rules: dict[str, Any]  # the rules catalogue, by id
    courses: list[CourseSource]


def read_curriculum(root: Path = CONTENT_ROOT) -> Curriculum:
    """Read and validate every file under `root`; raise ContentInvalid listing all problems."""
    from courses.curriculum.loading.rules import read_catalogue

    problems = Problems(root)
    catalogue = read_catalogue(root / RULES_FOLDER, problems)
    courses: list[CourseSource] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "course.yaml").exists())
    if not folders:
        problems.add(root, "", "no course folders (a folder with a course.yaml) were found")
    for folder in folders:
        if not _is_slug(folder.name):
            problems.add(folder, "", "course folder names are lowercase words joined by hyphens")
            continue
        course = read_course(folder, problems, catalogue)
        if course is not None:
            courses.append(course)
    owners: dict[str, str] = {}
    for course in courses:
        for module in course.modules:
            if module.slug in owners:
                other = owners[module.slug]
                problems.add(
                    root / course.slug / module.slug,
                    "slug",
                    f"duplicate module slug '{module.slug}' (also in course '{other}')",
                )
            owners[module.slug] = course.slug
    if problems.errors:
        raise ContentInvalid(problems.errors)
    return Curriculum(catalogue, courses)


# --- Writing ------------------------------------------------------------------------------------


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


StepWriter = Callable[[Any, StepSource, LoadReport, dict], None]
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


def load_curriculum(root: Path = CONTENT_ROOT) -> LoadReport:
    """Validate everything under `root`, then write it; on any problem nothing is written."""
    return write_curriculum(read_curriculum(root))


# Each step kind's reader and writer registers itself.
from courses.curriculum.loading import quizzes, roleplays  # noqa: E402, F401
