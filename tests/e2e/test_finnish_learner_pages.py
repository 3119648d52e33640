"""The rep's learning pages, the Rules page and certificates in Finnish, in the browser: each
says its heading in Finnish, fits a phone's width (Finnish words run longer), has no serious
accessibility violation, and is photographed at both widths. A lesson marked complete too soon
is refused in Finnish, by keyboard, with JavaScript and without.

The people log in in English, then choose Finnish through the language cookie (as the language
chooser does), so the login form's words do not matter here. The pages' Finnish comes from the
compiled catalogue (locale/fi/LC_MESSAGES/django.mo).
"""

import pytest
from django.conf import settings

from .support import require_playwright

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from .keyboard import log_in, submit  # noqa: E402
from .support import DESKTOP, PHONE, SCREENSHOTS  # noqa: E402
from .test_accessibility import (  # noqa: E402
    FAILING_IMPACTS,
    LANDS_ON,
    build_state,
    describe,
    run_axe,
    sideways_overflow,
)

pytestmark = pytest.mark.django_db(transaction=True)


def in_finnish(page: Page, base_url: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fi", "url": base_url}]
    )


def finnish_pages(s) -> list[tuple[str, str | None, str, str, str]]:
    """(name, who, path, the h1 holds, the page shows) for each page in Finnish."""
    practice, lesson, quiz = s["practice"], s["lesson"], s["quiz_step"]
    code = s["certificate"].code
    return [
        ("my-training", "riley", "/", "Oma koulutus", "Myöhässä"),
        ("catalogue", "riley", "/catalogue/", "Koulutustarjonta", "vaihetta"),
        ("module", "riley", f"/modules/{practice.slug}/", practice.title, "Vaiheet"),
        (
            "lesson",
            "riley",
            f"/modules/{practice.slug}/{lesson.slug}/",
            lesson.title,
            "Merkitse suoritetuksi ja jatka",
        ),
        ("quiz", "riley", f"/modules/{practice.slug}/{quiz.slug}/", quiz.title, "Jatka"),
        (
            "quiz-attempt",
            "riley",
            f"/attempts/{s['open_attempt'].pk}/",
            quiz.title,
            "Lähetä vastaukset",
        ),
        (
            "quiz-review",
            "riley",
            f"/attempts/{s['reviewed_attempt'].pk}/",
            s["reviewed_attempt"].quiz.step.title,
            "Tarkastele vastauksiasi",
        ),
        ("reminders", "riley", "/reminders/", "Saamasi muistutukset", "Määräpäivä"),
        ("rules", "casey", "/rules/", "Säännöt", "Osaaminen nyt"),
        ("certificate", "casey", f"/certificates/{code}/", "todistus", "Mitätöi"),
        ("verify-result", None, f"/verify/{code}/", "Tarkista", "voimassa"),
    ]


def test_the_learning_pages_in_finnish(
    live_server, curriculum, django_user_model, riley, morgan, casey, open_page
):
    state = build_state(django_user_model, riley, morgan, casey)
    pages: dict[str | None, Page] = {}
    found, too_wide = [], []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, who, path, heading, shows in finnish_pages(state):
        if who not in pages:
            pages[who] = open_page(js=True)
            if who:
                log_in(pages[who], live_server.url, who, lands_on=LANDS_ON[who])
            in_finnish(pages[who], live_server.url)
        page = pages[who]
        page.set_viewport_size(DESKTOP)
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator("main")).to_contain_text(shows)
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            found += [(f"{name} in Finnish", width, v) for v in run_axe(page)]
            overflow = sideways_overflow(page)
            if overflow:
                too_wide.append(f"{name} ({width}): {overflow}")
            page.screenshot(
                path=SCREENSHOTS / f"fi-{name}-{width}.png", full_page=True, timeout=60_000
            )
    assert not too_wide, "Finnish pages that scroll sideways:\n" + "\n".join(too_wide)
    failing = [describe(*f) for f in found if f[2]["impact"] in FAILING_IMPACTS]
    assert not failing, "Serious or critical accessibility violations:\n" + "\n".join(failing)


def test_a_lesson_marked_too_soon_is_refused_in_finnish_by_keyboard(
    live_server, curriculum, riley, open_page, js
):
    from courses.models import Module, Step

    module = Module.objects.get(slug="handling-no")
    lesson = module.steps.active().filter(kind=Step.Kind.LESSON).order_by("position").first()
    page = open_page(js=js, viewport=PHONE)
    log_in(page, live_server.url, "riley")
    in_finnish(page, live_server.url)
    page.goto(f"{live_server.url}/modules/{module.slug}/{lesson.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    button = page.get_by_role("button", name="Merkitse suoritetuksi ja jatka")
    submit(page, js, button, "/complete/")
    expect(page.locator("main")).to_contain_text("Tämän oppitunnin lukeminen vie noin")
    expect(page.locator("main")).not_to_contain_text("This lesson takes about")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
