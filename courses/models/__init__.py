from .content import Course, Module, Step
from .progress import StepCompletion
from .teams import Membership, Team

__all__ = ["Course", "Membership", "Module", "Step", "StepCompletion", "Team"]
