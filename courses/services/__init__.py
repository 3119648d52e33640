"""The only place that changes state: load rows, call an engine, write the result.

Service functions are keyword-only, named `<thing>_<action>`, and atomic. Views call these;
they never write models themselves.
"""

from .assignments import (
    assignment_change_due,
    assignment_create,
    assignment_withdraw,
    team_member_add,
    team_member_remove,
)
from .audit import audit_record
from .certification import (
    CertificationRefused,
    certificate_revoke,
    certificates_expire,
    completion_certify,
    completion_record_if_complete,
    completion_reject,
    outdated_certificates,
    recertification_require,
)
from .progress import ProgressRefused, lesson_complete, step_complete, step_open
from .quizzes import (
    QuizRefused,
    answer_key_shown,
    quiz_answer_save,
    quiz_attempt_finish_if_expired,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_availability,
)
from .roleplays import (
    RoleplayRefused,
    roleplay_choose,
    roleplay_record_dnc,
    roleplay_run_start,
)

__all__ = [
    "CertificationRefused",
    "ProgressRefused",
    "QuizRefused",
    "RoleplayRefused",
    "answer_key_shown",
    "assignment_change_due",
    "assignment_create",
    "assignment_withdraw",
    "audit_record",
    "certificate_revoke",
    "certificates_expire",
    "completion_certify",
    "completion_record_if_complete",
    "completion_reject",
    "lesson_complete",
    "outdated_certificates",
    "quiz_answer_save",
    "quiz_attempt_finish_if_expired",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "quiz_availability",
    "recertification_require",
    "roleplay_choose",
    "roleplay_record_dnc",
    "roleplay_run_start",
    "step_complete",
    "step_open",
    "team_member_add",
    "team_member_remove",
]
