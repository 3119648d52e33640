from django.urls import path, register_converter

from .models.certification import CODE_ALPHABET
from .views import certificates, compliance, insights, manager, rules
from .views.learner import pages, quizzes, roleplays, steps


class CertificateCode:
    """A certificate's code in a URL: anything else is simply not found."""

    regex = f"[{CODE_ALPHABET}]{{32}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CertificateCode, "code")


learner_urls = [
    path("", pages.home, name="home"),
    path("catalogue/", pages.catalogue, name="catalogue"),
    path("modules/<slug:module_slug>/", pages.module_detail, name="module"),
    path("modules/<slug:module_slug>/<slug:step_slug>/", steps.step_detail, name="step"),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/complete/",
        pages.lesson_complete,
        name="lesson-complete",
    ),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/attempts/",
        quizzes.quiz_start,
        name="quiz-start",
    ),
    path("attempts/<int:attempt_id>/", quizzes.quiz_attempt, name="quiz-attempt"),
    path("attempts/<int:attempt_id>/answers/", quizzes.quiz_answer, name="quiz-answer"),
    path("attempts/<int:attempt_id>/submit/", quizzes.quiz_submit, name="quiz-submit"),
    path(
        "modules/<slug:module_slug>/<slug:step_slug>/calls/",
        roleplays.roleplay_start,
        name="roleplay-start",
    ),
    path("calls/<int:run_id>/", roleplays.roleplay_run, name="roleplay-run"),
    path("calls/<int:run_id>/reply/", roleplays.roleplay_choose, name="roleplay-choose"),
    path("calls/<int:run_id>/record/", roleplays.roleplay_record, name="roleplay-record"),
    path("reminders/", pages.reminders, name="reminders"),
]

insight_urls = [
    path("quizzes/", insights.quiz_list, name="quizzes"),
    path("quizzes/<int:quiz_id>/", insights.quiz_detail, name="quiz"),
]

rule_urls = [
    path("", rules.rule_list, name="list"),
]

team_urls = [
    path("", manager.dashboard, name="dashboard"),
    path("export.csv", manager.dashboard_csv, name="dashboard-csv"),
    path("people/<int:user_id>/", manager.person_detail, name="person"),
    path("assignments/", manager.assignment_list, name="assignments"),
    path("assignments/new/", manager.assignment_new, name="assignment-new"),
    path("assignments/<int:pk>/due/", manager.assignment_due, name="assignment-due"),
    path("assignments/<int:pk>/withdraw/", manager.assignment_withdraw, name="assignment-withdraw"),
    path("teams/<int:team_id>/", manager.team_detail, name="team"),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        manager.team_member_remove,
        name="member-remove",
    ),
]

compliance_urls = [
    path("", compliance.queue, name="queue"),
    path("records/<int:record_id>/", compliance.record_detail, name="record"),
    path("records/<int:record_id>/certify/", compliance.record_certify, name="certify"),
    path("records/<int:record_id>/reject/", compliance.record_reject, name="reject"),
    path("records/certify/", compliance.bulk_certify, name="bulk-certify"),
    path("certificates/", compliance.certificate_list, name="certificates"),
    path(
        "certificates/<code:code>/revoke/", compliance.certificate_revoke, name="certificate-revoke"
    ),
    path("modules/<int:module_id>/recertify/", compliance.recertify, name="recertify"),
    path("audit/", compliance.audit_log, name="audit"),
    path("audit.csv", compliance.audit_csv, name="audit-csv"),
    path("reports/certification/", compliance.certification_report, name="report"),
    path("reports/certification.csv", compliance.certification_report_csv, name="report-csv"),
]

certificate_urls = [
    path("<code:code>/", certificates.certificate_detail, name="detail"),
]

verify_urls = [
    path("", certificates.verify, name="form"),
    path("<str:code>/", certificates.verify_code, name="code"),
]
