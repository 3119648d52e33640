import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from courses.certification.services import completion_certify
from courses.curriculum.loading import load_curriculum
from courses.models import QuizAttempt, Team
from courses.platform.access import REP
from courses.platform.people import display_name, person_label
from tests.factories import complete_module
from tests.support import QUIZ, make_user

TEMPLATES = Path(settings.BASE_DIR) / "templates"


class TitleReader(HTMLParser):
    """The text of a page's <title>, and any element found inside it."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.text = ""
        self.elements_inside = []

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.inside = True
        elif self.inside:
            self.elements_inside.append(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def title_of(html: str) -> TitleReader:
    reader = TitleReader()
    reader.feed(html)
    return reader


@pytest.mark.django_db
def test_my_training_title_is_plain_text_for_a_rep_holding_a_certificate(
    client, rep, compliance, required
):
    completion_certify(officer=compliance, record=complete_module(rep, required))
    client.force_login(rep)
    page = client.get(reverse("learner:home")).content.decode()
    assert "Your certification" in page and "Your certificate</a>" in page
    title = title_of(page)
    assert title.text == "My training · CallReady"
    assert title.elements_inside == []


def test_no_title_block_holds_markup():
    blocks = {
        path.relative_to(TEMPLATES).as_posix(): match.group(1)
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(
            r"{% block title %}(.*?){% endblock", path.read_text(encoding="utf-8"), re.S
        )
    }
    assert "learner/home.html" in blocks and "base.html" in blocks
    with_markup = {name: text for name, text in blocks.items() if "<" in text or "\n" in text}
    assert with_markup == {}


def person(username, first="", last=""):
    return get_user_model()(username=username, first_name=first, last_name=last)


def test_display_name_is_the_full_name_else_the_username():
    assert display_name(person("alee", "Ann", "Lee")) == "Ann Lee"
    assert display_name(person("alee", "Ann")) == "Ann"
    assert display_name(person("alee")) == "alee"


def test_a_person_is_picked_by_name_and_username_or_by_username_alone():
    assert person_label(person("alee", "Ann", "Lee")) == "Ann Lee (alee)"
    assert person_label(person("alee")) == "alee"


@pytest.mark.django_db
def test_people_show_by_full_name_else_username_on_the_report_and_in_its_csv(
    client, compliance, required, django_user_model
):
    make_user(django_user_model, "alee", REP, first_name="Ann", last_name="Lee")
    make_user(django_user_model, "nameless", REP, first_name="")
    client.force_login(compliance)
    page = client.get(reverse("compliance:report")).content.decode()
    assert '<tr><td class="reflow-title">Ann Lee</td>' in page
    assert '<tr><td class="reflow-title">nameless</td>' in page
    response = client.get(reverse("compliance:report-csv"))
    rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    names = {row[1]: row[0] for row in rows}
    assert names["alee"] == "Ann Lee"
    assert names["nameless"] == "nameless"


@pytest.mark.django_db
def test_the_header_names_the_signed_in_person(client, django_user_model):
    client.force_login(make_user(django_user_model, "nameless", REP, first_name=""))
    assert 'class="account-name" title="Change your password">nameless</a>' in (
        client.get(reverse("learner:catalogue")).content.decode()
    )


@pytest.mark.django_db
def test_quiz_choices_keep_saved_answers_and_escape_their_text(rep_client, builder):
    builder.with_quiz(text=QUIZ.replace("Five years", "Five <b>years</b>"))
    load_curriculum(builder.root)
    rep_client.post(reverse("learner:quiz-start", args=["module-1", "check"]))
    attempt = QuizAttempt.objects.get()
    position = {item.question.kind: item.position for item in attempt.items.all()}
    single, multiple = f"q{position['single']}", f"q{position['multiple']}"
    rep_client.post(
        reverse("learner:quiz-answer", args=[attempt.pk]), {single: ["1"], multiple: ["0", "1"]}
    )
    page = rep_client.get(reverse("learner:quiz-attempt", args=[attempt.pk])).content.decode()
    inputs = re.findall(r'<input type="(\w+)" name="(q\d)" value="(\d)"( checked)?>', page)
    assert {(name, value) for _, name, value, mark in inputs if mark} == {
        (single, "1"),
        (multiple, "0"),
        (multiple, "1"),
    }
    assert {kind for kind, name, _, _ in inputs if name == multiple} == {"checkbox"}
    assert {kind for kind, name, _, _ in inputs if name == single} == {"radio"}
    assert "Five &lt;b&gt;years&lt;/b&gt;" in page and "<b>years" not in page


@pytest.mark.django_db
def test_dashboard_filters_select_what_was_chosen_and_escape_names(client, manager):
    team = Team.objects.get()
    team.name = "Sales & <Support>"
    team.save()
    Team.objects.create(name="Bravo").managers.add(manager)
    client.force_login(manager)
    page = client.get(reverse("team:dashboard"), {"team": team.pk, "sort": "overdue"})
    options = re.findall(
        r'<option value="([^"]*)"( selected)?>([^<]*)</option>', page.content.decode()
    )
    assert [(value, label) for value, mark, label in options if mark] == [
        (str(team.pk), "Sales &amp; &lt;Support&gt;"),
        ("", "All assigned modules"),
        ("overdue", "Most overdue first"),
    ]


class NavigationReader(HTMLParser):
    """The addresses the main navigation links to (and the section it marks as current), and
    those the page's own navigation (a section's tabs, the page's action buttons) links to."""

    def __init__(self):
        super().__init__()
        self.main_nav: list[str] = []
        self.section: set[str] = set()
        self.page_nav: list[str] = []
        self.inside: list[tuple[str, str]] = []  # open elements: (tag, where their links go)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        where = self.inside[-1][1] if self.inside else ""
        if tag == "nav" and attrs.get("aria-label") == "Main":
            where = "main"
        elif tag == "nav" and attrs.get("aria-label") not in {"Breadcrumb", "People"}:
            where = "page"  # a section's tabs
        elif "page-actions" in (attrs.get("class") or "").split():
            where = "page"  # the page's action buttons
        if tag == "a" and where:
            (self.main_nav if where == "main" else self.page_nav).append(attrs["href"])
            if where == "main" and attrs.get("aria-current") == "page":
                self.section.add(attrs["href"])
        if tag not in {"a", "img", "input", "br", "meta", "link"}:
            self.inside.append((tag, where))

    def handle_endtag(self, tag):
        if tag != "a" and self.inside:
            self.inside.pop()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "pages"),
    [
        ("manager", ["team:dashboard", "team:assignments", "team:mastery", "insights:quizzes"]),
        (
            "officer",
            [
                "compliance:queue",
                "compliance:certificates",
                "compliance:report",
                "compliance:audit",
                "insights:quizzes",
            ],
        ),
    ],
)
def test_no_page_repeats_a_link_of_the_main_navigation(client, manager, compliance, who, pages):
    client.force_login(manager if who == "manager" else compliance)
    for name in pages:
        reader = NavigationReader()
        reader.feed(client.get(reverse(name)).content.decode())
        assert reader.main_nav, name
        assert len(set(reader.main_nav)) == len(reader.main_nav), name
        # A section's tabs begin with the section's own page; nothing else is linked twice.
        assert set(reader.main_nav) & set(reader.page_nav) <= reader.section, name


