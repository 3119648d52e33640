"""Helpers the tests share that are not fixtures: the small test curriculum (in the authoring
format) and its builder, accounts with a role, and ways of acting as a rep would."""

import datetime
import textwrap
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Step, StepStart

LESSON = """\
---
title: {title}
rules: [fcc-calling-hours]
---
## Why it matters

{title} is worth knowing. See [the rule](https://example.com/rule) and remember it.
"""


QUIZ = """\
title: Check your understanding
pass_mark: 75
draw: 4
questions:
  - id: registry-permanent
    kind: single
    prompt: How long does a registration on the National Do-Not-Call Registry last?
    tags: [registry]
    rules: [registry-permanent]
    explanation: Registrations are permanent until the consumer removes them.
    choices:
      - text: Five years
        feedback: That was the old rule.
      - text: Until removed or the number is reassigned
        correct: true
      - text: One year
        feedback: Registrations do not lapse.
  - id: local-time
    kind: true_false
    prompt: Calling hours are counted in the called party's local time.
    answer: true
    tags: [hours]
    rules: [fcc-calling-hours]
    explanation: The called party's local time counts.
  - id: consent-elements
    kind: multiple
    prompt: Which belong in prior express written consent?
    tags: [robocalls]
    rules: [fcc-written-consent-elements]
    explanation: The number to be called and a signature, among others.
    choices:
      - text: The number to be called
        correct: true
      - text: A signature
        correct: true
      - text: The caller's home address
        feedback: The consent names the number to be called, not the caller's address.
  - id: scrub-days
    kind: single
    prompt: How old may the registry copy you scrub against be, at most?
    tags: [registry]
    rules: [tsr-registry-access]
    explanation: Thirty-one days.
    choices:
      - text: 31 days
        correct: true
      - text: 90 days
        feedback: Too old; the registry changes every day.
"""


ROLEPLAY = """\
title: Not interested
summary: A flat no at the first sentence.
pass_mark: 60
persona:
  name: Dana Whitfield
  role: Owner of a dental practice
  location: Tampa, Florida
  local_time: Tuesday, 10:15 a.m. Eastern
  lead_source: The state dental board's public directory
  known:
    Income: About $250,000 a year
    ZIP code: "33606"
  relationship: None
  consent: None
  national_dnc: false
  firm_dnc: false
briefing: Earn a 15-minute meeting.
start: opening
nodes:
  opening:
    prospect: Whitfield Dental, this is Dana.
    replies:
      - text: Hi Dana, this is Sam Ortiz from Harbor Financial, calling about retirement plans.
        next: objection
        scores: {rapport: 2, compliance: 2}
        feedback: Name, firm and purpose up front.
        rules: [tsr-disclosures]
      - text: Are you happy with your returns?
        next: objection
        scores: {rapport: -1, compliance: -2}
        feedback: You did not say who you are or why you called.
        rules: [tsr-disclosures]
  objection:
    prospect: Not interested.
    replies:
      - text: Understood. May I send a one-page summary and call you Thursday?
        next: booked
        scores: {objections: 3, discovery: 1}
        feedback: Respectful and specific.
      - text: This plan is guaranteed to beat the market.
        next: failed
        violation: true
        rules: [finra-2150b]
        feedback: Never guarantee a customer against loss.
      - text: What would make this worth a conversation?
        next: stop
        scores: {discovery: 1}
        feedback: A fair question, but she has already said no.
  stop:
    prospect: Please do not call me again.
    replies:
      - text: I am sorry to have bothered you. I will put your number on our do-not-call list today.
        next: honoured
        scores: {compliance: 2}
        feedback: Acknowledge, confirm, end politely.
        rules: [fcc-company-dnc-honor]
      - text: Can I just ask one more question?
        next: failed
        violation: true
        rules: [fcc-company-dnc-honor]
        feedback: A do-not-call request ends the call.
  booked:
    prospect: Fine, Thursday.
    end: true
    outcome: meeting_booked
  honoured:
    prospect: Thank you. Goodbye.
    end: true
    outcome: dnc_honoured
  failed:
    prospect: I am hanging up now.
    end: true
    outcome: failed_violation
"""


