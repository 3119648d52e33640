"""The Finnish catalogue ships complete and current with the code.

CI fails, naming each string, when:
- a string marked in the code is not in the committed catalogue (locale/fi/LC_MESSAGES/django.po),
  or the catalogue holds a string the code no longer has: the catalogue is compared with what
  `makemessages` extracts now, from a copy of the code (nothing is written into the repository);
- an entry is untranslated or fuzzy;
- a translation's placeholders differ from its original's (`%(name)s`, `{count}`);
- the committed compiled catalogue (django.mo, which the site reads) does not say what the .po says.

To bring the catalogue up to date: `make messages`, translate what it reports, then
`make compile-messages` (README, "Languages").
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

REPO = Path(__file__).resolve().parents[2]
MESSAGES = Path("locale") / "fi" / "LC_MESSAGES"
PO = REPO / MESSAGES / "django.po"
MO = REPO / MESSAGES / "django.mo"
# What makemessages reads: the code, the templates and the scripts.
SOURCES = ["manage.py", "trainer", "courses", "templates", "static/js"]

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("REQUIRE_GETTEXT"),
    reason="GNU gettext is not installed (apt-get install gettext); .ci/run installs it",
)


def key(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    plural = f" | {entry.msgid_plural!r}" if entry.msgid_plural else ""
    return f"{context}{entry.msgid!r}{plural}"


def entries(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {key(e): e for e in po if not e.obsolete}


@pytest.fixture(scope="module")
def committed() -> polib.POFile:
    assert PO.exists(), f"No Finnish catalogue: {PO.relative_to(REPO)} (run make messages)"
    return polib.pofile(str(PO))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """The catalogue makemessages writes for the code as it is, in a copy of the code."""
    copy = tmp_path_factory.mktemp("code")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=ignore)
        else:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    (copy / MESSAGES).mkdir(parents=True)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "trainer.settings",
        "PYTHONPATH": str(copy),
        "SECRET_KEY": "extracting-messages-only",
        "DEBUG": "1",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fi", "--no-location",
         "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return polib.pofile(str(copy / MESSAGES / "django.po"))


def test_every_string_in_the_code_is_in_the_catalogue(committed, extracted):
    missing = sorted(entries(extracted).keys() - entries(committed).keys())
    assert not missing, "Not in the Finnish catalogue (run make messages):\n" + "\n".join(missing)


def test_the_catalogue_holds_no_string_the_code_no_longer_has(committed, extracted):
    stale = sorted(entries(committed).keys() - entries(extracted).keys())
    assert not stale, "No longer in the code (run make messages):\n" + "\n".join(stale)


def untranslated(po: polib.POFile) -> list[str]:
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {key(entry)}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                found.append(f"untranslated: {key(entry)}")
        elif not entry.msgstr:
            found.append(f"untranslated: {key(entry)}")
    return found


def test_every_string_is_translated_and_none_is_fuzzy(committed):
    problems = untranslated(committed)
    assert not problems, "\n".join(problems)


PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([sdifrx%])")
BRACES = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")


def placeholders(text: str, flags: list[str]) -> list[str]:
    """The values a string is filled with. "%%" is a percent sign, not a value: a translation may
    write fewer of them ("70-89 %%" for "70%% to 89%%")."""
    found = [
        f"%({name})s" if name else f"%{kind}" for name, kind in PERCENT.findall(text) if kind != "%"
    ]
    if "python-brace-format" in flags:
        found += [f"{{{name}}}" for name in BRACES.findall(text)]
    return sorted(found)


def mismatched_placeholders(po: polib.POFile) -> list[str]:
    found = []
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if n == 0 else entry.msgid_plural, text)
                for n, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for original, translation in pairs:
            if not translation:
                continue
            expected = placeholders(original, entry.flags)
            got = placeholders(translation, entry.flags)
            # A plural's "one" form may write the number out: only named ones must all be there.
            if entry.msgid_plural and got != expected:
                named = [p for p in expected if p.startswith(("%(", "{"))]
                if sorted(p for p in got if p.startswith(("%(", "{"))) == named:
                    continue
            if got != expected:
                found.append(f"{key(entry)}: {expected} in the original, {got} translated")
    return found


def test_translations_keep_their_placeholders(committed):
    problems = mismatched_placeholders(committed)
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_says_what_the_po_says(committed, tmp_path):
    assert MO.exists(), f"{MO.relative_to(REPO)} is missing: run make compile-messages"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    with MO.open("rb") as shipped, fresh.open("rb") as compiled:
        shipped_catalog = gettext.GNUTranslations(shipped)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog
    differ = sorted(
        repr(k)
        for k in shipped_catalog.keys() | compiled_catalog.keys()
        if shipped_catalog.get(k) != compiled_catalog.get(k)
    )
    assert not differ, "django.mo is out of date (run make compile-messages):\n" + "\n".join(differ)


# The checks themselves, on small catalogues.


def catalogue(*blocks: str) -> polib.POFile:
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    return polib.pofile(header + "\n\n".join(blocks))


def test_the_checks_name_what_is_wrong():
    po = catalogue(
        'msgid "Save"\nmsgstr "Tallenna"',
        'msgid "Start"\nmsgstr ""',
        '#, fuzzy\nmsgid "Back"\nmsgstr "Takaisin"',
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hei %(nimi)s"',
        '#, python-brace-format\nmsgid "{count} left"\nmsgstr "jäljellä {määrä}"',
        '#, python-format\nmsgid "%(n)s%%"\nmsgstr "%(n)s %%"',
    )
    assert untranslated(po) == ["untranslated: 'Start'", "fuzzy: 'Back'"]
    problems = mismatched_placeholders(po)
    assert len(problems) == 2
    assert problems[0].startswith("'Hello %(name)s': ['%(name)s'] in the original, ['%(nimi)s']")
    assert problems[1].startswith("'{count} left'")
