"""Doing the work the way a rep does it: the same helpers that make the demo organisation."""

from courses.demo.work import (
    CLEAN_CALL,
    QUESTION_SECONDS,
    REPLY_SECONDS,
    answers_for,
    choose_reply,
    complete_module,
    play_call,
    take_quiz,
)

__all__ = [
    "CLEAN_CALL",
    "QUESTION_SECONDS",
    "REPLY_SECONDS",
    "answers_for",
    "choose_reply",
    "complete_module",
    "play_call",
    "take_quiz",
]
