from .assignments import Assignment
from .audit import AppendOnlyError, AuditEntry
from .certification import (
    Certificate,
    CompletionRecord,
    Expiry,
    RecertificationRequest,
    Review,
    Revocation,
    Supersession,
)
from .content import Course, Module, Step
from .progress import StepCompletion, StepStart
from .quizzes import Answer, AttemptQuestion, Choice, Question, Quiz, QuizAttempt, Scenario
from .reminders import ManagerDigest, Reminder
from .roleplays import RoleplayRun, RoleplayScript, RunTurn
from .rules import Rule
from .teams import Membership, Team

__all__ = [
    "Answer",
    "AppendOnlyError",
    "Assignment",
    "AttemptQuestion",
    "AuditEntry",
    "Certificate",
    "Choice",
    "CompletionRecord",
    "Course",
    "Expiry",
    "ManagerDigest",
    "Membership",
    "Module",
    "Question",
    "Quiz",
    "QuizAttempt",
    "RecertificationRequest",
    "Reminder",
    "Review",
    "Revocation",
    "RoleplayRun",
    "RoleplayScript",
    "Rule",
    "RunTurn",
    "Scenario",
    "Step",
    "StepCompletion",
    "StepStart",
    "Supersession",
    "Team",
]
