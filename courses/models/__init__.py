from .content import Course, Module, Step
from .progress import StepCompletion
from .quizzes import Answer, AttemptQuestion, Choice, Question, Quiz, QuizAttempt, Scenario
from .roleplays import RoleplayRun, RoleplayScript, RunTurn
from .teams import Membership, Team

__all__ = [
    "Answer",
    "AttemptQuestion",
    "Choice",
    "Course",
    "Membership",
    "Module",
    "Question",
    "Quiz",
    "QuizAttempt",
    "RoleplayRun",
    "RoleplayScript",
    "RunTurn",
    "Scenario",
    "Step",
    "StepCompletion",
    "Team",
]
