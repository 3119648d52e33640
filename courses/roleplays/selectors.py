"""Where a roleplay run stands, rebuilt from the script it was played on and its replies."""

from __future__ import annotations

from dataclasses import dataclass

from courses.curriculum.selectors import content_cache
from courses.models import RoleplayRun, Rule
from courses.roleplays import engine


def run_script(run: RoleplayRun) -> engine.Script:
    """The script the run is played on: parsed once per script and content version (a run
    keeps a copy of the script it started on, the same for every run begun on that version)."""
    key = f"roleplay-script:{run.script_id}:{run.content_version}"
    script = content_cache().get(key)
    if script is None:
        script = engine.parse_script(run.script_data)
        content_cache().set(key, script)
    return script


@dataclass(frozen=True)
class CallView:
    """Where a run stands: its script, the call state, and the score once it can be given."""

    script: engine.Script
    state: engine.CallState
    result: engine.CallResult | None
    seed: int | None = None  # the run's order of the replies offered

    @property
    def over(self) -> bool:
        return engine.is_over(self.script, self.state)

    @property
    def needs_record(self) -> bool:
        return self.result is not None and self.result.needs_dnc_record

    @property
    def offered(self) -> tuple[engine.Reply, ...]:
        return engine.offered_replies(self.script, self.state, self.seed)


def call_view(run: RoleplayRun, path: list[str]) -> CallView:
    """The call after the replies in `path` (reply ids, in order)."""
    script = run_script(run)
    state = engine.replay(script, path, ended_early=run.ended_early)
    result = None
    if engine.is_over(script, state):
        result = engine.score_path(script, path, dnc_record_of(run), ended_early=run.ended_early)
    return CallView(script, state, result, run.seed)


def dnc_record_of(run: RoleplayRun) -> engine.DncRecord | None:
    if not run.dnc_record:
        return None
    return engine.DncRecord(run.dnc_record["list"], frozenset(run.dnc_record["details"]))


@dataclass
class Exchange:
    """One moment of the call: the prospect's line and the reply the rep chose to it."""

    prospect: str
    reply: engine.Reply | None = None
    seconds: int | None = None

    @property
    def score_changes(self) -> list[tuple[str, int]]:
        """Each dimension the reply moved, by its label in the language of the page."""
        if self.reply is None:
            return []
        return [(str(engine.DIMENSION_LABELS[d]), v) for d, v in self.reply.scores.items() if v]


def run_exchanges(run: RoleplayRun) -> tuple[CallView, list[Exchange]]:
    """The call as played: each prospect line with the reply chosen and the time it took."""
    turns = list(run.turns.all())
    view = call_view(run, [t.reply for t in turns])
    exchanges = []
    previous_time = run.started_at
    for turn in turns:
        exchanges.append(
            Exchange(
                prospect=view.script.nodes[turn.node].prospect,
                reply=view.script.reply(turn.reply),
                seconds=round((turn.chosen_at - previous_time).total_seconds()),
            )
        )
        previous_time = turn.chosen_at
    return view, exchanges


@dataclass(frozen=True)
class RuleBroken:
    """A reply that broke a rule: a violation, or one that lost compliance points."""

    exchange: Exchange
    rules: list[tuple[str, str]]  # each rule it names: title and citation, from the catalogue


@dataclass(frozen=True)
class Debrief:
    went_well: list[Exchange]  # lawful replies that earned points
    broke_rules: list[RuleBroken]


def broke_a_rule(reply: engine.Reply) -> bool:
    return reply.violation or reply.scores.get("compliance", 0) < 0


def call_debrief(exchanges: list[Exchange]) -> Debrief:
    """What went well and what broke a rule, in the order the call went."""
    played = [x for x in exchanges if x.reply is not None]
    broken = [x for x in played if broke_a_rule(x.reply)]
    slugs = {slug for x in broken for slug in x.reply.rules}
    catalogue = (
        {
            slug: (title, citation)
            for slug, title, citation in Rule.objects.filter(slug__in=slugs).values_list(
                "slug", "title", "citation"
            )
        }
        if slugs
        else {}
    )
    return Debrief(
        went_well=[
            x for x in played if not broke_a_rule(x.reply) and sum(x.reply.scores.values()) > 0
        ],
        broke_rules=[
            RuleBroken(x, [catalogue[slug] for slug in x.reply.rules if slug in catalogue])
            for x in broken
        ],
    )
