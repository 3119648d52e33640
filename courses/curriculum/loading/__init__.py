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


from courses.curriculum.loading.writing import (  # noqa: E402
    LoadReport,
    register_step_writer,
    retire_missing,
    sync_row,
    sync_rules,
    write_curriculum,
)

__all__ = [
    "LoadReport",
    "register_step_writer",
    "retire_missing",
    "sync_row",
    "sync_rules",
    "write_curriculum",
]


def load_curriculum(root: Path = CONTENT_ROOT) -> LoadReport:
    """Validate everything under `root`, then write it; on any problem nothing is written."""
    return write_curriculum(read_curriculum(root))


# Each step kind's reader and writer registers itself.
from courses.curriculum.loading import quizzes, roleplays  # noqa: E402, F401
