from .content import Course, Module, Step
from .progress import StepCompletion
from .quizzes import Answer, AttemptQuestion, Choice, Question, Quiz, QuizAttempt, Scenario
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
    "Scenario",
    "Step",
    "StepCompletion",
    "Team",
]
