"""Roleplay calls: read an authored call script, run a call through it, and score the call.

A script is a graph: the prospect's lines are nodes and the rep's possible replies are edges
(the authoring format is described in `courses/content/README.md`, "Roleplay calls"). This
package is plain Python on purpose: the content loader validates scripts with `parse_script`,
and the views run and score calls with the functions below, without either needing the database.

A call is stored as its path, the reply ids chosen in order; `replay` and `score_path` rebuild
everything else from the script.

One module per concern: `script` (what a script is once read), `parsing` (reading and checking
one), `best` (the best achievable score and a call that earns it), `call` (running a call,
or ending it early), `record` (the do-not-call
record), `scoring` (scoring a call) and `random_play` (how often random play passes).
"""

from courses.roleplays.engine.best import MAX_SCORING_STATES
from courses.roleplays.engine.call import (
    CallState,
    ReplyNotOffered,
    advance,
    end_early,
    is_over,
    offered_replies,
    replay,
    shuffled_for,
    start_call,
)
from courses.roleplays.engine.parsing import parse_script
from courses.roleplays.engine.random_play import (
    RANDOM_PLAY_CUTOFF,
    RANDOM_PLAY_MAX_TURNS,
    random_pass_chance,
)
from courses.roleplays.engine.record import (
    DNC_DETAILS,
    DNC_LIST_POINTS,
    DNC_LISTS,
    DNC_RECORD_MAX,
    DNC_RULES,
    REQUIRED_DNC_DETAILS,
    DncRecord,
    DncRecordResult,
    score_dnc_record,
)
from courses.roleplays.engine.scoring import CallResult, score_path
from courses.roleplays.engine.script import (
    DIMENSION_LABELS,
    DIMENSIONS,
    ENDED_EARLY,
    OUTCOMES,
    RUN_OUTCOMES,
    Node,
    Reply,
    Script,
    ScriptInvalid,
    ScriptProblem,
    read_only,
)

__all__ = [
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "DNC_DETAILS",
    "DNC_LISTS",
    "DNC_LIST_POINTS",
    "DNC_RECORD_MAX",
    "DNC_RULES",
    "ENDED_EARLY",
    "MAX_SCORING_STATES",
    "OUTCOMES",
    "RANDOM_PLAY_CUTOFF",
    "RANDOM_PLAY_MAX_TURNS",
    "REQUIRED_DNC_DETAILS",
    "RUN_OUTCOMES",
    "CallResult",
    "CallState",
    "DncRecord",
    "DncRecordResult",
    "Node",
    "Reply",
    "ReplyNotOffered",
    "Script",
    "ScriptInvalid",
    "ScriptProblem",
    "advance",
    "end_early",
    "is_over",
    "offered_replies",
    "parse_script",
    "random_pass_chance",
    "read_only",
    "replay",
    "score_dnc_record",
    "score_path",
    "shuffled_for",
    "start_call",
]