# The date and time filters' formats a template may name: each language writes them its own way
# (trainer/formats). Besides them, only a weekday's name, and machine-readable values (a <time
# datetime> or an <input>'s value) in ISO 8601.
NAMED_FORMATS = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "TIME_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
}
WEEKDAY_OR_MACHINE = {"D", "l", "c", "Y-m-d", r"Y-m-d\TH:i"}
DATE_FILTER = re.compile(r"""\|(date|time)(?::["']([^"']*)["'])?""")


def literal_formats(text: str) -> list[str]:
    return [
        f"|{name}:{fmt}"
        for name, fmt in DATE_FILTER.findall(text)
        if fmt and fmt not in NAMED_FORMATS | WEEKDAY_OR_MACHINE
    ]


def test_every_template_writes_days_and_times_through_the_named_formats():
    """A day or a time is written as the page's language writes it ("4:51 p.m.", "16.51"): a
    template names the format, and never writes one like "g:i a" or "H:i" itself."""
    found = {
        f"{path.relative_to(TEMPLATES)}: {fmt}"
        for path in TEMPLATES.rglob("*")
        if path.suffix in {".html", ".txt"}
        for fmt in literal_formats(path.read_text())
    }
    assert not found, found


def test_the_format_rule_catches_a_literal_format():
    assert literal_formats('{{ at|date:"H:i" }} {{ at|time:"g:i a" }} {{ d|date:"j M Y" }}') == [
        "|date:H:i",
        "|time:g:i a",
        "|date:j M Y",
    ]
    assert not literal_formats(
        '{{ at|date:"DATETIME_FORMAT" }} {{ at|time:"TIME_FORMAT" }} {{ d|date:"D" }}'
        " {{ d|date:'Y-m-d' }} {{ d|date }}"
    )
