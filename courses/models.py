from courses.certification.models import (
    AppendOnlyError,
    AuditEntry,
    Certificate,
    CompletionRecord,
    Expiry,
    RecertificationRequest,
    Review,
    Revocation,
    Supersession,
)
from courses.curriculum.models import Course, Module, Rule, Step
from courses.platform.models import PasswordResetRequest
from courses.practice.models import DrillAnswer, DrillRuleResult, DrillSession
from courses.progress.models import CallResult, ModuleProgress, StepCompletion, StepStart
from courses.quizzes.models import (
    Answer,
    AttemptQuestion,
    Choice,
    Question,
    Quiz,
    QuizAttempt,
    Scenario,
)
from courses.review.models import ReviewCard, ReviewLog
from courses.roleplays.models import RoleplayRun, RoleplayScript, RunTurn
from courses.teams.models import (
    Assignment,
    ManagerDigest,
    ManagerScope,
    Membership,
    Reminder,
    Team,
    TeamTally,
)

__all__ = [
    "Answer",
    "AppendOnlyError",
    "Assignment",
    "AttemptQuestion",
    "AuditEntry",
    "CallResult",
    "Certificate",
    "Choice",
    "CompletionRecord",
    "Course",
    "DrillAnswer",
    "DrillRuleResult",
    "DrillSession",
    "Expiry",
    "ManagerDigest",
    "ManagerScope",
    "Membership",
    "Module",
    "ModuleProgress",
    "PasswordResetRequest",
    "Question",
    "Quiz",
    "QuizAttempt",
    "RecertificationRequest",
    "Reminder",
    "Review",
    "ReviewCard",
    "ReviewLog",
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
    "TeamTally",
]