RULES = """\
authority: FCC
binds: every-caller
rules:
  - id: fcc-calling-hours
    title: Calling hours
    citation: 47 CFR 64.1200(c)(1)
    statement: No telephone solicitation to a residence before 8 a.m. or after 9 p.m. local time.
    source: secondary
    checked: 2026-11-30
  - id: fcc-written-consent-elements
    title: What prior express written consent contains
    citation: 47 CFR 64.1200(f)(9)
    statement: Written, signed, with the number to be called.
    source: secondary
    checked: 2026-11-30
  - id: fcc-company-dnc-honor
    title: Honoring a do-not-call request
    citation: 47 CFR 64.1200(d)(3)
    statement: Honored within a reasonable time not to exceed 10 business days.
    source: primary
    checked: 2026-11-30
  - id: fcc-company-dnc-duration
    title: A do-not-call request lasts five years
    citation: 47 CFR 64.1200(d)(6)
    statement: A company-specific request is honored for 5 years.
    source: secondary
    checked: 2026-11-30
  - id: registry-permanent
    title: Registry entries are permanent
    authority: FTC
    citation: 15 U.S.C. 6155
    statement: A registration lasts until the person removes it or the number is reassigned.
    source: primary
    checked: 2026-11-30
  - id: tsr-registry-access
    title: Scrub against the registry every 31 days
    authority: FTC
    binds: sellers-outside-tsr-exclusion
    citation: 16 CFR 310.4(b)(3)(iv)
    statement: Sellers access the registry at least every 31 days.
    source: primary
    checked: 2026-11-30
  - id: tsr-disclosures
    title: Prompt disclosures at the start of the call
    authority: FTC
    binds: sellers-outside-tsr-exclusion
    citation: 16 CFR 310.4(d)
    statement: Before any pitch, say who the seller is, that it is a sales call, and what is sold.
    source: secondary
    checked: 2026-11-30
  - id: finra-2150b
    title: No guarantee against loss
    authority: FINRA
    binds: broker-dealers
    citation: FINRA Rule 2150(b)
    statement: No member or associated person may guarantee a customer against loss.
    source: primary
    checked: 2026-11-30
  - id: finra-firm-dnc-list
    title: Keeping the firm's do-not-call list
    authority: FINRA
    binds: broker-dealers
    citation: FINRA Rule 3230(d)
    statement: Record every request, honor it within 30 days and keep it for 5 years.
    source: secondary
    checked: 2026-11-30
"""


