"""The rules catalogue files -> Rule rows, and rule references in the other content files.

A catalogue file (`courses/content/rules/*.yaml`) holds entries that share an authority and
whom they bind; each entry has a stable id. Lessons, quiz items and roleplay replies name the
rules they teach, test or rehearse by id (`rules: [...]`), and any text may cite a rule inline
as `[[rule-id]]`: the loader puts the catalogue's citation there. So a rule is corrected once,
in the catalogue, and the correction reaches every file that refers to it on the next load.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints

from courses.curriculum.loading import (
    Problems,
    Schema,
    Text,
    parse_yaml,
    read_schema,
    read_text,
    sha256,
)

if TYPE_CHECKING:
    from courses.curriculum.loading import LoadReport

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Binds = Literal[
    "every-caller", "sellers-outside-tsr-exclusion", "broker-dealers", "callers-into-state"
]
INLINE_REFERENCE = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\]")


class RuleFile(Schema):
    id: RuleId
    title: Text
    authority: Text | None = None
    citation: Text
    statement: Text
    source: Literal["primary", "secondary"]
    checked: datetime.date
    binds: Binds | None = None
    state: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None


class CatalogueFile(Schema):
    authority: Text
    binds: Binds
    rules: list[RuleFile] = Field(min_length=1)


@dataclass(frozen=True)
class RuleSource:
    id: str
    title: str
    authority: str
    citation: str
    statement: str
    source: str
    checked: datetime.date
    binds: str
    state: str

    @property
    def fingerprint(self) -> str:
        """What a module's content version depends on: everything shown of the rule."""
        return sha256(
            *(
                str(value).encode()
                for value in (
                    self.id, self.title, self.authority, self.citation, self.statement,
                    self.source, self.checked.isoformat(), self.binds, self.state,
                )
            )
        )  # fmt: skip


type Catalogue = Mapping[str, RuleSource]


def read_catalogue(folder: Path, problems: Problems) -> dict[str, RuleSource]:
    """Every rule in the catalogue folder, by id, in file then entry order."""
    rules: dict[str, RuleSource] = {}
    homes: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        text = read_text(path, problems)
        if text is None:
            continue
        spec = read_schema(parse_yaml(text, path, problems), CatalogueFile, path, problems)
        if spec is None:
            continue
        for index, entry in enumerate(spec.rules):
            where = f"rules.{index}"
            binds = entry.binds or spec.binds
            if entry.id in rules:
                message = f"duplicate rule id '{entry.id}' (also in {homes[entry.id]})"
                problems.add(path, f"{where}.id", message)
                continue
            rules[entry.id] = RuleSource(
                id=entry.id,
                title=entry.title,
                authority=entry.authority or spec.authority,
                citation=entry.citation,
                statement=" ".join(entry.statement.split()),
                source=entry.source,
                checked=entry.checked,
                binds=binds,
                state=entry.state or "",
            )
            homes[entry.id] = path.name
    return rules


@dataclass
class References:
    """Checks and renders one file's references to the catalogue, collecting what it cites."""

    catalogue: Catalogue
    problems: Problems
    path: Path
    cited: set[str]

    def ids(self, ids: Iterable[str], field: str, item: str) -> tuple[str, ...]:
        known = []
        for rule_id in ids:
            if rule_id in self.catalogue:
                known.append(rule_id)
                self.cited.add(rule_id)
            else:
                self.problems.add(self.path, field, f"{item}: unknown rule id '{rule_id}'")
        return tuple(dict.fromkeys(known))

    def text(self, text: str, field: str, item: str) -> str:
        """`text` with each `[[rule-id]]` replaced by the rule's citation."""
        return INLINE_REFERENCE.sub(lambda match: self._cite(match, field, item), text)

    def html(self, rendered: str, field: str) -> str:
        """Sanitised HTML with each `[[rule-id]]` replaced by a <cite> of the rule."""

        def cite(match: re.Match) -> str:
            citation = self._cite(match, field, "inline reference")
            rule = self.catalogue.get(match.group(1).strip())
            if rule is None:
                return html.escape(citation)
            return (
                f'<cite class="rule" title="{html.escape(rule.title)}">'
                f"{html.escape(citation, quote=False)}</cite>"
            )

        return INLINE_REFERENCE.sub(cite, rendered)

    def citation(self, ids: Iterable[str]) -> str:
        return "; ".join(self.catalogue[rule_id].citation for rule_id in ids)

    def _cite(self, match: re.Match, field: str, item: str) -> str:
        rule_id = match.group(1)
        rule = self.catalogue.get(rule_id)
        if rule is None:
            self.problems.add(self.path, field, f"{item}: unknown rule id '{rule_id}' in [[...]]")
            return match.group(0)
        self.cited.add(rule_id)
        return rule.citation


# --- Writing ------------------------------------------------------------------------------------


def write_catalogue(catalogue: Catalogue, report: LoadReport) -> tuple[dict, set[str]]:
    """Sync the Rule rows; return them by id, and the ids whose statement or checked date
    changed (a material change for every module that refers to them)."""
    from courses.curriculum.loading import retire_missing, sync_row
    from courses.models import Rule

    existing = {rule.slug: rule for rule in Rule.objects.all()}
    material: set[str] = set()
    rows = {}
    for position, source in enumerate(catalogue.values()):
        before = existing.get(source.id)
        if (
            before is not None
            and before.retired_at is None
            and (before.statement != source.statement or before.checked != source.checked)
        ):
            material.add(source.id)
        rows[source.id] = sync_row(
            Rule,
            {"slug": source.id},
            {
                "title": source.title,
                "authority": source.authority,
                "citation": source.citation,
                "statement": source.statement,
                "source": source.source,
                "checked": source.checked,
                "binds": source.binds,
                "state": source.state,
                "position": position,
                "retired_at": None,
            },
            report,
            f"rule {source.id}",
        )
    retire_missing(
        Rule.objects.all(), {row.pk for row in rows.values()}, report, lambda r: f"rule {r.slug}"
    )
    return rows, material
