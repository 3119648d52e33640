"""A row read by key reads exactly as it does by attribute, in templates as in code."""

from dataclasses import dataclass

from django.template import engines

from courses.platform.rows import TemplateRow


@dataclass(frozen=True, slots=True)
class Row(TemplateRow):
    title: str
    count: int


def test_a_template_reads_a_rows_fields_and_nothing_else():
    template = engines["django"].from_string(
        "{{ row.title }} {{ row.count }} [{{ row.missing }}] [{{ row.0 }}]"
        "{% if row.count %} counted{% endif %}"
    )
    assert template.render({"row": Row("Calls & rules", 3)}) == "Calls &amp; rules 3 [] [] counted"


def test_a_row_by_key_is_its_field():
    assert Row("A", 1)["title"] == "A"
