"""What the browser tests share: settings of the browser, and the answers a user would give,
read from the database (the quiz key of the attempt the page shows, the call script)."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from courses.models import CompletionRecord, Module, QuizAttempt, RoleplayRun
from courses.roleplays import engine
from courses.roleplays.services import roleplay_record_dnc
from tests import factories
from tests.support import make_user

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-test-password"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def person(django_user_model, username: str, role: str, first: str, last: str):
    """A user with a role and a name, who logs in with PASSWORD."""
    user = make_user(django_user_model, username, role, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def browser_unavailable(reason: str):
    """Skip, with the reason; or fail when REQUIRE_BROWSER=1 (CI), so that nothing is skipped
    there without anyone noticing."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(
        f"browser tests skipped: {reason} (REQUIRE_BROWSER=1 makes this fail)",
        allow_module_level=True,
    )


def require_playwright() -> None:
    """Called before a test module imports Playwright."""
    if importlib.util.find_spec("playwright") is None:
        browser_unavailable("the playwright package is not installed (pip install -e '.[dev]')")


# The do-not-call record a rep makes at their desk: the firm's list, with what it must hold.
GOOD_DNC_RECORD = engine.DncRecord("firm", frozenset(engine.REQUIRED_DNC_DETAILS))


@dataclass(frozen=True)
class Pick:
    """The answer to one drawn question, as the page shows it: `q<position>` and choice indexes."""

    position: int
    kind: str
    indexes: tuple[int, ...]

    @property
    def name(self) -> str:
        return f"q{self.position}"


def quiz_picks(attempt: QuizAttempt, *, right: bool) -> list[Pick]:
    """Every drawn question answered right (or wrong), from the key of this very attempt."""
    picks = []
    items = attempt.items.select_related("question").prefetch_related("question__choices")
    for item in items.order_by("position"):
        correct = {c.pk: c.is_correct for c in item.question.choices.all()}
        indexes = [i for i, cid in enumerate(item.choice_order) if correct[cid] == right]
        if item.question.kind != "multiple" or not right:
            indexes = indexes[:1]  # one wrong choice is enough to get any question wrong
        assert indexes, f"question {item.position} has no {'right' if right else 'wrong'} choice"
        picks.append(Pick(item.position, item.question.kind, tuple(indexes)))
    return picks


@dataclass(frozen=True)
class CallPlan:
    replies: tuple[engine.Reply, ...]  # what to say: the page offers them in a shuffled order
    result: engine.CallResult  # with GOOD_DNC_RECORD when the call ends with a request

    @property
    def needs_record(self) -> bool:
        return self.result.end_outcome == "dnc_honoured"


def _walks(script: engine.Script):
    """Every way through the call that visits no moment twice, to an end of the call."""

    def walk(node_id, seen, replies):
        node = script.nodes[node_id]
        if node.end:
            yield replies
            return
        for reply in node.replies:
            if reply.next not in seen:
                yield from walk(reply.next, seen | {reply.next}, (*replies, reply))

    yield from walk(script.start, {script.start}, ())


def _plan(script, replies) -> CallPlan:
    path = [r.id for r in replies]
    state = engine.replay(script, path)
    record = GOOD_DNC_RECORD if script.nodes[state.node].outcome == "dnc_honoured" else None
    return CallPlan(replies, engine.score_path(script, path, record))


def plan_call(script_data: dict, *, violation: bool) -> CallPlan:
    """A short call with a compliance violation, or the best clean call that passes."""
    script = engine.parse_script(script_data)
    plans = [_plan(script, walk) for walk in _walks(script)]
    if violation:
        candidates = [p for p in plans if p.result.violations]
        return min(candidates, key=lambda p: len(p.replies))
    candidates = [p for p in plans if p.result.passed]
    return max(candidates, key=lambda p: (p.result.percent, -len(p.replies)))


def best_clean_call(script: engine.Script) -> list[str]:
    return [reply.id for reply in plan_call(script.to_data(), violation=False).replies]


def complete_module(user, module: Module, *, quiz_right: bool = True) -> CompletionRecord | None:
    """Every step of `module` done through the services, the way the pages do it, at the
    pace of honest work."""
    return factories.complete_module(user, module, quiz_right=quiz_right, calls=best_clean_call)


def play_call_through_services(user, run: RoleplayRun, plan: CallPlan, *, record=True) -> None:
    for reply in plan.replies:
        factories.choose_reply(user, run, reply.id)
    if plan.needs_record and record:
        roleplay_record_dnc(
            user=user,
            run_id=run.pk,
            list_key=GOOD_DNC_RECORD.list,
            details=GOOD_DNC_RECORD.details,
        )