class CurriculumBuilder:
    """Writes a small curriculum into a temporary folder, in the authoring format, with a
    small rules catalogue holding the rules the fixtures below refer to."""

    def __init__(self, root: Path):
        self.root = root
        self.write("rules/rules.yaml", RULES)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def course(self, slug="basics", modules=("first-module",), title="Basics", order=1):
        listed = "".join(f"  - {m}\n" for m in modules)
        self.write(f"{slug}/course.yaml", f"title: {title}\norder: {order}\nmodules:\n{listed}")

    def module(
        self,
        course="basics",
        slug="first-module",
        lessons=("intro", "next-steps"),
        extra_steps="",
        required=False,
        title=None,
    ):
        steps = "".join(f"  - lesson: {name}.md\n" for name in lessons) + extra_steps
        recert = "recertify_after_months: 12\n" if required else ""
        self.write(
            f"{course}/{slug}/module.yaml",
            f"title: {title or slug.replace('-', ' ').title()}\n"
            f"summary: A module for tests.\nrules_as_of: 2026-01-31\n"
            f"required_for_certification: {'true' if required else 'false'}\n{recert}"
            f"steps:\n{steps}",
        )
        for name in lessons:
            self.write(
                f"{course}/{slug}/{name}.md", LESSON.format(title=name.replace("-", " ").title())
            )

    def quiz(self, course="basics", module="first-module", slug="check", text=QUIZ):
        self.write(f"{course}/{module}/{slug}.yaml", text)
        return slug

    def required_module(self, slug="module-1"):
        """A module required for certification: a lesson, the quiz (all four questions drawn)
        and the roleplay call. Add it to a course with `course(modules=[...])`."""
        self.module(
            slug=slug,
            lessons=["intro"],
            required=True,
            extra_steps="  - quiz: check.yaml\n  - roleplay: call.yaml\n",
        )
        self.quiz(module=slug)
        self.write(f"basics/{slug}/call.yaml", ROLEPLAY)
        return self

    def with_quiz(self, text=QUIZ, lessons=("intro",)):
        """One course, one module: lessons then a quiz step named `check`."""
        self.course(modules=["module-1"])
        self.module(slug="module-1", lessons=lessons, extra_steps="  - quiz: check.yaml\n")
        self.quiz(module="module-1", text=text)
        return self

    def with_roleplay(self, text=ROLEPLAY, lessons=("intro",)):
        """One course, one module: lessons then a roleplay step named `call`."""
        self.course(modules=["module-1"])
        self.module(slug="module-1", lessons=lessons, extra_steps="  - roleplay: call.yaml\n")
        self.write("basics/module-1/call.yaml", text)
        return self

    def simple(self, modules=1, lessons=2):
        slugs = [f"module-{i + 1}" for i in range(modules)]
        self.course(modules=slugs)
        for slug in slugs:
            self.module(slug=slug, lessons=[f"lesson-{j + 1}" for j in range(lessons)])
        return self


def days_before_today(days: int) -> datetime.datetime:
    """15:00 UTC, `days` days before the day the tests run. For evidence a test then reads at
    the real time: a certificate issued on a fixed date would run out a year later, and every
    test reading it as valid with it."""
    day = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC)


def make_user(django_user_model, username, role=None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password="pw",
        email=f"{username}@example.com",
        **({"first_name": username.title()} | extra),
    )
    if role:
        user.groups.add(role_group(role))
    return user


def role_group(role: str) -> Group:
    """The role's group. Made if missing: a transactional test ends by emptying every table,
    the groups the roles migration made among them, and tests run in any order."""
    return Group.objects.get_or_create(name=role)[0]


def opened_long_ago(user, steps=None):
    """As if `user` had opened these lessons (every active lesson if none are named) a day
    ago: long enough to have read any of them, so marking them complete is accepted."""
    steps = steps if steps is not None else Step.objects.active().filter(kind=Step.Kind.LESSON)
    day_ago = timezone.now() - datetime.timedelta(days=1)
    for step in steps:
        StepStart.objects.update_or_create(user=user, step=step, defaults={"started_at": day_ago})


def answer_form(attempt, right=True):
    """Form data answering every drawn question right (or wrong), by shown position."""
    data = {}
    for item in attempt.items.select_related("question").prefetch_related("question__choices"):
        choices = {c.pk: c for c in item.question.choices.all()}
        picks = [
            str(index)
            for index, choice_id in enumerate(item.choice_order)
            if choices[choice_id].is_correct == right
        ]
        if item.question.kind != "multiple":
            picks = picks[:1]
        data[f"q{item.position}"] = picks
    return data


# Pages asked for by a browser whose language is Finnish (the compiled catalogue ships with the
# code: locale/fi/LC_MESSAGES/django.mo).
FI = {"HTTP_ACCEPT_LANGUAGE": "fi"}


def finnish(client, url, data=None, **extra) -> str:
    """The page a Finnish browser gets: answered in Finnish."""
    response = client.get(url, data, **FI, **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Language"] == "fi"
    return response.content.decode()


def says(page: str, finnish_words: list[str], english_words: list[str]) -> None:
    """The page has these Finnish words, and none of these English interface words is left."""
    missing = [words for words in finnish_words if words not in page]
    left = [words for words in english_words if words in page]
    assert not missing, f"Finnish words missing: {missing}"
    assert not left, f"English interface words left: {left}"
